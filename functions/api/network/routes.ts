/**
 * The network as a whole (issue 7): progress toward the goal (precomputed; one read),
 * network-wide outcome trends (suppressed for everyone but staff), the staff CSV export of
 * a school year, and the staff list of every work-based learning partner.
 */
import * as z from 'zod/mini';
import { schoolYearSchema } from '#core/outcomes/model.ts';
import { route } from '#lib/route.ts';
import { pageOf, pageQuery } from '#lib/schemas.ts';
import { networkProgress, networkTrends, partner } from '../outcomes/answer-schemas.ts';
import { reportFormat, reportQuery, trendQuery } from '../outcomes/report-query.ts';

const FN = 'network' as const;
const TAGS = ['Network'];

export const getNetworkProgress = route({
  id: 'getNetworkProgress',
  schemas: () => ({
    response: z.object({
      current: z.nullable(networkProgress()),
      byYear: z.array(z.object({ ...networkProgress().shape, byDistrict: z.optional(networkProgress().shape.byDistrict) })),
      /** true when the figures are older than the refresh interval. */
      stale: z.boolean(),
    }),
    query: reportQuery(),
  }),
  produces: 'text/csv; charset=utf-8',
  method: 'GET',
  path: '/network/progress',
  fn: FN,
  auth: 'jwt',
  summary: 'Students in certified pathways against the network goal, by level, state, district and year',
  tags: TAGS,
});

export const refreshNetworkProgress = route({
  id: 'refreshNetworkProgress',
  schemas: () => ({
    response: networkProgress(),
  }),
  method: 'POST',
  path: '/network/progress/refresh',
  fn: FN,
  auth: 'jwt',
  summary: 'Recompute network progress from the registry (staff)',
  tags: TAGS,
});

export const getNetworkTrends = route({
  id: 'getNetworkTrends',
  schemas: () => ({
    response: networkTrends(),
    query: trendQuery(),
  }),
  produces: 'text/csv; charset=utf-8',
  method: 'GET',
  path: '/network/outcomes/trends',
  fn: FN,
  auth: 'jwt',
  summary: 'Network-wide outcome rates and counts across school years',
  tags: TAGS,
});

export const exportYear = route({
  id: 'exportOutcomes',
  method: 'GET',
  path: '/network/outcomes/{schoolYear}/export.csv',
  fn: FN,
  auth: 'jwt',
  summary: "Every district's and pathway's outcome counts of a school year as CSV (staff)",
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ schoolYear: schoolYearSchema() }),
  }),
  produces: 'text/csv; charset=utf-8',
});

export const listAllPartners = route({
  id: 'listAllPartners',
  schemas: () => ({
    response: pageOf(partner()),
    query: z.strictObject({ ...pageQuery(), ...reportFormat() }),
  }),
  produces: 'text/csv; charset=utf-8',
  method: 'GET',
  path: '/partners',
  fn: FN,
  auth: 'jwt',
  summary: 'Every work-based learning partner in the network, newest first (staff)',
  tags: TAGS,
});

export const networkRoutes = [getNetworkProgress, refreshNetworkProgress, getNetworkTrends, exportYear, listAllPartners];
