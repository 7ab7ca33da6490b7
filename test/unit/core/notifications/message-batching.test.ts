/**
 * The batching rule of message emails (core/notifications/message-batching.ts): one window
 * per thread and person, opened by the first message of a quiet thread, joined by the
 * messages that follow, sent once when it has closed; duplicates change nothing; messages
 * that arrive while an email is being sent open the next window.
 */
import { describe, expect, it } from 'vitest';
import {
  afterSending,
  belongsInEmail,
  claim,
  CLAIM_LEASE_MS,
  DEFAULT_WINDOW_MINUTES,
  emptyWindow,
  messageCursor,
  messageRecipients,
  onMessage,
  release,
  SEEN_RETENTION_MS,
  SEND_GRACE_MS,
  sweepAction,
  windowMs,
  type MessageWindow,
} from '#core/notifications/message-batching.ts';

const MIN = 60_000;
const WINDOW = 10 * MIN;
const t0 = Date.parse('2026-12-06T09:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms).toISOString();
const c = (ms: number, id: string) => messageCursor(at(ms), `msg_${id}`);

function queue(w: MessageWindow, cursor: string, now: number): MessageWindow {
  const out = onMessage(w, cursor, at(now), WINDOW);
  if (out.kind !== 'queued') throw new Error(`expected queued, got ${out.kind}`);
  return out.next;
}

describe('the window setting', () => {
  it('is whole minutes from 1 to 1440, else the default of 10', () => {
    expect(windowMs(undefined)).toBe(DEFAULT_WINDOW_MINUTES * MIN);
    expect(windowMs('')).toBe(10 * MIN);
    expect(windowMs('3')).toBe(3 * MIN);
    expect(windowMs('1440')).toBe(1440 * MIN);
    for (const bad of ['0', '-5', '1.5', 'ten', '1441']) expect(windowMs(bad), bad).toBe(10 * MIN);
  });
});

describe('a message arriving', () => {
  it('opens a window of N minutes from when it was posted in a quiet thread', () => {
    const out = onMessage(emptyWindow(), c(0, 'a'), at(2_000), WINDOW);
    expect(out).toMatchObject({ kind: 'queued', opened: true });
    const next = (out as { next: MessageWindow }).next;
    expect(next.window).toEqual({ openedAt: at(0), closesAt: at(WINDOW) });
    expect(next.queued).toEqual([c(0, 'a')]);
    expect(next.rev).toBe(1);
  });

  it('joins the open window without moving its end', () => {
    let w = queue(emptyWindow(), c(0, 'a'), 0);
    const out = onMessage(w, c(4 * MIN, 'b'), at(4 * MIN), WINDOW);
    expect(out).toMatchObject({ kind: 'queued', opened: false });
    w = (out as { next: MessageWindow }).next;
    expect(w.window!.closesAt).toBe(at(WINDOW));
    expect(w.queued).toEqual([c(0, 'a'), c(4 * MIN, 'b')]);
  });

  it('keeps the queue in time order whatever order the events come in', () => {
    let w = queue(emptyWindow(), c(3 * MIN, 'b'), 3 * MIN);
    w = queue(w, c(1 * MIN, 'a'), 3 * MIN);
    expect(w.queued).toEqual([c(MIN, 'a'), c(3 * MIN, 'b')]);
  });

  it('is a duplicate when queued or already sent, and when older than the retention', () => {
    let w = queue(emptyWindow(), c(0, 'a'), 0);
    expect(onMessage(w, c(0, 'a'), at(1000), WINDOW)).toEqual({ kind: 'duplicate' });
    w = afterSending(claim(w, at(WINDOW + SEND_GRACE_MS)), at(WINDOW + SEND_GRACE_MS), WINDOW);
    expect(onMessage(w, c(0, 'a'), at(WINDOW + 5 * MIN), WINDOW)).toEqual({ kind: 'duplicate' });
    expect(onMessage(emptyWindow(), c(0, 'old'), at(SEEN_RETENTION_MS + 1), WINDOW)).toEqual({ kind: 'duplicate' });
  });
});

describe('the sweep', () => {
  it('waits until the window closed and the grace passed, then claims it', () => {
    const w = queue(emptyWindow(), c(0, 'a'), 0);
    expect(sweepAction(emptyWindow(), at(WINDOW * 2))).toBe('wait');
    expect(sweepAction(w, at(WINDOW))).toBe('wait');
    expect(sweepAction(w, at(WINDOW + SEND_GRACE_MS))).toBe('claim');
    const claimed = claim(w, at(WINDOW + SEND_GRACE_MS));
    expect(claimed.window!.sending).toEqual([c(0, 'a')]);
    expect(claimed.rev).toBe(w.rev + 1);
    // Claimed: another sweep waits, unless the claim is older than the lease (then it is given up, not resent).
    expect(sweepAction(claimed, at(WINDOW + SEND_GRACE_MS + 1000))).toBe('wait');
    expect(sweepAction(claimed, at(WINDOW + SEND_GRACE_MS + CLAIM_LEASE_MS))).toBe('abandon');
  });

  it('after sending, the window is gone and the next message opens a new one', () => {
    const now = WINDOW + SEND_GRACE_MS;
    const sent = afterSending(claim(queue(emptyWindow(), c(0, 'a'), 0), at(now)), at(now), WINDOW);
    expect(sent.window).toBeUndefined();
    expect(sent.queued).toEqual([]);
    expect(sent.seen).toEqual([c(0, 'a')]);
    const out = onMessage(sent, c(now + MIN, 'b'), at(now + MIN), WINDOW);
    expect(out).toMatchObject({ kind: 'queued', opened: true });
    expect((out as { next: MessageWindow }).next.window!.closesAt).toBe(at(now + MIN + WINDOW));
  });

  it('a message arriving while the email is sent is kept for the next window, counted from its own time', () => {
    const now = WINDOW + SEND_GRACE_MS;
    const claimed = claim(queue(emptyWindow(), c(0, 'a'), 0), at(now));
    const during = queue(claimed, c(now - 1000, 'late'), now + 500);
    const next = afterSending(during, at(now + 1000), WINDOW);
    expect(next.queued).toEqual([c(now - 1000, 'late')]);
    expect(next.window).toEqual({ openedAt: at(now - 1000), closesAt: at(now - 1000 + WINDOW) });
  });

  it('a released claim keeps the messages and the window for the next run', () => {
    const w = queue(emptyWindow(), c(0, 'a'), 0);
    const released = release(claim(w, at(WINDOW + SEND_GRACE_MS)));
    expect(released.queued).toEqual(w.queued);
    expect(released.window).toEqual(w.window);
    expect(sweepAction(released, at(WINDOW + 2 * SEND_GRACE_MS))).toBe('claim');
  });

  it('forgets seen messages past the retention', () => {
    const w: MessageWindow = {
      rev: 3,
      queued: [],
      seen: [c(-SEEN_RETENTION_MS - MIN, 'old'), c(0, 'new')],
      window: { openedAt: at(0), closesAt: at(WINDOW), claimedAt: at(WINDOW), sending: [] },
    };
    expect(afterSending(w, at(MIN), WINDOW).seen).toEqual([c(0, 'new')]);
  });
});

describe('who is emailed', () => {
  it('everyone on the thread but the author, and the staff inbox unless staff wrote', () => {
    expect(messageRecipients(['lead', 'member', 'rev', 'lead'], { sub: 'lead', role: 'team' }, 'STAFF')).toEqual([
      'member',
      'rev',
      'STAFF',
    ]);
    expect(messageRecipients(['lead', 'member'], { sub: 'rev', role: 'reviewer' }, 'STAFF')).toEqual(['lead', 'member', 'STAFF']);
    expect(messageRecipients(['lead', 'member'], { sub: 'staff-1', role: 'staff' }, 'STAFF')).toEqual(['lead', 'member']);
  });

  it('an email never lists the recipient’s own messages, nor staff messages for the staff inbox', () => {
    expect(belongsInEmail({ sub: 'lead', role: 'team' }, 'lead', 'STAFF')).toBe(false);
    expect(belongsInEmail({ sub: 'lead', role: 'team' }, 'member', 'STAFF')).toBe(true);
    expect(belongsInEmail({ sub: 'staff-1', role: 'staff' }, 'STAFF', 'STAFF')).toBe(false);
    expect(belongsInEmail({ sub: 'lead', role: 'team' }, 'STAFF', 'STAFF')).toBe(true);
  });
});
