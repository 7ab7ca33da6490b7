/**
 * Route selection the way API Gateway HTTP APIs do it: among the routes whose method and
 * path template match, the most specific wins — literal segments over `{param}` over a
 * trailing greedy `{proxy+}`. Path parameters are URL-decoded.
 */
import type { RouteSpec } from '../../functions/lib/route.ts';

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

/** Path parameters when the template matches the (still encoded) request path, otherwise null. */
function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | null {
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
      if (decode(part) !== segment.value) return null;
    } else {
      params[segment.name] = decode(part);
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

export function createRouteMatcher(routes: readonly RouteSpec[]): (method: string, rawPath: string) => RouteMatch {
  const compiled = routes.map(compile);
  const seen = new Set<string>();
  for (const { route } of compiled) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Duplicate route ${key}`);
    seen.add(key);
  }

  return (method, rawPath) => {
    const parts = splitPath(rawPath);
    const matching = compiled
      .map((c) => ({ c, params: matchSegments(c.segments, parts) }))
      .filter((m): m is { c: CompiledRoute; params: Record<string, string> } => m.params !== null);
    const sameMethod = matching.filter((m) => m.c.route.method === method).sort((x, y) => bySpecificity(x.c, y.c));
    const best = sameMethod[0];
    if (best) return { kind: 'match', route: best.c.route, pathParameters: best.params };
    if (matching.length > 0) return { kind: 'method-not-allowed', allow: [...new Set(matching.map((m) => m.c.route.method))].sort() };
    return { kind: 'not-found' };
  };
}
