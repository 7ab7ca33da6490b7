/**
 * Bundling alias target for `node:stream/promises` (infra/bundling.ts): the same `pipeline`,
 * loaded the first time it is called. middy's core imports it for streamed responses only;
 * see stream-web-on-use.ts for why loading it at import is avoided. Only the bundler uses
 * this file.
 */
import { createRequire } from 'node:module';
import type * as streamPromises from 'node:stream/promises';

const load = createRequire(import.meta.url);
// Not a literal: esbuild would resolve a literal through the alias back to this file.
const real = 'node:stream/promises';

export const pipeline = ((...args: unknown[]) =>
  (load(real) as { pipeline: (...a: unknown[]) => Promise<void> }).pipeline(...args)) as typeof streamPromises.pipeline;
