/**
 * Object keys and the POST policy of outcome CSV uploads.
 *
 *   outcomes/<districtId>/<uploadId>.csv
 *
 * Keys are built by the server from ids it generated; the S3-triggered processor parses
 * them back and ignores anything else in the bucket (locally every ObjectCreated event
 * reaches every S3-triggered function). The policy pins the exact key, content type and
 * size declared, like evidence uploads (core/evidence/post-policy.ts).
 */
import { isId } from '../ids.ts';
import type { PresignedPostInput, PolicyCondition } from '../evidence/post-policy.ts';

export const OUTCOME_UPLOAD_PREFIX = 'outcomes/';
export const OUTCOME_CSV_CONTENT_TYPE = 'text/csv';
export const OUTCOME_UPLOAD_EXPIRY_SECONDS = 300;

export function outcomeUploadKey(districtId: string, uploadId: string): string {
  if (!isId('district', districtId)) throw new TypeError(`not a district id: ${districtId}`);
  if (!isId('outcome', uploadId)) throw new TypeError(`not an upload id: ${uploadId}`);
  return `${OUTCOME_UPLOAD_PREFIX}${districtId}/${uploadId}.csv`;
}

/** The ids in an outcome upload key, or null when the key is not one (never throws). */
export function parseOutcomeUploadKey(key: string): { districtId: string; uploadId: string } | null {
  const m = /^outcomes\/([^/]+)\/([^/]+)\.csv$/.exec(key);
  if (!m) return null;
  const [, districtId, uploadId] = m as unknown as [string, string, string];
  if (!isId('district', districtId) || !isId('outcome', uploadId)) return null;
  return { districtId, uploadId };
}

/** The POST policy for one declared CSV of exactly `size` bytes. */
export function outcomeUploadPolicy(districtId: string, uploadId: string, size: number, maxBytes: number): PresignedPostInput {
  if (!Number.isSafeInteger(size) || size < 1 || size > maxBytes) throw new RangeError(`size ${size} is outside 1..${maxBytes}`);
  const key = outcomeUploadKey(districtId, uploadId);
  const conditions: PolicyCondition[] = [
    ['eq', '$key', key],
    ['eq', '$Content-Type', OUTCOME_CSV_CONTENT_TYPE],
    ['eq', '$success_action_status', '201'],
    ['content-length-range', size, size],
  ];
  return {
    Key: key,
    Conditions: conditions,
    Fields: { 'Content-Type': OUTCOME_CSV_CONTENT_TYPE, success_action_status: '201' },
    Expires: OUTCOME_UPLOAD_EXPIRY_SECONDS,
  };
}
