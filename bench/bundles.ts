/**
 * Bundle size and import cost of every catalog function, built with the exact options
 * CDK deploys (infra/bundling.ts), next to an empty handler bundled the same way: the
 * difference is what our code and its dependencies add to a cold start.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { functionCatalog } from '../functions/catalog.ts';
import { bundleBudgetBytes, esbuildOptions, repoRoot } from '../infra/bundling.ts';
import type { BenchReport } from './run.ts';

const execFileAsync = promisify(execFile);

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const IMPORT_RATIO_LIMIT = 1.5;
const BASELINE = '(empty handler)';
/**
 * What a handler pays for each SDK client, through functions/lib/aws-clients.ts: a
 * reference for functions yet to be written, not checked against the budget.
 */
const REFERENCES: Record<string, string> = {
  '(ref: DynamoDB document client)':
    "import { dynamoClient } from './functions/lib/aws-clients.ts';\nexport const handler = async () => dynamoClient();\n",
  '(ref: S3 client)':
    "import { s3Client } from './functions/lib/aws-clients.ts';\nexport const handler = async () => s3Client();\n",
  '(ref: SFN client)':
    "import { sfnClient } from './functions/lib/aws-clients.ts';\nexport const handler = async () => sfnClient();\n",
};
const outRoot = path.join(repoRoot, '.bench/bundles');

interface Row {
  name: string;
  bytes: number;
  gzipBytes: number;
  importMs: number;
  processMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function bundle(name: string, entry: Pick<BuildOptions, 'entryPoints' | 'stdin'>): Promise<string> {
  const outdir = path.join(outRoot, name.replace(/[^\w-]/g, '_'));
  const file = path.join(outdir, 'index.mjs');
  // stdin has no entry name to derive the output file from, so name it.
  const target = entry.stdin ? { outfile: file } : { outdir };
  await build({ ...esbuildOptions, ...entry, ...target, absWorkingDir: repoRoot });
  return file;
}

/**
 * Import time measured inside a fresh Node process (module loading and top-level code
 * only), plus the whole process's wall time (Node start-up included), like a cold start.
 */
async function importTimes(file: string): Promise<{ importMs: number; processMs: number }> {
  const script =
    `const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    'process.stdout.write(String(performance.now() - t0));';
  const env = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };
  const imports: number[] = [];
  const processes: number[] = [];
  // One discarded warm-up run fills the OS file cache so every measured run sees the same.
  for (let i = 0; i <= RUNS; i++) {
    const started = performance.now();
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env });
    const total = performance.now() - started;
    if (i === 0) continue;
    imports.push(Number(stdout));
    processes.push(total);
  }
  return { importMs: median(imports), processMs: median(processes) };
}

async function measure(name: string, file: string): Promise<Row> {
  const contents = await readFile(file);
  return { name, bytes: contents.length, gzipBytes: gzipSync(contents).length, ...(await importTimes(file)) };
}

const kb = (n: number) => (n / 1024).toFixed(1);
const ms = (n: number) => n.toFixed(1);

export async function run(): Promise<BenchReport> {
  await rm(outRoot, { recursive: true, force: true });
  await mkdir(outRoot, { recursive: true });

  const baselineFile = await bundle(BASELINE, {
    stdin: { contents: 'export const handler = async () => ({});\n', loader: 'ts', resolveDir: repoRoot, sourcefile: 'empty.ts' },
  });
  const baseline = await measure(BASELINE, baselineFile);

  const references: Row[] = [];
  for (const [name, contents] of Object.entries(REFERENCES)) {
    const file = await bundle(name, { stdin: { contents, loader: 'ts', resolveDir: repoRoot, sourcefile: 'reference.ts' } });
    references.push(await measure(name, file));
  }

  const rows: Row[] = [];
  for (const [name, spec] of Object.entries(functionCatalog)) {
    const file = await bundle(name, { entryPoints: { index: path.join(repoRoot, spec.entry) } });
    rows.push(await measure(name, file));
    process.stdout.write('.');
  }

  const flags: string[] = [];
  const lines = [
    '| function | minified KB | gzip KB | import ms (median) | × empty import | process ms (median) | × empty process |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of [baseline, ...rows, ...references]) {
    const importRatio = r.importMs / baseline.importMs;
    const processRatio = r.processMs / baseline.processMs;
    lines.push(
      `| ${r.name} | ${kb(r.bytes)} | ${kb(r.gzipBytes)} | ${ms(r.importMs)} | ${importRatio.toFixed(2)} | ${ms(r.processMs)} | ${processRatio.toFixed(2)} |`,
    );
    if (r === baseline || references.includes(r)) continue;
    if (r.bytes > bundleBudgetBytes) flags.push(`${r.name}: ${kb(r.bytes)} KB minified, over the ${kb(bundleBudgetBytes)} KB budget`);
    if (importRatio > IMPORT_RATIO_LIMIT) {
      flags.push(`${r.name}: import takes ${importRatio.toFixed(2)}× the empty handler's (limit ${IMPORT_RATIO_LIMIT}×)`);
    }
  }

  return {
    title: 'Lambda bundles',
    method:
      `Each catalog function is bundled with infra/bundling.ts (the options CDK deploys: ESM, minified, AWS SDK ` +
      `bundled with the env-only credential provider) into .bench/bundles/. Import time is measured inside a fresh ` +
      `\`node --input-type=module\` process around \`await import(bundle)\` with performance.now(); process time is ` +
      `the whole child's wall time, Node start-up included. Both are medians of ${RUNS} runs after one warm-up. ` +
      `Budgets (catalog functions only): ${kb(bundleBudgetBytes)} KB minified, import at most ${IMPORT_RATIO_LIMIT}× the ` +
      `empty handler's. The \`(ref: ...)\` rows bundle one client of functions/lib/aws-clients.ts alone: what a future ` +
      `function starts from.`,
    table: lines.join('\n'),
    flags,
  };
}
