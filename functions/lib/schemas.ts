/**
 * Schema building blocks shared by route specs: ids, pagination, common strings.
 * zod/mini keeps each function's bundle small; every object is strict so unknown
 * fields are rejected.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';

/**
 * Named schemas of the OpenAPI document: a schema added here is emitted once under
 * `components/schemas/<id>` and referenced wherever it is used, so generated client
 * types get names a frontend can import. Only openapi.ts reads it (no runtime cost).
 */
export const apiSchemas = z.registry<{ id: string; description?: string; examples?: unknown[] }>();

export function named<T extends z.ZodMiniType>(schema: T, id: string, example?: unknown, description?: string): T {
  apiSchemas.add(schema, { id, ...(description ? { description } : {}), ...(example !== undefined ? { examples: [example] } : {}) });
  return schema;
}

/**
 * How the document shows a schema whose JSON Schema cannot say it, e.g. a query value
 * that is text on the wire but a number the handler gets (`?limit=20`): an integer.
 */
export const documentedAs = new WeakMap<object, Record<string, unknown>>();

export function documentAs<T extends z.ZodMiniType>(schema: T, json: Record<string, unknown>): T {
  documentedAs.set(schema, json);
  return schema;
}

/** A whole number sent as query text (e.g. `?round=2`), coerced for the handler. */
export const integerQuery = (pattern: RegExp, json: { minimum?: number; maximum?: number }, error?: string) =>
  documentAs(
    z.pipe(
      z.string().check(z.regex(pattern, error ? { error } : undefined)),
      z.transform((v: string) => Number(v)),
    ),
    { type: 'integer', ...json },
  );

// Defined in core (the domain events use them too); the API's schema kit offers them here.
export { idSchema } from '#core/ids.ts';
export { isoDate, isoDateTime } from '#core/time.ts';

/** Trimmed text with bounds. */
export const text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));

export const email = () => z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254), z.email());

/** `limit` and `cursor` on every list. */
export const pageQuery = /* @__PURE__ */ lazy(() => ({
  limit: z.optional(
    documentAs(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, { error: 'must be a whole number from 1 to 100' })),
        z.pipe(
          z.transform((v: string) => Number(v)),
          z.number().check(z.minimum(1), z.maximum(100)),
        ),
      ),
      { type: 'integer', minimum: 1, maximum: 100, description: 'Items per page.' },
    ),
  ),
  cursor: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,2048}$/, { error: 'must be a cursor from a previous page' }))),
}));

export const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    items: z.array(item),
    /** Pass as `cursor` to get the next page; absent on the last page. */
    nextCursor: z.optional(z.string()),
  });

/**
 * A version a client says it edited (`version` in a body). Bounded well below 2^53: the
 * store writes `version + 1`, and a number past Number.MAX_SAFE_INTEGER cannot be sent to
 * DynamoDB (the fuzzer found a 500 for 9007199254740991).
 */
export const versionField = (min = 1) => z.int().check(z.minimum(min), z.maximum(1_000_000_000));

/** Who did something (a person's sub, with the name and email known at the time). */
export const actorView = /* @__PURE__ */ lazy(() =>
  z.object({ sub: z.string(), name: z.optional(z.string()), email: z.optional(z.string()) }),
);
