/**
 * aws-local-stepfunctions calls `Promise.withResolvers` (ES2024), which Node 20 lacks.
 * Importing this module installs a spec-equivalent fallback once; on Node 22+ it does nothing.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = { withResolvers?: <T>() => Resolvers<T> };

export function installPromiseWithResolvers(): void {
  const ctor = Promise as unknown as PromiseWithResolvers;
  if (typeof ctor.withResolvers === 'function') return;
  ctor.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve'];
    let reject!: Resolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

installPromiseWithResolvers();
