/**
 * Outcome CSV uploads (pattern 77): the declaration (who, which district, size, status)
 * and, when the file is invalid, one item per error with its row and column so the status
 * route can page through thousands of them.
 *
 * Status: declared → processing → stored | invalid | failed. The processor moves
 * declared → processing with a conditional update, so a repeated S3 notification does not
 * process a file twice.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CsvError } from '../core/outcomes/csv.ts';
import { dynamoClient } from '../lib/aws-clients.ts';
import { config } from '../lib/config.ts';
import { nowIso } from '../lib/clock.ts';
import { getItem, putNew, queryPage, stripKeys, transact, type Page } from './db.ts';
import { keys, partitions } from './keys.ts';
import { batchWrite, type Actor } from './outcomes.ts';

export type UploadStatus = 'declared' | 'processing' | 'stored' | 'invalid' | 'failed';

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
  await transact([putNew({ ...keys.outcomeUpload(u.id), _type: 'outcomeUpload', ...u })]);
}

export async function getUpload(uploadId: string, consistent = false): Promise<OutcomeUpload | undefined> {
  const item = await getItem(keys.outcomeUpload(uploadId), consistent);
  return item ? (stripKeys(item) as unknown as OutcomeUpload) : undefined;
}

/** declared → processing; false when another invocation already took it. */
export async function claimUpload(uploadId: string): Promise<boolean> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.outcomeUpload(uploadId),
        UpdateExpression: 'SET #s = :processing, updatedAt = :at',
        ConditionExpression: '#s = :declared',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':processing': 'processing', ':declared': 'declared', ':at': nowIso() },
      }),
    );
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export async function finishUpload(uploadId: string, changes: Partial<OutcomeUpload>): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  Object.entries({ ...changes, updatedAt: nowIso() }).forEach(([k, v], i) => {
    if (v === undefined) return;
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    sets.push(`#f${i} = :v${i}`);
  });
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
  await batchWrite(errors.map((e, i) => ({ put: { ...keys.outcomeUploadError(uploadId, i + 1), _type: 'outcomeUploadError', n: i + 1, ...e } })));
}

export async function listUploadErrors(uploadId: string, limit?: number, cursor?: string): Promise<Page<CsvError>> {
  const page = await queryPage({ partition: partitions.outcomeUploadErrors(uploadId), skBeginsWith: keys.outcomeUploadErrorPrefix, limit, cursor });
  return {
    items: page.items.map((i) => {
      const { n: _n, ...rest } = stripKeys(i) as Record<string, unknown>;
      return rest as unknown as CsvError;
    }),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
