/**
 * A value built on first use, once. Schemas and tables that a module would otherwise build
 * at import go behind this: a Lambda cold start pays only for what its request uses.
 * Mark a top-level call `/* @__PURE__ *\/ lazy(…)`: the call has no effect, and with the mark
 * esbuild drops the values a function never reads (test/unit/structure/import-work.test.ts).
 */
export function lazy<T>(build: () => T): () => T {
  let value: T;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}
