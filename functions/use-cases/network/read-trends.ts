/**
 * Network-wide outcome trends. Staff read the raw figures; everyone else the suppressed
 * ones, computed for their own coalition when they hold roles beyond the shared pattern's
 * (store/outcomes-readers.ts).
 */
import type { AccessContext } from '#core/access.ts';
import type { Metric, NumeratorMetric, StudentGroup } from '#core/outcomes/codes.ts';
import { revealAll } from '#core/outcomes/model.ts';
import { countTrend, rateTrend, ratesOf } from '#core/outcomes/rates.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { listNetworkViews, revealBases } from '#store/outcomes.ts';
import { viewsForReader } from '#store/outcomes-readers.ts';
import { authorize, loadAccess } from '../access.ts';

export interface TrendQuery {
  metric?: NumeratorMetric;
  group?: StudentGroup;
  countMetric?: Metric;
}

export async function getNetworkTrends(principal: Principal, query: TrendQuery) {
  const reader: AccessContext = await loadAccess(principal);
  authorize(reader, 'network.outcomes.read', { kind: 'network' });
  const staff = hasRole(reader, 'staff');
  const stored = await listNetworkViews();
  const views = staff ? stored : await viewsForReader(reader.memberships, stored);
  const metric = query.metric ?? 'graduated_on_time';
  const group = query.group ?? 'all';
  const countMetric = query.countMetric ?? 'enrolled';
  const points = views.map((v) =>
    staff
      ? { schoolYear: v.schoolYear, counts: revealAll(v.counts), bases: revealBases(v.rateBases), pathways: v.pathways }
      : { schoolYear: v.schoolYear, counts: v.public.counts, bases: v.public.rateBases, pathways: v.public.pathways },
  );
  const trends = {
    metric,
    group,
    countMetric,
    suppressed: !staff,
    years: points.map((p) => ({ schoolYear: p.schoolYear, pathways: p.pathways })),
    rates: rateTrend(
      points.map((p) => ({ schoolYear: p.schoolYear, rates: ratesOf(p.counts, p.bases) })),
      metric,
      group,
    ),
    counts: countTrend(points, countMetric, group),
  };
  return { reader, trends };
}
