/**
 * The `Idempotency-Key` of a creating request, checked and fingerprinted at the HTTP edge.
 * The use case passes the context to the store, which writes the first answer under
 * (caller, key) in the same transaction as the creation (store/idempotency.ts).
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '#core/errors.ts';
import type { HttpRequest } from './http.ts';
import { routeKey, type RouteSpec } from './route.ts';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

export interface IdempotencyContext {
  sub: string;
  key?: string;
  /** What was asked: route key, path and body; a reused key with a different request is refused. */
  fingerprint: string;
}

export function idempotencyContext(
  sub: string,
  headers: Record<string, string | undefined>,
  request: { routeKey: string; path: string; body: unknown },
): IdempotencyContext {
  const key = headers['idempotency-key'];
  if (key !== undefined && !KEY_PATTERN.test(key)) {
    throw new InvalidInputError([
      { in: 'header', field: 'idempotency-key', message: 'must be 8–128 characters of letters, digits, _ . : -', code: 'invalid_format' },
    ]);
  }
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([request.routeKey, request.path, request.body ?? null]))
    .digest('hex');
  return { sub, key, fingerprint };
}

/** The context of a creating request of `spec` (its route key, path and body make the fingerprint). */
export function creationContext(req: HttpRequest<RouteSpec>, spec: RouteSpec): IdempotencyContext {
  return idempotencyContext(req.principal!.sub, req.headers, { routeKey: routeKey(spec), path: req.event.rawPath, body: req.body });
}
