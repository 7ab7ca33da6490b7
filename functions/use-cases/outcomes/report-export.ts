/**
 * "Staff export any report as CSV" (issue 7): every outcome, network and partner report
 * takes `?format=csv`, and only staff may ask for it. A report use case checks this after
 * its own authorization and reads, so a caller who may not see the report still gets 404
 * or 403 from those first. Rendering the CSV is the edge's (api/outcomes/report-export.ts).
 */
import type { AccessContext } from '#core/access.ts';
import { ForbiddenError } from '#core/errors.ts';
import { allowed } from '../access.ts';

export type ReportFormat = 'json' | 'csv' | undefined;

/** Refuses a CSV export to anyone who may not export reports; JSON is always fine here. */
export function checkReportExport(access: AccessContext, format: ReportFormat): void {
  if (format === 'csv' && !allowed(access, 'outcome.export', { kind: 'network' }))
    throw new ForbiddenError('Only staff export reports as CSV.');
}
