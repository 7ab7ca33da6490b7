/**
 * The authorization matrix, enforced: every route of the route table (read at test time)
 * × every role (authorization-matrix.cases.ts) → the expected status, through the local
 * HTTP API against one fixture world. A route without rows fails, so a new route cannot
 * ship without its policy being written down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '#api/routes.ts';
import type { RouteSpec } from '#lib/route.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  buildWorld,
  matrixCases,
  matrixRoles,
  staleCaseIds,
  type Expectation,
  type MatrixCase,
  type MatrixRole,
  type World,
} from './authorization-matrix.cases.ts';

let t: TestPlatform;
let w: World;

beforeAll(async () => {
  t = await startTestPlatform();
  w = await buildWorld(t);
}, 180_000);

afterAll(() => t?.stop());

/** The route template as a pattern: `{param}` matches one path segment. */
function templatePattern(spec: RouteSpec): RegExp {
  const escaped = spec.path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  // A query string is allowed (e.g. `?inbox=staff`): it selects, it does not change the route.
  return new RegExp(`^${escaped.join('[^/?]+')}(\\?[^#]*)?$`);
}

function satisfies(expected: Expectation, status: number): boolean {
  switch (expected) {
    case 'A':
      return status >= 200 && status < 300;
    case 'H':
      return status === 404;
    case 'D':
      return status === 403;
    case 'U':
      return status === 401;
    default:
      return status === expected;
  }
}

const describeCell = (e: Expectation) => ({ A: '2xx', H: '404', D: '403', U: '401' })[e as string] ?? String(e);

async function runCell(spec: RouteSpec, c: MatrixCase, role: MatrixRole): Promise<string | undefined> {
  const req = await c.request(w, role);
  if (!templatePattern(spec).test(req.path)) return `${role}: request path ${req.path} does not match ${spec.path}`;
  const token = role === 'anonymous' ? undefined : w.people[role].token;
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
  const res = await t.api(spec.method, req.path, { token, body: req.body, headers });
  const expected = c.expect[role];
  if (satisfies(expected, res.status)) return undefined;
  return `${role}: expected ${describeCell(expected)}, got ${res.status} ${res.text.slice(0, 300)}`;
}

describe('the matrix covers the route table', () => {
  it('has rows for no route that does not exist', () => {
    expect(staleCaseIds()).toEqual([]);
  });

  it('has a cell for every role in every case', () => {
    for (const [id, rows] of Object.entries(matrixCases)) {
      for (const c of Array.isArray(rows) ? rows : [rows]) {
        expect(Object.keys(c.expect).sort(), id).toEqual([...matrixRoles].sort());
      }
    }
  });

  it('anonymous callers are 401 on every jwt route and never 401 on public ones', () => {
    for (const spec of apiRoutes) {
      const rows = matrixCases[spec.id];
      if (!rows) continue;
      for (const c of Array.isArray(rows) ? rows : [rows]) {
        if (spec.auth === 'jwt') expect(c.expect.anonymous, spec.id).toBe('U');
        else expect(c.expect.anonymous, spec.id).not.toBe('U');
      }
    }
  });
});

describe('route × role → status', () => {
  for (const spec of apiRoutes) {
    it(`${spec.id}: ${spec.method} ${spec.path}`, async () => {
      const rows = matrixCases[spec.id];
      expect(rows, `no authorization-matrix rows for ${spec.id}: add them to test/integration/authorization-matrix.cases.ts`).toBeDefined();
      const failures: string[] = [];
      for (const c of Array.isArray(rows) ? rows : [rows!]) {
        // Reads run in parallel; writes one role at a time, each on its own fresh target.
        const results =
          spec.method === 'GET'
            ? await Promise.all(matrixRoles.map((role) => runCell(spec, c, role)))
            : await matrixRoles.reduce<Promise<(string | undefined)[]>>(
                async (acc, role) => [...(await acc), await runCell(spec, c, role)],
                Promise.resolve([]),
              );
        failures.push(...results.filter((f): f is string => f !== undefined).map((f) => (c.name ? `[${c.name}] ${f}` : f)));
      }
      expect(failures).toEqual([]);
    });
  }
});
