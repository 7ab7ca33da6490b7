/**
 * Route selection the way API Gateway HTTP APIs do it: among the routes whose method and
 * path template match, the most specific wins — literal segments over `{param}` over a
 * trailing greedy `{proxy+}`. Path parameters are URL-decoded.
 */
import type { RouteSpec } from '#lib/route.ts';

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute {
  route: RouteSpec;
  segments: Segment[];
}

export type RouteMatch =
  | { kind: 'match'; route: RouteSpec; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

function splitPath(p: string): string[] {
  const trimmed = p.startsWith('/') ? p.slice(1) : p;
  return trimmed === '' ? [] : trimmed.split('/');
}

function compile(route: RouteSpec): CompiledRoute {
  const parts = splitPath(route.path);
  const segments = parts.map((part, i): Segment => {
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy?.[1]) {
      if (i !== parts.length - 1) throw new Error(`Greedy path variable must be last: ${route.path}`);
      return { kind: 'greedy', name: greedy[1] };
    }
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1]) return { kind: 'param', name: param[1] };
    return { kind: 'literal', value: part };
  });
  return { route, segments };
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Path parameters when the template matches the request path, otherwise null. `decoded`
 * holds each part URL-decoded, computed once per request rather than once per route.
 */
function matchSegments(segments: Segment[], parts: string[], decoded: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return null;
      params[segment.name] = decode(rest.join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined || part === '') return null;
    if (segment.kind === 'literal') {
      if (decoded[i] !== segment.value) return null;
    } else {
      params[segment.name] = decoded[i]!;
    }
  }
  return parts.length === segments.length ? params : null;
}

const rank = { literal: 2, param: 1, greedy: 0 } as const;

/** Negative when `a` is more specific than `b`. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const ra = a.segments[i] ? rank[a.segments[i]!.kind] : -1;
    const rb = b.segments[i] ? rank[b.segments[i]!.kind] : -1;
    if (ra !== rb) return rb - ra;
  }
  return 0;
}

const isGreedy = (c: CompiledRoute) => c.segments.at(-1)?.kind === 'greedy';

/**
 * The matcher runs on every local API request, so the work that does not depend on the
 * request is done once: routes are kept most specific first (a stable sort, so ties keep
 * the route table's order), and per path length only the routes that could match are
 * tried — those with that many segments, and greedy ones no longer than it.
 */
export function createRouteMatcher(routes: readonly RouteSpec[]): (method: string, rawPath: string) => RouteMatch {
  const compiled = routes.map(compile);
  const seen = new Set<string>();
  for (const { route } of compiled) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Duplicate route ${key}`);
    seen.add(key);
  }
  const ordered = [...compiled].sort(bySpecificity);
  // Past the longest template only greedy routes can match, and all of them do by length:
  // one list, at longest + 1, serves every longer path, so the table is built once, bounded.
  const longest = Math.max(0, ...compiled.map((c) => c.segments.length));
  const byLength = Array.from({ length: longest + 2 }, (_, length) =>
    ordered.filter((c) => (isGreedy(c) ? c.segments.length <= length : c.segments.length === length)),
  );
  const candidatesFor = (length: number): CompiledRoute[] => byLength[Math.min(length, longest + 1)]!;

  return (method, rawPath) => {
    const parts = splitPath(rawPath);
    const decoded = parts.map(decode);
    const otherMethods = new Set<string>();
    for (const c of candidatesFor(parts.length)) {
      const params = matchSegments(c.segments, parts, decoded);
      if (!params) continue;
      if (c.route.method === method) return { kind: 'match', route: c.route, pathParameters: params };
      otherMethods.add(c.route.method);
    }
    if (otherMethods.size > 0) return { kind: 'method-not-allowed', allow: [...otherMethods].sort() };
    return { kind: 'not-found' };
  };
}
