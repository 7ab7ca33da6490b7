/**
 * No module builds zod schemas at import (infra/tools/import-work.ts): a Lambda would pay
 * for them on every cold start, used or not. docs/benchmarks.md has what it cost.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eagerSchemas } from '../../../infra/tools/import-work.ts';
import { repoRoot } from '../../../infra/bundling.ts';

function sources(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

describe('work done at import', () => {
  it('builds no zod schema in any module the functions bundle', () => {
    const files = [...sources('functions'), ...sources('events')];
    expect(files.length).toBeGreaterThan(100);
    const eager = files.flatMap((f) => eagerSchemas(f, readFileSync(path.join(repoRoot, f), 'utf8')));
    expect(eager.map((e) => `${e.file}:${e.line} ${e.call}`)).toEqual([]);
  });

  it('finds schemas built at import, and not those a function defers', () => {
    const source = [
      "import * as z from 'zod/mini';",
      'export const eager = z.object({ a: z.string() });',
      'const viaMap = Object.fromEntries(names.map((n) => [n, z.boolean()]));',
      'const named1 = named(shape, "Thing");',
      'export const later = lazy(() => z.object({}));',
      'export const spec = route({ id: "x", schemas: () => ({ body: z.object({}) }) });',
      'function build() { return z.string(); }',
      'const registry = z.registry();',
    ].join('\n');
    expect(eagerSchemas('sample.ts', source).map((e) => [e.line, e.call])).toEqual([
      [2, 'z.object'],
      [3, 'z.boolean'],
      [4, 'named'],
    ]);
  });
});
