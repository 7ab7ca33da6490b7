/**
 * What a notification says: for each domain event and audience, the in-app title and
 * body, and the email (subject, text and HTML) with the recipient's name, what happened,
 * what to do next and a link into the frontend. Pure and deterministic, so the tests
 * render every event for every audience.
 *
 * Links are paths of the frontend; emails make them absolute with the stage's base URL
 * (APP_BASE_URL, CDK context appBaseUrl). In-app notifications keep the path, as the
 * notifications the pipeline writes do.
 */
import type { DomainEvent } from '../events.ts';
import type { Level } from '../levels.ts';
import type { Audience } from './rules.ts';

export type NotificationKind =
  | 'application.submitted'
  | 'review.assigned'
  | 'review.submitted'
  | 'decision.made'
  | 'certification.issued'
  | 'certification.expiring'
  | 'certification.expired'
  | 'renewal.opened'
  | 'certification.withdrawn'
  | 'benefits.changed'
  | 'invitation.created'
  | 'invitation.expiring';

export interface RenderContext {
  /** The recipient's name; a neutral greeting when unknown. */
  recipientName?: string | undefined;
  pathwayName?: string | undefined;
  districtName?: string | undefined;
  /** Who sent an invitation (their name, else their address); invitation notices only. */
  inviterName?: string | undefined;
  /** Frontend base URL, e.g. https://app.pathcert.example (no trailing slash needed). */
  baseUrl: string;
}

export interface RenderedNotification {
  kind: NotificationKind;
  /** In-app title and short body. */
  title: string;
  body: string;
  /** Frontend path. */
  link: string;
  applicationId?: string;
  email: { subject: string; text: string; html: string };
}

const levelNames: Record<Level, string> = { candidacy: 'Candidacy', silver: 'Silver', gold: 'Gold' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2027-03-14` (or a date-time) as `14 March 2027`; unchanged when not a date. */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function absoluteLink(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** The facts of one notice before it is dressed as in-app text and email. */
interface Notice {
  kind: NotificationKind;
  subject: string;
  /** What happened (one or two sentences). */
  happened: string;
  /** What to do next. */
  next: string;
  link: string;
  action: string;
  applicationId?: string;
  /** Why the recipient gets this email, when not as a member (the invitee has no settings). */
  footer?: string;
}

const invitationRoles = {
  pathway: { lead: 'a team lead', member: 'a team member', data: 'a team member', reviewer: 'a team member' },
  district: { lead: 'a district lead', member: 'a district contact', data: 'the district data contact', reviewer: 'a district contact' },
  reviewer: { lead: 'a reviewer', member: 'a reviewer', data: 'a reviewer', reviewer: 'a reviewer' },
} as const;

/** `2027-03-14T09:05:00Z` as `14 March 2027, 09:05 UTC`. */
export function formatDateTime(iso: string): string {
  const m = /T(\d{2}):(\d{2})/.exec(iso);
  return m ? `${formatDate(iso)}, ${m[1]}:${m[2]} UTC` : formatDate(iso);
}

const REVIEWER_POOL = 'the pathcert reviewer pool';
/** " on pathcert" after a target that does not already name pathcert. */
const onPathcert = (target: string) => (target === REVIEWER_POOL ? '' : ' on pathcert');

const INVITEE_FOOTER =
  'You receive this because someone invited this address to pathcert, the certification platform of Linked Learning pathways. If you did not expect it, ignore it: nothing changes unless you accept.';

/** An invitation's target as a phrase: the pathway's team (with its district), the district, or the reviewer pool. */
function invitationTarget(scope: 'pathway' | 'district' | 'reviewer', ctx: RenderContext): string {
  if (scope === 'reviewer') return REVIEWER_POOL;
  if (scope === 'district') return ctx.districtName ?? 'a district';
  const team = ctx.pathwayName ? `the ${ctx.pathwayName} team` : 'a pathway team';
  return ctx.districtName ? `${team} (${ctx.districtName})` : team;
}

const decisionWords = {
  certified: 'certified',
  revise_and_resubmit: 'asked to revise and resubmit',
  not_yet: 'not yet certified',
} as const;

function notice(event: DomainEvent, audience: Audience, ctx: RenderContext): Notice {
  const pathway = ctx.pathwayName ?? 'your pathway';
  const where = ctx.districtName ? `${pathway} (${ctx.districtName})` : pathway;
  switch (event.detailType) {
    case 'ApplicationSubmitted': {
      const d = event.detail;
      const what = d.renewal ? `renewal application for ${levelNames[d.level]}` : `application for ${levelNames[d.level]}`;
      if (audience === 'staff') {
        return {
          kind: 'application.submitted',
          subject: `New ${what}: ${where}`,
          happened: `${where} submitted a ${what} on ${formatDate(d.submittedAt)}.`,
          next: 'The review workflow has started; check the queue for anything that needs staff.',
          link: `/applications/${d.applicationId}`,
          action: 'Open the application',
          applicationId: d.applicationId,
        };
      }
      return {
        kind: 'application.submitted',
        subject: `${pathway}: ${what} submitted`,
        happened: `Your team submitted its ${what} on ${formatDate(d.submittedAt)}.`,
        next: 'Reviewers will be assigned shortly; you will be told when a decision is made. You can follow its progress and the message thread in the application.',
        link: `/applications/${d.applicationId}`,
        action: 'View the application',
        applicationId: d.applicationId,
      };
    }
    case 'ReviewerAssigned': {
      const d = event.detail;
      return {
        kind: 'review.assigned',
        subject: `Review assigned: ${pathway}, due ${formatDate(d.dueOn)}`,
        happened: `You were assigned to review the application of ${pathway}.`,
        next: `Read the submission and submit your scores by ${formatDate(d.dueOn)}. If you have a conflict of interest, recuse yourself now so the panel can be completed in time.`,
        link: `/reviews/${d.reviewId}`,
        action: 'Open the review',
        applicationId: d.applicationId,
      };
    }
    case 'ReviewSubmitted': {
      const d = event.detail;
      return {
        kind: 'review.submitted',
        subject: `Review submitted: ${pathway}`,
        happened: `A reviewer submitted their review of ${pathway}'s application on ${formatDate(d.submittedAt)}.`,
        next: 'When every seat has reported, the application moves to decision pending.',
        link: `/applications/${d.applicationId}/reviews`,
        action: 'Open the reviews',
        applicationId: d.applicationId,
      };
    }
    case 'DecisionMade': {
      const d = event.detail;
      const outcome = decisionWords[d.decision];
      const next =
        d.decision === 'certified'
          ? 'Read the decision letter; your certificate and directory listing follow.'
          : d.decision === 'revise_and_resubmit'
            ? 'Read the decision letter for the required changes, then revise and resubmit the application.'
            : "Read the decision letter for the reviewers' feedback; you may apply again when ready.";
      return {
        kind: 'decision.made',
        subject: `Decision for ${pathway}: ${levelNames[d.level]} ${outcome}`,
        happened:
          audience === 'districtLeads'
            ? `${where}'s application for ${levelNames[d.level]} was ${outcome} on ${formatDate(d.decidedAt)}.`
            : `Your application for ${levelNames[d.level]} was ${outcome} on ${formatDate(d.decidedAt)}.`,
        next,
        link: `/applications/${d.applicationId}/decision`,
        action: 'Read the decision',
        applicationId: d.applicationId,
      };
    }
    case 'CertificationIssued': {
      const d = event.detail;
      return {
        kind: 'certification.issued',
        subject: `${pathway} is certified ${levelNames[d.level]}`,
        happened: `${where} holds ${levelNames[d.level]} certification from ${formatDate(d.issuedOn)}, valid until ${formatDate(d.expiresOn)}.`,
        next: 'The pathway now appears in the public directory. Renewal opens before the expiry date; you will be reminded.',
        link: `/pathways/${d.pathwayId}/certifications`,
        action: 'View the certification',
        applicationId: d.applicationId,
      };
    }
    case 'CertificationExpiring': {
      const d = event.detail;
      // daysLeft, when present, is what remains (fewer than the step's daysBefore when the sweep caught up after missed days).
      const days = d.daysLeft ?? d.daysBefore;
      const when = days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`;
      return {
        kind: 'certification.expiring',
        subject: `${pathway}: ${levelNames[d.level]} certification expires ${when}`,
        happened: `${where}'s ${levelNames[d.level]} certification expires on ${formatDate(d.expiresOn)} (${when}).`,
        next: 'Submit the renewal application before that date to keep the certification without a gap.',
        link: `/pathways/${d.pathwayId}/certifications`,
        action: 'Start or continue the renewal',
      };
    }
    case 'CertificationExpired': {
      const d = event.detail;
      return {
        kind: 'certification.expired',
        subject: `${pathway}: ${levelNames[d.level]} certification expired`,
        happened: `${where}'s ${levelNames[d.level]} certification expired on ${formatDate(d.expiredOn)}; the pathway's level and directory listing were updated.`,
        next:
          audience === 'staff'
            ? 'No action is needed unless the team asks for help with a new application.'
            : 'Apply again to regain the certification; your evidence library is kept.',
        link: `/pathways/${d.pathwayId}/certifications`,
        action: 'View the pathway',
      };
    }
    case 'CertificationWithdrawn': {
      const d = event.detail;
      return {
        kind: 'certification.withdrawn',
        subject: `${pathway}: ${levelNames[d.level]} certification withdrawn`,
        happened: `Certification staff withdrew ${where}'s ${levelNames[d.level]} certification on ${formatDate(d.withdrawnAt)}; the pathway's level, directory listing and network benefits were updated.`,
        next: 'The pathway certification page gives the reason; contact certification staff with any questions.',
        link: `/pathways/${d.pathwayId}/certifications`,
        action: 'View the pathway',
      };
    }
    case 'BenefitsChanged': {
      const d = event.detail;
      const count = (n: number) => `${n} network benefit${n === 1 ? '' : 's'}`;
      const parts = [
        ...(d.unlocked.length > 0 ? [`unlocked ${count(d.unlocked.length)}`] : []),
        ...(d.lost.length > 0 ? [`no longer has ${count(d.lost.length)}`] : []),
      ];
      const standing = d.level ? `${levelNames[d.level]} certification` : 'loss of certification';
      return {
        kind: 'benefits.changed',
        subject: d.unlocked.length > 0 ? `${pathway}: new network benefits unlocked` : `${pathway}: network benefits changed`,
        happened: `With its ${standing}, ${where} ${parts.join(' and ')}.`,
        next:
          d.unlocked.length > 0
            ? 'See what is now available and request the benefits with limited places (such as student scholarship nominations).'
            : 'See which benefits the pathway still holds; renewing or regaining the level restores the others.',
        link: `/pathways/${d.pathwayId}/benefits`,
        action: 'View the benefits',
      };
    }
    case 'MessagePosted':
      // Not a per-event notice: message emails are batched per thread (message-digest.ts).
      throw new Error('MessagePosted has no per-event notice; see core/notifications/message-digest.ts');
    case 'RenewalOpened': {
      const d = event.detail;
      return {
        kind: 'renewal.opened',
        subject: `${pathway}: renewal of ${levelNames[d.level]} is open`,
        happened: `The renewal window of ${where}'s ${levelNames[d.level]} certification (expiring ${formatDate(d.expiresOn)}) is open${d.applicationId ? ', and a renewal application was drafted with your evidence carried forward' : ''}.`,
        next: 'Review the draft, update what changed and submit it before the expiry date.',
        link: d.applicationId ? `/applications/${d.applicationId}` : `/pathways/${d.pathwayId}/applications`,
        action: d.applicationId ? 'Open the renewal draft' : 'Start the renewal',
        ...(d.applicationId ? { applicationId: d.applicationId } : {}),
      };
    }
    case 'InvitationCreated': {
      const d = event.detail;
      const target = invitationTarget(d.scope, ctx);
      const role = invitationRoles[d.scope][d.role];
      return {
        kind: 'invitation.created',
        subject: ctx.inviterName
          ? `${ctx.inviterName} invited you to join ${target}${onPathcert(target)}`
          : `You are invited to join ${target}${onPathcert(target)}`,
        happened: `${ctx.inviterName ?? 'Someone at pathcert'} invited you to join ${target} as ${role}. The invitation expires on ${formatDateTime(d.expiresAt)}.`,
        next: 'Open the link and sign up with this email address (choose a password and enter the code we email you), or sign in if you already have an account; then accept the invitation before it expires. After that date it can no longer be accepted and has to be sent again.',
        link: `/invitations/${d.invitationId}`,
        action: 'Accept the invitation',
        footer: INVITEE_FOOTER,
      };
    }
    case 'InvitationExpiring': {
      const d = event.detail;
      const target = invitationTarget(d.scope, ctx);
      const role = invitationRoles[d.scope][d.role];
      return {
        kind: 'invitation.expiring',
        subject: `Reminder: your invitation to join ${target} expires on ${formatDate(d.expiresAt)}`,
        happened: `${ctx.inviterName ? `${ctx.inviterName}'s` : 'Your'} invitation to join ${target} as ${role} has not been accepted yet. It expires on ${formatDateTime(d.expiresAt)}.`,
        next: 'Sign up with this email address (or sign in if you already have an account) and accept it before then; after that date it has to be sent again. If you do not want to join, ignore this email.',
        link: `/invitations/${d.invitationId}`,
        action: 'Accept the invitation',
        footer: INVITEE_FOOTER,
      };
    }
  }
}

/** The in-app notification and the email of an event for one recipient. */
export function renderNotification(event: DomainEvent, audience: Audience, ctx: RenderContext): RenderedNotification {
  const n = notice(event, audience, ctx);
  const url = absoluteLink(ctx.baseUrl, n.link);
  const greeting = ctx.recipientName ? `Hello ${ctx.recipientName},` : 'Hello,';
  const footer =
    n.footer ??
    'You receive this as part of your pathway certification with pathcert. Choose which optional emails you get in your notification settings.';
  const text = [greeting, '', n.happened, '', `What to do next: ${n.next}`, '', `${n.action}: ${url}`, '', '— pathcert', '', footer].join(
    '\n',
  );
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<h2 style="font-size: 1.1em">${escapeHtml(n.subject)}</h2>`,
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(n.happened)}</p>`,
    `<p><strong>What to do next:</strong> ${escapeHtml(n.next)}</p>`,
    `<p><a href="${escapeHtml(url)}">${escapeHtml(n.action)}</a></p>`,
    '<p>— pathcert</p>',
    `<p style="color: #666; font-size: 0.85em">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return {
    kind: n.kind,
    title: n.subject,
    body: `${n.happened} ${n.next}`,
    link: n.link,
    ...(n.applicationId ? { applicationId: n.applicationId } : {}),
    email: { subject: n.subject, text, html },
  };
}
