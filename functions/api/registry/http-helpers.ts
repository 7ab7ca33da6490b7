/**
 * HTTP conventions shared by the registry, people, directory and audit route groups:
 * reading the version a client edited (If-Match or `version` in the body), ETags, and
 * the idempotency context of a creating POST.
 */
import type { HttpRequest } from '../../lib/http.ts';
import { problems } from '../../lib/problem.ts';
import { routeKey, type RouteSpec } from '../../lib/route.ts';
import { idempotencyContext, type IdempotencyContext } from '../../store/idempotency.ts';

const IF_MATCH = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/;

/**
 * The version the client edited. `If-Match: "3"` (weak or unquoted forms accepted) or
 * `version: 3` in the body; both must agree when both are sent; neither is a 428.
 */
export function expectedVersion(headers: Record<string, string | undefined>, bodyVersion?: number): number {
  const raw = headers['if-match'];
  if (raw === undefined) {
    if (bodyVersion === undefined) throw problems.preconditionRequired();
    return bodyVersion;
  }
  const match = IF_MATCH.exec(raw);
  if (!match) {
    throw problems.validation([{ in: 'header', field: 'if-match', message: 'must be the version you edited, e.g. "3"', code: 'invalid_format' }]);
  }
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version) {
    throw problems.validation([{ in: 'body', field: 'version', message: 'differs from If-Match', code: 'version_mismatch' }]);
  }
  return version;
}

/** Refuses early when the loaded item is already past the edited version (the conditional write still decides races). */
export function checkVersion(current: number, expected: number): void {
  if (current !== expected) throw problems.preconditionFailed(current);
}

export const etag = (version: number) => ({ etag: `"${version}"` });

export function creationContext(req: HttpRequest<RouteSpec>, spec: RouteSpec): IdempotencyContext {
  return idempotencyContext(req.principal!.sub, req.headers, { routeKey: routeKey(spec), path: req.event.rawPath, body: req.body });
}

/** A PATCH body without its `version`: refuses an empty change set. */
export function changesOf<T extends Record<string, unknown>>(body: T): Omit<T, 'version'> {
  const { version: _version, ...changes } = body;
  const present = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  if (Object.keys(present).length === 0) {
    throw problems.validation([{ in: 'body', field: '', message: 'name at least one field to change', code: 'empty_change' }]);
  }
  return present as Omit<T, 'version'>;
}
