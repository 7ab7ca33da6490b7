/**
 * No module builds zod schemas at import (infra/tools/import-work.ts): a Lambda would pay
 * for them on every cold start, used or not. docs/benchmarks.md has what it cost.
 */
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { eagerSchemas, unmarkedLazy } from '../../../infra/tools/import-work.ts';
import { repoRoot } from '../../../infra/bundling.ts';

const config = ts.getParsedCommandLineOfConfigFile(
  path.join(repoRoot, 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
)!;

/** A program over `rootNames`, with `virtual` files served from memory. */
function programOf(rootNames: string[], virtual: Record<string, string> = {}): ts.Program {
  const host = ts.createCompilerHost(config.options);
  const real = { getSourceFile: host.getSourceFile.bind(host), fileExists: host.fileExists.bind(host), readFile: host.readFile.bind(host) };
  host.fileExists = (f) => f in virtual || real.fileExists(f);
  host.readFile = (f) => virtual[f] ?? real.readFile(f);
  host.getSourceFile = (f, language, ...rest) =>
    f in virtual ? ts.createSourceFile(f, virtual[f]!, language, true) : real.getSourceFile(f, language, ...rest);
  return ts.createProgram({ rootNames, options: config.options, host });
}

/** Every module the functions bundle, and one program over them (built once, for both checks). */
const files = config.fileNames.filter((f) => /^(functions|events)\//.test(path.relative(repoRoot, f).replaceAll('\\', '/')));
let project: ts.Program | undefined;
const projectProgram = () => (project ??= programOf(files));

describe('work done at import', () => {
  it('builds no zod schema in any module the functions bundle', () => {
    expect(files.length).toBeGreaterThan(100);
    const eager = eagerSchemas(projectProgram(), files);
    expect(eager.map((e) => `${path.relative(repoRoot, e.file)}:${e.line} ${e.call}`)).toEqual([]);
  }, 60_000);

  it('finds schemas built at import, and not those a function defers', () => {
    const sample = path.join(repoRoot, 'functions/import-work-sample.ts');
    const source = [
      "import * as z from 'zod/mini';",
      "import { lazy } from '#core/lazy.ts';",
      "import { named } from '#lib/schemas.ts';",
      "import { route } from '#lib/route.ts';",
      'export const eager = z.object({ a: z.string() });',
      "const viaMap = Object.fromEntries(['a', 'b'].map((n) => [n, z.boolean()]));",
      "const shape = named(z.string(), 'Thing');",
      'export const later = lazy(() => z.object({ b: z.string() }));',
      'const calledAtTop = later();',
      "export const spec = route({ id: 'x', method: 'GET', path: '/x', fn: 'system', auth: 'public', summary: '', tags: [], schemas: () => ({ body: z.object({}) }) });",
      'export function build() { return z.string(); }',
      'const registry = z.registry();',
      'export const used = [viaMap, shape, calledAtTop, registry];',
    ].join('\n');
    const found = eagerSchemas(programOf([sample], { [sample]: source }), [sample]);
    expect(found.map((e) => [e.line, e.call])).toEqual([
      [5, 'z.object'],
      [6, 'z.boolean'],
      [7, 'named'],
      [9, 'later'],
    ]);
  }, 60_000);

  it('marks every top-level lazy value pure, so bundles drop the ones they do not use', () => {
    const unmarked = files.flatMap((f) => unmarkedLazy(projectProgram().getSourceFile(f)!));
    expect(unmarked.map((e) => `${path.relative(repoRoot, e.file)}:${e.line}`)).toEqual([]);
    const sample = ['export const a = lazy(() => 1);', 'export const b = /* @__PURE__ */ lazy(() => 2);', 'const c = other(() => 3);'].join(
      '\n',
    );
    expect(unmarkedLazy(ts.createSourceFile('sample.ts', sample, ts.ScriptTarget.Latest, true)).map((e) => e.line)).toEqual([1]);
  });
});
