/**
 * One order of checks on every write route: authorization (and the target's existence)
 * before anything about the request's preconditions. A signed-in caller who may not act
 * on the target hears 403 or 404, never 400 (a malformed If-Match or Idempotency-Key) or
 * 428 (no If-Match), so the headers tell an outsider nothing and every route behaves alike.
 *
 * The routes are read from the route table: every spec with `ifMatch` or `idempotent` is
 * attacked, so a new one is covered without editing this file. The requests are the
 * authorization matrix's (authorization-matrix.cases.ts: real targets of world A) sent by a
 * role of world B the matrix refuses; where the matrix refuses no signed-in role, the path's
 * ids are replaced by nonexistent ones of the right kind and the answer must be 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#api/routes.ts';
import { idPrefixes, newId, type IdKind } from '#core/ids.ts';
import type { RouteSpec } from '#lib/route.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  buildWorld,
  matrixCases,
  type Expectation,
  type MatrixRequest,
  type SignedInRole,
  type World,
} from './authorization-matrix.cases.ts';

let t: TestPlatform;
let w: World;

beforeAll(async () => {
  t = await startTestPlatform();
  w = await buildWorld(t);
}, 180_000);

afterAll(() => t?.stop());

const guardedRoutes = apiRoutes.filter((spec) => spec.ifMatch || spec.idempotent);

/** Outsiders first: roles of world B, then roles of world A without a say on the target. */
const outsiderRoles: readonly SignedInRole[] = [
  'pathwayMemberOther',
  'pathwayLeadOther',
  'districtLeadOther',
  'reviewerNotAssigned',
  'pathwayMemberOwn',
  'reviewerAssigned',
  'pathwayLeadOwn',
  'districtLeadOwn',
];

const refusal = (e: Expectation): 403 | 404 | undefined => (e === 'D' || e === 403 ? 403 : e === 'H' || e === 404 ? 404 : undefined);

/** A nonexistent id of the kind a path parameter names (`districtId` → a district id). */
function nonexistent(param: string): string {
  const kind = param === 'requestId' ? 'benefitRequest' : param.replace(/Id$/, '');
  return kind in idPrefixes ? newId(kind as IdKind) : newId('person');
}

/** The route's path with every parameter pointing at nothing. */
const pathToNothing = (spec: RouteSpec) => spec.path.replace(/\{([^}]+)\}/g, (_, name: string) => nonexistent(name));

interface Attack {
  role: SignedInRole;
  expected: 403 | 404;
  request: MatrixRequest;
}

/**
 * For each matrix case of the route, a role the matrix refuses and its request; a case that
 * refuses no signed-in role is sent with its path pointing at nothing instead (404).
 */
async function attacks(spec: RouteSpec): Promise<Attack[]> {
  const rows = matrixCases[spec.id];
  expect(rows, `no authorization-matrix rows for ${spec.id}`).toBeDefined();
  const found: Attack[] = [];
  for (const c of Array.isArray(rows) ? rows : [rows!]) {
    const role = outsiderRoles.find((r) => refusal(c.expect[r]) !== undefined);
    if (role) found.push({ role, expected: refusal(c.expect[role])!, request: await c.request(w, role) });
    else if (spec.path.includes('{')) {
      const request = await c.request(w, 'pathwayMemberOther');
      found.push({ role: 'pathwayMemberOther', expected: 404, request: { ...request, path: pathToNothing(spec) } });
    }
  }
  expect(found.length, `${spec.id}: no request a signed-in caller is refused`).toBeGreaterThan(0);
  return found;
}

/**
 * The body without the version number it names (a numeric `version` / `revision` stands in
 * for If-Match; a framework's `version` is its name, a string, and stays).
 */
function withoutVersion(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => !(['version', 'revision'].includes(k) && typeof v === 'number')));
}

/** The request's own headers less the two under test, plus `extra`. */
function headersOf(request: MatrixRequest, extra: Record<string, string>): Record<string, string> {
  const kept = Object.entries(request.headers ?? {}).filter(
    (e): e is [string, string] => e[1] !== undefined && !['if-match', 'idempotency-key'].includes(e[0].toLowerCase()),
  );
  return { ...Object.fromEntries(kept), ...extra };
}

describe('a refused caller hears 403/404 before anything about its headers', () => {
  it('finds the guarded routes in the route table', () => {
    expect(guardedRoutes.length).toBeGreaterThan(0);
  });

  for (const spec of guardedRoutes) {
    it(`${spec.id}: ${spec.method} ${spec.path}`, async () => {
      const variants: [string, Record<string, string>][] = [['no If-Match, no Idempotency-Key', {}]];
      const malformed: Record<string, string> = {
        ...(spec.ifMatch ? { 'if-match': 'not a version tag' } : {}),
        ...(spec.idempotent ? { 'idempotency-key': 'bad' } : {}),
      };
      variants.push([`malformed ${Object.keys(malformed).join(' and ')}`, malformed]);
      const failures: string[] = [];
      for (const { role, expected, request } of await attacks(spec)) {
        for (const [name, extra] of variants) {
          const res = await t.api(spec.method, request.path, {
            token: w.people[role].token,
            body: withoutVersion(request.body),
            headers: headersOf(request, extra),
          });
          if (res.status !== expected) failures.push(`${role}, ${name}: expected ${expected}, got ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
