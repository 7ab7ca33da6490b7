/**
 * The README's API section, generated from the route table so it can never drift:
 * `npm run docs` rewrites the part between the markers; a unit test fails when README
 * is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RouteSpec } from '#lib/route.ts';

export const START = '<!-- api:start -->';
export const END = '<!-- api:end -->';

export function apiTable(routes: readonly RouteSpec[]): string {
  const rows = [...routes]
    .sort((a, b) => a.tags[0]!.localeCompare(b.tags[0]!) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map((r) => {
      const extras = [r.idempotent ? 'Idempotency-Key' : '', r.ifMatch ? 'If-Match' : ''].filter(Boolean).join(', ');
      return `| ${r.tags[0]} | \`${r.method} ${r.path}\` | ${r.auth === 'public' ? 'public' : 'token'} | ${r.summary}${extras ? ` (${extras})` : ''} |`;
    });
  return ['| area | route | auth | what it does |', '|---|---|---|---|', ...rows].join('\n');
}

export function withApiTable(readme: string, routes: readonly RouteSpec[]): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${apiTable(routes)}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { apiRoutes } = await import('#api/routes.ts');
  const readme = readFileSync('README.md', 'utf8');
  writeFileSync('README.md', withApiTable(readme, apiRoutes));
  console.log(`README.md: API table written (${apiRoutes.length} routes)`);
}
