/**
 * A district declares an outcome CSV upload (a record and a presigned POST form; the file
 * is processed when it lands, process-outcome-upload.ts) and reads how it went.
 */
import { InvalidInputError, NotFoundError } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { outcomeUploadPolicy } from '#core/outcomes/object-keys.ts';
import { nowIso, nowMs } from '#lib/clock.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { presignPost } from '#store/evidence-objects.ts';
import { outcomeSettings } from '#store/outcomes-config.ts';
import { currentUpload, declareUpload, listUploadErrors, type OutcomeUpload } from '#store/outcomes-uploads.ts';
import { districtFor } from '../targets.ts';

export async function declareOutcomeUpload(principal: Principal, input: { districtId: string; size: number }) {
  const { district } = await districtFor(principal, input.districtId, 'outcome.submit');
  const max = outcomeSettings.csvMaxBytes;
  if (input.size > max) {
    throw new InvalidInputError([{ in: 'body', field: 'size', message: `the file must be at most ${max} bytes`, code: 'too_large' }]);
  }
  const at = nowIso();
  const uploadId = newId('outcome', Date.parse(at));
  const policy = outcomeUploadPolicy(district.id, uploadId, input.size, max);
  const upload: OutcomeUpload = {
    id: uploadId,
    districtId: district.id,
    objectKey: policy.Key,
    size: input.size,
    status: 'declared',
    declaredAt: at,
    declaredBy: actorOf(principal),
    expiresAt: new Date(nowMs() + policy.Expires * 1000).toISOString(),
    updatedAt: at,
  };
  await declareUpload(upload);
  return { upload, form: await presignPost(policy) };
}

/** An upload of the district as it stands now (a lapsed declaration reads as expired), with a page of its errors. */
export async function getOutcomeUpload(
  principal: Principal,
  input: { districtId: string; uploadId: string; limit?: number; cursor?: string },
) {
  const { district } = await districtFor(principal, input.districtId, 'outcome.submit');
  const upload = await currentUpload(input.uploadId, nowIso());
  if (!upload || upload.districtId !== district.id) throw new NotFoundError('upload');
  const errors = await listUploadErrors(upload.id, input.limit, input.cursor);
  return { upload, errors };
}
