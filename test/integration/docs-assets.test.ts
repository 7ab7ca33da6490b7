/**
 * The API reference's renderer, served by the system function (GET /docs/assets/{file}):
 * the page references it, it is Scalar's standalone bundle and small enough for a Lambda
 * response. That it is copied (not bundled) into the function's package, and served from
 * there, is checked with every bundle (test/infra/bundling.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
