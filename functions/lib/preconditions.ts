/**
 * Optimistic concurrency on the HTTP surface. A versioned item's ETag is its version
 * number in quotes (`"3"`); a write names the version it edited in `If-Match` (or as
 * `version` in the body). `If-Match: *` is refused: it would let a write overwrite a
 * version its author never saw, which is exactly what the versions are there to stop.
 */
import { problems } from './problem.ts';

const ETAG = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/;

export const etag = (version: number) => `"${version}"`;

/** The `ETag` header of an answer carrying `version`. */
export const etagHeader = (version: number) => ({ etag: etag(version) });

function parseIfMatch(raw: string): number {
  const m = ETAG.exec(raw);
  if (!m) {
    throw problems.validation([
      { in: 'header', field: 'if-match', message: 'must be one version tag such as "3"', code: 'invalid_format' },
    ]);
  }
  return Number(m[1]);
}

/** The version the caller edited: from If-Match, else from the body; 428 when neither is given. */
export function expectedVersion(headers: Record<string, string | undefined>, bodyVersion?: number): number {
  const raw = headers['if-match'];
  const fromHeader = raw === undefined ? undefined : parseIfMatch(raw);
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw problems.validation([{ in: 'body', field: 'version', message: 'differs from the If-Match header', code: 'version_mismatch' }]);
  }
  const version = fromHeader ?? bodyVersion;
  if (version === undefined) throw problems.preconditionRequired();
  return version;
}

/**
 * For items that may not exist yet (an application's responses): version 0 means "not
 * written yet", and `If-None-Match: *` says the same thing the HTTP way.
 */
export function expectedVersionOrNew(headers: Record<string, string | undefined>, bodyVersion?: number): number {
  const none = headers['if-none-match'];
  if (none !== undefined) {
    if (none.trim() !== '*') {
      throw problems.validation([{ in: 'header', field: 'if-none-match', message: 'only * is supported', code: 'invalid_format' }]);
    }
    if (headers['if-match'] !== undefined || (bodyVersion !== undefined && bodyVersion !== 0)) {
      throw problems.validation([
        {
          in: 'header',
          field: 'if-none-match',
          message: 'cannot be combined with If-Match or a non-zero version',
          code: 'version_mismatch',
        },
      ]);
    }
    return 0;
  }
  return expectedVersion(headers, bodyVersion);
}

/** A partial update (PATCH) must name at least one field; `version` alone changes nothing. */
export function changesOf<T extends Record<string, unknown>>(body: T): Omit<T, 'version'> {
  const { version: _version, ...changes } = body;
  const present = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  if (Object.keys(present).length === 0) {
    throw problems.validation([{ in: 'body', field: '', message: 'name at least one field to change', code: 'empty_change' }]);
  }
  return present as Omit<T, 'version'>;
}
