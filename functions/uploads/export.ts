/**
 * The ZIP export worker. The API writes a request marker under exports/requests/ and the
 * bucket notifies this function (see store/evidence-exports.ts for why). It claims the
 * export, streams every file of the application's evidence from S3 into a ZIP that
 * streams into a multipart upload (memory: the part buffers, whatever the sizes), reports
 * progress on the export record as it goes, and marks the export ready or failed.
 *
 * The archive holds `files/<file name>` (names made safe and unique) and `manifest.csv`
 * naming, for each file, the item, version, criteria, size and SHA-256 recorded when it
 * was verified. Each file's bytes are checked against the CRC-32 and size recorded at
 * verification while they stream.
 */
import type { S3Event } from 'aws-lambda';
import { crc32 } from 'node:zlib';
import { contentDisposition, safeDownloadName } from '#core/evidence/file-name.ts';
import { eventObjectKey, exportKey } from '#core/evidence/object-keys.ts';
import { toCsv } from '#core/csv.ts';
import { nowMs } from '#lib/clock.ts';
import { logger } from '#lib/logger.ts';
import { applicationFiles } from '#store/evidence-applications.ts';
import {
  claimExport,
  completeExport,
  exportRequestKey,
  failExport,
  getExport,
  parseExportRequestKey,
  reportProgress,
  type ExportProgress,
} from '#store/evidence-exports.ts';
import type { ResolvedFile } from '#store/evidence-links.ts';
import { deleteObject, getObjectStream } from '#store/evidence-objects.ts';
import { MultipartSink } from './multipart.ts';
import { zipStream, type ZipEntry } from './zip.ts';

/** At most one progress write per interval (and one at the end). */
export const PROGRESS_INTERVAL_MS = 1000;

export interface ExportHooks {
  /** Called after each progress write, while the export is still building. */
  onProgress?: (progress: ExportProgress) => void | Promise<void>;
  partSize?: number;
}

/** `name.pdf`, `name (2).pdf`, ...: unique, case-insensitively (Windows and macOS). */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw) => {
    const name = safeDownloadName(raw);
    const dot = name.lastIndexOf('.');
    const base = dot > 0 ? name.slice(0, dot) : name;
    const ext = dot > 0 ? name.slice(dot) : '';
    let candidate = name;
    for (let n = 2; seen.has(candidate.toLowerCase()); n++) candidate = `${base} (${n})${ext}`;
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/** The archive's manifest.csv, through the API's one CSV writer (formula cells neutralized). */
export function manifestCsv(files: readonly ResolvedFile[], names: readonly string[]): string {
  return toCsv(
    files.map((f, i) => ({ f, name: names[i]! })),
    [
      { header: 'file', value: (r) => `files/${r.name}` },
      { header: 'evidence_id', value: (r) => r.f.evidenceId },
      { header: 'version', value: (r) => r.f.version },
      { header: 'title', value: (r) => r.f.title },
      { header: 'criteria', value: (r) => r.f.criterionIds.join(' ') },
      { header: 'content_type', value: (r) => r.f.contentType },
      { header: 'size', value: (r) => r.f.size },
      { header: 'sha256', value: (r) => r.f.sha256 },
      { header: 'verified_at', value: (r) => r.f.verifiedAt ?? '' },
    ],
  );
}

export type ExportOutcome = 'ready' | 'failed' | 'skipped' | 'unknown';

export async function runExport(exportId: string, hooks: ExportHooks = {}): Promise<ExportOutcome> {
  const record = await getExport(exportId, true);
  if (!record) return 'unknown';
  if (!(await claimExport(record))) return 'skipped';
  const key = exportKey(record.applicationId, record.exportId);
  let sink: MultipartSink | undefined;
  try {
    const { files } = await applicationFiles({ id: record.applicationId, pathwayId: record.pathwayId });
    const names = uniqueNames(files.map((f) => f.fileName));
    const manifest = Buffer.from(manifestCsv(files, names), 'utf8');
    const progress: ExportProgress = { itemsDone: 0, itemsTotal: files.length, bytesWritten: 0 };
    let lastReport = 0;
    const report = async (force: boolean) => {
      if (!force && nowMs() - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = nowMs();
      await reportProgress(record.exportId, progress);
      await hooks.onProgress?.({ ...progress });
    };
    await report(true);

    const entries: ZipEntry[] = files.map((f, i) => ({
      name: `files/${names[i]}`,
      size: f.size,
      ...(f.crc32 !== undefined ? { crc32: f.crc32 } : {}),
      modified: new Date(f.verifiedAt ?? record.requestedAt),
      content: async () => (await getObjectStream(f.objectKey, f.objectVersionId)).body,
    }));
    entries.push({
      name: 'manifest.csv',
      size: manifest.length,
      crc32: crc32(manifest),
      modified: new Date(record.requestedAt),
      content: () => [manifest],
    });

    sink = new MultipartSink(key, 'application/zip', contentDisposition(record.fileName), hooks.partSize);
    const onEntry = async (entry: ZipEntry, bytes: number) => {
      progress.bytesWritten = bytes;
      if (entry.name === 'manifest.csv') return;
      progress.itemsDone += 1;
      await report(false);
    };
    for await (const chunk of zipStream(entries, onEntry)) await sink.write(chunk);
    const { size } = await sink.finish();
    progress.bytesWritten = size;
    await completeExport(record.exportId, { key, size, progress });
    await hooks.onProgress?.({ ...progress });
    return 'ready';
  } catch (error) {
    logger.error('evidence export failed', { exportId, error });
    await sink?.abort().catch(() => undefined);
    await failExport(record.exportId, error instanceof Error ? error.message : String(error));
    return 'failed';
  } finally {
    await deleteObject(exportRequestKey(record.applicationId, record.exportId)).catch(() => undefined);
  }
}

export const handler = async (event: S3Event): Promise<{ results: { key: string; outcome: ExportOutcome | 'not_a_request' }[] }> => {
  const results: { key: string; outcome: ExportOutcome | 'not_a_request' }[] = [];
  for (const record of event.Records ?? []) {
    const notified = eventObjectKey(record.s3?.object?.key);
    if (notified.refused === 'dot_segment') {
      // Its shape refuses it too; logged like the other S3-triggered handlers.
      logger.warn('object key with a . or .. segment; ignoring it', { key: notified.key });
      results.push({ key: notified.key, outcome: 'not_a_request' });
      continue;
    }
    const key = notified.key ?? '';
    const request = parseExportRequestKey(key);
    if (!request) {
      results.push({ key, outcome: 'not_a_request' });
      continue;
    }
    results.push({ key, outcome: await runExport(request.exportId) });
  }
  return { results };
};
