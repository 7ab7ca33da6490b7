/**
 * Shared by the evidence and resource handlers: the file rules as a 422, and presigned
 * downloads that name the file.
 */
import { checkDeclaration, type CheckedDeclaration } from '../../core/evidence/file-types.ts';
import { contentDisposition, safeDownloadName } from '../../core/evidence/file-name.ts';
import { now } from '../../lib/clock.ts';
import { problems, type FieldError } from '../../lib/problem.ts';
import { presignGet } from '../../store/evidence-objects.ts';

/** Presigned downloads work for minutes: long enough to start, short enough not to be passed around. */
export const DOWNLOAD_EXPIRY_SECONDS = 300;

/** The declared file against the file rules: every problem at once, as a 422 before any form is issued. */
export function checkedDeclaration(body: { fileName: string; contentType: string; size: number; sha256?: string }): CheckedDeclaration {
  const checked = checkDeclaration({
    fileName: body.fileName,
    contentType: body.contentType,
    size: body.size,
    ...(body.sha256 !== undefined ? { sha256: body.sha256 } : {}),
  });
  if (checked.ok) return checked.declaration;
  const errors: FieldError[] = checked.problems.map((p) => ({ in: 'body', field: p.field, message: p.message, code: p.code }));
  throw problems.unprocessable(checked.problems.map((p) => p.message).join(' '), errors);
}

export interface Download {
  version?: number;
  url: string;
  expiresAt: string;
  fileName: string;
}

/** A presigned GET answering with `Content-Disposition: attachment` and the file's (safe) name. */
export async function download(key: string, v: { version?: number; fileName: string; objectVersionId?: string }, withVersionId: boolean): Promise<Download> {
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
