/**
 * Bundling alias target for `node:stream/web` (infra/bundling.ts): the same `ReadableStream`,
 * loaded the first time it is used.
 *
 * middy's core imports node:stream/web, node:stream/promises and node:timers at its top for
 * one feature, streamed responses (`streamifyResponse`), which no function here uses. Loading
 * Node's web streams at import costs every cold start ~1.5 ms (eleven internal modules;
 * docs/benchmarks.md). Here the class is a stand-in whose `instanceof`, the only use middy
 * makes of it, asks the real one. Only the bundler uses this file; tests and the local
 * runtime load the real module.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);
// Not a literal: esbuild would resolve a literal through the alias back to this file.
const real = 'node:stream/web';

export const ReadableStream = {
  [Symbol.hasInstance]: (value: unknown): boolean => value instanceof (load(real) as typeof import('node:stream/web')).ReadableStream,
};
