/**
 * Bulk exports of an application's evidence: a record per export (`EXPORT#<x>` /
 * `EXPORT`, listed per application by GSI1, pattern 34) that the worker claims, reports
 * progress on and completes, and the marker object that starts the worker.
 *
 * Why a marker object: the API writes `exports/requests/<applicationId>/<exportId>` and
 * the bucket notifies the worker (trigger 's3', prefix exports/requests/). It is the
 * same path in AWS (a bucket notification, asynchronous invocation with Lambda's
 * retries) and locally (the local S3's event, delivered by the local runtime), needs no
 * queue, no Lambda Invoke permission or client in the API function, and the request
 * survives in the bucket if the worker fails. A duplicate notification finds the export
 * already claimed and does nothing.
 */
import { idPrefixes, ULID_PATTERN } from '#core/ids.ts';
import { nowIso, nowMs } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import {
  addSets,
  getItem,
  putNew,
  queryPage,
  stripKeys,
  transact,
  TransactionCancelled,
  type Item,
  type Page,
  type TransactItem,
} from './db.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';

export type ExportStatus = 'queued' | 'building' | 'ready' | 'failed';

export interface ExportProgress {
  itemsDone: number;
  itemsTotal: number;
  bytesWritten: number;
}

export interface StoredExport {
  exportId: string;
  applicationId: string;
  pathwayId: string;
  status: ExportStatus;
  requestedAt: string;
  requestedBy: { sub: string; name?: string };
  progress: ExportProgress;
  /** Last sign of life of the worker building it. */
  heartbeatAt?: string;
  key?: string;
  size?: number;
  /** The name the ZIP downloads as. */
  fileName: string;
  completedAt?: string;
  error?: string;
}

/** Exports (records and ZIPs) are kept a week; the bucket's lifecycle rule removes the ZIPs. */
export const EXPORT_RETENTION_DAYS = 7;
/** A build silent for longer than the worker's timeout has died; another notification may take it over. */
export const STALE_BUILD_MS = 16 * 60 * 1000;

export const EXPORT_REQUEST_PREFIX = 'exports/requests/';
const REQUEST_KEY = new RegExp(`^exports/requests/(${idPrefixes.application}_${ULID_PATTERN})/(${idPrefixes.export}_${ULID_PATTERN})$`);

export const exportRequestKey = (applicationId: string, exportId: string) => `${EXPORT_REQUEST_PREFIX}${applicationId}/${exportId}`;

export function parseExportRequestKey(key: string): { applicationId: string; exportId: string } | null {
  const m = REQUEST_KEY.exec(key);
  return m ? { applicationId: m[1]!, exportId: m[2]! } : null;
}

const asExport = (i: Item) => stripKeys(i) as unknown as StoredExport;

export function newExportWrite(e: StoredExport): TransactItem {
  return putNew({
    ...keys.evidenceExport(e.exportId),
    ...keys.evidenceExportIndexes(e.applicationId, e.requestedAt, e.exportId),
    _type: 'evidenceExport',
    ...e,
    ttl: Math.floor(nowMs() / 1000) + EXPORT_RETENTION_DAYS * 86_400,
  });
}

export async function createExport(e: StoredExport, extra: TransactItem[] = []): Promise<void> {
  await transact([newExportWrite(e), ...extra]);
}

export async function getExport(exportId: string, consistent = false): Promise<StoredExport | undefined> {
  const item = await getItem(keys.evidenceExport(exportId), consistent);
  return item ? asExport(item) : undefined;
}

export async function listApplicationExports(applicationId: string, limit?: number, cursor?: string): Promise<Page<StoredExport>> {
  const page = await queryPage({ partition: partitions.applicationExports(applicationId), limit, cursor, ascending: false });
  return { items: page.items.map(asExport), nextCursor: page.nextCursor };
}

async function update(
  exportId: string,
  set: Record<string, unknown>,
  condition: string,
  values: Record<string, unknown> = {},
): Promise<boolean> {
  // The caller's condition may name the first set field as #f0 (claimExport does).
  const parts = addSets({ names: { '#status': 'status' }, values: { ...values }, sets: [] }, set);
  try {
    await transact([
      {
        Update: {
          TableName: config.tableName,
          Key: keys.evidenceExport(exportId),
          UpdateExpression: `SET ${parts.sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: parts.names,
          ExpressionAttributeValues: parts.values,
        },
      },
    ]);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failedCondition(0)) return false;
    throw error;
  }
}

/** queued → building (or a stale build taken over); false when another worker has it or it is done. */
export async function claimExport(e: StoredExport): Promise<boolean> {
  const at = nowIso();
  if (e.status === 'queued')
    return update(e.exportId, { status: 'building', heartbeatAt: at }, '#status = :queued', { ':queued': 'queued' });
  if (e.status === 'building' && e.heartbeatAt && nowMs() - Date.parse(e.heartbeatAt) > STALE_BUILD_MS) {
    return update(e.exportId, { heartbeatAt: at }, '#status = :building AND #f0 = :seen', {
      ':building': 'building',
      ':seen': e.heartbeatAt,
    });
  }
  return false;
}

export function reportProgress(exportId: string, progress: ExportProgress): Promise<boolean> {
  return update(exportId, { progress, heartbeatAt: nowIso() }, '#status = :building', { ':building': 'building' });
}

export function completeExport(exportId: string, result: { key: string; size: number; progress: ExportProgress }): Promise<boolean> {
  return update(
    exportId,
    { status: 'ready', key: result.key, size: result.size, progress: result.progress, completedAt: nowIso() },
    '#status = :building',
    { ':building': 'building' },
  );
}

export function failExport(exportId: string, message: string): Promise<boolean> {
  return update(exportId, { status: 'failed', error: message.slice(0, 500), completedAt: nowIso() }, '#status IN (:queued, :building)', {
    ':queued': 'queued',
    ':building': 'building',
  });
}
