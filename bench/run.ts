/**
 * `npm run bench [-- name...] [--no-write] [--strict]`: runs the named benches (all when
 * none is named) one after another, prints each one's table, and rewrites that bench's
 * section of docs/benchmarks.md with the new figures so the document never drifts from
 * what the code measures. `--strict` exits non-zero when a bench flags a figure.
 *
 * A bench is a module exporting `run(): Promise<BenchReport>`; add it to `benches`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchReport {
  /** Section heading in docs/benchmarks.md. */
  title: string;
  /** What is measured and how, one paragraph of Markdown. */
  method: string;
  /** Markdown table (also printed). */
  table: string;
  /** Figures over their budget, one line each; empty when all is well. */
  flags: string[];
}

type Bench = () => Promise<{ run: () => Promise<BenchReport> }>;

const benches: Record<string, Bench> = {
  bundles: () => import('./bundles.ts'),
  outcomes: () => import('./outcomes.ts'),
  api: () => import('./api.ts'),
  evidence: () => import('./evidence.ts'),
  pipeline: () => import('./pipeline.ts'),
  load: () => import('./load.ts'),
  sweep: () => import('./sweep.ts'),
  credentials: () => import('./credentials.ts'),
  // Last: it prices what the benches above measure.
  cost: () => import('./cost.ts'),
};

const docsFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/benchmarks.md');

const DOC_HEADER = `# Benchmarks

Figures written by \`npm run bench\` (each bench replaces its own section between its
markers; text outside the markers is kept). They depend on the machine, so each section
records where it ran; compare runs on the same machine.
`;

function section(name: string, report: BenchReport): string {
  const when = new Date().toISOString().slice(0, 10);
  const where = `Node ${process.version}, ${os.platform()}/${os.arch()}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}`;
  const flags = report.flags.length ? `\n**Flagged:**\n\n${report.flags.map((f) => `- ${f}`).join('\n')}\n` : '\nNothing flagged.\n';
  return [
    `<!-- bench:${name}:start -->`,
    `## ${report.title}`,
    '',
    report.method,
    '',
    `_Last run ${when} on ${where}._`,
    '',
    report.table,
    flags,
    `<!-- bench:${name}:end -->`,
  ].join('\n');
}

async function writeSection(name: string, report: BenchReport): Promise<void> {
  let doc: string;
  try {
    doc = await readFile(docsFile, 'utf8');
  } catch {
    doc = DOC_HEADER;
  }
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = section(name, report);
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  doc = from >= 0 && to > from ? doc.slice(0, from) + text + doc.slice(to + end.length) : `${doc.trimEnd()}\n\n${text}\n`;
  await writeFile(docsFile, doc);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const write = !args.includes('--no-write');
  const strict = args.includes('--strict');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in benches));
  if (unknown.length > 0) {
    throw new Error(`unknown bench ${unknown.join(', ')} (known: ${Object.keys(benches).join(', ')})`);
  }

  let flagged = 0;
  for (const name of names.length > 0 ? names : Object.keys(benches)) {
    console.log(`\n▶ ${name}`);
    const report = await (await benches[name]!()).run();
    console.log(`\n${report.title}\n\n${report.table}\n`);
    for (const flag of report.flags) console.log(`⚠ ${flag}`);
    flagged += report.flags.length;
    if (write) {
      await writeSection(name, report);
      console.log(`(written to ${path.relative(process.cwd(), docsFile)})`);
    }
  }
  if (strict && flagged > 0) process.exitCode = 1;
}

await main();
