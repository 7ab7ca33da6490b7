/**
 * The notifier (events/rules.ts rule `notify`, Lambda target): each domain event becomes
 * an in-app notification and, where wanted, an email through SES, for every person the
 * rules of functions/core/notifications name, exactly once per (event id, recipient).
 *
 * - An event that is not a valid pathcert domain event is logged and dropped: retrying
 *   cannot make it valid.
 * - A missing or invalid address, or an address SES rejects for good, is recorded on the
 *   delivery and on the person (functions/store/notification-preferences.ts) and not
 *   retried; that address is not tried again until the person's address changes.
 * - Throttling and other transient failures release the delivery and make the invocation
 *   throw once every other recipient has been handled, so EventBridge/Lambda retries it;
 *   the retry only redoes what is still pending (store/notification-deliveries.ts).
 * - Each email carries the recipient's sub as its `recipient` tag and goes through the
 *   configuration set SES_CONFIGURATION_SET, so bounces and complaints SES reports later
 *   reach email-feedback.ts and stop email to that address.
 * - MessagePosted and the minutely `message-emails` schedule go to message-emails.ts: message
 *   emails are batched per thread and person instead of sent per event.
 * - Invitation events (InvitationCreated, InvitationExpiring) go to the invited address
 *   instead, once per invitation: invitee.ts.
 */
import { InvalidDomainEventError, parseDomainEvent, type DomainEvent } from '#core/events.ts';
import {
  audiencesOf,
  isInviteeEvent,
  planDeliveries,
  checkEmailAddress,
  STAFF_RECIPIENT,
  type PlannedDelivery,
  type ResolvedAudiences,
} from '#core/notifications/rules.ts';
import { wantsEmail } from '#core/notifications/preferences.ts';
import { renderNotification } from '#core/notifications/templates.ts';
import { nowIso, nowMs } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { logger } from '#lib/logger.ts';
import { getItem, queryPartition, type Item } from '#store/db.ts';
import { partitions } from '#store/keys.ts';
import * as keys from '#store/keys.ts';
import { notificationItem } from '#store/messages.ts';
import {
  beginDelivery,
  CLAIM_LEASE_MS,
  claimDelivery,
  failPending,
  finishDelivery,
  markUnconfirmed,
  releaseDelivery,
  type DeliveryRecord,
} from '#store/notification-deliveries.ts';
import { clearEmailProblem, getNotificationSettings, recordEmailProblem } from '#store/notification-preferences.ts';
import { getDistrict, getPathway } from '#store/registry.ts';
import { MESSAGE_EMAILS_JOB, onMessagePosted, sendClosedMessageWindows } from './message-emails.ts';
import { notifyInvitee } from './invitee.ts';
import { ADDRESS_ERRORS, PERMANENT_SES_ERRORS, sendEmail, sesErrorName, SUPPRESSING } from './ses-email.ts';

/** Recipients handled at once (SES's sending rate is per second; keep bursts small). */
const PARALLEL = 5;

export class TransientDeliveryError extends Error {
  constructor(readonly failures: string[]) {
    super(`notification deliveries to retry: ${failures.join('; ')}`);
    this.name = 'TransientDeliveryError';
  }
}

export interface NotifierResult {
  eventId?: string;
  dropped?: string;
  deliveries: { recipient: string; state: string }[];
}

interface Person {
  sub: string;
  name?: string;
  email?: string;
}

const personFrom = (i: Item): Person => ({
  sub: String(i.sub),
  ...(typeof i.name === 'string' && i.name ? { name: i.name } : {}),
  ...(typeof i.email === 'string' && i.email ? { email: i.email } : {}),
});

/** Names and people the event's notices need. */
async function resolve(event: DomainEvent) {
  const d = event.detail as { pathwayId: string; districtId?: string; reviewerSub?: string };
  const pathwayRead = getPathway(d.pathwayId);
  // The district is read alongside the pathway when the event names it; otherwise it is the pathway's.
  const districtId = d.districtId ?? (await pathwayRead)?.districtId;
  const types = new Set(audiencesOf(event.detailType));
  // The district, team and leads need only the ids: one round trip beside the pathway, not two.
  const [pathway, district, members, leads] = await Promise.all([
    pathwayRead,
    districtId ? getDistrict(districtId) : undefined,
    types.has('team') ? queryPartition({ partition: partitions.pathwayMembers(d.pathwayId) }) : undefined,
    types.has('districtLeads') && districtId
      ? queryPartition({ partition: partitions.districtMembers(districtId), skBeginsWith: 'lead#' })
      : undefined,
  ]);
  const known = new Map<string, Person>();
  const audiences: ResolvedAudiences = {};
  if (members) {
    const team = members.map(personFrom);
    team.forEach((m) => known.set(m.sub, m));
    audiences.team = team.map((m) => m.sub);
  }
  if (leads) {
    const districtLeads = leads.map(personFrom);
    // What the membership recorded for a team member wins over the district's copy.
    districtLeads.forEach((m) => known.set(m.sub, { ...m, ...known.get(m.sub) }));
    audiences.districtLeads = districtLeads.map((m) => m.sub);
  }
  if (types.has('reviewer') && d.reviewerSub) audiences.reviewer = [d.reviewerSub];
  return { pathwayName: pathway?.name, districtName: district?.name, audiences, known };
}

/** The person's current name and address: the profile (kept in step with their token), else what their membership recorded. */
async function personOf(sub: string, fallback: Person | undefined): Promise<Person> {
  const profile = await getItem(keys.person(sub));
  const fromProfile = profile ? personFrom(profile) : undefined;
  return { sub, ...fallback, ...fromProfile };
}

/** One recipient: the record and in-app notification once, then the email once. Returns the final state. */
async function deliver(
  event: DomainEvent & { id: string },
  plan: PlannedDelivery,
  ctx: { pathwayName?: string | undefined; districtName?: string | undefined; known: Map<string, Person> },
): Promise<string> {
  const staff = plan.recipient === STAFF_RECIPIENT;
  // The profile and the preferences are independent reads: one round trip, not two.
  const [person, settings] = staff
    ? [undefined, undefined]
    : await Promise.all([personOf(plan.recipient, ctx.known.get(plan.recipient)), getNotificationSettings(plan.recipient)]);
  const rendered = renderNotification(event, plan.audience, {
    recipientName: person?.name,
    pathwayName: ctx.pathwayName,
    districtName: ctx.districtName,
    baseUrl: config.appBaseUrl,
  });
  const at = nowIso();
  const notification = notificationItem({
    recipient: plan.recipient,
    kind: rendered.kind,
    title: rendered.title,
    body: rendered.body,
    link: rendered.link,
    at,
    eventId: event.id,
    ...(rendered.applicationId ? { applicationId: rendered.applicationId } : {}),
  });
  const wanted = plan.email !== undefined && wantsEmail(settings?.email, plan.email);
  const record: DeliveryRecord = {
    eventId: event.id,
    detailType: event.detailType,
    recipient: plan.recipient,
    notificationId: String(notification.id),
    state: wanted ? 'pending' : 'skipped',
    ...(plan.email ? { category: plan.email } : {}),
    ...(wanted ? {} : { reason: plan.email ? 'preference_off' : 'in_app_only' }),
    attempts: 0,
    createdAt: at,
    updatedAt: at,
  };
  const begun = await beginDelivery(record, notification);
  let current = begun === 'created' ? record : begun;
  if (current.state !== 'pending' && current.state !== 'sending') return current.state;

  if (current.state === 'sending') {
    // Another invocation holds the claim, or one died while sending: never send a second time.
    const stale = new Date(nowMs() - CLAIM_LEASE_MS).toISOString();
    const marked = await markUnconfirmed(current, stale);
    if (marked.ok) {
      logger.warn('email outcome unknown: an earlier invocation stopped while sending; not sent again', {
        eventId: event.id,
        recipient: plan.recipient,
      });
      return 'unconfirmed';
    }
    if (marked.record?.state === 'sending') throw new TransientDeliveryError([`${plan.recipient}: another invocation is sending`]);
    return marked.record?.state ?? 'missing';
  }

  const address = checkEmailAddress(person?.email);
  if (!address.ok) {
    await failPending(current, { reason: address.reason, ...(person?.email ? { address: person.email } : {}) });
    await recordEmailProblem(plan.recipient, { address: person?.email, reason: address.reason, at: nowIso(), eventId: event.id });
    logger.warn('notification email not sent', { eventId: event.id, recipient: plan.recipient, reason: address.reason });
    return 'failed';
  }
  const problem = settings?.emailProblem;
  if (problem && SUPPRESSING.has(problem.reason) && problem.address?.toLowerCase() === address.address.toLowerCase()) {
    await failPending(current, {
      reason: 'suppressed',
      detail: `SES ${problem.reason} this address before (${problem.detail ?? problem.reason})`,
      address: address.address,
    });
    return 'failed';
  }

  const claimed = await claimDelivery(current);
  if (!claimed.ok) return claimed.record?.state ?? 'missing';
  current = claimed.record;
  try {
    const messageId = await sendEmail(address.address, rendered, event, plan.recipient);
    await finishDelivery(current, { state: 'sent', address: address.address, ...(messageId ? { messageId } : {}) });
    if (problem) await clearEmailProblem(plan.recipient);
    return 'sent';
  } catch (error) {
    const name = sesErrorName(error);
    const message = (error as Error).message ?? String(error);
    if (PERMANENT_SES_ERRORS.has(name)) {
      await finishDelivery(current, { state: 'failed', reason: 'rejected', detail: `${name}: ${message}`, address: address.address });
      if (ADDRESS_ERRORS.has(name)) {
        await recordEmailProblem(plan.recipient, {
          address: address.address,
          reason: 'rejected',
          detail: `${name}: ${message}`,
          at: nowIso(),
          eventId: event.id,
        });
      }
      logger.warn('SES rejected a notification email', { eventId: event.id, recipient: plan.recipient, error: name });
      return 'failed';
    }
    await releaseDelivery(current, `${name}: ${message}`);
    throw new TransientDeliveryError([`${plan.recipient}: ${name}`]);
  }
}

export const handler = async (envelope: unknown): Promise<NotifierResult | Awaited<ReturnType<typeof sendClosedMessageWindows>>> => {
  // The minutely schedule (events/schedules.ts): its input is not an EventBridge envelope.
  if ((envelope as { job?: unknown } | null)?.job === MESSAGE_EMAILS_JOB) return sendClosedMessageWindows();
  let event: ReturnType<typeof parseDomainEvent>;
  try {
    event = parseDomainEvent(envelope);
  } catch (error) {
    if (!(error instanceof InvalidDomainEventError)) throw error;
    // Retrying cannot make it valid: drop it, loudly.
    const e = envelope as { id?: unknown; 'detail-type'?: unknown } | null;
    logger.error('dropped an event the notifier cannot read', {
      eventId: String(e?.id),
      detailType: String(e?.['detail-type']),
      error: error.message,
    });
    return { dropped: error.message, deliveries: [] };
  }

  if (event.detailType === 'MessagePosted') return onMessagePosted(event);
  // Invitations are told to an address, not to people of the table.
  if (isInviteeEvent(event)) return notifyInvitee(event);

  const ctx = await resolve(event);
  const plans = planDeliveries(event, ctx.audiences);
  const deliveries: NotifierResult['deliveries'] = [];
  const failures: string[] = [];
  for (let i = 0; i < plans.length; i += PARALLEL) {
    const batch = plans.slice(i, i + PARALLEL);
    const results = await Promise.allSettled(batch.map((p) => deliver(event, p, ctx)));
    results.forEach((r, j) => {
      const recipient = batch[j]!.recipient;
      if (r.status === 'fulfilled') deliveries.push({ recipient, state: r.value });
      else {
        failures.push(`${recipient}: ${(r.reason as Error).message}`);
        deliveries.push({ recipient, state: 'retry' });
      }
    });
  }
  logger.info('notified', { eventId: event.id, detailType: event.detailType, deliveries: deliveries.length, failures: failures.length });
  // Every recipient was tried; the retry redoes only what is still pending.
  if (failures.length > 0) throw new TransientDeliveryError(failures);
  return { eventId: event.id, deliveries };
};
