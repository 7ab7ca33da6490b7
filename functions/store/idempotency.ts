/**
 * Idempotent creation. A POST that carries `Idempotency-Key` writes, in the same
 * transaction as the thing it creates, a record of its answer under (caller, key).
 * A retry finds the record and gets the first answer back; two concurrent first tries
 * race on the record's `attribute_not_exists` condition, so exactly one creates and the
 * other replays. Records expire after a day (TTL).
 */
import { UnprocessableError } from '#core/errors.ts';
import { nowMs } from '#lib/clock.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { deleteItem, getItem, putNew, transact, TransactionCancelled, type TransactItem } from './db.ts';
import * as keys from './keys.ts';

const RETENTION_SECONDS = 24 * 60 * 60;

/** The answer a creation gave (the HTTP edge passes its result; the store keeps it as data). */
export interface RecordedAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type StoredRecord = {
  fingerprint: string;
  response: { status: number; body?: unknown; headers?: Record<string, string> };
};

function replay(ctx: IdempotencyContext, record: StoredRecord): RecordedAnswer {
  if (record.fingerprint !== ctx.fingerprint) {
    throw new UnprocessableError('This Idempotency-Key was already used for a different request.', [
      { in: 'header', field: 'idempotency-key', message: 'already used for a different request', code: 'idempotency_key_reused' },
    ]);
  }
  return {
    status: record.response.status,
    body: record.response.body,
    headers: { ...record.response.headers, 'idempotent-replayed': 'true' },
  };
}

/**
 * Runs `create` once per (caller, key). `create` receives `record(result)`, which yields
 * the transaction item to add to its own write so the answer is stored atomically with
 * what it created. Without a key, `record` yields nothing and `create` just runs.
 */
export async function idempotent(
  ctx: IdempotencyContext,
  create: (record: (result: RecordedAnswer) => TransactItem[]) => Promise<RecordedAnswer>,
): Promise<RecordedAnswer> {
  if (!ctx.key) return create(() => []);
  const key = keys.idempotency(ctx.sub, ctx.key);
  const seen = await getItem<StoredRecord>(key, true);
  if (seen) return replay(ctx, seen);
  let recordIndex = -1;
  const record = (result: RecordedAnswer): TransactItem[] => [
    putNew({
      ...key,
      fingerprint: ctx.fingerprint,
      response: { status: result.status ?? 200, body: result.body, headers: result.headers },
      ttl: Math.floor(nowMs() / 1000) + RETENTION_SECONDS,
    }),
  ];
  try {
    return await create((result) => {
      const items = record(result);
      recordIndex = 0;
      return items;
    });
  } catch (error) {
    // Lost the race to a concurrent first try with the same key: answer what it answered.
    if (error instanceof TransactionCancelled && recordIndex >= 0) {
      const winner = await getItem<StoredRecord>(key, true);
      if (winner) return replay(ctx, winner);
    }
    throw error;
  }
}

/**
 * Drops the stored answer of a creation whose follow-up failed after the record was
 * written (the caller answers 503): the retry the 503 invites, with the same key, must
 * run again rather than replay an answer for something that did not happen.
 */
export async function forgetIdempotent(ctx: IdempotencyContext): Promise<void> {
  if (ctx.key) await transact([deleteItem(keys.idempotency(ctx.sub, ctx.key))]);
}
