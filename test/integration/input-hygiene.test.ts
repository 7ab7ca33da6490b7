/**
 * Inputs that used to break the API, through the local HTTP API:
 *
 * - Ill-formed Unicode: a JSON body string or field name with a lone UTF-16 surrogate
 *   (`"Plan \ud800 draft"` as a JSON escape) is 400 naming the field and nothing is stored;
 *   every answer stays I-JSON. Percent-encoded ill-formed UTF-8 in a path or query
 *   (`%ED%A0%80`) is left undecoded by the gateway (decodeURIComponent refuses it), so it
 *   reaches validation as plain ASCII and fails the field's own rules (400 naming it).
 *   Lone surrogates in decoded path and query values are refused by the same check
 *   (test/unit/lib/http.test.ts, no HTTP client can send them).
 * - Oversized headers (a 64 KB Authorization header, a 20 KB URL) get a problem+json 431
 *   instead of Node's bare status line.
 * - X-Correlation-Id: a valid one is echoed; an invalid one is replaced by the request id.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HEADER_BYTES } from '../../infra/local/http-api.ts';
import { illFormedIn } from '../support/fuzz/requests.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { createDistrict, createPathway, createSchool, expectStatus, person, type Person } from '../support/registry-world.ts';

type Problem = { status: number; type: string; title: string; errors?: { in: string; field: string; code?: string }[] };

let t: TestPlatform;
let staff: Person;

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@inputs.test', ['staff']);
});
afterAll(() => t?.stop());

/** Every string and key of a parsed answer is well-formed: what strict (I-JSON) parsers need. */
const wellFormedThroughout = (value: unknown): boolean => illFormedIn(value) === undefined;

async function raw(method: string, path: string, body: string, token = staff.token) {
  return t.api<Problem>(method, path, { token, body, headers: { 'content-type': 'application/json' } });
}

describe('lone UTF-16 surrogates in JSON bodies', () => {
  it('a body string with one is 400 naming the field, and nothing is stored', async () => {
    const name = `Plan ${Date.now()}`;
    const res = await raw('POST', '/districts', `{"name":"${name} \\ud800 draft","state":"CA","countyOrRegion":"Alameda"}`);
    expect(res.status, res.text).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json.errors).toEqual([{ in: 'body', field: 'name', message: expect.any(String), code: 'ill_formed_unicode' }]);
    const list = expectStatus(await t.api<{ items: { name: string }[] }>('GET', '/districts?limit=100', { token: staff.token }), 200);
    expect(list.json.items.filter((d) => d.name.startsWith(name))).toEqual([]);
    expect(wellFormedThroughout(list.json)).toBe(true);
  });

  it('nested strings, array items and field names are checked too; the error never echoes the surrogate', async () => {
    const district = await createDistrict(t, staff);
    const school = await createSchool(t, staff, district.id);
    const pathway = await createPathway(t, staff, school.id);
    const edited = await t.api<Problem>('PATCH', `/pathways/${pathway.id}`, {
      token: staff.token,
      headers: { 'content-type': 'application/json', 'if-match': `"${pathway.version}"` },
      body: `{"name":"Renamed","gradesServed":[9,10],"sector":"health_science\\udfff"}`,
    });
    expect(edited.status, edited.text).toBe(400);
    expect(edited.json.errors?.map((e) => [e.in, e.field, e.code])).toEqual([['body', 'sector', 'ill_formed_unicode']]);

    const prefs = await t.api<Problem>('PUT', '/me/notification-preferences', {
      token: staff.token,
      headers: { 'content-type': 'application/json' },
      body: '{"email":{"\\ud800renewals":true}}',
    });
    expect(prefs.status).toBe(400);
    expect(prefs.json.errors).toEqual([
      { in: 'body', field: 'email.\ufffdrenewals', message: expect.any(String), code: 'ill_formed_unicode' },
    ]);
    expect(prefs.text).not.toMatch(/\\u[dD][89a-fA-F]/);
    const after = expectStatus(
      await t.api<{ name: string; version: number }>('GET', `/pathways/${pathway.id}`, { token: staff.token }),
      200,
    ).json;
    expect(after).toMatchObject({ name: pathway.name, version: pathway.version });
  });
});

describe('ill-formed UTF-8 percent-escapes in paths and queries', () => {
  it('%ED%A0%80 (an encoded surrogate) in a path parameter is 400 naming it, with a well-formed answer', async () => {
    const res = await t.api<Problem>('GET', '/directory/%ED%A0%80');
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ in: 'path', field: 'pathwayId' })]);
    expect(wellFormedThroughout(res.json)).toBe(true);
  });

  it('in a query value and a query name, 400 naming it', async () => {
    const value = await t.api<Problem>('GET', '/directory?sector=%ED%A0%80');
    expect(value.status).toBe(400);
    expect(value.json.errors).toEqual([expect.objectContaining({ in: 'query', field: 'sector' })]);
    const name = await t.api<Problem>('GET', '/directory?%ED%A0%80=1');
    expect(name.status).toBe(400);
    expect(name.json.errors?.[0]).toMatchObject({ in: 'query', code: 'unknown_field' });
    expect(wellFormedThroughout(name.json)).toBe(true);
  });
});

describe('versions in bodies', () => {
  it('a version past 2^53 - 2 is 400 naming it, not a 500 when the store writes version + 1 (found by the fuzzer)', async () => {
    const reviewer = await person(t, 'big.version@inputs.test', ['reviewer']);
    const res = await t.api<Problem>('PATCH', '/me/reviewer-profile', {
      token: reviewer.token,
      body: { available: false, version: Number.MAX_SAFE_INTEGER },
    });
    expect(res.status, res.text).toBe(400);
    expect(res.json.errors?.[0]).toMatchObject({ in: 'body', field: 'version' });
  });
});

/** Sends a request byte for byte and reads the answer until the server closes. */
function rawHttp(head: string): Promise<string> {
  const url = new URL(t.platform.apiUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(head));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' && chunks.length > 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(e),
    );
  });
}

describe('oversized headers', () => {
  it('a 64 KB Authorization header is a problem+json 431', async () => {
    const res = await t.api<Problem>('GET', '/me', { token: 'x'.repeat(64 * 1024) });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json).toMatchObject({
      status: 431,
      type: 'urn:pathcert:problem:request-header-fields-too-large',
      title: 'Request header fields too large',
    });
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('a request line longer than the limit too; a just-fitting one is served', async () => {
    const long = await t.api<Problem>('GET', `/directory?cursor=${'c'.repeat(MAX_HEADER_BYTES + 100)}`);
    expect(long.status).toBe(431);
    expect(long.json.status).toBe(431);
    expect((await t.api('GET', `/health`, { headers: { 'x-padding': 'p'.repeat(MAX_HEADER_BYTES - 1024) } })).status).toBe(200);
  });

  it('a request that is not HTTP is a problem+json 400, and the server keeps serving', async () => {
    const answer = await rawHttp('BLAH / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 400,
      type: 'urn:pathcert:problem:bad-request',
    });
    expect((await t.api('GET', '/health')).status).toBe(200);
  });
});

describe('X-Correlation-Id', () => {
  it('a valid one (1-128 of [A-Za-z0-9._:-]) is echoed; an invalid one is replaced by the request id', async () => {
    const good = 'trace:0af7651916cd43dd8448eb211c80319c.span-01_b';
    const ok = await t.api('GET', '/me', { token: staff.token, headers: { 'x-correlation-id': good } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-correlation-id')).toBe(good);
    for (const bad of ['x'.repeat(129), 'with space', 'semi;colon', '<script>', 'caf\u00e9']) {
      const res = await t.api('GET', '/me', { token: staff.token, headers: { 'x-correlation-id': bad } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-correlation-id')).toBe(res.headers.get('apigw-requestid'));
    }
    // Error answers of the functions carry it as well.
    const notFound = await t.api('GET', '/directory/pw_00000000000000000000000000', { headers: { 'x-correlation-id': good } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-correlation-id')).toBe(good);
  });
});
