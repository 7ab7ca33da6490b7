/**
 * Where the API reference's renderer (@scalar/api-reference's standalone bundle, ~5 MB)
 * is read from. It is not imported, so it never enters the system function's esbuild
 * bundle (whose size cap is 350 KB): in Lambda, the catalog's `files` copies it next to
 * index.mjs at bundling time; locally the handler runs from source and reads it from
 * node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The copy's place in the Lambda package (see functions/catalog.ts, system.files). */
export const BUNDLED_RENDERER = 'docs-assets/api-reference.js';

export function rendererPath(): string {
  const bundled = path.join(path.dirname(fileURLToPath(import.meta.url)), BUNDLED_RENDERER);
  if (existsSync(bundled)) return bundled;
  // The package exports no browser subpath; its main entry sits in dist/, next to dist/browser/.
  const main = createRequire(import.meta.url).resolve('@scalar/api-reference');
  return path.join(path.dirname(main), 'browser', 'standalone.js');
}

let renderer: string | undefined;
/** Read once per container: warm calls answer from memory. */
export function rendererScript(): string {
  renderer ??= readFileSync(rendererPath(), 'utf8');
  return renderer;
}
