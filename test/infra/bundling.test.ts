/**
 * Every catalog function bundles with the options CDK deploys (infra/bundling.ts), to an
 * ESM module within the size budget that Node can actually load, with its extra files
 * copied next to it as CDK's afterBundling does; the credential alias really replaces the
 * SDK's default provider chain.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_RENDERER } from '#api/system/docs-assets.ts';
import { functionCatalog } from '#catalog';
import { bundleBudgetFor, copyFilesCommands, esbuildOptions, repoRoot } from '../../infra/bundling.ts';

const outRoot = mkdtempSync(path.join(os.tmpdir(), 'pathcert-bundles-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/**
 * The system function's package holds the API reference's renderer next to the bundle
 * (copied, not inlined), and the bundled handler, run from the package, answers the copy
 * (not node_modules) on GET /docs/assets/{file}.
 */
function expectDocsRenderer(outdir: string, metafile: Metafile): void {
  expect(functionCatalog.system.files?.map((f) => f.to)).toEqual([BUNDLED_RENDERER]);
  expect(Object.keys(metafile.inputs).some((i) => i.includes('@scalar/'))).toBe(false);
  const copied = path.join(outdir, BUNDLED_RENDERER);
  expect(existsSync(copied)).toBe(true);
  expect(readFileSync(copied, 'utf8')).toContain('createApiReference');

  const script = `
    const { handler } = await import(${JSON.stringify(path.join(outdir, 'index.mjs'))});
    const event = { version: '2.0', routeKey: 'GET /docs/assets/{file}', rawPath: '/docs/assets/api-reference.js', rawQueryString: '',
      headers: {}, pathParameters: { file: 'api-reference.js' }, isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/docs/assets/api-reference.js', sourceIp: '127.0.0.1', userAgent: 't' }, requestId: 'r', routeKey: 'GET /docs/assets/{file}', stage: '$default', timeEpoch: 0 } };
    const res = await handler(event, { awsRequestId: 'r', functionName: 'system', getRemainingTimeInMillis: () => 5000 });
    process.stdout.write(JSON.stringify({ status: res.statusCode, length: res.body.length }));`;
  const answer = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', LOG_LEVEL: 'SILENT', NODE_PATH: '' },
      encoding: 'utf8',
    }),
  ) as { status: number; length: number };
  expect(answer).toEqual({ status: 200, length: readFileSync(copied, 'utf8').length });
}

describe('bundles', () => {
  for (const [name, spec] of Object.entries(functionCatalog)) {
    it(`${name}: builds to a loadable ESM module of at most ${bundleBudgetFor(name) / 1024} KB`, async () => {
      const outdir = path.join(outRoot, name);
      const result = await build({
        ...esbuildOptions,
        entryPoints: { index: path.join(repoRoot, spec.entry) },
        outdir,
        absWorkingDir: repoRoot,
        metafile: true,
      });
      expect(result.errors).toEqual([]);
      const file = path.join(outdir, 'index.mjs');
      const output = Object.entries(result.metafile.outputs).find(([p]) => p.endsWith('index.mjs'))![1];
      // esbuild lists exports only for ESM output.
      expect(output.exports).toContain('handler');
      expect(statSync(file).size).toBeLessThanOrEqual(bundleBudgetFor(name));

      // Loading it in a fresh Node proves the ESM output runs (the `require` banner included).
      const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(typeof m.handler);`;
      const kind = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' },
        encoding: 'utf8',
      });
      expect(kind).toBe('function');

      // The function's extra files, copied next to the bundle as CDK's afterBundling does.
      const files = 'files' in spec ? spec.files : [];
      for (const command of copyFilesCommands(files, repoRoot, outdir)) execSync(command);
      for (const f of files) expect(existsSync(path.join(outdir, f.to)), f.to).toBe(true);
      if (name === 'system') expectDocsRenderer(outdir, result.metafile);
    });
  }
});

describe('credential provider alias', () => {
  const probe = async (alias: Record<string, string>) => {
    const result = await build({
      ...esbuildOptions,
      alias,
      stdin: {
        contents: "import { dynamoClient } from './functions/lib/aws-clients.ts';\nexport const handler = async () => dynamoClient();\n",
        resolveDir: repoRoot,
        loader: 'ts',
        sourcefile: 'sdk-probe.ts',
      },
      write: false,
      outfile: path.join(outRoot, 'probe.mjs'),
      absWorkingDir: repoRoot,
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    return { size: result.outputFiles[0]!.contents.length, inputs };
  };

  it('bundles the env-only provider instead of the default chain (~100 KB smaller)', async () => {
    const aliased = await probe(esbuildOptions.alias);
    const plain = await probe({});
    const fromPackage = (inputs: string[], pkg: string) => inputs.some((i) => i.includes(`node_modules/@aws-sdk/${pkg}/`));

    expect(aliased.inputs).toContain('functions/lib/env-credentials.ts');
    for (const pkg of [
      'credential-provider-node',
      'credential-provider-ini',
      'credential-provider-sso',
      'credential-provider-web-identity',
    ]) {
      expect(fromPackage(aliased.inputs, pkg), pkg).toBe(false);
    }
    expect(fromPackage(plain.inputs, 'credential-provider-node')).toBe(true);
    expect(plain.size - aliased.size).toBeGreaterThan(80 * 1024);
  });
});

describe('S3 client', () => {
  it('the S3 functions bundle a single copy of @aws-sdk/client-s3 (package.json overrides dedupe s3-presigned-post)', async () => {
    const result = await build({
      ...esbuildOptions,
      entryPoints: { index: path.join(repoRoot, functionCatalog.evidence.entry) },
      write: false,
      outdir: path.join(outRoot, 'dedupe'),
      absWorkingDir: repoRoot,
      metafile: true,
    });
    const schemaModules = Object.keys(result.metafile.inputs).filter((i) => i.endsWith('client-s3/dist-es/schemas/schemas_0.js'));
    expect(schemaModules).toEqual(['node_modules/@aws-sdk/client-s3/dist-es/schemas/schemas_0.js']);
    // The ESM build of the SDK (tree-shakable), never its CommonJS one.
    expect(Object.keys(result.metafile.inputs).some((i) => i.includes('@aws-sdk/client-s3/dist-cjs/'))).toBe(false);
  });
});
