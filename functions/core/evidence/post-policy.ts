/**
 * The presigned POST an uploader gets: the input for `createPresignedPost` from
 * @aws-sdk/s3-presigned-post (which adds bucket, credential, date and signature and
 * signs). A POST policy, unlike a presigned PUT, lets S3 itself refuse an upload of the
 * wrong size, key or type, in AWS.
 *
 * Decisions:
 * - The key is exact (`eq`), never `starts-with`: the uploader writes one server-chosen
 *   key under pending/, not anything in a folder.
 * - `content-length-range` is [size, size]: the declaration states the size, the browser
 *   knows it (File.size), and verification requires equality anyway, so S3 refuses any
 *   other length up front rather than storing it for verification to throw away.
 * - Content-Type is pinned to the canonical type of the declaration, so the stored object
 *   is labeled with what was checked. Content-Disposition is pinned to `attachment` with
 *   the safe file name, so even a direct GET of the object never renders it inline.
 * - success_action_status 201: S3 answers with an XML body naming the key, instead of an
 *   empty 204 or a redirect.
 * - No x-amz-meta-* fields: the key already carries pathway, item and version, and every
 *   extra field is one more thing the client must echo exactly.
 * - No checksum field: the declared SHA-256, when given, is checked by verification,
 *   which runs in both environments (the local S3 enforces no policy at all).
 */
import { fileTypeByContentType } from './file-types.ts';
import { contentDisposition } from './file-name.ts';
import { parseObjectKey, pendingKey } from './object-keys.ts';

export const DEFAULT_UPLOAD_EXPIRY_SECONDS = 300;
export const MIN_UPLOAD_EXPIRY_SECONDS = 60;
export const MAX_UPLOAD_EXPIRY_SECONDS = 900;

/** Structurally the SDK's `Conditions` type, kept here so core does not import the SDK. */
export type PolicyCondition =
  ['eq', string, string] | ['starts-with', string, string] | ['content-length-range', number, number] | Record<string, string>;

/** Everything `createPresignedPost` needs except the Bucket. */
export interface PresignedPostInput {
  Key: string;
  Conditions: PolicyCondition[];
  Fields: Record<string, string>;
  /** Seconds until the policy expires. */
  Expires: number;
}

export interface UploadPolicyInput {
  pathwayId: string;
  evidenceId: string;
  version: number;
  /** The canonical content type of a checked declaration. */
  contentType: string;
  /** Exact size in bytes, as declared. */
  size: number;
  /** The file name as declared; becomes the attachment name. */
  fileName: string;
  expiresInSeconds?: number;
}

/**
 * Builds the POST policy input for one declared upload. Throws on values a checked
 * declaration cannot have (unknown type, size out of the type's range, expiry out of
 * bounds): the policy is the boundary in AWS, so it does not trust its caller blindly.
 */
export function buildUploadPolicy(input: UploadPolicyInput): PresignedPostInput {
  const { pathwayId, evidenceId, version, ...rest } = input;
  return buildUploadPolicyForKey({ ...rest, key: pendingKey(pathwayId, evidenceId, version) });
}

export interface KeyedUploadPolicyInput extends Omit<UploadPolicyInput, 'pathwayId' | 'evidenceId' | 'version'> {
  /** A server-generated pending key (pendingKey or pendingResourceKey); never client input. */
  key: string;
}

/** The same policy for any pending upload key (evidence versions and staff resources alike). */
export function buildUploadPolicyForKey(input: KeyedUploadPolicyInput): PresignedPostInput {
  const parsed = parseObjectKey(input.key);
  if (!parsed || (parsed.kind !== 'pending' && parsed.kind !== 'pending-resource')) {
    throw new TypeError(`not a pending upload key: ${JSON.stringify(input.key)}`);
  }
  const type = fileTypeByContentType(input.contentType);
  if (!type || type.contentType !== input.contentType) {
    throw new TypeError(`not a canonical allowed content type: ${input.contentType}`);
  }
  if (!Number.isSafeInteger(input.size) || input.size < 1 || input.size > type.maxBytes) {
    throw new RangeError(`size ${input.size} is outside 1..${type.maxBytes} for ${type.contentType}`);
  }
  const expires = input.expiresInSeconds ?? DEFAULT_UPLOAD_EXPIRY_SECONDS;
  if (!Number.isSafeInteger(expires) || expires < MIN_UPLOAD_EXPIRY_SECONDS || expires > MAX_UPLOAD_EXPIRY_SECONDS) {
    throw new RangeError(`expiry must be ${MIN_UPLOAD_EXPIRY_SECONDS}..${MAX_UPLOAD_EXPIRY_SECONDS} seconds, got ${expires}`);
  }

  const key = input.key;
  const disposition = contentDisposition(input.fileName);
  const fields: Record<string, string> = {
    'Content-Type': type.contentType,
    'Content-Disposition': disposition,
    success_action_status: '201',
  };
  // Explicit eq conditions for every field, rather than relying on the SDK turning Fields
  // into conditions: the policy must say the same thing whoever signs it.
  const conditions: PolicyCondition[] = [
    ['eq', '$key', key],
    ['eq', '$Content-Type', type.contentType],
    ['eq', '$Content-Disposition', disposition],
    ['eq', '$success_action_status', '201'],
    ['content-length-range', input.size, input.size],
  ];
  return { Key: key, Conditions: conditions, Fields: fields, Expires: expires };
}

/** When an upload policy issued at `issuedAt` stops working. */
export function uploadExpiresAt(issuedAt: Date, expiresInSeconds: number): Date {
  return new Date(issuedAt.getTime() + expiresInSeconds * 1000);
}
