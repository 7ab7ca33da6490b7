import { describe, expect, it } from 'vitest';
import { apiRoutes } from '#api/routes.ts';
import type { HttpMethod, RouteSpec } from '#lib/route.ts';
import { createRouteMatcher, type RouteMatch } from '../../../infra/local/route-matcher.ts';

/**
 * API Gateway's selection rule written the slow, obvious way: try every route, decode as
 * you go, keep those whose template matches, and take the most specific one with the
 * request's method (literal over {param} over {greedy+}, ties in table order).
 */
function reference(routes: readonly RouteSpec[], method: string, rawPath: string): RouteMatch {
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  const split = (p: string) => (p.replace(/^\//, '') === '' ? [] : p.replace(/^\//, '').split('/'));
  const parts = split(rawPath);
  const rankOf = (t: string | undefined) => (t === undefined ? -1 : /^\{\w+\+\}$/.test(t) ? 0 : /^\{\w+\}$/.test(t) ? 1 : 2);
  const matches: { route: RouteSpec; params: Record<string, string> }[] = [];
  for (const route of routes) {
    const template = split(route.path);
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < template.length && ok; i++) {
      const t = template[i]!;
      const greedy = /^\{(\w+)\+\}$/.exec(t);
      if (greedy) {
        const rest = parts.slice(i).join('/');
        if (rest === '') ok = false;
        else params[greedy[1]!] = decode(rest);
        break;
      }
      const part = parts[i];
      if (part === undefined || part === '') ok = false;
      else if (/^\{(\w+)\}$/.test(t)) params[t.slice(1, -1)] = decode(part);
      else if (decode(part) !== t) ok = false;
      if (ok && i === template.length - 1 && parts.length !== template.length) ok = false;
    }
    if (template.length === 0 && parts.length !== 0) ok = false;
    if (ok) matches.push({ route, params });
  }
  const specificity = (a: RouteSpec, b: RouteSpec) => {
    const ta = split(a.path);
    const tb = split(b.path);
    for (let i = 0; i < Math.max(ta.length, tb.length); i++) {
      const d = rankOf(tb[i]) - rankOf(ta[i]);
      if (d !== 0) return d;
    }
    return 0;
  };
  const same = matches.filter((m) => m.route.method === method).sort((x, y) => specificity(x.route, y.route));
  if (same[0]) return { kind: 'match', route: same[0].route, pathParameters: same[0].params };
  if (matches.length > 0) return { kind: 'method-not-allowed', allow: [...new Set(matches.map((m) => m.route.method))].sort() };
  return { kind: 'not-found' };
}

const methods: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Request paths built from every route's template: filled in, encoded, cut short, made longer. */
function samplePaths(routes: readonly RouteSpec[]): string[] {
  const fills = ['abc', 'pw_01KDVDNA00MKVSHMG9ZSPWNCSP', 'a%20b', 'a%2Fb', '%E0%A4%A', 'schools', 'me'];
  const paths = new Set<string>(['/', '', '/nope', '//', '/pathways//x']);
  routes.forEach((route, r) => {
    const fill = fills[r % fills.length]!;
    const filled = route.path.replace(/\{\w+\+\}/g, 'x/y/z').replace(/\{\w+\}/g, fill);
    const segments = filled.split('/');
    paths.add(filled);
    paths.add(`${filled}/extra`);
    paths.add(segments.slice(0, -1).join('/'));
    // A literal segment written percent-encoded still names the same route.
    paths.add(filled.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`));
  });
  return [...paths];
}

describe('route matcher', () => {
  it('selects exactly what the reference selection rule selects, for every route of the API', () => {
    const match = createRouteMatcher(apiRoutes);
    const paths = samplePaths(apiRoutes);
    expect(paths.length).toBeGreaterThan(300);
    let matched = 0;
    for (const path of paths) {
      for (const method of methods) {
        const got = match(method, path);
        expect(got, `${method} ${path}`).toEqual(reference(apiRoutes, method, path));
        if (got.kind === 'match') matched++;
      }
    }
    // The sample reaches every route at least once.
    expect(matched).toBeGreaterThanOrEqual(apiRoutes.length);
  });

  it('prefers literal over {param} over {greedy+}, whatever the table order', () => {
    const r = (path: string, fn = path): RouteSpec => ({ method: 'GET', path, fn, auth: 'public' }) as unknown as RouteSpec;
    const routes = [r('/files/{rest+}'), r('/files/{id}'), r('/files/latest'), r('/files/{id}/meta')];
    const match = createRouteMatcher(routes);
    const fnOf = (path: string) => {
      const m = match('GET', path);
      return m.kind === 'match' ? [m.route.fn, m.pathParameters] : m.kind;
    };
    expect(fnOf('/files/latest')).toEqual(['/files/latest', {}]);
    expect(fnOf('/files/l%61test')).toEqual(['/files/latest', {}]);
    expect(fnOf('/files/a%20b')).toEqual(['/files/{id}', { id: 'a b' }]);
    expect(fnOf('/files/a/meta')).toEqual(['/files/{id}/meta', { id: 'a' }]);
    expect(fnOf('/files/a/b/c')).toEqual(['/files/{rest+}', { rest: 'a/b/c' }]);
    expect(fnOf('/files')).toBe('not-found');
    expect(match('POST', '/files/a')).toEqual({ kind: 'method-not-allowed', allow: ['GET'] });
  });
});
