/**
 * The evidence bucket, through the AWS SDK v3 S3 client (functions/lib/aws-clients.ts:
 * path-style at AWS_ENDPOINT_URL_S3 locally, the regional endpoint in AWS), presigned GETs
 * with @aws-sdk/s3-request-presigner and presigned POST forms with @aws-sdk/s3-presigned-post.
 *
 * Only the commands used are imported, so the bundle carries no other operation's code;
 * what it cannot shed is client-s3's schema module (every operation's shape in one file),
 * which is why the S3-using functions have bundle budget exceptions (infra/bundling.ts).
 *
 * Time: presigned URLs and forms are signed at the project's clock (functions/lib/clock.ts),
 * so that moving the local dev clock moves their expiry too; header-signed requests keep
 * the SDK's own clock (with its skew correction), since S3 refuses a request whose date is
 * more than 15 minutes off its own.
 */
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PresignedPostInput } from '#core/evidence/post-policy.ts';
import { resetS3Client, s3Client } from '#lib/aws-clients.ts';
import { now, nowMs } from '#lib/clock.ts';
import { config } from '#lib/config.ts';

/**
 * S3's "no such object": GetObject and CopyObject answer NoSuchKey, HeadObject (no body)
 * NotFound; any 404 of an object operation means the same.
 */
export function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.Code === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/** Forget the S3 client (tests and benchmarks that change region, endpoint or credentials). */
export function resetEvidenceObjects(): void {
  resetS3Client();
}

const bucket = () => config.evidenceBucket;

/** S3 versions of an unversioned bucket are reported as the string "null". */
const realVersion = (versionId: string | undefined) => (versionId && versionId !== 'null' ? { versionId } : {});

// ---------------------------------------------------------------------------- operations

export interface StoredObject {
  size: number;
  contentType?: string;
  etag?: string;
  /** Absent when the bucket is not versioned (the local S3). */
  versionId?: string;
}

/** The object's bytes as a Node stream; leaving a for-await early destroys it (and its socket). */
export async function getObjectStream(key: string, versionId?: string): Promise<StoredObject & { body: AsyncIterable<Uint8Array> }> {
  const out = await s3Client().send(new GetObjectCommand({ Bucket: bucket(), Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
  // In Node the SDK's body is the http.IncomingMessage (with SDK stream helpers mixed in).
  const body = out.Body as Readable | undefined;
  if (!body) throw new Error(`GetObject ${key} answered without a body`);
  return {
    size: out.ContentLength ?? 0,
    contentType: out.ContentType,
    etag: out.ETag,
    ...realVersion(out.VersionId),
    body,
  };
}

/** The object's size and labels; undefined when there is no such object. */
export async function headObject(key: string): Promise<StoredObject | undefined> {
  try {
    const out = await s3Client().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return { size: out.ContentLength ?? 0, contentType: out.ContentType, etag: out.ETag, ...realVersion(out.VersionId) };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function putObject(key: string, body: Uint8Array | string, contentType: string): Promise<StoredObject> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const out = await s3Client().send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: bytes, ContentType: contentType }));
  return { size: bytes.byteLength, contentType, etag: out.ETag, ...realVersion(out.VersionId) };
}

/** The x-amz-copy-source value: bucket and key URL-encoded per segment, then the version. */
export function copySource(bucketName: string, key: string, versionId?: string): string {
  const path = [bucketName, ...key.split('/')].map(encodeURIComponent).join('/');
  return versionId ? `${path}?versionId=${encodeURIComponent(versionId)}` : path;
}

/** Server-side copy keeping content type and disposition (metadata directive COPY). */
export async function copyObject(sourceKey: string, destinationKey: string, sourceVersionId?: string): Promise<{ versionId?: string }> {
  const out = await s3Client().send(
    new CopyObjectCommand({
      Bucket: bucket(),
      Key: destinationKey,
      CopySource: copySource(bucket(), sourceKey, sourceVersionId),
      MetadataDirective: 'COPY',
    }),
  );
  return realVersion(out.VersionId);
}

/** Deleting what does not exist succeeds, as in S3. */
export async function deleteObject(key: string): Promise<void> {
  try {
    await s3Client().send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * Multipart uploads declare CRC32 up front, so every part carries its checksum and
 * CompleteMultipartUpload lists them: S3 then checks each part and the whole object. (An
 * upload created without an algorithm but fed parts with the SDK's default checksums is
 * the mismatch S3 refuses at completion.)
 */
const MULTIPART_CHECKSUM = 'CRC32' as const;

export async function createMultipartUpload(key: string, contentType: string, contentDisposition?: string): Promise<string> {
  const out = await s3Client().send(
    new CreateMultipartUploadCommand({
      Bucket: bucket(),
      Key: key,
      ContentType: contentType,
      ChecksumAlgorithm: MULTIPART_CHECKSUM,
      ...(contentDisposition ? { ContentDisposition: contentDisposition } : {}),
    }),
  );
  if (!out.UploadId) throw new Error(`CreateMultipartUpload ${key} answered without an UploadId`);
  return out.UploadId;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
  /** The part's CRC32 as S3 recorded it (absent from an S3 that keeps no checksums, such as the local one). */
  checksumCrc32?: string;
}

/** Uploads one part (at least 5 MiB except the last). */
export async function uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
  const out = await s3Client().send(
    new UploadPartCommand({
      Bucket: bucket(),
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
      Body: body,
      ChecksumAlgorithm: MULTIPART_CHECKSUM,
    }),
  );
  if (!out.ETag) throw new Error(`UploadPart ${key} #${partNumber} answered without an ETag`);
  return { partNumber, etag: out.ETag, ...(out.ChecksumCRC32 ? { checksumCrc32: out.ChecksumCRC32 } : {}) };
}

export async function completeMultipartUpload(
  key: string,
  uploadId: string,
  parts: readonly UploadedPart[],
): Promise<{ versionId?: string }> {
  const out = await s3Client().send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket(),
      Key: key,
      UploadId: uploadId,
      MultipartUpload: {
        Parts: [...parts]
          .sort((a, b) => a.partNumber - b.partNumber)
          .map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ...(p.checksumCrc32 ? { ChecksumCRC32: p.checksumCrc32 } : {}) })),
      },
    }),
  );
  return realVersion(out.VersionId);
}

/**
 * Discards the parts of an unfinished upload (they are billed until then). Best effort:
 * the caller is already failing, and the bucket's lifecycle rule removes incomplete
 * uploads after a day anyway; the local S3 does not implement abort at all.
 */
export async function abortMultipartUpload(key: string, uploadId: string): Promise<boolean> {
  try {
    await s3Client().send(new AbortMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId: uploadId }));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------- presigning

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Content-Disposition S3 answers with (response-content-disposition). */
  contentDisposition?: string;
  contentType?: string;
  versionId?: string;
}

/** A presigned GetObject URL, signed at the project's clock. */
export async function presignGet(key: string, o: PresignGetOptions): Promise<string> {
  const command = new GetObjectCommand({
    Bucket: bucket(),
    Key: key,
    ...(o.contentDisposition ? { ResponseContentDisposition: o.contentDisposition } : {}),
    ...(o.contentType ? { ResponseContentType: o.contentType } : {}),
    ...(o.versionId ? { VersionId: o.versionId } : {}),
  });
  return getSignedUrl(s3Client(), command, { expiresIn: o.expiresInSeconds, signingDate: now() });
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

/**
 * A presigned POST form for a policy from core/evidence/post-policy.ts. createPresignedPost
 * dates the policy at the client's clock (Date.now() + systemClockOffset); it is given a
 * view of the client whose offset includes the dev clock's, so the form expires when the
 * project's clock says (identical in AWS, where the dev clock is off).
 */
export async function presignPost(input: PresignedPostInput): Promise<PresignedPost> {
  const client = s3Client();
  const devOffset = nowMs() - Date.now();
  const dated = { config: { ...client.config, systemClockOffset: client.config.systemClockOffset + devOffset } } as S3Client;
  return createPresignedPost(dated, { Bucket: bucket(), ...input });
}
