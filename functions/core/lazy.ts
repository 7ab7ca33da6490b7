/**
 * A value built on first use, once. Schemas and tables that a module would otherwise build
 * at import go behind this: a Lambda cold start pays only for what its request uses.
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
