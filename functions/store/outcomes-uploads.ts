/**
 * Outcome CSV uploads (pattern 77): the declaration (who, which district, size, status)
 * and, when the file is invalid, one item per error with its row and column so the status
 * route can page through thousands of them.
 *
 * Status: declared → processing → stored | invalid | failed, or declared → expired. The
 * processor moves declared → processing with a conditional update, so a repeated S3
 * notification does not process a file twice.
 *
 * A declared upload carries a sparse index key (pattern 80) until processing starts. The
 * hourly upload expiry (functions/uploads/expire.ts) marks the ones whose form lapsed more
 * than EXPIRY_GRACE_MS ago as `expired` (the grace leaves room for a notification of a file
 * that arrived in time; claiming and expiring are conditional on `declared`, so exactly one
 * wins); the bucket's lifecycle rule removes the objects under outcomes/.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CsvError } from '#core/outcomes/csv.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { nowIso } from '#lib/clock.ts';
import { addSets, getItem, itemsBefore, putNew, queryPage, stripKeys, transact, type Page } from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';
import { batchWriteAll, type Actor } from './outcomes.ts';

export type UploadStatus = 'declared' | 'processing' | 'stored' | 'invalid' | 'failed' | 'expired';

/** How long after its form lapsed a declared upload may still be claimed by a late notification. */
export const EXPIRY_GRACE_MS = 60 * 60 * 1000;

export interface OutcomeUpload {
  id: string;
  districtId: string;
  objectKey: string;
  size: number;
  status: UploadStatus;
  declaredAt: string;
  declaredBy: Actor;
  expiresAt: string;
  updatedAt: string;
  dataRows?: number;
  errorCount?: number;
  /** Errors beyond the validator's cap: counted, not listed. */
  moreErrors?: number;
  schoolYear?: string;
  submissionId?: string;
  unchanged?: boolean;
  failure?: string;
}

export async function declareUpload(u: OutcomeUpload): Promise<void> {
  await transact([
    putNew({ ...keys.outcomeUpload(u.id), ...keys.declaredOutcomeUploadIndexes(u.expiresAt, u.id), _type: 'outcomeUpload', ...u }),
  ]);
}

export async function getUpload(uploadId: string, consistent = false): Promise<OutcomeUpload | undefined> {
  const item = await getItem(keys.outcomeUpload(uploadId), consistent);
  return item ? (stripKeys(item) as unknown as OutcomeUpload) : undefined;
}

/**
 * declared → `to`, leaving the expiry index; false when the upload is no longer declared (the
 * processor claimed it or it expired already): of a claim and an expiry racing, one wins.
 */
async function moveFromDeclared(uploadId: string, to: 'processing' | 'expired', at: string): Promise<boolean> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.outcomeUpload(uploadId),
        UpdateExpression: 'SET #s = :to, updatedAt = :at REMOVE GSI3PK, GSI3SK',
        ConditionExpression: '#s = :declared',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':to': to, ':declared': 'declared', ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** declared → processing; false when another invocation already took it. */
export const claimUpload = (uploadId: string): Promise<boolean> => moveFromDeclared(uploadId, 'processing', nowIso());

export async function finishUpload(uploadId: string, changes: Partial<OutcomeUpload>): Promise<void> {
  const { names, values, sets } = addSets(
    { names: {}, values: {}, sets: [] },
    { ...changes, updatedAt: nowIso() },
    { skipUndefined: true },
  );
  await dynamoClient().send(
    new UpdateCommand({
      TableName: config.tableName,
      Key: keys.outcomeUpload(uploadId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

export async function storeUploadErrors(uploadId: string, errors: readonly CsvError[]): Promise<void> {
  await batchWriteAll(
    errors.map((e, i) => ({ put: { ...keys.outcomeUploadError(uploadId, i + 1), _type: 'outcomeUploadError', n: i + 1, ...e } })),
  );
}

export async function listUploadErrors(uploadId: string, limit?: number, cursor?: string): Promise<Page<CsvError>> {
  const page = await queryPage({
    partition: partitions.outcomeUploadErrors(uploadId),
    skBeginsWith: keys.outcomeUploadErrorPrefix,
    limit,
    cursor,
  });
  return {
    items: page.items.map((i) => {
      const { n: _n, ...rest } = stripKeys(i) as Record<string, unknown>;
      return rest as unknown as CsvError;
    }),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/**
 * Declared outcome uploads whose form lapsed more than EXPIRY_GRACE_MS before `at` become
 * `expired`: one Query of the sparse index (only waiting uploads are in it), up to `maxItems`.
 */
export async function expireDeclaredOutcomeUploads(at: string, maxItems = 500): Promise<{ expired: number; seen: number }> {
  const cutoff = new Date(Date.parse(at) - EXPIRY_GRACE_MS).toISOString();
  let expired = 0;
  let seen = 0;
  for await (const item of itemsBefore(partitions.declaredOutcomeUploads, cutoff, maxItems)) {
    seen += 1;
    if (await moveFromDeclared(String(item.id), 'expired', at)) expired += 1;
  }
  return { expired, seen };
}

/** The upload as its status route shows it: a declared one past the grace reads (and becomes) expired. */
export async function currentUpload(uploadId: string, at: string): Promise<OutcomeUpload | undefined> {
  const upload = await getUpload(uploadId, true);
  if (upload?.status !== 'declared' || Date.parse(upload.expiresAt) + EXPIRY_GRACE_MS >= Date.parse(at)) return upload;
  await moveFromDeclared(upload.id, 'expired', at);
  return getUpload(uploadId, true);
}
