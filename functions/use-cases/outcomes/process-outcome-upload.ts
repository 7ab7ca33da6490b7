/**
 * Processing a landed outcome CSV (called by the S3-triggered edge,
 * api/outcomes/upload-processor.ts): streams the object through the core validator
 * (validateOutcomeCsv: memory stays flat however long the file) and either stores the
 * reports exactly like a JSON submission (store/outcomes.ts submitOutcomes: pointer swap,
 * audit, recompute) or records every error with its row and column. Nothing is stored
 * unless the whole file is valid. The upload's declarer was authorized when declaring it.
 *
 * Keys outside outcomes/ are ignored: locally every ObjectCreated event reaches every
 * S3-triggered function. A repeated notification finds the upload no longer `declared`
 * and does nothing.
 */
import type { OutcomeCounts } from '#core/outcomes/model.ts';
import { validateOutcomeCsv } from '#core/outcomes/csv.ts';
import { parseOutcomeUploadKey } from '#core/outcomes/object-keys.ts';
import { logger } from '#lib/logger.ts';
import { getObjectStream } from '#store/evidence-objects.ts';
import { districtPathwayIds, submitOutcomes } from '#store/outcomes.ts';
import { outcomeSettings } from '#store/outcomes-config.ts';
import { claimUpload, finishUpload, getUpload, storeUploadErrors } from '#store/outcomes-uploads.ts';

export async function processOutcomeUpload(objectKey: string): Promise<'ignored' | 'skipped' | 'stored' | 'invalid' | 'failed'> {
  const ids = parseOutcomeUploadKey(objectKey);
  if (!ids) return 'ignored';
  const upload = await getUpload(ids.uploadId, true);
  if (!upload || upload.districtId !== ids.districtId || upload.objectKey !== objectKey) return 'ignored';
  if (!(await claimUpload(upload.id))) return 'skipped';
  try {
    const pathwayIds = await districtPathwayIds(upload.districtId);
    const object = await getObjectStream(objectKey);
    const result = await validateOutcomeCsv(object.body, {
      districtId: upload.districtId,
      pathwayIdsOfDistrict: pathwayIds,
      maxBytes: Math.min(outcomeSettings.csvMaxBytes, upload.size),
      maxRows: outcomeSettings.csvMaxRows,
    });
    if (!result.ok) {
      await storeUploadErrors(upload.id, result.errors);
      await finishUpload(upload.id, {
        status: 'invalid',
        errorCount: result.errors.length,
        moreErrors: result.moreErrors,
        dataRows: result.dataRows,
      });
      return 'invalid';
    }
    let district: OutcomeCounts | undefined;
    const pathways: { pathwayId: string; counts: OutcomeCounts }[] = [];
    for (const report of result.reports) {
      if (report.entity.kind === 'district') district = report.counts;
      else pathways.push({ pathwayId: report.entity.pathwayId, counts: report.counts });
    }
    const stored = await submitOutcomes(
      { districtId: upload.districtId, schoolYear: result.schoolYear, district, pathways },
      upload.declaredBy,
      { kind: 'csv', uploadId: upload.id },
    );
    await finishUpload(upload.id, {
      status: 'stored',
      schoolYear: result.schoolYear,
      submissionId: stored.pointer.submissionId,
      unchanged: stored.unchanged,
      dataRows: result.dataRows,
      errorCount: 0,
    });
    return 'stored';
  } catch (error) {
    logger.error('outcome upload failed', { uploadId: upload.id, error: (error as Error).message });
    await finishUpload(upload.id, { status: 'failed', failure: (error as Error).message.slice(0, 500) });
    return 'failed';
  }
}
