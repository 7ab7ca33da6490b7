/**
 * ZIP exports of an application's evidence: requesting one (a queued record and a marker
 * object that starts the builder) and reading its progress and download.
 */
import { safeDownloadName } from '#core/evidence/file-name.ts';
import { BusyError, NotFoundError } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { nowIso } from '#lib/clock.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { logger } from '#lib/logger.ts';
import type { Principal } from '#lib/principal.ts';
import { createExport, exportRequestKey, failExport, getExport as readExport, type StoredExport } from '#store/evidence-exports.ts';
import { putObject } from '#store/evidence-objects.ts';
import { forgetIdempotent, idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import type { Deferred } from '../deferred.ts';
import { download, type Download } from './downloads.ts';
import { applicationOf } from './library-access.ts';

/** Queues an export; `answer` renders the queued export (stored with it for idempotent retries). */
export async function requestExport(
  principal: Principal,
  applicationId: string,
  idempotency: Deferred<IdempotencyContext>,
  answer: (queued: StoredExport) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const app = await applicationOf(principal, applicationId, 'export.request');
  const context = idempotency();
  return idempotent(context, async (record) => {
    const at = nowIso();
    const e: StoredExport = {
      exportId: newId('export'),
      applicationId: app.id,
      pathwayId: app.pathwayId,
      status: 'queued',
      requestedAt: at,
      requestedBy: { sub: principal.sub, ...(principal.name ? { name: principal.name } : {}) },
      progress: { itemsDone: 0, itemsTotal: 0, bytesWritten: 0 },
      fileName: safeDownloadName(`${app.pathwayName} evidence ${at.slice(0, 10)}.zip`),
    };
    const result = answer(e);
    await createExport(e, record(result));
    try {
      await putObject(
        exportRequestKey(app.id, e.exportId),
        JSON.stringify({ applicationId: app.id, exportId: e.exportId, requestedAt: at }),
        'application/json',
      );
    } catch (error) {
      logger.error('could not queue an evidence export', { exportId: e.exportId, error });
      await failExport(e.exportId, 'The export could not be queued.');
      // The answer stored with the export would replay this failed export to the retry the 503 invites.
      await forgetIdempotent(context).catch((forgetError: unknown) =>
        logger.error('could not forget the idempotency record', { error: forgetError }),
      );
      throw new BusyError(5);
    }
    return result;
  });
}

/** An export of the application, with a download once it is ready. */
export async function getExport(
  principal: Principal,
  input: { applicationId: string; exportId: string },
): Promise<{ export: StoredExport; download?: Download }> {
  const app = await applicationOf(principal, input.applicationId, 'export.read');
  const e = await readExport(input.exportId, true);
  if (!e || e.applicationId !== app.id) throw new NotFoundError('export');
  if (e.status === 'ready' && e.key) return { export: e, download: await download(e.key, { fileName: e.fileName }, false) };
  return { export: e };
}
