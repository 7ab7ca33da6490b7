/**
 * A route of the HTTP API as data: method, path, which Lambda serves it, who may call it
 * and the zod schemas of its parts. The CDK app, the local HTTP API, the OpenAPI document
 * and the handlers all read these specs, so a route is described exactly once.
 */
import type * as z from 'zod/mini';
import type { FunctionName } from '#catalog';
import { lazy } from '#core/lazy.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec<
  P extends z.ZodMiniType = z.ZodMiniType,
  Q extends z.ZodMiniType = z.ZodMiniType,
  B extends z.ZodMiniType = z.ZodMiniType,
  R extends z.ZodMiniType = z.ZodMiniType,
  A extends 'public' | 'jwt' = 'public' | 'jwt',
> {
  /** OpenAPI operationId; unique across the API. */
  id: string;
  method: HttpMethod;
  /** API Gateway path template, e.g. `/pathways/{pathwayId}`. */
  path: string;
  /** The Lambda function (see functions/catalog.ts) that serves the route. */
  fn: FunctionName;
  /** `public` routes take no token; `jwt` routes need a valid one (401 otherwise). */
  auth: A;
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  response?: R;
  /** Status of a successful answer; 200 unless given. */
  successStatus?: number;
  /** Accepts an `Idempotency-Key` header (creating POSTs). */
  idempotent?: boolean;
  /** Optimistic concurrency: the write needs `If-Match` (or `version` in the body). */
  ifMatch?: boolean;
  /** The content type of a non-JSON success body (e.g. text/html for /docs); with `response`, an alternative (?format=csv). */
  produces?: string;
  /** Other success statuses with the same body, and when, e.g. `{ 201: 'Created by this call' }`. */
  otherSuccess?: Partial<Record<number, string>>;
  /** Accepts `If-None-Match: *` to create only (items that may not exist yet). */
  ifNoneMatch?: boolean;
  /**
   * Problems this route answers beyond the ones every route of its kind can (400, and
   * 401/403/404 for `jwt`, 413/415 with a body, 412/428 with `ifMatch`, 503): when, and
   * the `code` values the problem's `errors` (or its own `code`) can carry.
   * Only the OpenAPI document reads this.
   */
  errors?: Partial<Record<ProblemStatus, string | { when: string; codes?: readonly string[] }>>;
}

export type ProblemStatus = 400 | 403 | 404 | 409 | 410 | 412 | 413 | 422 | 429 | 503;

export type Infer<T> = [Exclude<T, undefined>] extends [never]
  ? undefined
  : Exclude<T, undefined> extends z.ZodMiniType
    ? z.infer<Exclude<T, undefined>>
    : undefined;

/** A route's zod schemas: what `route` takes in `schemas` and its spec exposes one by one. */
export interface RouteSchemas<P, Q, B, R> {
  params?: P;
  query?: Q;
  body?: B;
  response?: R;
}

/**
 * What a routes file writes: the spec, with its schemas behind a function. A Lambda bundle
 * holds every route of its function, so building them all at import would cost each cold
 * start a few milliseconds of zod construction for routes the request never takes (and for
 * response schemas only the OpenAPI document reads); behind `schemas` they are built on
 * first use, once.
 */
export type RouteInput<P, Q, B, R, A extends 'public' | 'jwt'> = Omit<
  RouteSpec<z.ZodMiniType, z.ZodMiniType, z.ZodMiniType, z.ZodMiniType, A>,
  keyof RouteSchemas<P, Q, B, R>
> & {
  schemas?: () => RouteSchemas<P, Q, B, R>;
};

type AnySchemas = RouteSchemas<z.ZodMiniType, z.ZodMiniType, z.ZodMiniType, z.ZodMiniType>;

/**
 * The schema parts of a spec, built together the first time one is read. Getters on one
 * prototype: a route costs an object and a copy of its fields at import (per-route getter
 * closures cost the people routes ~0.3 ms of a cold start).
 */
class LazySchemas {
  readonly #parts: () => AnySchemas;

  constructor(build: (() => AnySchemas) | undefined) {
    this.#parts = lazy(build ?? (() => ({})));
  }

  get params() {
    return this.#parts().params;
  }

  get query() {
    return this.#parts().query;
  }

  get body() {
    return this.#parts().body;
  }

  get response() {
    return this.#parts().response;
  }
}

export function route<
  P extends z.ZodMiniType,
  Q extends z.ZodMiniType,
  B extends z.ZodMiniType,
  R extends z.ZodMiniType,
  A extends 'public' | 'jwt',
>(input: RouteInput<P, Q, B, R, A>): RouteSpec<P, Q, B, R, A> {
  return Object.assign(new LazySchemas(input.schemas), input) as unknown as RouteSpec<P, Q, B, R, A>;
}

/** The key API Gateway puts in `event.routeKey`, e.g. `GET /pathways/{pathwayId}`. */
export function routeKey(spec: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${spec.method} ${spec.path}`;
}
