/**
 * An input taken from the request's headers or body checks (If-Match, Idempotency-Key, a
 * PATCH's changes), handed to a use case unevaluated. The use case calls it where the route
 * always checked it, after authorizing and loading the target: a refused caller (or one
 * asking for a missing target) hears 403/404 before anything about its headers.
 */
export type Deferred<T> = () => T;
