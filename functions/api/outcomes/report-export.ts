/**
 * "Staff export any report as CSV" (issue 7): every outcome, network and partner report
 * route takes `?format=csv`. The CSV is the very report the caller would read as JSON,
 * flattened (core/csv.ts reportCsv: formula cells neutralized, suppressed cells named).
 * Who may export is decided by the use case (use-cases/outcomes/report-export.ts
 * checkReportExport); this renders.
 */
import type { AccessContext } from '#core/access.ts';
import { reportCsv } from '#core/csv.ts';
import type { HttpResult } from '#lib/http.ts';
import { checkReportExport, type ReportFormat } from '#use-cases/outcomes/report-export.ts';

/** The report as JSON, or as a CSV attachment named `name`.csv; the caller was already allowed the format. */
export function renderReport(format: ReportFormat, name: string, body: unknown): HttpResult {
  if (format !== 'csv') return { body };
  return {
    body: reportCsv(body, { bom: true }),
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`,
    },
  };
}

/**
 * Checks the format and renders, for routes that still hold the caller's access context
 * (the network routes): the check runs after the route's own authorization, so a caller
 * who may not see the report still gets 404 or 403 from that first.
 */
export function asReport(ctx: AccessContext, format: ReportFormat, name: string, body: unknown): HttpResult {
  checkReportExport(ctx, format);
  return renderReport(format, name, body);
}
