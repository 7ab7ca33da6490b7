/**
 * "Staff export any report as CSV" (issue 7): every outcome, network and partner report
 * route takes `?format=csv`. The CSV is the very report the caller would read as JSON,
 * flattened (core/csv.ts reportCsv: formula cells neutralized, suppressed
 * cells named). Only staff export; the check runs after the route's own authorization, so
 * a caller who may not see the report still gets 404 or 403 from that first.
 */
import type { AccessContext } from '../../core/access.ts';
import { reportCsv } from '../../core/csv.ts';
import { allowed } from '../../use-cases/access.ts';
import type { HttpResult } from '../../lib/http.ts';
import { problems } from '../../lib/problem.ts';

export function asReport(ctx: AccessContext, format: 'json' | 'csv' | undefined, name: string, body: unknown): HttpResult {
  if (format !== 'csv') return { body };
  if (!allowed(ctx, 'outcome.export', { kind: 'network' })) throw problems.forbidden('Only staff export reports as CSV.');
  return {
    body: reportCsv(body, { bom: true }),
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`,
    },
  };
}
