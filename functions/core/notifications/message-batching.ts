/**
 * Message emails are batched per (application thread, recipient): the first message in a
 * quiet thread opens a window of N minutes (MESSAGE_EMAIL_WINDOW_MINUTES, default 10);
 * messages arriving while it is open join it; at its end one email lists them all. Pure:
 * the store keeps one window item per (thread, recipient) and writes each next state with
 * a condition on `rev`, so concurrent events, retries and the sweep never lose or repeat
 * a message (functions/notifications/message-emails.ts).
 *
 * A message is named by its cursor, `<postedAt>#<messageId>`, which sorts by time.
 *
 * The state:
 * - `queued`: messages waiting for the next email (the open window's, plus any that
 *   arrived while an email was being sent);
 * - `window`: open until `closesAt`; `claimedAt`/`sending` while the sweep sends it;
 * - `seen`: every message handled in the last SEEN_RETENTION_MS, so a retried or
 *   duplicated event for a message already queued or sent changes nothing. An event older
 *   than the retention is dropped: EventBridge gives up on an event after an hour.
 */

/** Messages older than this are forgotten by `seen`, and their events are ignored. */
export const SEEN_RETENTION_MS = 24 * 60 * 60 * 1000;
/**
 * A window is sent this long after it closes, so every message stamped before the close has
 * been written (the API stamps a message just before writing it, within its 10 s timeout).
 */
export const SEND_GRACE_MS = 30 * 1000;
/** A claim older than this belongs to a sweep that died while sending: never sent again (at most once). */
export const CLAIM_LEASE_MS = 5 * 60 * 1000;

export const DEFAULT_WINDOW_MINUTES = 10;
export const MAX_WINDOW_MINUTES = 24 * 60;

export interface MessageWindow {
  /** Bumped by every write; each write is conditional on the value it read (0 = no item yet). */
  rev: number;
  queued: string[];
  seen: string[];
  window?: {
    openedAt: string;
    closesAt: string;
    /** Set while the sweep sends; `sending` is what it took. */
    claimedAt?: string;
    sending?: string[];
  };
}

export const emptyWindow = (): MessageWindow => ({ rev: 0, queued: [], seen: [] });

export const messageCursor = (postedAt: string, messageId: string) => `${postedAt}#${messageId}`;
export const cursorTime = (cursor: string) => cursor.slice(0, cursor.indexOf('#'));

/** The window length in ms from the setting: whole minutes, 1 to 1440; anything else is the default. */
export function windowMs(minutes: string | number | undefined): number {
  const n = typeof minutes === 'number' ? minutes : minutes === undefined || minutes.trim() === '' ? NaN : Number(minutes);
  const valid = Number.isInteger(n) && n >= 1 && n <= MAX_WINDOW_MINUTES;
  return (valid ? n : DEFAULT_WINDOW_MINUTES) * 60_000;
}

const iso = (ms: number) => new Date(ms).toISOString();

export type MessageOutcome =
  /** The message was handled before (a retried or duplicated event), or is too old to email. */
  | { kind: 'duplicate' }
  /** Write `next`: the message opened a window (`opened`) or joined the queue. */
  | { kind: 'queued'; opened: boolean; next: MessageWindow };

/** A message for this recipient arrived (its event), at `now`. */
export function onMessage(w: MessageWindow, cursor: string, now: string, windowLength: number): MessageOutcome {
  const nowMs = Date.parse(now);
  if (w.seen.includes(cursor) || w.queued.includes(cursor)) return { kind: 'duplicate' };
  if (Date.parse(cursorTime(cursor)) < nowMs - SEEN_RETENTION_MS) return { kind: 'duplicate' };
  const next: MessageWindow = { ...w, rev: w.rev + 1, queued: [...w.queued, cursor].sort(), seen: [...w.seen, cursor].sort() };
  if (w.window) return { kind: 'queued', opened: false, next };
  // A quiet thread: this message opens the window, counted from when it was posted.
  const opensAt = Math.min(Date.parse(cursorTime(cursor)) || nowMs, nowMs);
  next.window = { openedAt: iso(opensAt), closesAt: iso(opensAt + windowLength) };
  return { kind: 'queued', opened: true, next };
}

/** What the sweep should do with a window at `now`. */
export function sweepAction(w: MessageWindow, now: string): 'wait' | 'claim' | 'abandon' {
  if (!w.window) return 'wait';
  const nowMs = Date.parse(now);
  if (w.window.claimedAt) return Date.parse(w.window.claimedAt) <= nowMs - CLAIM_LEASE_MS ? 'abandon' : 'wait';
  return Date.parse(w.window.closesAt) <= nowMs - SEND_GRACE_MS ? 'claim' : 'wait';
}

/** The claim: the sweep takes every queued message of the window. */
export function claim(w: MessageWindow, now: string): MessageWindow {
  if (!w.window) throw new Error('no window to claim');
  return { ...w, rev: w.rev + 1, window: { ...w.window, claimedAt: now, sending: [...w.queued] } };
}

/** A transient failure: the claim is let go and the next sweep tries again. */
export function release(w: MessageWindow): MessageWindow {
  if (!w.window) return { ...w, rev: w.rev + 1 };
  const { openedAt, closesAt } = w.window;
  return { ...w, rev: w.rev + 1, window: { openedAt, closesAt } };
}

/**
 * After the claimed messages were emailed (or given up on): they leave the queue; messages
 * that arrived meanwhile open the next window (counted from the first of them, so one that
 * waited already goes out at the next sweep); `seen` forgets what is past the retention.
 */
export function afterSending(w: MessageWindow, now: string, windowLength: number): MessageWindow {
  const sent = new Set(w.window?.sending ?? []);
  const queued = w.queued.filter((c) => !sent.has(c));
  const cutoff = Date.parse(now) - SEEN_RETENTION_MS;
  const seen = w.seen.filter((c) => Date.parse(cursorTime(c)) >= cutoff);
  const next: MessageWindow = { rev: w.rev + 1, queued, seen };
  const first = queued[0];
  if (first) {
    const opensAt = Math.min(Date.parse(cursorTime(first)) || Date.parse(now), Date.parse(now));
    next.window = { openedAt: iso(opensAt), closesAt: iso(opensAt + windowLength) };
  }
  return next;
}

/** The author's role, as store/messages.ts records it. */
export type MessageAuthorRole = 'team' | 'staff' | 'reviewer' | 'district';

/**
 * Who is emailed about a message: everyone on the thread but its author, and the shared
 * staff inbox (`staffRecipient`) when the message is not from staff (as in-app).
 */
export function messageRecipients(
  participants: readonly string[],
  author: { sub: string; role: MessageAuthorRole },
  staffRecipient: string,
): string[] {
  const out = [...new Set(participants)].filter((s) => s && s !== author.sub);
  if (author.role !== 'staff') out.push(staffRecipient);
  return out;
}

/** Whether a message belongs in the recipient's email: never their own, and the staff inbox gets only non-staff messages. */
export function belongsInEmail(author: { sub: string; role: MessageAuthorRole }, recipient: string, staffRecipient: string): boolean {
  if (recipient === staffRecipient) return author.role !== 'staff';
  return author.sub !== recipient;
}
