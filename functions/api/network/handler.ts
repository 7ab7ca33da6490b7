/**
 * Network routes: progress (one Query of precomputed items), trends (one Query of the
 * network's per-year views), the staff export and the staff partner list.
 */
import type { AccessContext } from '../../core/access.ts';
import { GROUP_LABELS, type Metric, type NumeratorMetric, type StudentGroup } from '../../core/outcomes/codes.ts';
import { toCsv } from '../../core/csv.ts';
import { entriesOf, revealAll } from '../../core/outcomes/model.ts';
import { countTrend, rateTrend, ratesOf } from '../../core/outcomes/rates.ts';
import { authorize, loadAccess, withAccess } from '../../use-cases/access.ts';
import { nowIso } from '../../lib/clock.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import { keys } from '../../store/keys.ts';
import * as outcomes from '../../store/outcomes.ts';
import { viewsForReader } from '../../store/outcomes-readers.ts';
import { listAllPartners } from '../../store/outcomes-partners.ts';
import { readNetworkProgress, refreshNetworkProgress } from '../../store/outcomes-progress.ts';
import * as registry from '../../store/registry.ts';
import { asReport } from '../outcomes/report-export.ts';
import * as r from './routes.ts';

const NET = { kind: 'network' } as const;
const isStaff = (ctx: AccessContext) => ctx.groups.includes('staff');

export const handler = httpHandler([
  implement(r.getNetworkProgress, async (req) => {
    const [{ current, byYear }, ctx] = await withAccess(req.principal, readNetworkProgress());
    authorize(ctx, 'network.progress.read', NET);
    const at = nowIso();
    return asReport(ctx, req.query.format, 'network-progress', {
      current: current ?? null,
      byYear,
      stale: current ? current.nextExpiry !== null && current.nextExpiry <= at.slice(0, 10) : true,
    });
  }),

  implement(r.refreshNetworkProgress, async (req) => {
    authorize(await loadAccess(req.principal), 'network.progress.refresh', NET);
    return { body: await refreshNetworkProgress() };
  }),

  implement(r.getNetworkTrends, async (req) => {
    const ctx = await loadAccess(req.principal);
    authorize(ctx, 'network.outcomes.read', NET);
    const stored = await outcomes.listNetworkViews();
    // A person holding roles beyond the shared pattern's coalitions gets network figures
    // computed for them (store/outcomes-readers.ts).
    const views = isStaff(ctx) ? stored : await viewsForReader(ctx.memberships, stored);
    const metric = (req.query.metric ?? 'graduated_on_time') as NumeratorMetric;
    const group = (req.query.group ?? 'all') as StudentGroup;
    const countMetric = (req.query.countMetric ?? 'enrolled') as Metric;
    const points = views.map((v) =>
      isStaff(ctx)
        ? { schoolYear: v.schoolYear, counts: revealAll(v.counts), bases: outcomes.revealBases(v.rateBases), pathways: v.pathways }
        : { schoolYear: v.schoolYear, counts: v.public.counts, bases: v.public.rateBases, pathways: v.public.pathways },
    );
    return asReport(ctx, req.query.format, 'network-trends', {
      metric,
      group,
      countMetric,
      suppressed: !isStaff(ctx),
      years: points.map((p) => ({ schoolYear: p.schoolYear, pathways: p.pathways })),
      rates: rateTrend(points.map((p) => ({ schoolYear: p.schoolYear, rates: ratesOf(p.counts, p.bases) })), metric, group),
      counts: countTrend(points, countMetric, group),
    });
  }),

  implement(r.exportYear, async (req) => {
    authorize(await loadAccess(req.principal), 'outcome.export', NET);
    const views = await outcomes.listYearViews(req.params.schoolYear);
    const pathwayIds = views.flatMap((v) => (v.entity.kind === 'pathway' ? [v.entity.pathwayId] : []));
    const districtIds = [...new Set(views.map((v) => v.entity.districtId))];
    const found = await registry.batchGet([...pathwayIds.map((id) => keys.pathway(id)), ...districtIds.map((id) => keys.district(id))]);
    const names = new Map(found.map((i) => [String(i.id), String(i.name ?? '')]));
    type Row = { entityType: string; entityId: string; name: string; districtId: string; districtName: string; metric: string; group: string; groupLabel: string; count: number };
    const rows: Row[] = [];
    for (const v of views) {
      const entityId = v.entity.kind === 'pathway' ? v.entity.pathwayId : v.entity.districtId;
      for (const [metric, groups] of entriesOf(v.counts)) {
        for (const [group, count] of entriesOf(groups)) {
          rows.push({
            entityType: v.entity.kind,
            entityId,
            name: names.get(entityId) ?? '',
            districtId: v.entity.districtId,
            districtName: names.get(v.entity.districtId) ?? '',
            metric,
            group,
            groupLabel: GROUP_LABELS[group],
            count,
          });
        }
      }
    }
    rows.sort((a, b) => (a.districtId + a.entityType + a.entityId).localeCompare(b.districtId + b.entityType + b.entityId));
    const csv = toCsv(
      rows.map((row) => ({ ...row, schoolYear: req.params.schoolYear })),
      [
        { header: 'school_year', value: (row) => row.schoolYear },
        { header: 'entity_type', value: (row) => row.entityType },
        { header: 'entity_id', value: (row) => row.entityId },
        { header: 'entity_name', value: (row) => row.name },
        { header: 'district_id', value: (row) => row.districtId },
        { header: 'district_name', value: (row) => row.districtName },
        { header: 'metric', value: (row) => row.metric },
        { header: 'student_group', value: (row) => row.group },
        { header: 'student_group_label', value: (row) => row.groupLabel },
        { header: 'count', value: (row) => row.count },
      ],
      { bom: true },
    );
    return {
      body: csv,
      headers: { 'content-disposition': `attachment; filename="outcomes-${req.params.schoolYear}.csv"` },
    };
  }),

  implement(r.listAllPartners, async (req) => {
    const ctx = await loadAccess(req.principal);
    authorize(ctx, 'partner.list', NET);
    return asReport(ctx, req.query.format, 'partners', await listAllPartners(req.query.limit, req.query.cursor));
  }),
]);
