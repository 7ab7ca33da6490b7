/**
 * Browser CORS rule of the evidence bucket, as data. The CDK evidence construct applies it
 * to the real bucket and the local S3 server is configured from the same rule, so a
 * browser upload that works locally works in AWS. Only the origins differ per stage.
 */
export interface EvidenceCorsRule {
  allowedOrigins: string[];
  /** POST: presigned form uploads; PUT: presigned PUT uploads; GET/HEAD: downloads. */
  allowedMethods: ('GET' | 'HEAD' | 'PUT' | 'POST')[];
  /** What a browser sends with a presigned upload (content type, checksums, metadata). */
  allowedHeaders: string[];
  /** ETag confirms an upload; the version id names the stored evidence version. */
  exposedHeaders: string[];
  maxAgeSeconds: number;
}

export function evidenceCorsRule(allowedOrigins: readonly string[]): EvidenceCorsRule {
  return {
    allowedOrigins: allowedOrigins.length > 0 ? [...allowedOrigins] : ['*'],
    allowedMethods: ['GET', 'HEAD', 'PUT', 'POST'],
    allowedHeaders: ['content-type', 'content-md5', 'content-disposition', 'x-amz-*'],
    exposedHeaders: ['ETag', 'x-amz-version-id', 'x-amz-request-id', 'x-amz-checksum-sha256'],
    maxAgeSeconds: 3000,
  };
}
