/**
 * Handlers parse, call one use case and render (docs/architecture.md). A route whose handler
 * grows past the limit is doing a use case's work at the edge.
 */
import { describe, expect, it } from 'vitest';
import { codeLines, ROUTE_LINE_LIMIT, routeSizes } from '../../../infra/tools/route-sizes.ts';
import { apiRoutes } from '#api/routes.ts';

describe('route handler sizes', () => {
  const sizes = routeSizes();

  it('finds a handler for every route of the API', () => {
    expect(sizes.length).toBe(apiRoutes.length);
  });

  it(`keeps every route's handler within ${ROUTE_LINE_LIMIT} code lines`, () => {
    expect(sizes.filter((s) => s.lines > ROUTE_LINE_LIMIT).map((s) => `${s.route} (${s.file}): ${s.lines} lines`)).toEqual([]);
  });

  it('counts code, not blank lines or comments', () => {
    const handler = [
      'implement(r, async (req) => {',
      '  // why the next line is so',
      '',
      '  /* a longer',
      '     note */',
      '  const x = await run(req); // trailing note',
      '  return { body: `a',
      'b` };',
      '})',
    ].join('\n');
    expect(codeLines(handler)).toBe(5);
  });
});
