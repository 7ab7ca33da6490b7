/**
 * The API reference's renderer, served by the system function (GET /docs/assets/{file}):
 * the page references it, it is Scalar's standalone bundle, small enough for a Lambda
 * response, and copied (not bundled) into the function's package.
 */
import { build } from 'esbuild';
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '../../functions/catalog.ts';
import { BUNDLED_RENDERER } from '../../functions/api/system/docs-assets.ts';
import { copyFilesCommands, esbuildOptions, repoRoot } from '../../infra/bundling.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/** Lambda's limit on a synchronous response payload. */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

describe('GET /docs/assets/{file}', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  });
  afterAll(() => t?.stop());

  it('the docs page loads its renderer from this API and no other origin', async () => {
    const page = await t.api('GET', '/docs');
    expect(page.text).toContain('<script src="docs/assets/api-reference.js"></script>');
    expect(page.text).toContain('Scalar.createApiReference');
    expect(page.text).not.toMatch(/src="https?:/);
  });

  it('answers the Scalar standalone bundle as JavaScript, cacheable, within the Lambda response limit', async () => {
    const res = await t.api('GET', '/docs/assets/api-reference.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(res.text).toContain('createApiReference');
    // Lambda counts the JSON-encoded response; JS escapes add a little, so keep a margin.
    expect(Buffer.byteLength(JSON.stringify(res.text))).toBeLessThan(LAMBDA_RESPONSE_LIMIT * 0.9);
  });

  it('any other file is 400 naming the path parameter', async () => {
    const res = await t.api<{ errors: { in: string; field: string }[] }>('GET', '/docs/assets/other.js');
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'path', field: 'file' });
  });
});

describe("the system function's package", () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'pathcert-system-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('holds the renderer next to the bundle (CDK afterBundling copies it), and the bundle does not inline it', async () => {
    const spec = functionCatalog.system;
    expect(spec.files?.map((f) => f.to)).toEqual([BUNDLED_RENDERER]);
    const result = await build({ ...esbuildOptions, entryPoints: { index: path.join(repoRoot, spec.entry) }, outdir: out, absWorkingDir: repoRoot, metafile: true });
    expect(Object.keys(result.metafile.inputs).some((i) => i.includes('@scalar/'))).toBe(false);
    for (const command of copyFilesCommands(spec.files!, repoRoot, out)) execSync(command);
    const copied = path.join(out, BUNDLED_RENDERER);
    expect(existsSync(copied)).toBe(true);
    expect(readFileSync(copied, 'utf8')).toContain('createApiReference');

    // The bundled handler, run from the package, answers the copy (not node_modules).
    const script = `
      const { handler } = await import(${JSON.stringify(path.join(out, 'index.mjs'))});
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
  });
});
