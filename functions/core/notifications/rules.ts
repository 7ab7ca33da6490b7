/**
 * Who is told about each domain event, and under which email category. Pure: the notifier
 * resolves the audiences to people from the table and renders with templates.ts.
 *
 * Audiences:
 * - team: every member of the pathway (leads and members);
 * - districtLeads: the leads of the pathway's district;
 * - reviewer: the reviewer the event names;
 * - staff: the shared staff inbox (in-app only: staff are a sign-in group, not a list of
 *   addresses in the table);
 * - invitee: the address an invitation was sent to (email only: the invitee may not have
 *   signed in yet, so there is no inbox and no preferences; the notifier's invitation path,
 *   functions/notifications/invitations.ts, sends it, and suppressed addresses stay suppressed).
 */
import type { DomainEvent, DetailType } from '../events.ts';
import type { EmailCategory } from './preferences.ts';

export type Audience = 'team' | 'districtLeads' | 'reviewer' | 'staff' | 'invitee';

export interface AudienceRule {
  audience: Audience;
  /** The email category; undefined = in-app only (or, for the invitee, email outside any category). */
  email: EmailCategory | undefined;
}

/** The audiences of each event, in priority order: a person in two audiences is told once, as the first. */
export const notificationRules: Record<DetailType, readonly AudienceRule[]> = {
  ApplicationSubmitted: [
    { audience: 'team', email: 'applications' },
    { audience: 'staff', email: undefined },
  ],
  ReviewerAssigned: [{ audience: 'reviewer', email: 'reviewAssignments' }],
  ReviewSubmitted: [{ audience: 'staff', email: undefined }],
  DecisionMade: [
    { audience: 'team', email: 'decisions' },
    { audience: 'districtLeads', email: 'decisions' },
  ],
  CertificationIssued: [
    { audience: 'team', email: 'certifications' },
    { audience: 'districtLeads', email: 'certifications' },
  ],
  CertificationExpiring: [
    { audience: 'team', email: 'expiry' },
    { audience: 'districtLeads', email: 'expiry' },
  ],
  CertificationExpired: [
    { audience: 'team', email: 'expiry' },
    { audience: 'districtLeads', email: 'expiry' },
    { audience: 'staff', email: undefined },
  ],
  CertificationWithdrawn: [
    { audience: 'team', email: 'certifications' },
    { audience: 'districtLeads', email: 'certifications' },
  ],
  BenefitsChanged: [
    { audience: 'team', email: 'certifications' },
    { audience: 'districtLeads', email: 'certifications' },
  ],
  RenewalOpened: [
    { audience: 'team', email: 'renewals' },
    { audience: 'districtLeads', email: 'renewals' },
  ],
  // No per-event delivery: the thread writes the in-app notices when the message is posted,
  // and the email is batched per thread and person (core/notifications/message-batching.ts,
  // functions/notifications/message-emails.ts), category `messages`.
  MessagePosted: [],
  InvitationCreated: [{ audience: 'invitee', email: undefined }],
  InvitationExpiring: [{ audience: 'invitee', email: undefined }],
};

/** The events told to an invitee by address (functions/notifications/invitations.ts), not to people of the table. */
export const inviteeDetailTypes = ['InvitationCreated', 'InvitationExpiring'] as const satisfies readonly DetailType[];
export type InviteeDetailType = (typeof inviteeDetailTypes)[number];

export function isInviteeEvent<E extends Pick<DomainEvent, 'detailType'>>(
  event: E,
): event is Extract<E, { detailType: InviteeDetailType }> {
  return (inviteeDetailTypes as readonly string[]).includes(event.detailType);
}

/**
 * The recipient key of an invitee's delivery records, email tag and email problems: the
 * address, not a person (the invitee may never have signed in). A bounce or complaint SES
 * reports for it is recorded under this key by email-feedback.ts, like a person's.
 */
export function inviteeRecipient(address: string): string {
  return `invitee:${address.trim().toLowerCase()}`;
}

/**
 * The once-only key of an invitee's email: one invitation email and one reminder per
 * invitation, however often the event is published (a retried request, two sweeps).
 */
export function inviteeDeliveryKey(detailType: InviteeDetailType, invitationId: string): string {
  return `${detailType}#${invitationId}`;
}

/** The people an audience resolved to (subs), by audience. */
export type ResolvedAudiences = Partial<Record<Exclude<Audience, 'staff'>, readonly string[]>>;

/** The special recipient of the shared staff inbox. */
export const STAFF_RECIPIENT = 'STAFF';

export interface PlannedDelivery {
  /** A person's sub, or STAFF_RECIPIENT. */
  recipient: string;
  audience: Audience;
  email: EmailCategory | undefined;
}

/**
 * One delivery per recipient: duplicates across audiences collapse into the first
 * audience that names them (a district lead who is also on the team is told as the team).
 */
export function planDeliveries(event: Pick<DomainEvent, 'detailType'>, people: ResolvedAudiences): PlannedDelivery[] {
  const out: PlannedDelivery[] = [];
  const seen = new Set<string>();
  for (const rule of notificationRules[event.detailType]) {
    const subs = rule.audience === 'staff' ? [STAFF_RECIPIENT] : (people[rule.audience] ?? []);
    for (const recipient of subs) {
      if (!recipient || seen.has(recipient)) continue;
      seen.add(recipient);
      out.push({ recipient, audience: rule.audience, email: rule.audience === 'staff' ? undefined : rule.email });
    }
  }
  return out;
}

/** Which audiences an event needs resolved from the table. */
export function audiencesOf(detailType: DetailType): Audience[] {
  return notificationRules[detailType].map((r) => r.audience);
}

const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * An address SES will accept as a recipient (ASCII `local@domain.tld`), or why not. Checked
 * before sending so a bad address is recorded once instead of failing every retry.
 */
export function checkEmailAddress(
  address: string | undefined | null,
): { ok: true; address: string } | { ok: false; reason: 'missing_address' | 'invalid_address' } {
  if (address === undefined || address === null || address.trim() === '') return { ok: false, reason: 'missing_address' };
  const value = address.trim();
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.length > 254) return { ok: false, reason: 'invalid_address' };
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  const okLocal = local.length <= 64 && LOCAL_ATOM.test(local);
  const okDomain = labels.length >= 2 && labels.every((l) => DOMAIN_LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!);
  return okLocal && okDomain ? { ok: true, address: value } : { ok: false, reason: 'invalid_address' };
}
