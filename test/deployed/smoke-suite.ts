/**
 * The post-deploy smoke test: the main journey's reads, in the order a person meets them
 * (public pages, sign-in, then staff's registry, review office, inbox and network views),
 * and the API's refusals (no token, invalid input). It writes nothing: every call is a read
 * or is refused before it writes, so it is safe against prod and needs no clean-up. (The
 * smoke-test user's own profile is the one thing a first `GET /me` may record; it is named
 * for what it is, docs/deploy.md.) The journey mode (journey-suite.ts, opt-in with
 * PATHCERT_SMOKE_JOURNEY=1) is the part that writes: the main journey with smoke users.
 *
 * Shared by test/deployed/smoke.test.ts (`npm run test:deployed`, a deployed stack) and
 * test/integration/deployed-smoke.test.ts (the local platform, inside `npm test`).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it as vitestIt } from 'vitest';
import { requestJson, type Answer } from './http.ts';
import type { SmokeTarget } from './target.ts';

/** `getTarget` is called once, in the first test (so a missing target fails a test, not the collection). */
export function defineSmokeSuite(getTarget: () => SmokeTarget | Promise<SmokeTarget>): void {
  let target: SmokeTarget | undefined;
  const call = async (
    method: string,
    path: string,
    options: { token?: boolean; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    if (!target) throw new Error('no target');
    return requestJson(target.apiUrl, method, path, { ...options, token: options.token ? target.token : undefined });
  };
  // After the first test, a missing target skips the rest instead of failing each.
  const it = (name: string, fn: () => Promise<void>) =>
    vitestIt(name, async (ctx) => {
      if (!target) ctx.skip();
      await fn();
    });
  const expectStatus = (answer: Answer, status: number, what: string) =>
    expect(answer.status, `${what} (${target?.source}): ${answer.text.slice(0, 500)}`).toBe(status);

  describe('smoke test of a deployed stack (read-only)', () => {
    vitestIt('finds the stack: its outputs, and a token its API trusts', async () => {
      target = await getTarget();
      expect(target.apiUrl).toMatch(/^https?:\/\//);
      // A token from another pool (or another stage) would be refused with 401 below; say why here.
      const payload = JSON.parse(Buffer.from(target.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(payload.iss, 'the token was not issued by this stack').toBe(target.issuerUrl);
      expect(String(payload['cognito:groups'] ?? ''), 'the smoke-test user must be in the staff group').toMatch(/staff/);
    });

    it('answers the public health check and API document', async () => {
      expectStatus(await call('GET', '/health'), 200, 'GET /health');
      const doc = await call('GET', '/openapi.json');
      expectStatus(doc, 200, 'GET /openapi.json');
      expect(Object.keys(doc.json.paths ?? {})).toContain('/me');
    });

    it('serves the public directory without a token', async () => {
      const directory = await call('GET', '/directory');
      expectStatus(directory, 200, 'GET /directory');
      expect(Array.isArray(directory.json.items)).toBe(true);
    });

    it('refuses a signed-in route without a token', async () => {
      expectStatus(await call('GET', '/me'), 401, 'GET /me without a token');
    });

    it('signs the smoke-test user in: GET /me', async () => {
      const me = await call('GET', '/me', { token: true });
      expectStatus(me, 200, 'GET /me');
    });

    // Staff's landing views, one per area of the journey: registry, standards, review
    // office, inbox, network. Reads only.
    for (const path of [
      '/frameworks',
      '/districts',
      '/pathways',
      '/applications',
      '/review-alerts',
      '/notifications',
      '/network/progress',
    ]) {
      it(`reads GET ${path} as staff`, async () => {
        expectStatus(await call('GET', path, { token: true }), 200, `GET ${path}`);
      });
    }

    it('refuses invalid input with problem+json naming the field, writing nothing', async () => {
      const answer = await call('POST', '/districts', {
        token: true,
        body: { name: '' },
        headers: { 'idempotency-key': `smoke-${randomUUID()}` },
      });
      expectStatus(answer, 400, 'POST /districts with an empty name');
      expect(answer.contentType).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(answer.json.errors ?? [])).toMatch(/name/);
    });
  });
}
