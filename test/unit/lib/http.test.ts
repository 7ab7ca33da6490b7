import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import type { Context } from 'aws-lambda';
import { httpHandler, implement, type HttpEvent } from '#lib/http.ts';
import { route } from '#lib/route.ts';
import { problems } from '#lib/problem.ts';
import { logger } from '#lib/logger.ts';
import { idSchema, pageQuery, text } from '#lib/schemas.ts';

// Test-only route specs: they exercise the shared stack without adding routes to the API.
const create = route({
  id: 'testCreate',
  method: 'POST',
  path: '/things/{thingId}',
  fn: 'system',
  auth: 'jwt',
  summary: 'test',
  tags: ['Test'],
  schemas: () => ({
    params: z.object({ thingId: idSchema('pathway') }),
    query: z.strictObject({ ...pageQuery() }),
    body: z.strictObject({ name: text(1, 20), count: z.optional(z.number().check(z.int(), z.minimum(0))) }),
  }),
});
const boom = route({ id: 'testBoom', method: 'GET', path: '/boom', fn: 'system', auth: 'public', summary: 'test', tags: ['Test'] });
const cached = route({ id: 'testCached', method: 'GET', path: '/cached', fn: 'system', auth: 'jwt', summary: 't', tags: ['Test'] });
const publicCached = route({
  id: 'testPublicCached',
  method: 'GET',
  path: '/public-cached',
  fn: 'system',
  auth: 'public',
  summary: 't',
  tags: ['Test'],
});
const throttled = route({
  id: 'testThrottle',
  method: 'GET',
  path: '/throttled',
  fn: 'system',
  auth: 'public',
  summary: 't',
  tags: ['Test'],
});
const lostCondition = route({
  id: 'testLostCondition',
  method: 'GET',
  path: '/lost-condition',
  fn: 'system',
  auth: 'public',
  summary: 't',
  tags: ['Test'],
});
const lostTransaction = route({
  id: 'testLostTransaction',
  method: 'GET',
  path: '/lost-transaction',
  fn: 'system',
  auth: 'public',
  summary: 't',
  tags: ['Test'],
});

const handler = httpHandler([
  implement(create, async (req) => ({
    status: 201,
    body: { id: req.params.thingId, name: req.body.name, by: req.principal.sub, limit: req.query.limit },
  })),
  implement(boom, async () => {
    throw new Error('secret internal detail: table xyz');
  }),
  // Route code asking for caching: honoured on a public route only.
  implement(cached, async () => ({ body: 'a,b\r\n', headers: { 'content-type': 'text/csv', 'cache-control': 'public, max-age=600' } })),
  implement(publicCached, async () => ({ body: { ok: true }, headers: { 'cache-control': 'public, max-age=60' } })),
  implement(throttled, async () => {
    throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
  }),
  implement(lostCondition, async () => {
    throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
  }),
  implement(lostTransaction, async () => {
    throw Object.assign(new Error('Transaction cancelled [TransactionConflict]'), { name: 'TransactionCanceledException' });
  }),
]);

const PW = 'pw_01JD3X7K9Q2M4N6P8R0S1T2V3W';
const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 5000 } as unknown as Context;

function event(o: {
  routeKey: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  claims?: Record<string, unknown>;
}): HttpEvent {
  return {
    version: '2.0',
    routeKey: o.routeKey,
    rawPath: o.path ?? '/',
    rawQueryString: '',
    headers: o.headers ?? {},
    pathParameters: o.params,
    queryStringParameters: o.query,
    body: o.body,
    isBase64Encoded: false,
    requestContext: {
      requestId: 'api-req',
      routeKey: o.routeKey,
      authorizer: o.claims ? { jwt: { claims: o.claims, scopes: [] } } : undefined,
    },
  } as unknown as HttpEvent;
}

const claims = { sub: 'user-1', email: 'A@Example.org', 'cognito:groups': '[pathway reviewer]' };
const json = { 'content-type': 'application/json' };

async function call(e: HttpEvent) {
  const res = await handler(e, context);
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
}

describe('the HTTP middleware stack', () => {
  it("answers Cache-Control: no-store on jwt routes (over the route code's own), on every error, and not on a public success", async () => {
    const csv = await handler(event({ routeKey: 'GET /cached', claims }), context);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers?.['cache-control']).toBe('no-store');
    const created = await call(
      event({ routeKey: 'POST /things/{thingId}', params: { thingId: PW }, body: '{"name":"x"}', headers: json, claims }),
    );
    expect(created.headers?.['cache-control']).toBe('no-store');
    for (const e of [
      event({ routeKey: 'GET /cached' }), // 401
      event({ routeKey: 'POST /things/{thingId}', params: { thingId: 'nope' }, body: '{"name":"x"}', headers: json, claims }), // 400
      event({ routeKey: 'GET /boom' }), // 500 on a public route
      event({ routeKey: 'GET /nowhere' }), // 404, no route
    ]) {
      const res = await call(e);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.headers?.['cache-control'], e.routeKey).toBe('no-store');
    }
    const open = await call(event({ routeKey: 'GET /public-cached' }));
    expect(open.headers?.['cache-control']).toBe('public, max-age=60');
  });

  it('passes typed, validated input and the principal to the route', async () => {
    const res = await call(
      event({
        routeKey: 'POST /things/{thingId}',
        params: { thingId: PW },
        query: { limit: '10' },
        body: '{"name":" Ada "}',
        headers: json,
        claims,
      }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json).toEqual({ id: PW, name: 'Ada', by: 'user-1', limit: 10 });
  });

  it('answers 401 problem+json on a jwt route without claims', async () => {
    const res = await call(event({ routeKey: 'POST /things/{thingId}', params: { thingId: PW }, body: '{"name":"a"}', headers: json }));
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.headers?.['www-authenticate']).toBe('Bearer');
    expect(res.json).toMatchObject({ status: 401, type: 'urn:pathcert:problem:unauthorized', requestId: 'req-1' });
  });

  it('names every failing field, including unknown ones', async () => {
    const res = await call(
      event({
        routeKey: 'POST /things/{thingId}',
        params: { thingId: 'nope' },
        body: '{"name":"","count":-1,"extra":1}',
        headers: json,
        claims,
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ in: 'path', field: 'thingId' })]);
    const bodyErrors = await call(
      event({
        routeKey: 'POST /things/{thingId}',
        params: { thingId: PW },
        body: '{"name":"","count":-1,"extra":1}',
        headers: json,
        claims,
      }),
    );
    expect(bodyErrors.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['count', 'extra', 'name']);
    expect(bodyErrors.json.errors.every((e: { in: string }) => e.in === 'body')).toBe(true);
  });

  it('rejects malformed JSON, a wrong content type, a missing body and an oversize body', async () => {
    const base = { routeKey: 'POST /things/{thingId}', params: { thingId: PW }, claims };
    const malformed = await call(event({ ...base, body: '{"name":', headers: json }));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json.type).toBe('urn:pathcert:problem:malformed-json');
    const wrongType = await call(event({ ...base, body: 'name=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(wrongType.statusCode).toBe(415);
    const missing = await call(event({ ...base, headers: json }));
    expect(missing.statusCode).toBe(400);
    expect(missing.json.errors[0]).toMatchObject({ in: 'body', code: 'required' });
    const huge = await call(event({ ...base, body: JSON.stringify({ name: 'x'.repeat(300_000) }), headers: json }));
    expect(huge.statusCode).toBe(413);
  });

  it('rejects bad and unknown query parameters', async () => {
    const base = { routeKey: 'POST /things/{thingId}', params: { thingId: PW }, body: '{"name":"a"}', headers: json, claims };
    for (const query of [{ limit: '0' }, { limit: '101' }, { limit: 'ten' }, { cursor: '../../etc' }, { sort: 'x' }] as Record<
      string,
      string
    >[]) {
      const res = await call(event({ ...base, query }));
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
      expect(res.json.errors[0].in).toBe('query');
    }
  });

  it('hides internals of unexpected errors behind a 500', async () => {
    const res = await call(event({ routeKey: 'GET /boom' }));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.json).toMatchObject({ status: 500, type: 'urn:pathcert:problem:internal' });
  });

  it('turns a throttled dependency into 503 with Retry-After', async () => {
    const res = await call(event({ routeKey: 'GET /throttled' }));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
  });

  it('never answers 5xx for a lost race: a stray condition failure is 409, a transaction conflict 503, both with Retry-After', async () => {
    const condition = await call(event({ routeKey: 'GET /lost-condition' }));
    expect(condition.statusCode).toBe(409);
    expect(condition.headers?.['retry-after']).toBe('1');
    expect(condition.json).toMatchObject({ status: 409, type: 'urn:pathcert:problem:conflict' });
    const conflict = await call(event({ routeKey: 'GET /lost-transaction' }));
    expect(conflict.statusCode).toBe(503);
    expect(conflict.headers?.['retry-after']).toBe('1');
  });

  it('renders thrown problems with their extensions and headers', async () => {
    const p = problems.preconditionFailed(7);
    expect(p.toBody('/x')).toMatchObject({ status: 412, currentVersion: 7, instance: '/x' });
    expect(p.headers.etag).toBe('"7"');
  });

  it('answers 404 problem+json for a route the function does not serve', async () => {
    const res = await call(event({ routeKey: 'GET /nowhere' }));
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
  });
});

/** A `\\uD800`-`\\uDFFF` escape that is not half of a valid pair: what strict JSON parsers reject. */
const LONE_ESCAPE =
  /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/;

describe('ill-formed Unicode (lone UTF-16 surrogates) in any input', () => {
  const ran = vi.fn();
  const post = (o: { body?: string; params?: Record<string, string>; query?: Record<string, string> }) =>
    call(
      event({
        routeKey: 'POST /things/{thingId}',
        params: o.params ?? { thingId: PW },
        query: o.query,
        body: o.body ?? '{"name":"ok"}',
        headers: json,
        claims,
      }),
    );
  const expectRefused = (res: Awaited<ReturnType<typeof call>>, errors: { in: string; field: string }[]) => {
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.json.errors).toEqual(errors.map((e) => ({ ...e, message: expect.any(String), code: 'ill_formed_unicode' })));
    // The answer itself is I-JSON: well-formed, with no lone-surrogate escape.
    expect(res.body!.isWellFormed()).toBe(true);
    expect(res.body).not.toMatch(LONE_ESCAPE);
  };

  it('the escape pattern finds lone escapes and leaves valid pairs alone', () => {
    expect('"a\\ud800b"').toMatch(LONE_ESCAPE);
    expect('"a\\udfffb"').toMatch(LONE_ESCAPE);
    expect('"\\ud800\\ud800"').toMatch(LONE_ESCAPE);
    expect('"\\ud83d\\udca9"').not.toMatch(LONE_ESCAPE);
  });

  it('refuses a lone surrogate in a body string with 400 naming the field, before any schema or route code', async () => {
    ran.mockClear();
    expectRefused(await post({ body: '{"name":"Plan \\ud800 draft"}' }), [{ in: 'body', field: 'name' }]);
    // A low surrogate alone, a reversed pair and a surrogate inside an array deep down: all refused.
    expectRefused(await post({ body: '{"name":"x\\udc00"}' }), [{ in: 'body', field: 'name' }]);
    expectRefused(await post({ body: '{"name":"\\udc00\\ud800"}' }), [{ in: 'body', field: 'name' }]);
    const deep = `{"name":${'['.repeat(5000)}"\\ud800"${']'.repeat(5000)}}`;
    const res = await post({ body: deep });
    expect(res.statusCode).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ in: 'body', code: 'ill_formed_unicode' });
    // A valid pair (an emoji) is fine.
    expect((await post({ body: '{"name":"ok \\ud83d\\udca9"}' })).statusCode).toBe(201);
  });

  it('refuses a lone surrogate in a field name, naming it with U+FFFD instead of echoing the surrogate', async () => {
    expectRefused(await post({ body: '{"name":"ok","\\ud800x":1}' }), [{ in: 'body', field: '\ufffdx' }]);
  });

  it('refuses lone surrogates in path and query values (and query names), as a gateway that decodes them would pass them', async () => {
    expectRefused(await post({ params: { thingId: `${PW}\ud800` } }), [{ in: 'path', field: 'thingId' }]);
    expectRefused(await post({ query: { cursor: 'abc\udfff' } }), [{ in: 'query', field: 'cursor' }]);
    expectRefused(await post({ query: { ['\ud800']: '1' } }), [{ in: 'query', field: '\ufffd' }]);
  });

  it('lists at most 20 such fields', async () => {
    const body = JSON.stringify({ name: Array.from({ length: 100 }, () => 'x\ud800') });
    const res = await post({ body });
    expect(res.statusCode).toBe(400);
    expect(res.json.errors).toHaveLength(20);
  });
});

describe('CORS headers from the function', () => {
  const before = process.env.ALLOWED_ORIGINS;
  afterEach(() => {
    if (before === undefined) delete process.env.ALLOWED_ORIGINS;
    else process.env.ALLOWED_ORIGINS = before;
  });
  const get = (origin?: string) => call(event({ routeKey: 'GET /throttled', headers: origin ? { origin } : {} }));

  it('names an allowed origin, varies on Origin and exposes the headers clients read', async () => {
    process.env.ALLOWED_ORIGINS = 'https://app.example.org, https://staff.example.org';
    const res = await get('https://staff.example.org');
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': 'https://staff.example.org',
      'access-control-expose-headers': 'etag,location,retry-after,x-correlation-id',
      vary: 'Origin',
      // The problem's own headers stay.
      'content-type': 'application/problem+json',
      'retry-after': '1',
    });
  });

  it('says nothing to an origin that is not on the list', async () => {
    process.env.ALLOWED_ORIGINS = 'https://app.example.org';
    const res = await get('https://evil.example.net');
    expect(res.headers?.['access-control-allow-origin']).toBeUndefined();
    expect(res.headers?.vary).toBeUndefined();
  });

  it('answers any origin with * when the list is *, without Vary', async () => {
    process.env.ALLOWED_ORIGINS = '*';
    const res = await call(
      event({ routeKey: 'POST /things/{thingId}', params: { thingId: PW }, body: '{"name":"x"}', headers: json, claims }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers?.['access-control-allow-origin']).toBe('*');
    expect(res.headers?.vary).toBeUndefined();
  });
});

describe('the request log line', () => {
  const level = logger.getLevelName();
  afterEach(() => {
    logger.setLogLevel(level);
    vi.restoreAllMocks();
  });
  const ok = () =>
    call(event({ routeKey: 'POST /things/{thingId}', params: { thingId: PW }, body: '{"name":"x"}', headers: json, claims }));

  it('logs route, status, duration and caller at INFO', async () => {
    logger.setLogLevel('INFO');
    const info = vi.spyOn(logger, 'info').mockImplementation(() => {});
    await ok();
    expect(info).toHaveBeenCalledTimes(1);
    expect(info).toHaveBeenCalledWith('request', {
      routeKey: 'POST /things/{thingId}',
      status: 201,
      durationMs: expect.any(Number),
      principal: 'user-1',
    });
  });

  it('carries the correlation and request ids, which are gone once the request is answered', async () => {
    logger.setLogLevel('INFO');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    await call(
      event({
        routeKey: 'POST /things/{thingId}',
        params: { thingId: PW },
        body: '{"name":"x"}',
        headers: { ...json, 'x-correlation-id': 'corr-9' },
        claims,
      }),
    );
    logger.info('between requests');
    vi.restoreAllMocks();
    const [request, between] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(request).toMatchObject({ message: 'request', correlationId: 'corr-9', requestId: 'req-1', status: 201 });
    expect(between).toMatchObject({ message: 'between requests' });
    expect(between).not.toHaveProperty('correlationId');
    expect(between).not.toHaveProperty('requestId');
  });

  it('X-Correlation-Id: 1-128 characters of [A-Za-z0-9._:-] is logged and echoed; anything else is replaced by the request id', async () => {
    logger.setLogLevel('INFO');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    const send = (id: string) =>
      call(
        event({
          routeKey: 'POST /things/{thingId}',
          params: { thingId: PW },
          body: '{"name":"x"}',
          headers: { ...json, 'x-correlation-id': id },
          claims,
        }),
      );
    const good = 'a'.repeat(100) + '.-_:Z9';
    const answers = [
      await send(good),
      await send('x'.repeat(129)),
      await send('has space'),
      await send(''),
      await send('id\u2028\u0000"}'),
      await send('{"injected":true}'),
    ];
    vi.restoreAllMocks();
    const logged = lines.map((l) => (JSON.parse(l) as { correlationId?: string }).correlationId);
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(answers.map((a) => a.headers?.['x-correlation-id'])).toEqual([good, 'api-req', 'api-req', 'api-req', 'api-req', 'api-req']);
    expect(logged).toEqual([good, 'api-req', 'api-req', 'api-req', 'api-req', 'api-req']);
    // Error answers carry it too.
    const bad = await call(
      event({
        routeKey: 'POST /things/{thingId}',
        params: { thingId: 'nope' },
        body: '{"name":"x"}',
        headers: { ...json, 'x-correlation-id': 'corr-1' },
        claims,
      }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.headers?.['x-correlation-id']).toBe('corr-1');
  });

  it('is not built at all when INFO is off, while a failure is still logged', async () => {
    logger.setLogLevel('WARN');
    const info = vi.spyOn(logger, 'info').mockImplementation(() => {});
    const error = vi.spyOn(logger, 'error').mockImplementation(() => {});
    await ok();
    expect(info).not.toHaveBeenCalled();
    await call(event({ routeKey: 'GET /boom' }));
    expect(error).toHaveBeenCalledWith('request failed', expect.objectContaining({ routeKey: 'GET /boom', status: 500 }));
  });
});
