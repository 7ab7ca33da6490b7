/** A header-derived input (If-Match, Idempotency-Key, a PATCH's changes) the use case reads only after authorizing and loading the target: a refused caller hears 403/404 before anything about its headers. */
export type Deferred<T> = () => T;
