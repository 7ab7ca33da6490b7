/**
 * The local HTTP API: the foundation routes through the full platform, then the API
 * Gateway emulation itself (event shape, JWT authorizer, result mapping) with test-only
 * routes served by a real local server, and the dev issuer's token verification.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { importJWK, SignJWT, base64url, generateKeyPair } from 'jose';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { apiRoutes } from '#api/routes.ts';
import { httpHandler, implement } from '#lib/http.ts';
import { route, type RouteSpec } from '#lib/route.ts';
import { createDevClock } from '../../infra/local/dev-clock.ts';
import { DEV_AUDIENCE, DEV_ISSUER, TokenRejected, createDevIssuer, type DevIssuer } from '../../infra/local/dev-issuer.ts';
import { MAX_PAYLOAD_BYTES, startLocalHttpApi, type LocalHttpApi } from '../../infra/local/http-api.ts';
import { buildEvent } from '../../infra/local/api-gateway-event.ts';
import { lambdaContext, localFunctionArn } from '../../infra/local/lambda.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const PROBLEM = 'application/problem+json';

describe('foundation routes through the local HTTP API', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ allowedOrigins: ['http://localhost:5173'] });
  });
  afterAll(() => t?.stop());

  it('GET /health answers 200 with the local stage', async () => {
    const res = await t.api<{ status: string; stage: string; time: string }>('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json).toMatchObject({ status: 'ok', stage: 'local' });
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
  });

  it("gives every request its own id, shaped like API Gateway's (10 random bytes, base64)", async () => {
    // More requests than one fill of the gateway's pool of random bytes.
    const ids: string[] = [];
    for (let i = 0; i < 450; i++) ids.push((await t.api('GET', '/health')).headers.get('apigw-requestid') ?? '');
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9+/]{14}==$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('GET /openapi.json is OpenAPI 3.1 documenting every route of the route table', async () => {
    const res = await t.api<{ openapi: string; paths: Record<string, Record<string, { operationId: string }>> }>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toMatch(/^3\.1\./);
    for (const spec of apiRoutes) {
      expect(res.json.paths[spec.path]?.[spec.method.toLowerCase()]?.operationId, `${spec.method} ${spec.path}`).toBe(spec.id);
    }
  });

  it('GET /docs is an HTML page', async () => {
    const res = await t.api('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/^<!doctype html>/i);
  });

  it('an unknown path is 404 problem+json', async () => {
    const res = await t.api<Record<string, unknown>>('GET', '/no/such/route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe(PROBLEM);
    expect(res.json).toMatchObject({ type: 'urn:pathcert:problem:not-found', title: 'Not found', status: 404, instance: '/no/such/route' });
  });

  it('a known path with another method is 405 problem+json with Allow', async () => {
    const res = await t.api<Record<string, unknown>>('DELETE', '/health');
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toBe(PROBLEM);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.json).toMatchObject({ type: 'urn:pathcert:problem:method-not-allowed', status: 405 });
  });

  it('answers CORS preflights from the CORS configuration, for allowed origins only', async () => {
    const allowed = await t.api('OPTIONS', '/health', {
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('access-control-max-age')).toBe('3600');

    const denied = await t.api('OPTIONS', '/health', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(denied.status).toBe(204);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts the gateway CORS headers on actual responses', async () => {
    const res = await t.api('GET', '/health', { headers: { origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-expose-headers')).toContain('etag');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-correlation-id');
  });

  it('rejects bodies over the 10 MB API Gateway limit with 413', async () => {
    const res = await t.api<Record<string, unknown>>('POST', '/health', { body: Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 120) });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ type: 'urn:pathcert:problem:payload-too-large' });
  });

  it('serves the dev issuer JWKS, and the keys verify the tokens it mints', async () => {
    const res = await t.api<{ keys: { kid: string; kty: string; d?: string }[] }>('GET', '/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.json.keys).toHaveLength(1);
    expect(res.json.keys[0]).toMatchObject({ kid: t.platform.issuer.kid, kty: 'RSA', alg: 'RS256' });
    expect(res.json.keys[0]!.d).toBeUndefined();
  });

  it('invokes catalog functions by catalog name, local name or ARN, as Lambda would', async () => {
    const event = buildEvent(
      { method: 'GET', url: '/health', headers: { host: ['local'] }, body: Buffer.alloc(0), sourceIp: '127.0.0.1', protocol: 'HTTP/1.1' },
      { routeKey: 'GET /health', pathParameters: {} },
      'req-1',
    );
    for (const name of ['system', 'pathcert-local-system', localFunctionArn('system'), `${localFunctionArn('system')}:$LATEST`]) {
      expect(await t.platform.invoke(name, event)).toMatchObject({ statusCode: 200 });
    }
    await expect(t.platform.invoke('nope', event)).rejects.toThrow(/No function "nope"/);
  });

  it('answers Cache-Control: no-store on authenticated JSON, problems and CSV exports; public routes keep their caching', async () => {
    const staff = await t.platform.issuer.issueToken({ email: 'cache.staff@example.org', groups: ['staff'], expiresIn: '1h' });
    const lead = await t.platform.issuer.issueToken({ email: 'cache.lead@example.org', groups: ['pathway'], expiresIn: '1h' });
    const noStore = async (method: string, path: string, token: string | undefined, status: number, type: RegExp) => {
      const res = await t.api(method, path, token ? { token } : {});
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(status);
      expect(res.headers.get('content-type'), path).toMatch(type);
      expect(res.headers.get('cache-control'), `${method} ${path}`).toBe('no-store');
    };
    // Authenticated JSON
    await noStore('GET', '/me', staff, 200, /^application\/json/);
    await noStore('GET', '/network/progress', staff, 200, /^application\/json/);
    // Problems from the functions: validation, not found, forbidden, and a public route's 404
    await noStore('GET', '/pathways/not-an-id', staff, 400, /^application\/problem\+json/);
    await noStore('GET', '/pathways/pw_01JD3X7K9Q2M4N6P8R0S1T2V3W', lead, 404, /^application\/problem\+json/);
    await noStore('GET', '/network/outcomes/2024-25/export.csv', lead, 403, /^application\/problem\+json/);
    await noStore('GET', '/directory/pw_01JD3X7K9Q2M4N6P8R0S1T2V3W', undefined, 404, /^application\/problem\+json/);
    // CSV downloads
    await noStore('GET', '/network/outcomes/2024-25/export.csv', staff, 200, /^text\/csv/);
    await noStore('GET', '/network/progress?format=csv', staff, 200, /^text\/csv/);
    // Public routes choose their own caching.
    expect((await t.api('GET', '/openapi.json')).headers.get('cache-control')).toBe('public, max-age=300');
    expect((await t.api('GET', '/directory')).headers.get('cache-control')).toBe('public, max-age=60');
    expect((await t.api('GET', '/health')).headers.get('cache-control')).toBeNull();
  });

  it('moves the dev clock that the functions read', async () => {
    const before = await t.api<{ offsetMs: number }>('GET', '/_local/clock');
    expect(before.json.offsetMs).toBe(0);
    const moved = await t.api<{ offsetMs: number }>('POST', '/_local/clock', { body: { advanceDays: 10 } });
    expect(moved.json.offsetMs).toBe(10 * 86_400_000);
    const health = await t.api<{ time: string }>('GET', '/health');
    expect(Date.parse(health.json.time) - Date.now()).toBeGreaterThan(9 * 86_400_000);
    const bad = await t.api('POST', '/_local/clock', { body: { days: 1 } });
    expect(bad.status).toBe(400);
    await t.api('POST', '/_local/clock', { body: { offsetMs: 0 } });
    expect(Math.abs(Date.parse((await t.api<{ time: string }>('GET', '/health')).json.time) - Date.now())).toBeLessThan(60_000);
  });
});

describe('API Gateway emulation (test-only routes on a local server)', () => {
  // Test-only route specs: they exercise the gateway without adding routes to the API.
  const whoami = route({ id: 'testWhoami', method: 'GET', path: '/me', fn: 'system', auth: 'jwt', summary: 't', tags: ['Test'] });
  const echoRoutes: RouteSpec[] = [
    { id: 'echoItem', method: 'POST', path: '/pathways/{pathwayId}', fn: 'system', auth: 'public', summary: 't', tags: ['Test'] },
    { id: 'echoLiteral', method: 'GET', path: '/pathways/directory', fn: 'system', auth: 'public', summary: 't', tags: ['Test'] },
    { id: 'echoParam', method: 'GET', path: '/pathways/{pathwayId}', fn: 'system', auth: 'public', summary: 't', tags: ['Test'] },
    { id: 'echoGreedy', method: 'GET', path: '/files/{proxy+}', fn: 'system', auth: 'jwt', summary: 't', tags: ['Test'] },
    { id: 'boom', method: 'GET', path: '/boom', fn: 'system', auth: 'public', summary: 't', tags: ['Test'] },
    { id: 'plain', method: 'GET', path: '/plain', fn: 'system', auth: 'public', summary: 't', tags: ['Test'] },
    { id: 'binary', method: 'GET', path: '/binary', fn: 'system', auth: 'public', summary: 't', tags: ['Test'] },
  ];
  const stack = httpHandler([
    implement(whoami, async (req) => {
      const principal = req.principal;
      return { body: { sub: principal.sub, groups: principal.groups, email: principal.email } };
    }),
  ]);
  const me = { ...whoami, params: z.object({}) };

  let issuer: DevIssuer;
  let server: LocalHttpApi;
  let lastEvent: APIGatewayProxyEventV2WithJWTAuthorizer | undefined;

  beforeAll(async () => {
    issuer = await createDevIssuer();
    server = await startLocalHttpApi({
      routes: [me, ...echoRoutes],
      issuer,
      allowedOrigins: ['*'],
      clock: createDevClock(),
      invoke: async (_fn, event, requestId) => {
        const e = event as APIGatewayProxyEventV2WithJWTAuthorizer;
        lastEvent = e;
        if (e.routeKey === 'GET /me') return stack(e, lambdaContext('system', requestId));
        if (e.routeKey === 'GET /boom') throw new Error('handler failure');
        if (e.routeKey === 'GET /plain') return { hello: 'world' };
        if (e.routeKey === 'GET /binary') {
          return {
            statusCode: 201,
            headers: { 'content-type': 'image/png', 'x-n': 7 },
            cookies: ['a=1; Path=/', 'b=2'],
            body: Buffer.from([0, 1, 2, 255]).toString('base64'),
            isBase64Encoded: true,
          };
        }
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ routeKey: e.routeKey }) };
      },
    });
  });
  afterAll(() => server?.stop());

  const call = (method: string, path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { method, ...init });
  const rawRequest = (method: string, path: string, rawHeaders: string[], body: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const url = new URL(path, server.url);
      const headers: [string, string][] = [
        ['host', url.host],
        ['content-length', String(Buffer.byteLength(body))],
      ];
      for (let i = 0; i < rawHeaders.length; i += 2) headers.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
      const req = http.request({ host: url.hostname, port: url.port, path, method, headers: headers.flat() }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('builds the payload 2.0 event exactly', async () => {
    // fetch would merge the repeated header itself; send it twice on the wire.
    const res = await rawRequest(
      'POST',
      '/pathways/pw%201?tag=a&tag=b&q=x+y&empty',
      ['content-type', 'application/json', 'x-multi', 'one', 'x-multi', 'two', 'cookie', 'c1=v1; c2=v2', 'user-agent', 'vitest'],
      '{"a":1}',
    );
    expect(res.status).toBe(200);
    const e = lastEvent!;
    expect(e.version).toBe('2.0');
    expect(e.routeKey).toBe('POST /pathways/{pathwayId}');
    expect(e.rawPath).toBe('/pathways/pw%201');
    expect(e.rawQueryString).toBe('tag=a&tag=b&q=x+y&empty');
    expect(e.queryStringParameters).toEqual({ tag: 'a,b', q: 'x y', empty: '' });
    expect(e.pathParameters).toEqual({ pathwayId: 'pw 1' });
    expect(e.cookies).toEqual(['c1=v1', 'c2=v2']);
    expect(e.headers['x-multi']).toBe('one,two');
    expect(e.headers.cookie).toBeUndefined();
    expect(e.body).toBe('{"a":1}');
    expect(e.isBase64Encoded).toBe(false);
    expect(e.requestContext).toMatchObject({
      accountId: '000000000000',
      routeKey: 'POST /pathways/{pathwayId}',
      stage: '$default',
      http: { method: 'POST', path: '/pathways/pw%201', protocol: 'HTTP/1.1', userAgent: 'vitest' },
    });
    expect(e.requestContext.requestId).toBe(res.headers['apigw-requestid']);
    expect(e.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof e.requestContext.timeEpoch).toBe('number');
    // Public routes run no authorizer.
    expect(e.requestContext).not.toHaveProperty('authorizer');
  });

  it('base64-encodes non-text bodies', async () => {
    await call('POST', '/pathways/x', {
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 159, 146, 150]),
    });
    expect(lastEvent!.isBase64Encoded).toBe(true);
    expect(Buffer.from(lastEvent!.body!, 'base64')).toEqual(Buffer.from([0, 159, 146, 150]));
  });

  it('prefers literal segments over path variables', async () => {
    expect(await (await call('GET', '/pathways/directory')).json()).toEqual({ routeKey: 'GET /pathways/directory' });
    expect(await (await call('GET', '/pathways/pw_1')).json()).toEqual({ routeKey: 'GET /pathways/{pathwayId}' });
  });

  it('answers 401 problem+json on a jwt route without a token, like the JWT authorizer', async () => {
    lastEvent = undefined;
    const res = await call('GET', '/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe(PROBLEM);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toMatchObject({ type: 'urn:pathcert:problem:unauthorized', status: 401 });
    expect(lastEvent).toBeUndefined();
  });

  it('answers 401 for expired and forged tokens and never invokes the function', async () => {
    lastEvent = undefined;
    const expired = await issuer.issueToken({ email: 'a@example.org', groups: ['staff'], expiresIn: -60 });
    const other = await (await createDevIssuer()).issueToken({ email: 'a@example.org', groups: ['staff'] });
    for (const token of [expired, other, 'not-a-jwt']) {
      const res = await call('GET', '/me', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
    expect(lastEvent).toBeUndefined();
  });

  it('passes verified claims flattened as API Gateway does, and the middy stack reads the principal', async () => {
    const token = await issuer.issueToken({ email: 'Rita@Example.org', name: 'Rita', groups: ['staff', 'reviewer'] });
    const res = await call('GET', '/me', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sub: string; groups: string[]; email: string };
    expect(body.groups).toEqual(['staff', 'reviewer']);
    expect(body.email).toBe('rita@example.org');
    const claims = lastEvent!.requestContext.authorizer.jwt.claims;
    expect(claims['cognito:groups']).toBe('[staff reviewer]');
    expect(claims.token_use).toBe('id');
    expect(claims.email_verified).toBe('true');
    expect(typeof claims.exp).toBe('string');
    expect(claims.sub).toBe(body.sub);
    expect(lastEvent!.requestContext.authorizer.jwt.scopes).toBeNull();
  });

  it('gives a greedy path variable the rest of the path', async () => {
    const token = await issuer.issueToken({ email: 'a@example.org', groups: ['staff'] });
    await call('GET', '/files/a/b%20c/d.pdf', { headers: { authorization: token } });
    expect(lastEvent!.routeKey).toBe('GET /files/{proxy+}');
    expect(lastEvent!.pathParameters).toEqual({ proxy: 'a/b c/d.pdf' });
  });

  it('maps a function that throws to 500 {"message":"Internal Server Error"}', async () => {
    const res = await call('GET', '/boom');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('maps a plain object result to a 200 JSON body', async () => {
    const res = await call('GET', '/plain');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ hello: 'world' });
  });

  it('returns a structured result unchanged: status, headers, cookies, base64 body', async () => {
    const res = await call('GET', '/binary');
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-n')).toBe('7');
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
  });
});

describe('dev issuer token verification', () => {
  let issuer: DevIssuer;
  beforeAll(async () => {
    issuer = await createDevIssuer();
  });

  const reason = async (token: string) => {
    try {
      await issuer.verify(token);
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(TokenRejected);
      return (error as TokenRejected).reason;
    }
  };

  it('accepts its own token, shaped like a Cognito id token', async () => {
    const token = await issuer.issueToken({ email: 'alice@example.org', name: 'Alice', groups: ['staff'] });
    const claims = await issuer.verify(token);
    expect(claims).toMatchObject({
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
      email: 'alice@example.org',
      name: 'Alice',
      'cognito:groups': ['staff'],
      token_use: 'id',
    });
    expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a missing token', async () => {
    expect(await reason('')).toBe('missing');
  });

  it('rejects an expired token', async () => {
    expect(await reason(await issuer.issueToken({ email: 'a@example.org', groups: ['staff'], expiresIn: -1 }))).toBe('expired');
  });

  it('answers a token seen before from its cache, but still rejects it once it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const token = await issuer.issueToken({ email: 'cached@example.org', groups: ['pathway'], expiresIn: 60 });
      const first = await issuer.verify(token);
      expect(await issuer.verify(token)).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      vi.setSystemTime(Date.now() + 61_000);
      expect(await reason(token)).toBe('expired');
      expect(await reason(token)).toBe('expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a wrong audience and a wrong issuer', async () => {
    expect(await reason(await issuer.issueToken({ email: 'a@example.org', groups: ['staff'], claims: { aud: 'someone-else' } }))).toBe(
      'invalid',
    );
    expect(
      await reason(await issuer.issueToken({ email: 'a@example.org', groups: ['staff'], claims: { iss: 'https://evil.example' } })),
    ).toBe('invalid');
  });

  it('rejects alg none and HS256 tokens', async () => {
    const payload = {
      sub: 'x',
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(payload))}.`;
    expect(await reason(none)).toBe('invalid');
    const secret = await importJWK({ kty: 'oct', k: base64url.encode('a-shared-secret-of-32-bytes-long!') }, 'HS256');
    const hs = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: issuer.kid }).sign(secret);
    expect(await reason(hs)).toBe('invalid');
  });

  it('rejects a tampered payload and a token signed by another key with the same kid', async () => {
    const token = await issuer.issueToken({ email: 'a@example.org', groups: ['pathway'] });
    const [header, , signature] = token.split('.');
    const forged = base64url.encode(
      JSON.stringify({ ...JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()), 'cognito:groups': ['staff'] }),
    );
    expect(await reason(`${header}.${forged}.${signature}`)).toBe('invalid');

    const { privateKey } = await generateKeyPair('RS256');
    const payload = { sub: 'x', iss: DEV_ISSUER, aud: DEV_AUDIENCE };
    const other = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: issuer.kid })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    expect(await reason(other)).toBe('invalid');
  });
});
