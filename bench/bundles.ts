/**
 * Bundle size and import cost of every catalog function, built with the exact options
 * CDK deploys (infra/bundling.ts), each next to its **reference**: a bundle, built the same
 * way, of exactly the AWS SDK a function pays for (the clients through
 * functions/lib/aws-clients.ts, the commands and presigners its bundle holds, read from
 * esbuild's metafile). The difference is what our own code and its other dependencies add to
 * a cold start; the SDK's part is what any function using those clients pays.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, stop, type BuildOptions, type Metafile } from 'esbuild';
import { functionCatalog } from '#catalog';
import { bundleBudgetBytes, esbuildOptions, repoRoot } from '../infra/bundling.ts';
import type { BenchReport } from './run.ts';

const execFileAsync = promisify(execFile);

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
/** A function's import may take at most this many times its SDK reference's. */
const IMPORT_RATIO_LIMIT = 1.25;
/** And its minified bundle may hold at most this much beyond the reference. */
const EXTRA_BYTES_LIMIT = 150 * 1024;
const BASELINE = '(empty handler)';
const EMPTY_HANDLER = 'export const handler = async () => ({});\n';

/** The aws-clients.ts factory that creates each SDK package's client. */
const FACTORY_OF: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'dynamoClient',
  '@aws-sdk/lib-dynamodb': 'dynamoClient',
  '@aws-sdk/client-s3': 's3Client',
  '@aws-sdk/client-sfn': 'sfnClient',
  '@aws-sdk/client-eventbridge': 'eventBridgeClient',
  '@aws-sdk/client-sesv2': 'sesClient',
  '@aws-sdk/client-kms': 'kmsClient',
};
/** SDK helpers a function may use besides clients and commands: package → its module and export. */
const HELPERS: Record<string, { module: string; name: string }> = {
  '@aws-sdk/s3-presigned-post': { module: 'createPresignedPost', name: 'createPresignedPost' },
  '@aws-sdk/s3-request-presigner': { module: 'getSignedUrl', name: 'getSignedUrl' },
};
const SDK_MODULE = /node_modules\/(@aws-sdk\/[^/]+)\/dist-es\/(.+)\.js$/;

/**
 * The source of a function's reference bundle: the SDK clients, commands and helpers its
 * bundle holds (modules with bytes in the output), used the way the function uses them.
 * A function without the SDK gets the empty handler.
 */
export function referenceSource(inputs: Metafile['outputs'][string]['inputs']): string {
  const factories = new Set<string>();
  const imports = new Map<string, Set<string>>();
  const use = (pkg: string, name: string) => imports.set(pkg, (imports.get(pkg) ?? new Set()).add(name));
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const m = bytesInOutput > 0 ? SDK_MODULE.exec(file.replaceAll('\\', '/')) : null;
    if (!m) continue;
    const [, pkg, module] = m as unknown as [string, string, string];
    if (FACTORY_OF[pkg]) factories.add(FACTORY_OF[pkg]);
    const command = /^commands\/(\w+Command)$/.exec(module)?.[1];
    if (command) use(pkg, command);
    if (HELPERS[pkg]?.module === module) use(pkg, HELPERS[pkg].name);
  }
  if (factories.size === 0 && imports.size === 0) return EMPTY_HANDLER;
  const names = [...factories].sort();
  const lines = names.length ? [`import { ${names.join(', ')} } from './functions/lib/aws-clients.ts';`] : [];
  const byPackage = [...imports].sort(([a], [b]) => a.localeCompare(b)).map(([pkg, set]) => [pkg, [...set].sort()] as const);
  for (const [pkg, list] of byPackage) lines.push(`import { ${list.join(', ')} } from '${pkg}';`);
  const used = [...names.map((n) => `${n}()`), ...byPackage.flatMap(([, list]) => list)];
  lines.push(`export const handler = async () => [${used.join(', ')}];`);
  return lines.join('\n') + '\n';
}

const outRoot = path.join(repoRoot, '.bench/bundles');

interface Row {
  name: string;
  bytes: number;
  gzipBytes: number;
  importMs: number;
  processMs: number;
  /** Each run's import time, in run order (for ratios paired run by run). */
  imports: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function bundle(
  name: string,
  entry: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
): Promise<{ file: string; inputs: Metafile['outputs'][string]['inputs'] }> {
  const outdir = path.join(outRoot, name.replace(/[^\w-]/g, '_'));
  const file = path.join(outdir, 'index.mjs');
  // stdin has no entry name to derive the output file from, so name it.
  const target = entry.stdin ? { outfile: file } : { outdir };
  const { metafile } = await build({ ...esbuildOptions, ...entry, ...target, absWorkingDir: repoRoot, metafile: true });
  return { file, inputs: Object.values(metafile.outputs)[0]!.inputs };
}

const fromSource = (contents: string): Pick<BuildOptions, 'stdin'> => ({
  stdin: { contents, loader: 'ts', resolveDir: repoRoot, sourcefile: 'reference.ts' },
});

/** One import of `file` in a fresh Node process: the import alone and the whole process's wall time. */
async function importOnce(file: string): Promise<{ importMs: number; processMs: number }> {
  const script =
    `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    'process.stdout.write(String(performance.now() - t0));';
  const env = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };
  const started = performance.now();
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env });
  return { importMs: Number(stdout), processMs: performance.now() - started };
}

/**
 * Import times of several bundles, measured inside fresh Node processes (module loading and
 * top-level code only) plus each whole process's wall time (Node start-up included), like a
 * cold start. The bundles take turns run by run, so a function and its reference see the
 * same machine: drift between them would otherwise show as a ratio.
 */
async function measure(entries: { name: string; file: string }[]): Promise<Row[]> {
  const times = entries.map(() => ({ imports: [] as number[], processes: [] as number[] }));
  // One discarded warm-up round fills the OS file cache so every measured run sees the same.
  for (let i = 0; i <= RUNS; i++) {
    for (const [k, { file }] of entries.entries()) {
      const t = await importOnce(file);
      if (i === 0) continue;
      times[k]!.imports.push(t.importMs);
      times[k]!.processes.push(t.processMs);
    }
  }
  return Promise.all(
    entries.map(async ({ name, file }, k) => {
      const contents = await readFile(file);
      const { imports, processes } = times[k]!;
      return {
        name,
        bytes: contents.length,
        gzipBytes: gzipSync(contents).length,
        importMs: median(imports),
        processMs: median(processes),
        imports,
      };
    }),
  );
}

const kb = (n: number) => (n / 1024).toFixed(1);
const ms = (n: number) => n.toFixed(1);

export async function run(): Promise<BenchReport> {
  await rm(outRoot, { recursive: true, force: true });
  await mkdir(outRoot, { recursive: true });

  const empty = { name: BASELINE, file: (await bundle(BASELINE, fromSource(EMPTY_HANDLER))).file };
  // Functions that hold the same SDK share one reference bundle; each function is measured
  // in turns with its own reference (and the empty handler, for scale).
  const references = new Map<string, { name: string; file: string }>([[EMPTY_HANDLER, empty]]);
  const rows: { fn: Row; ref: Row }[] = [];
  const referenceRows = new Map<string, Row>();
  // Every bundle is built, and esbuild's service process stopped, before any is measured:
  // measured right after its own build, a function ran beside that process finishing up.
  const built: { name: string; file: string; ref: { name: string; file: string } }[] = [];
  for (const [name, spec] of Object.entries(functionCatalog)) {
    const { file, inputs } = await bundle(name, { entryPoints: { index: path.join(repoRoot, spec.entry) } });
    const source = referenceSource(inputs);
    let ref = references.get(source);
    if (!ref) {
      const refName = `(ref ${references.size}: ${name}'s SDK)`;
      ref = { name: refName, file: (await bundle(refName, fromSource(source))).file };
      references.set(source, ref);
    }
    built.push({ name, file, ref });
  }
  await stop();
  for (const { name, file, ref } of built) {
    const measured = await measure(ref === empty ? [{ name, file }, empty] : [{ name, file }, ref, empty]);
    rows.push({ fn: measured[0]!, ref: measured[1]! });
    // A reference's row in the second table: its first measurement (ratios use the paired one).
    for (const r of measured.slice(1)) if (!referenceRows.has(r.name)) referenceRows.set(r.name, r);
    process.stdout.write('.');
  }

  const flags: string[] = [];
  const lines = [
    '| function | minified KB | gzip KB | import ms (median) | SDK reference | ref KB | ref import ms | × ref import | KB beyond ref | process ms (median) |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const { fn, ref } of rows) {
    // Paired: each run's function import over the same run's reference import, then the
    // median, so the machine's drift between runs cancels out (a ratio of medians does not).
    const importRatio = median(fn.imports.map((t, i) => t / ref.imports[i]!));
    const extra = fn.bytes - ref.bytes;
    lines.push(
      `| ${fn.name} | ${kb(fn.bytes)} | ${kb(fn.gzipBytes)} | ${ms(fn.importMs)} | ${ref.name} | ${kb(ref.bytes)} | ${ms(ref.importMs)} | ` +
        `${importRatio.toFixed(2)} | ${kb(extra)} | ${ms(fn.processMs)} |`,
    );
    if (fn.bytes > bundleBudgetBytes) flags.push(`${fn.name}: ${kb(fn.bytes)} KB minified, over the ${kb(bundleBudgetBytes)} KB budget`);
    if (importRatio > IMPORT_RATIO_LIMIT) {
      flags.push(`${fn.name}: import takes ${importRatio.toFixed(2)}× its SDK reference's (limit ${IMPORT_RATIO_LIMIT}×)`);
    }
    if (extra > EXTRA_BYTES_LIMIT) flags.push(`${fn.name}: ${kb(extra)} KB beyond its SDK reference (limit ${kb(EXTRA_BYTES_LIMIT)} KB)`);
  }
  lines.push(
    '',
    "References (each function's row names its own; figures from the first function measured with it):",
    '',
    '| reference | minified KB | gzip KB | import ms (median) | process ms (median) |',
    '|---|---:|---:|---:|---:|',
  );
  for (const r of referenceRows.values())
    lines.push(`| ${r.name} | ${kb(r.bytes)} | ${kb(r.gzipBytes)} | ${ms(r.importMs)} | ${ms(r.processMs)} |`);

  return {
    title: 'Lambda bundles',
    method:
      `Each catalog function is bundled with infra/bundling.ts (the options CDK deploys: ESM, minified, AWS SDK ` +
      `bundled with the env-only credential provider) into .bench/bundles/. Its reference is a bundle, built the same ` +
      `way, of exactly the AWS SDK it holds: the clients through functions/lib/aws-clients.ts and the commands and ` +
      `presigners found in the function's esbuild metafile (functions holding the same SDK share one). Import time is ` +
      `measured inside a fresh \`node --input-type=module\` process around \`await import(bundle)\` with ` +
      `performance.now(); process time is the whole child's wall time, Node ${process.versions.node} start-up included. ` +
      `Both are medians of ${RUNS} runs after one warm-up; a function, its reference and the empty handler take turns run by run, and × ref import is the median of the runs' own ratios (function over reference, run by run). Targets: ${kb(bundleBudgetBytes)} KB minified (capped ` +
      `exceptions in infra/bundling.ts), import at most ${IMPORT_RATIO_LIMIT}× the reference's and at most ` +
      `${kb(EXTRA_BYTES_LIMIT)} KB minified beyond it.`,
    table: lines.join('\n'),
    flags,
  };
}
