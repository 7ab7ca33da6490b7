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
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '../core/ids.ts';
import { dynamoClient } from '../lib/aws-clients.ts';
import { nowIso } from '../lib/clock.ts';
import { config } from '../lib/config.ts';
import { getItem, putNew, queryAll, queryPage, stripKeys, transact, type Item, type Page, type TransactItem } from './db.ts';
import { keys } from './keys.ts';

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
  | 'review.adjudication'
  | 'pipeline.failed'
  | 'pipeline.start_failed';

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
  read: boolean;
}

const asMessage = (i: Item) => stripKeys(i) as unknown as Message;

/** A new message's identity (id and time), made before writing so an idempotent answer can be recorded with it. */
export function newMessage(m: Omit<Message, 'id' | 'at'>): Message {
  return { id: newId('message'), at: nowIso(), ...m };
}

export async function postMessage(message: Message, extra: TransactItem[] = []): Promise<Message> {
  await transact([putNew({ ...keys.message(message.applicationId, message.at, message.id), _type: 'message', ...message }), ...extra]);
  return message;
}

export async function listMessages(applicationId: string, limit?: number, cursor?: string): Promise<Page<Message>> {
  const page = await queryPage({ partition: { value: keys.applicationPartition(applicationId) }, skBeginsWith: keys.messagePrefix, limit, cursor });
  return { items: page.items.map(asMessage), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

export async function getThreadSettings(applicationId: string): Promise<ThreadSettings> {
  const item = await getItem(keys.threadSettings(applicationId), true);
  return item ? (stripKeys(item) as unknown as ThreadSettings) : { applicationId, revealReviewerNames: false, version: 0, updatedAt: '' };
}

export async function putThreadSettings(s: Omit<ThreadSettings, 'version' | 'updatedAt'>, expectedVersion: number): Promise<ThreadSettings | 'stale'> {
  const next: ThreadSettings = { ...s, version: expectedVersion + 1, updatedAt: nowIso() };
  try {
    await transact([
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.threadSettings(s.applicationId), _type: 'thread_settings', ...next },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : '#v = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
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
      : { role: a.role, sub: a.sub, ...(a.name ? { name: a.name } : {}), label: a.role === 'reviewer' ? reviewerLabel(a) : (a.name ?? a.role) },
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

export function notificationItem(n: Omit<Notification, 'id' | 'at' | 'read'> & { at?: string; id?: string }): Item {
  const at = n.at ?? nowIso();
  const id = n.id ?? newId('notification');
  return { ...keys.inboxItem(n.recipient, at, id), _type: 'notification', ...n, id, at, read: false };
}

/** Writes notifications for many recipients (BatchWrite; duplicates of a recipient collapse). */
export async function notify(recipients: readonly string[], n: Omit<Notification, 'id' | 'at' | 'read' | 'recipient'>): Promise<void> {
  const unique = [...new Set(recipients)];
  const at = nowIso();
  const items = unique.map((recipient) => notificationItem({ ...n, recipient, at }));
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending && pending.length > 0 && attempt < 6; attempt++) {
      const out = await dynamoClient().send(new BatchWriteCommand({ RequestItems: { [config.tableName]: pending } }));
      pending = out.UnprocessedItems?.[config.tableName] as Record<string, unknown>[] | undefined;
    }
  }
}

export const notifyStaff = (n: Omit<Notification, 'id' | 'at' | 'read' | 'recipient'>) => notify([keys.staffInbox], n);

export async function listInbox(sub: string, limit?: number, cursor?: string): Promise<Page<Notification>> {
  const page = await queryPage({ partition: { value: keys.inboxPartition(sub) }, ascending: false, limit, cursor });
  return { items: page.items.map((i) => stripKeys(i) as unknown as Notification), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
