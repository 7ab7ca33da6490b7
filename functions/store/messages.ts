/**
 * The conversation around an application: its message thread (`APP#<a>` / `MSG#<at>#<id>`,
 * oldest first), thread settings (`APP#<a>` / `THREAD`), virtual review sessions
 * (`APP#<a>` / `SESSION#<id>`), and in-app notifications (`INBOX#<sub>` / `<at>#<id>`;
 * staff share `INBOX#STAFF`).
 *
 * Decisions:
 * - Reviewers are anonymous to the team by default: a message stores who wrote it, and the
 *   view for a team member replaces a reviewer's name and id with their panel role
 *   ("Lead reviewer", "Reviewer 2"). Staff may reveal names per application.
 * - Notifications are items in their own partition, not in PERSON#<sub>: the access load
 *   reads that partition on every request and must stay small. They are what the
 *   notifier (recertification/notifications issue) lists at GET /notifications; this
 *   module only writes them, for things that have no domain event (messages, sessions,
 *   pipeline failures, late reviews).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { idTimeMs, newId } from '#core/ids.ts';
import type { NotificationKind as DomainNotificationKind } from '#core/notifications/templates.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { logger } from '#lib/logger.ts';
import {
  batchWrite,
  getItem,
  itemsThrough,
  putNew,
  queryAll,
  queryPage,
  queryPartition,
  stripKeys,
  transact,
  type Item,
  type Page,
  type TransactItem,
} from './db.ts';
import { partitions, type Key } from './keys.ts';
import * as keys from './keys.ts';
import { readRound, seatHolder } from './reviews.ts';

export type AuthorRole = 'team' | 'staff' | 'reviewer' | 'district';

export interface MessageAuthor {
  sub: string;
  name?: string;
  role: AuthorRole;
  /** For reviewers: their panel role and seat, which is what the team sees. */
  reviewerRole?: 'lead' | 'co-reviewer';
  seat?: number;
}

export interface Message {
  id: string;
  applicationId: string;
  at: string;
  author: MessageAuthor;
  body: string;
}

export interface ThreadSettings {
  applicationId: string;
  /** Show reviewers' names to the team (staff decide; default false). */
  revealReviewerNames: boolean;
  version: number;
  updatedAt: string;
}

export interface ReviewSession {
  id: string;
  applicationId: string;
  startsAt: string;
  durationMinutes: number;
  /** Video meeting link. */
  meetingUrl: string;
  agenda?: string;
  /** Who is invited (students, teachers, partners): free text, no personal data required. */
  participants?: string;
  createdBy: { sub: string; name?: string };
  createdAt: string;
}

export type NotificationKind =
  | 'message.posted'
  | 'session.scheduled'
  | 'review.reminder'
  | 'review.late'
  | 'review.vacancy'
  | 'review.conflict'
  | 'review.adjudication'
  | 'review.waiting'
  | 'pipeline.failed'
  | 'pipeline.start_failed'
  | 'evidence.rejected'
  // Written by the notifier (functions/notifications/notifier.ts) from domain events.
  | DomainNotificationKind;

export interface Notification {
  id: string;
  recipient: string;
  kind: NotificationKind;
  at: string;
  title: string;
  body: string;
  applicationId?: string;
  /** Where the frontend should take the person. */
  link?: string;
  /** The API call that acts on it (e.g. restarting a failed review workflow). */
  action?: { title: string; method: 'POST'; path: string };
  read: boolean;
  readAt?: string;
  /** The domain event it came from (notifier only). */
  eventId?: string;
}

const asMessage = (i: Item) => stripKeys(i) as unknown as Message;

/** A new message's identity (id and time), made before writing so an idempotent answer can be recorded with it. */
export function newMessage(m: Omit<Message, 'id' | 'at'>): Message {
  return { id: newId('message'), at: nowIso(), ...m };
}

/** Writes a new message, marked unannounced until `markMessageAnnounced` (its MessagePosted event was published). */
export async function postMessage(message: Message, extra: TransactItem[] = []): Promise<Message> {
  await transact([
    putNew({
      ...keys.message(message.applicationId, message.at, message.id),
      ...keys.unannouncedMessageIndexes(message.at, message.applicationId, message.id),
      _type: 'message',
      ...message,
    }),
    ...extra,
  ]);
  return message;
}

/** The message's MessagePosted event is out (or its emails were queued without it): off the unannounced index. */
export async function markMessageAnnounced(m: Pick<Message, 'applicationId' | 'at' | 'id'>): Promise<void> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.message(m.applicationId, m.at, m.id),
        UpdateExpression: 'REMOVE GSI3PK, GSI3SK',
        ConditionExpression: 'attribute_exists(PK)',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** Messages still unannounced that were posted at or before `through` (ISO), oldest first, at most `limit`. */
export async function listUnannouncedMessages(through: string, limit: number): Promise<Message[]> {
  const page = await itemsThrough(partitions.unannouncedMessages, `${through}#~`, limit);
  return page.items.map(asMessage);
}

/** What the thread's emails need of its application (a plain read: the notifier need not carry the applications module). */
export interface ThreadApplication {
  id: string;
  pathwayId: string;
  pathwayName: string;
  submissionNumber: number;
}

export async function getThreadApplication(applicationId: string): Promise<ThreadApplication | undefined> {
  const item = await getItem(keys.application(applicationId));
  if (!item) return undefined;
  return {
    id: String(item.id),
    pathwayId: String(item.pathwayId),
    pathwayName: String(item.pathwayName ?? ''),
    submissionNumber: Number(item.submissionNumber ?? 0),
  };
}

/** One message by its key parts (the MessagePosted event carries both). */
export async function getMessage(applicationId: string, at: string, messageId: string): Promise<Message | undefined> {
  const item = await getItem(keys.message(applicationId, at, messageId), true);
  return item ? asMessage(item) : undefined;
}

/**
 * Everyone on an application's thread: the pathway's members (`team`) and the current
 * panel's reviewers (`panel`); staff read it as the shared staff inbox.
 */
export async function threadParticipants(a: {
  id: string;
  pathwayId: string;
  submissionNumber: number;
}): Promise<{ team: string[]; panel: string[] }> {
  const team = (await queryPartition({ partition: partitions.pathwayMembers(a.pathwayId) })).map((i) => String(i.sub));
  const panel: string[] = [];
  if (a.submissionNumber > 0) {
    const view = await readRound(a.id, a.submissionNumber);
    for (const s of view?.seats ?? []) {
      const holder = view && seatHolder(view, s);
      if (holder) panel.push(holder.reviewerSub);
    }
  }
  return { team, panel };
}

export async function listMessages(applicationId: string, limit?: number, cursor?: string): Promise<Page<Message>> {
  const page = await queryPage({
    partition: { value: keys.applicationPartition(applicationId) },
    skBeginsWith: keys.messagePrefix,
    limit,
    cursor,
  });
  return { items: page.items.map(asMessage), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export async function getThreadSettings(applicationId: string): Promise<ThreadSettings> {
  const item = await getItem(keys.threadSettings(applicationId), true);
  return item ? (stripKeys(item) as unknown as ThreadSettings) : { applicationId, revealReviewerNames: false, version: 0, updatedAt: '' };
}

export async function putThreadSettings(
  s: Omit<ThreadSettings, 'version' | 'updatedAt'>,
  expectedVersion: number,
): Promise<ThreadSettings | 'stale'> {
  const next: ThreadSettings = { ...s, version: expectedVersion + 1, updatedAt: nowIso() };
  try {
    await transact([
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.threadSettings(s.applicationId), _type: 'thread_settings', ...next },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : '#v = :v',
          ...(expectedVersion === 0
            ? {}
            : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        },
      },
    ]);
  } catch (error) {
    if ((error as Error).name === 'TransactionCancelled') return 'stale';
    throw error;
  }
  return next;
}

export function reviewerLabel(author: MessageAuthor): string {
  if (author.reviewerRole === 'lead') return 'Lead reviewer';
  return author.seat ? `Reviewer ${author.seat}` : 'Reviewer';
}

/** A message as `viewer` may see it: reviewers appear to the team by role unless names are revealed. */
export function messageView(m: Message, viewer: AuthorRole, settings: Pick<ThreadSettings, 'revealReviewerNames'>) {
  const a = m.author;
  const hide = a.role === 'reviewer' && (viewer === 'team' || viewer === 'district') && !settings.revealReviewerNames;
  return {
    id: m.id,
    at: m.at,
    body: m.body,
    author: hide
      ? { role: a.role, label: reviewerLabel(a) }
      : {
          role: a.role,
          sub: a.sub,
          ...(a.name ? { name: a.name } : {}),
          label: a.role === 'reviewer' ? reviewerLabel(a) : (a.name ?? a.role),
        },
  };
}

export function newSession(s: Omit<ReviewSession, 'id' | 'createdAt'>): ReviewSession {
  // Sessions have no id kind of their own; a ULID with its own prefix keeps them recognizable.
  return { id: `ses_${newId('message').slice(4)}`, createdAt: nowIso(), ...s };
}

export async function createSession(session: ReviewSession, extra: TransactItem[] = []): Promise<ReviewSession> {
  await transact([putNew({ ...keys.reviewSession(session.applicationId, session.id), _type: 'review_session', ...session }), ...extra]);
  return session;
}

export async function listSessions(applicationId: string): Promise<ReviewSession[]> {
  const items = await queryAll(keys.applicationPartition(applicationId), keys.sessionPrefix, true);
  return items.map((i) => stripKeys(i) as unknown as ReviewSession).sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1));
}

// ---------------------------------------------------------------------------------------
// Notifications

/**
 * A new notification item. Its id is a ULID of its own `at`, so the id alone rebuilds the
 * sort key (`notificationKey`); while unread it carries the sparse unread index key.
 */
export function notificationItem(n: Omit<Notification, 'id' | 'at' | 'read'> & { at?: string; id?: string }): Item {
  const at = n.at ?? nowIso();
  const id = n.id ?? newId('notification', Date.parse(at));
  return {
    ...keys.inboxItem(n.recipient, at, id),
    ...keys.inboxUnreadIndexes(n.recipient, at, id),
    _type: 'notification',
    ...n,
    id,
    at,
    read: false,
  };
}

/** The key of a notification from its id (the time its ULID carries), or undefined for an id that is not a notification id. */
export function notificationKey(recipient: string, id: string) {
  const ms = idTimeMs('notification', id);
  if (ms === undefined) return undefined;
  return keys.inboxItem(recipient, new Date(ms).toISOString(), id);
}

/** Writes notifications for many recipients (BatchWrite; duplicates of a recipient collapse). */
export async function notify(recipients: readonly string[], n: Omit<Notification, 'id' | 'at' | 'read' | 'recipient'>): Promise<void> {
  const unique = [...new Set(recipients)];
  const at = nowIso();
  const items = unique.map((recipient) => notificationItem({ ...n, recipient, at }));
  // In-app notices are best effort (email and the event log carry the same news); a notice
  // DynamoDB still refuses after the retries is logged, not retried for ever.
  const leftOver = await batchWrite(items.map((put) => ({ put })));
  if (leftOver > 0) logger.warn('in-app notices left unwritten', { leftOver, recipients: unique.length });
}

export const notifyStaff = (n: Omit<Notification, 'id' | 'at' | 'read' | 'recipient'>) => notify([keys.staffInbox], n);

/** An inbox, newest first; `unreadOnly` reads the sparse unread index instead of the whole inbox. */
export async function listInbox(sub: string, limit?: number, cursor?: string, unreadOnly = false): Promise<Page<Notification>> {
  const partition = unreadOnly ? partitions.inboxUnread(sub) : { value: keys.inboxPartition(sub) };
  const page = await queryPage({ partition, ascending: false, limit, cursor });
  return {
    items: page.items.map((i) => stripKeys(i) as unknown as Notification),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/**
 * Marks a notification read (idempotent: an already read one keeps its first readAt).
 * Answers the notification, or undefined when the inbox has no such notification.
 */
export async function markNotificationRead(recipient: string, id: string, at: string = nowIso()): Promise<Notification | undefined> {
  const key = notificationKey(recipient, id);
  if (!key) return undefined;
  const marked = await markRead(key, at, 'ALL_NEW');
  return marked?.attributes ? (stripKeys(marked.attributes) as unknown as Notification) : undefined;
}

/** Marks the notification at `key` read (and off the unread index): null when there is none. */
async function markRead(key: Key, at: string, returnValues: 'ALL_NEW' | 'NONE'): Promise<{ attributes?: Item } | null> {
  try {
    const out = await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: key,
        UpdateExpression: 'SET #read = :true, #readAt = if_not_exists(#readAt, :at) REMOVE GSI1PK, GSI1SK',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#read': 'read', '#readAt': 'readAt' },
        ExpressionAttributeValues: { ':true': true, ':at': at },
        ReturnValues: returnValues,
      }),
    );
    return { attributes: out.Attributes };
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return null;
    throw error;
  }
}

/**
 * Marks every unread notification of an inbox read, walking the sparse unread index, and
 * answers how many it marked. Idempotent: a second call finds none. Bounded per call so a
 * huge backlog cannot outlive the function's timeout; `more` says to call again.
 */
export async function markAllRead(recipient: string, at: string = nowIso(), max = 500): Promise<{ marked: number; more: boolean }> {
  let marked = 0;
  let cursor: string | undefined;
  do {
    const page = await queryPage({ partition: partitions.inboxUnread(recipient), ascending: false, limit: 100, cursor });
    // Index items carry the table key, so nothing is rebuilt from the id, and nothing is read back.
    const results = await Promise.all(page.items.map((i) => markRead({ PK: String(i.PK), SK: String(i.SK) }, at, 'NONE')));
    marked += results.filter((r) => r !== null).length;
    cursor = page.nextCursor;
  } while (cursor && marked < max);
  return { marked, more: Boolean(cursor) };
}
