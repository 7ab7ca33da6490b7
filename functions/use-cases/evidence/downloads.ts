/**
 * Presigned downloads that name the file, shared by the evidence, export and resource use
 * cases: the bytes never pass through a function, the browser fetches them from S3.
 */
import { contentDisposition, safeDownloadName } from '#core/evidence/file-name.ts';
import { now } from '#lib/clock.ts';
import { presignGet } from '#store/evidence-objects.ts';

/** Presigned downloads work for minutes: long enough to start, short enough not to be passed around. */
export const DOWNLOAD_EXPIRY_SECONDS = 300;

export interface Download {
  version?: number;
  url: string;
  expiresAt: string;
  fileName: string;
}

/** A presigned GET answering with `Content-Disposition: attachment` and the file's (safe) name. */
export async function download(
  key: string,
  v: { version?: number; fileName: string; objectVersionId?: string },
  withVersionId: boolean,
): Promise<Download> {
  const url = await presignGet(key, {
    expiresInSeconds: DOWNLOAD_EXPIRY_SECONDS,
    contentDisposition: contentDisposition(v.fileName),
    ...(withVersionId && v.objectVersionId ? { versionId: v.objectVersionId } : {}),
  });
  return {
    ...(v.version !== undefined ? { version: v.version } : {}),
    url,
    expiresAt: new Date(now().getTime() + DOWNLOAD_EXPIRY_SECONDS * 1000).toISOString(),
    fileName: safeDownloadName(v.fileName),
  };
}
