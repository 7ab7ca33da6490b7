/**
 * Requests generated from the served OpenAPI document: for every operation, seeded
 * fast-check samples of schema-valid edge values and of malformed input (wrong types,
 * missing and unknown fields, huge strings, deep nesting, lone surrogates in values and
 * field names, invalid JSON and UTF-8, wrong content types, hostile path segments and query values, bad tokens, other
 * tenants' ids). Sampling is deterministic for a seed, so a failure replays with the same
 * FUZZ_SEED.
 */
import fc from 'fast-check';
import { fieldPaths, mutate, toJsonText, validValue, wrongType, type IdPool, type JsonSchema, type Mutation } from './schema-arbitrary.ts';
import { badTokenKinds, callers, type BadTokenKind, type Caller, type FuzzWorld } from './world.ts';

export interface Operation {
  id: string;
  method: string;
  path: string;
  jwt: boolean;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; schema: JsonSchema; required: boolean }[];
  headerParams: string[];
  body?: JsonSchema;
}

interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security?: unknown[];
        parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
      }
    >
  >;
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        jwt: (op.security ?? []).length > 0,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: p.required ?? false })),
        headerParams: params.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()),
        body: op.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** A value `share` of the time (0..1), otherwise undefined. */
function sometimes<T>(arb: fc.Arbitrary<T>, share: number): fc.Arbitrary<T | undefined> {
  const weight = Math.round(share * 100);
  return fc.oneof({ weight, arbitrary: arb }, { weight: 100 - weight, arbitrary: fc.constant(undefined) });
}

/** Empty segments and dot segments (URL normalization removes `..` and `%2e%2e`) cannot reach the route. */
function routableSegment(value: string): boolean {
  return value !== '' && !/^(\.|%2e){1,2}$/i.test(value);
}

export interface FuzzRequest {
  op: string;
  method: string;
  /** Path and query string, already encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  caller: Caller;
  /** Set when the token is deliberately bad (then `caller` is who it pretends to be). */
  badToken?: BadTokenKind;
  /** False when a path segment is empty, so the gateway cannot match the route. */
  routable: boolean;
  /** A required body field the request left out, which a body validation answer must name. */
  expectField?: string;
  /** What was done to the input, for the figures. */
  shape: string;
  /** The body parses to a string or field name with a lone surrogate: it must never be accepted. */
  illFormed?: boolean;
}

/** Path segments that are hostile as such (already percent-encoded where needed). */
const hostileSegments = fc.constantFrom(
  'x'.repeat(3000),
  '..',
  '%2e%2e',
  '%2F..%2Fetc',
  '%00',
  '%ff%fe',
  '%ED%A0%80',
  '%ED%B0%80',
  '%uD800',
  '%F0%90%80',
  '%C0%AF',
  '%F0%9F%92%A9',
  'caf%C3%A9',
  '%25',
  '%20',
  'null',
  'undefined',
  '-1',
  'app_01kdvdna00000000000000revw',
  'dst_00000000000000000000000000',
  "1'%20OR%20'1'%3D'1",
  '%7B%7D',
  'PATHWAY%23pw_x',
);

const hostileQueryValues = fc.constantFrom(
  '',
  '%00',
  '%ff',
  '%ED%A0%80',
  '%ED%B3%BF%ED%A0%80',
  '%uDC00',
  'x'.repeat(5000),
  '-1',
  '0',
  '101',
  '1e3',
  'NaN',
  '[]',
  '%7B%22PK%22%3A1%7D',
  'eyJQSyI6IkRJU1RSSUNUIyJ9',
  'a&a=b',
);

const wrongContentTypes = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  '',
);

const invalidJsonBodies = fc.constantFrom<string | Buffer>(
  '{',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '[1,2',
  'nul',
  'null',
  '[]',
  '"just a string"',
  '1e99999',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '\uFEFF{}',
  '{"a":"\\ud800"}',
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
  Buffer.from([0xc0, 0x80]),
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
);

/** Lone surrogates as they appear in JSON text: escapes that JSON.parse turns into ill-formed strings. */
const loneSurrogateForms = fc.constantFrom(
  '\\ud800',
  '\\udfff',
  'Plan \\ud800 draft',
  '\\udc00\\ud800',
  'ok \\ud83d',
  '\\ud83d\\ud83d\\udca9',
);
const ILL_FORMED_MARK = '\u0000ILL-FORMED\u0000';

/**
 * A valid body with a lone surrogate spliced into its JSON text: as a field name, or as
 * the first string field's value (or a new field's, when it has none).
 */
function illFormedBody(value: unknown, form: string, asKey: boolean): string {
  let carrier: unknown;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const copy = { ...(value as Record<string, unknown>) };
    const firstString = Object.keys(copy).find((k) => typeof copy[k] === 'string');
    if (asKey) copy[ILL_FORMED_MARK] = 'x';
    else copy[firstString ?? 'note'] = ILL_FORMED_MARK;
    carrier = copy;
  } else carrier = ILL_FORMED_MARK;
  return JSON.stringify(carrier).replaceAll(JSON.stringify(ILL_FORMED_MARK), `"${form}"`);
}

/** Whether a body, as the API will parse it, holds a string or field name that is not well-formed Unicode. */
export function carriesIllFormedUnicode(body: string | Buffer | undefined): boolean {
  if (typeof body !== 'string' || !/\\u[dD][89a-fA-F]/.test(body)) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  return illFormedIn(parsed) !== undefined;
}

/** The path of the first string or key in `value` that is not well-formed Unicode (iterative: values nest deep). */
export function illFormedIn(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) return at;
    } else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${at}.${i}`]));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!k.isWellFormed()) return `${at}.${k.toWellFormed()}`;
        stack.push([x, `${at}.${k}`]);
      }
    }
  }
  return undefined;
}

const ifMatchValues = fc.constantFrom(
  '"1"',
  '"2"',
  '"3"',
  '1',
  '*',
  'W/"1"',
  '"0"',
  '"-1"',
  '"abc"',
  '"99999999999999999999"',
  '""',
  '"1", "2"',
  '"1.5"',
);
const idempotencyKeys = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9-]{8,40}$/),
  fc.constantFrom('short', 'k'.repeat(129), 'has spaces in it ok', '%00%00%00%00', 'fixed-key-0001', 'fixed-key-0001'),
);

type BodyPlan =
  | { kind: 'valid'; value: unknown }
  | { kind: 'mutated'; value: unknown; mutation: Mutation['kind']; requiredDropped?: string }
  | { kind: 'raw'; text: string | Buffer; label: string }
  | { kind: 'none' };

function bodyPlan(op: Operation, ids: IdPool): fc.Arbitrary<BodyPlan> {
  if (!op.body) {
    if (op.method === 'GET') return fc.constant({ kind: 'none' });
    return fc.oneof(
      { weight: 9, arbitrary: fc.constant<BodyPlan>({ kind: 'none' }) },
      { weight: 1, arbitrary: fc.constant<BodyPlan>({ kind: 'raw', text: '{"unexpected":true}', label: 'unexpected-body' }) },
    );
  }
  const valid = validValue(op.body, ids);
  const mutated = valid.chain((value) => {
    const paths = fieldPaths(value);
    const target = paths.length > 0 ? fc.constantFrom(...paths) : fc.constant<string[]>([]);
    const leafOrSelf = (p: string[]) => {
      const keys = Object.keys(p.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], value) ?? {});
      return keys.length > 0 ? fc.constantFrom(...keys).map((k) => [...p, k]) : fc.constant(p);
    };
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      target.chain(leafOrSelf).chain((path) => wrongType.map((v): Mutation => ({ kind: 'wrongType', path, value: v }))),
      target.chain(leafOrSelf).map((path): Mutation => ({ kind: 'drop', path })),
      target.chain((path) =>
        fc
          .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }))
          .map(([name, v]): Mutation => ({ kind: 'extra', path, name, value: v })),
      ),
      target
        .chain(leafOrSelf)
        .chain((path) => fc.constantFrom(20_001, 70_000).map((size): Mutation => ({ kind: 'hugeString', path, size }))),
      target.chain(leafOrSelf).map((path): Mutation => ({ kind: 'loneSurrogate', path })),
      target
        .chain(leafOrSelf)
        .chain((path) => fc.constantFrom(100, 3_000).map((depth): Mutation => ({ kind: 'deepNesting', path, depth }))),
    );
    const required = new Set(op.body?.required ?? []);
    return mutation.map((m): BodyPlan => ({
      kind: 'mutated',
      value: mutate(value, m),
      mutation: m.kind,
      // A required top-level field left out: a validation answer must name it.
      ...(m.kind === 'drop' && m.path.length === 1 && required.has(m.path[0]!) ? { requiredDropped: m.path[0]! } : {}),
    }));
  });
  return fc.oneof(
    { weight: 10, arbitrary: valid.map((value): BodyPlan => ({ kind: 'valid', value })) },
    { weight: 8, arbitrary: mutated },
    { weight: 3, arbitrary: invalidJsonBodies.map((text): BodyPlan => ({ kind: 'raw', text, label: 'invalid-json' })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, loneSurrogateForms, fc.boolean())
        .map(([value, form, asKey]): BodyPlan => ({ kind: 'raw', text: illFormedBody(value, form, asKey), label: 'ill-formed-unicode' })),
    },
    {
      weight: 1,
      arbitrary: fc.constant<BodyPlan>({ kind: 'raw', text: JSON.stringify({ blob: 'b'.repeat(270_000) }), label: 'over-limit' }),
    },
    { weight: 1, arbitrary: fc.constant<BodyPlan>({ kind: 'raw', text: '', label: 'empty' }) },
  );
}

function pathSegment(schema: JsonSchema, ids: IdPool): fc.Arbitrary<{ value: string; hostile: boolean }> {
  return fc.oneof(
    { weight: 8, arbitrary: validValue(schema, ids).map((v) => ({ value: encodeURIComponent(String(v)), hostile: false })) },
    { weight: 2, arbitrary: hostileSegments.map((value) => ({ value, hostile: true })) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((value) => ({ value, hostile: true })) },
    { weight: 1, arbitrary: fc.constant({ value: '', hostile: true }) },
  );
}

function queryPart(op: Operation, ids: IdPool, cursors: readonly string[]): fc.Arbitrary<string> {
  const parts = op.queryParams.map((q) => {
    const value =
      q.name === 'cursor' && cursors.length > 0
        ? fc.oneof(
            fc.constantFrom(...cursors),
            validValue(q.schema, ids).map((v) => encodeURIComponent(String(v))),
            hostileQueryValues,
          )
        : fc.oneof(
            { weight: 4, arbitrary: validValue(q.schema, ids).map((v) => encodeURIComponent(String(v))) },
            { weight: 1, arbitrary: hostileQueryValues },
          );
    return sometimes(
      value.map((v) => `${q.name}=${v}`),
      0.5,
    );
  });
  const unknown = sometimes(
    fc.constantFrom('unknown=1', 'limit=1&limit=2', '__proto__=x', 'status[]=a', `x=${'q'.repeat(2000)}`, '%ff=1'),
    0.1,
  );
  return fc.tuple(fc.tuple(...parts), unknown).map(([known, extra]) => {
    const all = [...known.filter((p): p is string => p !== undefined), ...(extra ? [extra] : [])];
    return all.length > 0 ? `?${all.join('&')}` : '';
  });
}

const pools = new WeakMap<FuzzWorld, { staff: IdPool; others: IdPool }>();

/** Staff writes stay inside tenant A, so B's canaries survive the run. */
function poolFor(caller: Caller, world: FuzzWorld): IdPool {
  let p = pools.get(world);
  if (!p) pools.set(world, (p = { staff: [...world.staffIds, ...world.criterionIds], others: [...world.allIds, ...world.criterionIds] }));
  return caller === 'staff' ? p.staff : p.others;
}

export function requestArbitrary(op: Operation, world: FuzzWorld, cursors: readonly string[]): fc.Arbitrary<FuzzRequest> {
  // One arbitrary per caller, built once: `chain` would rebuild them for every sample.
  return fc.oneof(...callers.map((caller) => forCaller(op, world, cursors, caller)));
}

function forCaller(op: Operation, world: FuzzWorld, cursors: readonly string[], caller: Caller): fc.Arbitrary<FuzzRequest> {
  {
    const ids = poolFor(caller, world);
    return fc
      .record({
        segments: fc.tuple(...op.pathParams.map((p) => pathSegment(p.schema, ids))),
        query: queryPart(op, ids, cursors),
        body: bodyPlan(op, ids),
        badToken: sometimes(fc.constantFrom(...badTokenKinds), 0.1),
        contentType: sometimes(wrongContentTypes, 0.08),
        ifMatch: sometimes(ifMatchValues, 0.75),
        ifNoneMatch: sometimes(fc.constantFrom('*', '"1"', 'garbage'), 0.15),
        idempotencyKey: sometimes(idempotencyKeys, 0.4),
      })
      .map((r): FuzzRequest => {
        let i = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => r.segments[i++]!.value);
        const headers: Record<string, string> = {};
        const shapes: string[] = [];
        if (r.badToken) {
          if (r.badToken !== 'missing') headers.authorization = `Bearer ${world.badTokens[r.badToken]}`;
          shapes.push(`token:${r.badToken}`);
        } else if (caller !== 'anonymous') headers.authorization = `Bearer ${world.tokens[caller]}`;
        if (op.headerParams.includes('if-match') && r.ifMatch !== undefined) headers['if-match'] = r.ifMatch;
        if (r.ifNoneMatch !== undefined) headers['if-none-match'] = r.ifNoneMatch;
        if (op.headerParams.includes('idempotency-key') && r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
        let body: string | Buffer | undefined;
        let expectField: string | undefined;
        switch (r.body.kind) {
          case 'valid':
            body = toJsonText(r.body.value);
            shapes.push('valid');
            break;
          case 'mutated':
            body = toJsonText(r.body.value);
            shapes.push(`mutated:${r.body.mutation}`);
            if (r.body.requiredDropped) expectField = r.body.requiredDropped;
            break;
          case 'raw':
            body = r.body.text;
            shapes.push(r.body.label);
            break;
          case 'none':
            break;
        }
        if (body !== undefined) {
          headers['content-type'] = r.contentType ?? 'application/json';
          if (r.contentType !== undefined) shapes.push('content-type');
          if (headers['content-type'] === '') delete headers['content-type'];
        }
        if (r.segments.some((s) => s.hostile)) shapes.push('hostile-path');
        if (shapes.length === 0) shapes.push('plain');
        return {
          op: op.id,
          method: op.method,
          url: `${path}${r.query}`,
          headers,
          ...(body !== undefined ? { body } : {}),
          caller,
          ...(r.badToken ? { badToken: r.badToken } : {}),
          routable: r.segments.every((s) => routableSegment(s.value)),
          ...(expectField ? { expectField } : {}),
          ...(carriesIllFormedUnicode(body) ? { illFormed: true } : {}),
          shape: shapes[0]!,
        };
      });
  }
}

/** `perOperation` requests for every operation, interleaved so each batch mixes routes. */
export function generateRequests(
  ops: Operation[],
  world: FuzzWorld,
  cursors: readonly string[],
  perOperation: number,
  seed: number,
): FuzzRequest[] {
  const lists = ops.map((op, n) => fc.sample(requestArbitrary(op, world, cursors), { seed: seed + n, numRuns: perOperation }));
  const out: FuzzRequest[] = [];
  for (let i = 0; i < perOperation; i++) for (const list of lists) if (list[i]) out.push(list[i]!);
  return out;
}
