/**
 * The message email window of one recipient on one application thread
 * (`APP#<a>` / `EMAILWINDOW#<recipient>`, access pattern 66), and the open windows by closing
 * time (sparse GSI3 `EMAILWINDOWS#OPEN`, pattern 67). The state and its transitions are
 * core/notifications/message-batching.ts; this module only reads it and writes a next state
 * as a whole-item put conditional on the `rev` it was computed from.
 */
import { emptyWindow, type MessageWindow } from '#core/notifications/message-batching.ts';
import { getItem, itemsThrough, put, transact, TransactionCancelled } from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';

export interface WindowRef {
  applicationId: string;
  recipient: string;
}

/** The window as stored, or an empty one (rev 0) when the recipient has none yet. Read consistently: the next write is conditional on it. */
export async function getMessageWindow(ref: WindowRef): Promise<MessageWindow> {
  const item = await getItem(keys.messageEmailWindow(ref.applicationId, ref.recipient), true);
  if (!item) return emptyWindow();
  return {
    rev: Number(item.rev),
    queued: (item.queued as string[] | undefined) ?? [],
    seen: (item.seen as string[] | undefined) ?? [],
    ...(item.window ? { window: item.window as NonNullable<MessageWindow['window']> } : {}),
  };
}

/** Writes `next` if the item is still at `expectedRev`; false when another writer came first (re-read and recompute). */
export async function saveMessageWindow(ref: WindowRef, next: MessageWindow, expectedRev: number): Promise<boolean> {
  const item = {
    ...keys.messageEmailWindow(ref.applicationId, ref.recipient),
    ...(next.window ? keys.messageEmailWindowDueIndexes(next.window.closesAt, ref.applicationId, ref.recipient) : {}),
    _type: 'message_email_window',
    applicationId: ref.applicationId,
    recipient: ref.recipient,
    rev: next.rev,
    queued: next.queued,
    seen: next.seen,
    ...(next.window ? { window: next.window } : {}),
  };
  // A one-item transaction rather than PutItem: the notifier already carries TransactWriteItems.
  const condition =
    expectedRev === 0
      ? { expression: 'attribute_not_exists(PK)' }
      : { expression: '#rev = :rev', names: { '#rev': 'rev' }, values: { ':rev': expectedRev } };
  try {
    await transact([put(item, condition)]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) return false;
    throw error;
  }
}

/** Windows that closed at or before `through` (ISO), oldest first, at most `limit` (claimed ones too: the sweep judges their lease). */
export async function listClosedMessageWindows(through: string, limit: number): Promise<WindowRef[]> {
  const out: WindowRef[] = [];
  let next: Record<string, unknown> | undefined;
  do {
    const page = await itemsThrough(partitions.openMessageEmailWindows, `${through}#~`, Math.min(100, limit - out.length), next);
    for (const i of page.items) out.push({ applicationId: String(i.applicationId), recipient: String(i.recipient) });
    next = page.next;
  } while (next && out.length < limit);
  return out;
}
