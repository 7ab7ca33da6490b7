import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '#api/routes.ts';
import { withApiTable } from '../../infra/tools/api-table.ts';

describe('README', () => {
  it('documents every route of the route table (run `npm run docs` after adding one)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toBe(withApiTable(readme, apiRoutes));
  });
});
