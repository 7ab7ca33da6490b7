/**
 * Message emails, batched per (application thread, recipient): the notifier's handling of
 * MessagePosted (queue the message in each recipient's window, opening one in a quiet
 * thread) and of the minutely `message-emails` schedule (send each window that has closed,
 * one email listing its messages). The rules are core/notifications/message-batching.ts;
 * the window item and its conditional writes are store/message-email-windows.ts.
 *
 * Why a minutely schedule on the notifier: it costs three CloudFormation resources (the
 * schedule, its role and the role's policy) and no new function, queue or per-window
 * resource; an SQS delay queue would cap the window at 15 minutes and add a queue, its
 * policy, a dead-letter queue and an event source mapping; one Scheduler one-time schedule
 * per window would need CreateSchedule/DeleteSchedule rights, a pass-role grant and cleanup.
 * The cost of the schedule is one small Query a minute; an email goes out at most a minute
 * (plus SEND_GRACE_MS) after its window closes. A failed run is simply the next run's work:
 * the windows stay in the table until sent, so a crash between windows loses nothing.
 *
 * A message the thread API wrote but could not announce (it stopped, or PutEvents failed,
 * before MessagePosted went out) stays on a sparse index; each run queues those older than
 * two minutes itself.
 *
 * Once only: a message is queued at most once per recipient (`seen`), the sweep claims a
 * window before sending and records it sent after; a sweep that died while sending is not
 * repeated (its claim expires as "unconfirmed", as the notifier does for its emails).
 */
import type { DomainEvent } from '#core/events.ts';
import {
  afterSending,
  belongsInEmail,
  claim,
  cursorTime,
  messageCursor,
  messageRecipients,
  onMessage,
  release,
  SEND_GRACE_MS,
  sweepAction,
  windowMs,
} from '#core/notifications/message-batching.ts';
import { MESSAGE_DIGEST_KIND, renderMessageDigest, type DigestMessage } from '#core/notifications/message-digest.ts';
import { wantsEmail } from '#core/notifications/preferences.ts';
import { checkEmailAddress, STAFF_RECIPIENT } from '#core/notifications/rules.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { logger } from '#lib/logger.ts';
import { getItem } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { getMessageWindow, listClosedMessageWindows, saveMessageWindow, type WindowRef } from '#store/message-email-windows.ts';
import {
  getMessage,
  getThreadApplication,
  getThreadSettings,
  listUnannouncedMessages,
  markMessageAnnounced,
  messageView,
  threadParticipants,
  type AuthorRole,
  type ThreadApplication,
} from '#store/messages.ts';
import { getNotificationSettings, recordEmailProblem, type EmailProblem } from '#store/notification-preferences.ts';
import { ADDRESS_ERRORS, PERMANENT_SES_ERRORS, sendEmail, sesErrorName, SUPPRESSING } from './ses-email.ts';

/** The schedule's job name (events/schedules.ts `message-emails`). */
export const MESSAGE_EMAILS_JOB = 'message-emails';
/**
 * Conditional writes lost to other writers before giving up (the event is retried, the sweep
 * runs again). Each loss waits a random, growing moment, so a burst of messages into one
 * thread settles in a few rounds instead of colliding again.
 */
const MAX_WRITE_ATTEMPTS = 25;
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 6)));
/** Windows handled at once, and per run (the rest are next minute's). */
const PARALLEL = 5;
const MAX_WINDOWS_PER_RUN = 500;
/** A message still unannounced this long after it was posted lost its MessagePosted (the API stopped before publishing). */
const ANNOUNCE_GRACE_MS = 2 * 60 * 1000;
const MAX_REPAIRS_PER_RUN = 100;

export class WindowConflictError extends Error {
  constructor(what: string) {
    super(`message email window kept changing: ${what}`);
    this.name = 'WindowConflictError';
  }
}

async function inParallel<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = [];
  for (let i = 0; i < items.length; i += PARALLEL) out.push(...(await Promise.allSettled(items.slice(i, i + PARALLEL).map(fn))));
  return out;
}

/** Whether this recipient wants message emails at all (checked again when the email is sent). */
async function wantsMessageEmails(recipient: string): Promise<boolean> {
  if (recipient === STAFF_RECIPIENT) return config.staffInboxEmail !== undefined;
  return wantsEmail((await getNotificationSettings(recipient)).email, 'messages');
}

/** Queues one message in one recipient's window: conditional on the window's rev, re-read on a lost race. */
export async function queueMessage(ref: WindowRef, cursor: string): Promise<'opened' | 'queued' | 'duplicate'> {
  const length = windowMs(config.messageEmailWindowMinutes);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await getMessageWindow(ref);
    const outcome = onMessage(current, cursor, nowIso(), length);
    if (outcome.kind === 'duplicate') return 'duplicate';
    if (await saveMessageWindow(ref, outcome.next, current.rev)) return outcome.opened ? 'opened' : 'queued';
    await backoff(attempt);
  }
  throw new WindowConflictError(`${ref.applicationId} / ${ref.recipient}`);
}

interface PostedMessage {
  applicationId: string;
  messageId: string;
  postedAt: string;
  authorSub: string;
  authorRole: AuthorRole;
}

/** The message joins the window of everyone it concerns. Throws (for a retry) only on transient failures. */
async function queueForRecipients(m: PostedMessage, source: string) {
  const application = await getThreadApplication(m.applicationId);
  if (!application) {
    logger.warn('message on an unknown application: no email', { source, applicationId: m.applicationId });
    return [];
  }
  const { team, panel } = await threadParticipants(application);
  const recipients = messageRecipients([...team, ...panel], { sub: m.authorSub, role: m.authorRole }, STAFF_RECIPIENT);
  const cursor = messageCursor(m.postedAt, m.messageId);
  const results = await inParallel(recipients, async (recipient) => {
    if (!(await wantsMessageEmails(recipient))) return recipient === STAFF_RECIPIENT ? 'no_staff_address' : 'preference_off';
    return queueMessage({ applicationId: application.id, recipient }, cursor);
  });
  const deliveries = results.map((r, i) => ({ recipient: recipients[i]!, state: r.status === 'fulfilled' ? r.value : 'retry' }));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${recipients[i]}: ${(r.reason as Error).message}`] : []));
  logger.info('message queued for email', {
    source,
    applicationId: application.id,
    recipients: deliveries.length,
    failures: failures.length,
  });
  if (failures.length > 0) throw new Error(`message email windows to retry: ${failures.join('; ')}`);
  return deliveries;
}

/** MessagePosted (rule `notify`). */
export async function onMessagePosted(event: Extract<DomainEvent, { detailType: 'MessagePosted' }> & { id: string }) {
  return { eventId: event.id, deliveries: await queueForRecipients(event.detail, event.id) };
}

/** Messages whose MessagePosted never went out: queued here, as their event would have. */
async function queueUnannounced(nowMsValue: number): Promise<number> {
  const lost = await listUnannouncedMessages(new Date(nowMsValue - ANNOUNCE_GRACE_MS).toISOString(), MAX_REPAIRS_PER_RUN);
  let repaired = 0;
  for (const m of lost) {
    try {
      await queueForRecipients(
        { applicationId: m.applicationId, messageId: m.id, postedAt: m.at, authorSub: m.author.sub, authorRole: m.author.role },
        `unannounced:${m.id}`,
      );
      await markMessageAnnounced(m);
      repaired += 1;
    } catch (error) {
      logger.warn('unannounced message to retry', { applicationId: m.applicationId, messageId: m.id, error: (error as Error).message });
    }
  }
  if (lost.length > 0) logger.warn('queued messages whose MessagePosted was not published', { found: lost.length, repaired });
  return repaired;
}

interface Recipient {
  address: string;
  name?: string;
  viewer: AuthorRole;
  problem?: EmailProblem;
}

type Resolved = { ok: true; recipient: Recipient } | { ok: false; reason: string };

/** Who receives the email and as whom they see the thread, or why nobody does (any more). */
async function resolveRecipient(application: ThreadApplication, sub: string): Promise<Resolved> {
  if (sub === STAFF_RECIPIENT) {
    const staff = checkEmailAddress(config.staffInboxEmail);
    return staff.ok
      ? { ok: true, recipient: { address: staff.address, name: 'certification staff', viewer: 'staff' } }
      : { ok: false, reason: 'no_staff_address' };
  }
  const [profile, settings, { team, panel }] = await Promise.all([
    getItem(keys.person(sub)),
    getNotificationSettings(sub),
    threadParticipants(application),
  ]);
  if (!wantsEmail(settings.email, 'messages')) return { ok: false, reason: 'preference_off' };
  // Someone who left the team or the panel during the window does not get its messages.
  const viewer: AuthorRole | undefined = panel.includes(sub) ? 'reviewer' : team.includes(sub) ? 'team' : undefined;
  if (!viewer) return { ok: false, reason: 'not_on_thread' };
  const email = typeof profile?.email === 'string' ? profile.email : undefined;
  const address = checkEmailAddress(email);
  if (!address.ok) {
    await recordEmailProblem(sub, { address: email, reason: address.reason, at: nowIso(), eventId: `messages:${application.id}` });
    return { ok: false, reason: address.reason };
  }
  const problem = settings.emailProblem;
  if (problem && SUPPRESSING.has(problem.reason) && problem.address?.toLowerCase() === address.address.toLowerCase())
    return { ok: false, reason: 'suppressed' };
  const name = typeof profile?.name === 'string' && profile.name ? profile.name : undefined;
  return { ok: true, recipient: { address: address.address, viewer, ...(name ? { name } : {}), ...(problem ? { problem } : {}) } };
}

class TransientSendError extends Error {}

/** Builds and sends the email of the claimed messages; answers what happened. Throws TransientSendError to retry later. */
async function sendDigest(ref: WindowRef, cursors: readonly string[]): Promise<string> {
  const application = await getThreadApplication(ref.applicationId);
  if (!application) return 'no_application';
  const resolved = await resolveRecipient(application, ref.recipient);
  if (!resolved.ok) return resolved.reason;
  const { recipient } = resolved;
  const [settings, found] = await Promise.all([
    getThreadSettings(application.id),
    Promise.all(cursors.map((c) => getMessage(application.id, cursorTime(c), c.slice(c.indexOf('#') + 1)))),
  ]);
  const messages: DigestMessage[] = found
    .filter((m) => m !== undefined)
    .filter((m) => belongsInEmail(m.author, ref.recipient, STAFF_RECIPIENT))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .map((m) => ({ author: messageView(m, recipient.viewer, settings).author.label, at: m.at, body: m.body }));
  if (messages.length === 0) return 'nothing_to_send';
  const email = renderMessageDigest(messages, {
    recipientName: recipient.name,
    pathwayName: application.pathwayName || undefined,
    applicationId: application.id,
    baseUrl: config.appBaseUrl,
  });
  try {
    await sendEmail(recipient.address, { kind: MESSAGE_DIGEST_KIND, email }, { detailType: 'MessagePosted' }, ref.recipient);
    return 'sent';
  } catch (error) {
    const e = error as { message?: string };
    const name = sesErrorName(error);
    if (!PERMANENT_SES_ERRORS.has(name)) throw new TransientSendError(`${name}: ${e.message ?? ''}`);
    if (ADDRESS_ERRORS.has(name) && ref.recipient !== STAFF_RECIPIENT) {
      await recordEmailProblem(ref.recipient, {
        address: recipient.address,
        reason: 'rejected',
        detail: `${name}: ${e.message ?? ''}`,
        at: nowIso(),
        eventId: `messages:${ref.applicationId}`,
      });
    }
    logger.warn('SES rejected a message email', { applicationId: ref.applicationId, recipient: ref.recipient, error: name });
    return 'failed';
  }
}

/** Writes the window's next state after its email (conditional, re-read on a race with a new message). */
async function settle(ref: WindowRef, claimedAt: string, next: 'sent' | 'release', now: string): Promise<void> {
  const length = windowMs(config.messageEmailWindowMinutes);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await getMessageWindow(ref);
    // Not our claim any more (released and claimed again): nothing of ours to settle.
    if (current.window?.claimedAt !== claimedAt) return;
    const state = next === 'sent' ? afterSending(current, now, length) : release(current);
    if (await saveMessageWindow(ref, state, current.rev)) return;
    await backoff(attempt);
  }
  throw new WindowConflictError(`${ref.applicationId} / ${ref.recipient}`);
}

/** One window the sweep found closed: claim it, send its email, settle it. */
async function sendWindow(ref: WindowRef, now: string): Promise<string> {
  const current = await getMessageWindow(ref);
  const action = sweepAction(current, now);
  if (action === 'wait') return 'waiting';
  if (action === 'abandon') {
    logger.warn('message email outcome unknown: an earlier run stopped while sending; not sent again', { ...ref });
    await settle(ref, current.window!.claimedAt!, 'sent', now);
    return 'unconfirmed';
  }
  const claimed = claim(current, now);
  if (!(await saveMessageWindow(ref, claimed, current.rev))) return 'raced';
  let outcome: string;
  try {
    outcome = await sendDigest(ref, claimed.window!.sending!);
  } catch (error) {
    // Throttling and the like: let go of the claim so the next run tries again.
    await settle(ref, now, 'release', now);
    logger.warn('message email to retry', { ...ref, error: (error as Error).message });
    return 'retry';
  }
  await settle(ref, now, 'sent', now);
  return outcome;
}

/** The `message-emails` schedule: every window closed (with the grace) is sent. */
export async function sendClosedMessageWindows() {
  const now = nowIso();
  // First what the API could not announce, so it joins the windows this run looks at.
  const unannounced = await queueUnannounced(Date.parse(now));
  const refs = await listClosedMessageWindows(new Date(Date.parse(now) - SEND_GRACE_MS).toISOString(), MAX_WINDOWS_PER_RUN);
  const results = await inParallel(refs, (ref) => sendWindow(ref, now));
  const windows = results.map((r, i) => ({ ...refs[i]!, state: r.status === 'fulfilled' ? r.value : 'error' }));
  const errors = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
  if (errors.length > 0) logger.error('message email windows failed (the next run tries again)', { errors });
  // Every minute: log only runs that did something.
  if (windows.length > 0)
    logger.info('message email windows', { windows: windows.length, sent: windows.filter((w) => w.state === 'sent').length });
  return { job: MESSAGE_EMAILS_JOB, unannounced, windows };
}
