/**
 * Hostile input: a fuzzer driven by the served /openapi.json sends at least 10,000 seeded
 * requests across every documented operation — schema-valid edge values and malformed
 * input, valid and bad tokens, ids of both tenants — against the local HTTP API.
 *
 * Pass: no 5xx; every 4xx is problem+json with its status (validation problems name the
 * fields); a bad token is always 401; no answer to a tenant-A caller holds tenant B's data;
 * every answer is valid UTF-8, every JSON answer parses and holds no lone surrogate (I-JSON),
 * and a body with a lone surrogate (in a value or a field name) is refused naming it.
 * Replay a failing run with FUZZ_SEED=<seed printed below>; FUZZ_REQUESTS raises the count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { generateRequests, operationsOf, type Operation } from '../support/fuzz/requests.ts';
import { decodeAnswer, formatViolation, runFuzz } from '../support/fuzz/run.ts';
import { buildFuzzWorld, type FuzzWorld } from '../support/fuzz/world.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);

let t: TestPlatform;
let world: FuzzWorld;
let ops: Operation[];

beforeAll(async () => {
  t = await startTestPlatform({
    withStepFunctions: true,
    stepFunctionsWaitTimeScale: 0,
    // Request lines echo fuzzed URLs (`?stage=failed`); print only functions that threw.
    log: (line) => {
      if (/ threw: | returned a malformed response| failed: /.test(line)) console.error(line);
    },
  });
  world = await buildFuzzWorld(t);
  const doc = await t.api<Parameters<typeof operationsOf>[0]>('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  ops = operationsOf(doc.json);
}, 120_000);

afterAll(() => t?.stop());

/**
 * Real cursors from every paginated list (as staff, one item a page), and forgeries of
 * them: same partition, another sort key; another partition; extra attributes.
 */
async function cursorPool(): Promise<string[]> {
  const pool: string[] = [];
  for (const op of ops.filter((o) => o.method === 'GET' && o.queryParams.some((q) => q.name === 'cursor'))) {
    let path = op.path;
    for (const p of op.pathParams) {
      const re = p.schema.pattern ? new RegExp(p.schema.pattern) : /^$/;
      const id = [...world.staffIds, ...world.criterionIds].find((x) => re.test(x));
      if (!id) continue;
      path = path.replace(`{${p.name}}`, id);
    }
    if (path.includes('{')) continue;
    const res = await t.api<{ nextCursor?: string }>('GET', `${path}?limit=1`, { token: world.tokens.staff });
    const cursor = res.json?.nextCursor;
    if (!cursor) continue;
    pool.push(cursor);
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, string>;
    const forge = (k: Record<string, unknown>) => Buffer.from(JSON.stringify(k)).toString('base64url');
    pool.push(forge({ ...key, SK: 'ZZZZ~out-of-range' }));
    pool.push(forge({ ...key, SK: '#' }));
    pool.push(forge({ ...key, PK: `PATHWAY#${world.tenantBIds[2]}` }));
    pool.push(forge({ ...key, extra: 'x' }));
    pool.push(forge(Object.fromEntries(Object.keys(key).map((k) => [k, 'x'.repeat(1024)]))));
  }
  return pool;
}

describe("the fuzzer's encoding judge", () => {
  const bytes = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : new Uint8Array(s));
  it('flags bodies strict clients reject: invalid UTF-8, unparsable JSON, lone-surrogate escapes (not valid pairs)', () => {
    expect(decodeAnswer(bytes([0x7b, 0xff, 0x7d]), 'application/json').rules).toEqual(['the body is valid UTF-8']);
    expect(decodeAnswer(bytes([0xed, 0xa0, 0x80]), 'text/csv').rules).toEqual(['the body is valid UTF-8']);
    expect(decodeAnswer(bytes('{"a":'), 'application/problem+json').rules).toEqual(['a JSON answer parses']);
    expect(decodeAnswer(bytes('{"items":[{"name":"Plan \\ud800 draft"}]}'), 'application/json').rules).toEqual([
      'a JSON answer has no lone-surrogate escape (at .items.0.name)',
    ]);
    expect(decodeAnswer(bytes('{"\\udfff":1}'), 'application/json').rules).toHaveLength(1);
    expect(decodeAnswer(bytes('{"a":"\\ud83d\\udca9 \\\\ud800"}'), 'application/json').rules).toEqual([]);
    expect(decodeAnswer(bytes('name\nPlan \\ud800\n'), 'text/csv').rules).toEqual([]);
  });
});

describe('hostile input against every documented operation', () => {
  it(`${TOTAL} seeded requests: no 5xx, problem+json 4xx, 401 for bad tokens, no cross-tenant data`, async () => {
    const cursors = await cursorPool();
    const perOperation = Math.ceil(TOTAL / ops.length);
    const generating = performance.now();
    const requests = generateRequests(ops, world, cursors, perOperation, SEED);
    const generatedMs = Math.round(performance.now() - generating);
    const jwtOps = new Set(ops.filter((o) => o.jwt).map((o) => o.id));

    const illFormed = requests.filter((r) => r.illFormed).length;

    const { violations, figures } = await runFuzz(t.platform.apiUrl, requests, world, jwtOps, CONCURRENCY);

    const perSecond = Math.round((figures.requests / figures.durationMs) * 1000);
    console.log(
      [
        `fuzz: seed ${SEED}, ${figures.requests} requests over ${ops.length} operations (${perOperation} each, ${cursors.length} real and forged cursors), concurrency ${CONCURRENCY}`,
        `fuzz: generated in ${(generatedMs / 1000).toFixed(1)} s; sent in ${(figures.durationMs / 1000).toFixed(1)} s, ${perSecond} req/s`,
        `fuzz: by class ${JSON.stringify(figures.byClass)}`,
        `fuzz: by status ${JSON.stringify(figures.byStatus)}`,
        `fuzz: by input shape ${JSON.stringify(figures.byShape)}; ${requests.filter((r) => r.expectField).length} leave out a required field the answer must name`,
        `fuzz: ${illFormed} bodies carry a lone surrogate (must be refused, naming it)`,
        `fuzz: client-side transport retries ${figures.transportRetries}, violations ${violations.length}`,
      ].join('\n'),
    );
    expect(figures.requests).toBeGreaterThanOrEqual(TOTAL);
    expect(illFormed).toBeGreaterThan(TOTAL / 50);
    // Every operation of the document was exercised.
    expect(Object.keys(figures.byOperation).sort()).toEqual(ops.map((o) => o.id).sort());
    // Distinct failures first (one per rule and operation), so the report stays readable.
    const distinct = new Map<string, string>();
    for (const v of violations) {
      const k = `${v.rule} @ ${v.request.op}`;
      if (!distinct.has(k)) distinct.set(k, formatViolation(v));
    }
    expect([...distinct.values()]).toEqual([]);
  }, 240_000);
});
