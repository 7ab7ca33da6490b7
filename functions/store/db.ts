/**
 * Thin, typed access to the single table: get, paginated query, transactions and
 * optimistic-version updates. Repositories build on these; handlers never talk to the
 * SDK directly.
 */
import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchWriteCommandOutput,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { BusyError, NotFoundError, PreconditionFailedError } from '#core/errors.ts';
import type { Key, Partition } from './keys.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';
import { tableIndexes, tableKeys } from './table.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type Item = Record<string, unknown>;

/** Attributes that are storage plumbing, never part of an API answer. */
const storageAttributes = new Set([
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'GSI3PK',
  'GSI3SK',
  'GSI4PK',
  'GSI4SK',
  'ttl',
  '_type',
]);

export function stripKeys<T extends Item>(item: T): Omit<T, 'PK' | 'SK'> {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!storageAttributes.has(k)) out[k] = v;
  return out as Omit<T, 'PK' | 'SK'>;
}

/** The parts of an update expression that callers assemble before sending it. */
export interface UpdateParts {
  names: Record<string, string>;
  values: Record<string, unknown>;
  /** SET clauses, joined with ", " after `SET `. */
  sets: string[];
}

/**
 * Adds one `#pN = :pN` SET clause per field to `parts` (`p` is the placeholder prefix, so
 * the fields cannot collide with the caller's own placeholders). With `skipUndefined`,
 * fields whose value is undefined are left out instead of becoming a value DynamoDB refuses.
 */
export function addSets(
  parts: UpdateParts,
  fields: Record<string, unknown>,
  o: { prefix?: string; skipUndefined?: boolean } = {},
): UpdateParts {
  const p = o.prefix ?? 'f';
  Object.entries(fields).forEach(([field, value], i) => {
    if (value === undefined && o.skipUndefined) return;
    parts.names[`#${p}${i}`] = field;
    parts.values[`:${p}${i}`] = value;
    parts.sets.push(`#${p}${i} = :${p}${i}`);
  });
  return parts;
}

export async function getItem<T extends Item = Item>(key: Key, consistent = false): Promise<T | undefined> {
  const out = await dynamoClient().send(new GetCommand({ TableName: config.tableName, Key: key, ConsistentRead: consistent }));
  return out.Item as T | undefined;
}

export interface QueryOptions {
  partition: Partition;
  limit?: number;
  cursor?: string;
  /** false = descending (newest first for time-ordered sort keys). */
  ascending?: boolean;
  skBeginsWith?: string;
  /** A filter applied after the key condition; pages are refilled until full or exhausted. */
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
  consistent?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** The key attributes a Query on `partition` names: the table's, or its index's. */
function keyNamesOf(partition: Partition): { indexName?: string; pk: string; sk: string } {
  if (!partition.index) return { pk: tableKeys.partitionKey, sk: tableKeys.sortKey };
  const index = tableIndexes.find((i) => i.name === partition.index);
  if (!index) throw new Error(`No index ${partition.index} in store/table.ts`);
  return { indexName: index.name, pk: index.partitionKey, sk: index.sortKey };
}

/** One page of an index partition whose sort keys are below (`<`) or at most (`<=`) `bound`, in sort-key order. */
async function indexPageUpTo(
  partition: Partition,
  comparison: '<' | '<=',
  bound: string,
  limit: number,
  exclusiveStartKey: Record<string, unknown> | undefined,
): Promise<{ items: Item[]; next?: Record<string, unknown> }> {
  if (!partition.index) throw new Error(`A sort-key range needs an index partition, got ${partition.value}`);
  const { indexName, pk, sk } = keyNamesOf(partition);
  const out = await dynamoClient().send(
    new QueryCommand({
      TableName: config.tableName,
      IndexName: indexName,
      KeyConditionExpression: `#pk = :pk AND #sk ${comparison} :bound`,
      ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
      ExpressionAttributeValues: { ':pk': partition.value, ':bound': bound },
      Limit: limit,
      ExclusiveStartKey: exclusiveStartKey,
    }),
  );
  return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
}

/**
 * Items of an index partition whose sort key is below `before`, oldest first, at most
 * `maxItems`: how the hourly jobs walk a sparse index of things that are overdue.
 */
export async function* itemsBefore(partition: Partition, before: string, maxItems: number): AsyncGenerator<Item> {
  let seen = 0;
  let next: Record<string, unknown> | undefined;
  do {
    const page = await indexPageUpTo(partition, '<', before, Math.min(100, maxItems - seen), next);
    for (const item of page.items) {
      seen += 1;
      yield item;
    }
    next = page.next;
  } while (next && seen < maxItems);
}

/**
 * One page of an index partition whose sort key is at or below `through`, in sort-key
 * order: how the daily jobs read a sparse index of what is due, resuming from `next`.
 */
export function itemsThrough(
  partition: Partition,
  through: string,
  limit: number,
  exclusiveStartKey?: Record<string, unknown>,
): Promise<{ items: Item[]; next?: Record<string, unknown> }> {
  return indexPageUpTo(partition, '<=', through, limit, exclusiveStartKey);
}

/** Upper bound on DynamoDB round trips to fill one filtered page. */
const MAX_FILTER_ROUNDS = 5;

export async function queryPage<T extends Item = Item>(o: QueryOptions): Promise<Page<T>> {
  const limit = o.limit ?? 25;
  const index = o.partition.index;
  const { pk, sk } = keyNamesOf(o.partition);
  const names: Record<string, string> = { '#pk': pk, ...(o.skBeginsWith ? { '#sk': sk } : {}), ...o.filter?.names };
  const values: Record<string, unknown> = {
    ':pk': o.partition.value,
    ...(o.skBeginsWith ? { ':skp': o.skBeginsWith } : {}),
    ...o.filter?.values,
  };
  let startKey: Record<string, unknown> | undefined = decodeCursor(o.cursor, index, o.partition.value);
  const items: T[] = [];
  for (let round = 0; round < (o.filter ? MAX_FILTER_ROUNDS : 1); round++) {
    const input: QueryCommandInput = {
      TableName: config.tableName,
      IndexName: index,
      KeyConditionExpression: o.skBeginsWith ? '#pk = :pk AND begins_with(#sk, :skp)' : '#pk = :pk',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      FilterExpression: o.filter?.expression,
      ScanIndexForward: o.ascending ?? true,
      Limit: limit - items.length,
      ExclusiveStartKey: startKey,
      ConsistentRead: index ? undefined : o.consistent,
    };
    const out = await dynamoClient().send(new QueryCommand(input));
    items.push(...((out.Items ?? []) as T[]));
    startKey = out.LastEvaluatedKey;
    if (!startKey || items.length >= limit) break;
  }
  return { items, nextCursor: encodeCursor(startKey) };
}

/** What `queryPartition` reads: one partition of the table or of an index, whole. */
export interface PartitionRead {
  partition: Partition;
  /** Only the items whose sort key starts with this. */
  skBeginsWith?: string;
  /** A strongly consistent read; table partitions only (index reads are always eventual). */
  consistent?: boolean;
  /** The attributes to read; every attribute when absent. */
  projection?: readonly string[];
}

/**
 * Every item of one bounded partition (an application's responses, a pathway's members,
 * a school year's submissions), in sort-key order: one Query per DynamoDB page (up to
 * 1 MB), each resuming from the last one's key.
 */
export async function queryPartition<T extends Item = Item>(o: PartitionRead): Promise<T[]> {
  const { indexName, pk, sk } = keyNamesOf(o.partition);
  if (indexName && o.consistent) throw new Error(`Index ${indexName} cannot be read consistently`);
  const names: Record<string, string> = { '#pk': pk };
  const values: Record<string, unknown> = { ':pk': o.partition.value };
  if (o.skBeginsWith) {
    names['#sk'] = sk;
    values[':skp'] = o.skBeginsWith;
  }
  o.projection?.forEach((attribute, i) => (names[`#p${i}`] = attribute));
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamoClient().send(
      new QueryCommand({
        TableName: config.tableName,
        IndexName: indexName,
        KeyConditionExpression: o.skBeginsWith ? '#pk = :pk AND begins_with(#sk, :skp)' : '#pk = :pk',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ProjectionExpression: o.projection?.map((_, i) => `#p${i}`).join(','),
        ExclusiveStartKey: startKey,
        ConsistentRead: o.consistent ?? false,
      }),
    );
    items.push(...((out.Items ?? []) as T[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every item of a table partition: `queryPartition` in the shape most callers use. */
export function queryAll<T extends Item = Item>(partitionValue: string, skBeginsWith?: string, consistent = false): Promise<T[]> {
  return queryPartition<T>({ partition: { value: partitionValue }, skBeginsWith, consistent });
}

/** Why a transaction was cancelled, item by item (aligned with the TransactItems order). */
export class TransactionCancelled extends Error {
  constructor(
    readonly reasons: { code?: string; item?: Item }[],
    cause: unknown,
  ) {
    super(`transaction cancelled: ${reasons.map((r) => r.code ?? 'None').join(', ')}`, { cause });
    this.name = 'TransactionCancelled';
  }
  /** True when item `index` failed its condition. */
  failedCondition(index: number): boolean {
    return this.reasons[index]?.code === 'ConditionalCheckFailed';
  }
}

/**
 * When a cancelled transaction's item 0 (a versioned update, `ReturnValuesOnConditionCheckFailure:
 * ALL_OLD`) failed its condition: 412 with the `field` it reported, or 404 when the item is
 * gone (it reported none).
 */
export function throwIfVersionFailed(error: TransactionCancelled, what: string, field: 'version' | 'revision' = 'version'): void {
  if (!error.failedCondition(0)) return;
  const current = error.reasons[0]?.item?.[field];
  if (typeof current !== 'number') throw new NotFoundError(what);
  throw new PreconditionFailedError(current);
}

export async function transact(items: TransactItem[], clientRequestToken?: string): Promise<void> {
  try {
    await dynamoClient().send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: clientRequestToken }));
  } catch (error) {
    const e = error as { name?: string; CancellationReasons?: { Code?: string; Item?: Item }[] };
    if (e.name === 'TransactionCanceledException' && e.CancellationReasons) {
      // The document client leaves cancellation items in DynamoDB's wire form; callers want plain values.
      const reasons = e.CancellationReasons.map((r) => ({
        code: r.Code,
        item: r.Item ? (unmarshall(r.Item as Parameters<typeof unmarshall>[0]) as Item) : undefined,
      }));
      // A conflict with another transaction is transient: surface it as the SDK error so callers retry or answer 503.
      if (reasons.some((r) => r.code === 'TransactionConflict') && !reasons.some((r) => r.code === 'ConditionalCheckFailed')) {
        throw error;
      }
      throw new TransactionCancelled(reasons, error);
    }
    throw error;
  }
}

/** How long a write that lost to another transaction is tried again: `attempts` tries in all, the n-th pause up to `baseMs` × 2^n. */
export interface ConflictRetry {
  attempts: number;
  baseMs: number;
}

/** An API caller waits for these retries; past them, 503 with Retry-After is the better answer. */
const API_CONFLICT_RETRY: ConflictRetry = { attempts: 5, baseMs: 25 };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * DynamoDB refused the write only because another transaction held one of its items: a
 * single-item write says TransactionConflict, a transaction is cancelled (and `transact`
 * rethrows the SDK error only when no condition failed).
 */
const isConflict = (error: unknown) =>
  ['TransactionConflictException', 'TransactionCanceledException'].includes((error as { name?: string }).name ?? '');

/** The jittered pause before try `attempt + 1` of a write that lost to another writer. */
export const conflictPause = (retry: ConflictRetry, attempt: number) => pause(Math.random() * retry.baseMs * 2 ** attempt);

/**
 * Runs `write` again, with jittered backoff, while it fails only on a conflict with another
 * transaction. A retry re-evaluates every condition, so it either succeeds or fails for a
 * real reason; after the last attempt the conflict is thrown.
 */
export async function retryingConflicts<T>(write: () => Promise<T>, retry: ConflictRetry): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isConflict(error) || attempt >= retry.attempts) throw error;
      await conflictPause(retry, attempt);
    }
  }
}

/** `transact`, retried while it conflicts with another transaction; after the last attempt the caller gets 503 with Retry-After. */
export async function transactRetrying(items: TransactItem[]): Promise<void> {
  try {
    await retryingConflicts(() => transact(items), API_CONFLICT_RETRY);
  } catch (error) {
    if (isConflict(error)) throw new BusyError(1);
    throw error;
  }
}

/** A Put that must create a new item. */
export function putNew(item: Item): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(PK)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** A Put that replaces an item only if it is still at `expectedVersion`. */
export function putVersioned(item: Item & { version: number }, expectedVersion: number): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: item,
      ConditionExpression: '#v = :expected',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** A conditional write's condition, as `put` and `deleteItem` take it. */
export interface WriteCondition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export function put(item: Item, condition?: WriteCondition): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: item,
      ConditionExpression: condition?.expression,
      ExpressionAttributeNames: condition?.names,
      ExpressionAttributeValues: condition?.values,
    },
  };
}

export function deleteItem(key: Key, condition?: WriteCondition): TransactItem {
  return {
    Delete: {
      TableName: config.tableName,
      Key: key,
      ConditionExpression: condition?.expression,
      ExpressionAttributeNames: condition?.names,
      ExpressionAttributeValues: condition?.values,
      ReturnValuesOnConditionCheckFailure: condition ? 'ALL_OLD' : undefined,
    },
  };
}

/** A condition on an item the transaction does not otherwise change. */
export function conditionCheck(
  key: Key,
  expression: string,
  names?: Record<string, string>,
  values?: Record<string, unknown>,
): TransactItem {
  return {
    ConditionCheck: {
      TableName: config.tableName,
      Key: key,
      ConditionExpression: expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

export type BatchRequest = { put: Item } | { delete: Key };

/**
 * BatchWriteItem in chunks of 25, trying unprocessed items again with a growing pause.
 * Returns how many were still unprocessed after `attempts` tries (0 when all were written);
 * the caller decides whether that is a failure.
 */
export async function batchWrite(requests: readonly BatchRequest[], attempts = 6): Promise<number> {
  const table = config.tableName;
  let leftOver = 0;
  for (let i = 0; i < requests.length; i += 25) {
    let pending: Item[] | undefined = requests
      .slice(i, i + 25)
      .map((r) => ('put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } }));
    for (let attempt = 0; pending && pending.length > 0 && attempt < attempts; attempt++) {
      if (attempt > 0) await pause(20 * 2 ** attempt);
      const out: BatchWriteCommandOutput = await dynamoClient().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table];
    }
    leftOver += pending?.length ?? 0;
  }
  return leftOver;
}
