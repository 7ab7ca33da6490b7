/**
 * Network routes: progress (one Query of precomputed items), trends (one Query of the
 * network's per-year views), the staff export and the staff partner list. The use cases are
 * in functions/use-cases/network; every report but the export also answers `?format=csv`.
 */
import type { NumeratorMetric } from '#core/outcomes/codes.ts';
import { httpHandler, implement } from '#lib/http.ts';
import { exportYear } from '#use-cases/network/export-year.ts';
import { getNetworkProgress, refreshNetworkProgress } from '#use-cases/network/progress.ts';
import { listNetworkPartners } from '#use-cases/network/read-partners.ts';
import { getNetworkTrends } from '#use-cases/network/read-trends.ts';
import { asReport } from '../outcomes/report-export.ts';
import * as r from './routes.ts';
import { yearCsv } from './year-csv.ts';

export const handler = httpHandler([
  implement(r.getNetworkProgress, async (req) => {
    const { reader, progress } = await getNetworkProgress(req.principal);
    return asReport(reader, req.query.format, 'network-progress', progress);
  }),

  implement(r.refreshNetworkProgress, async (req) => ({ body: await refreshNetworkProgress(req.principal) })),

  implement(r.getNetworkTrends, async (req) => {
    const { reader, trends } = await getNetworkTrends(req.principal, {
      metric: req.query.metric as NumeratorMetric | undefined,
      group: req.query.group,
      countMetric: req.query.countMetric,
    });
    return asReport(reader, req.query.format, 'network-trends', trends);
  }),

  implement(r.exportYear, async (req) => ({
    body: yearCsv(await exportYear(req.principal, req.params.schoolYear)),
    headers: { 'content-disposition': `attachment; filename="outcomes-${req.params.schoolYear}.csv"` },
  })),

  implement(r.listAllPartners, async (req) => {
    const { reader, page } = await listNetworkPartners(req.principal, req.query.limit, req.query.cursor);
    return asReport(reader, req.query.format, 'partners', page);
  }),
]);
