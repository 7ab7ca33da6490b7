/**
 * Staff export a school year: every district's and pathway's counts, one row per metric and
 * student group, named from the registry (one BatchGet of the pathways and districts).
 */
import { GROUP_LABELS, type SchoolYear } from '#core/outcomes/codes.ts';
import { entriesOf } from '#core/outcomes/model.ts';
import type { Principal } from '#lib/principal.ts';
import { listYearViews } from '#store/outcomes.ts';
import { registryNames } from '#store/registry.ts';
import { authorize, loadAccess } from '../access.ts';

export interface YearExportRow {
  schoolYear: string;
  entityType: string;
  entityId: string;
  name: string;
  districtId: string;
  districtName: string;
  metric: string;
  group: string;
  groupLabel: string;
  count: number;
}

/** The rows, by district, then entity type and id. */
export async function exportYear(principal: Principal, schoolYear: SchoolYear): Promise<YearExportRow[]> {
  authorize(await loadAccess(principal), 'outcome.export', { kind: 'network' });
  const views = await listYearViews(schoolYear);
  const pathwayIds = views.flatMap((v) => (v.entity.kind === 'pathway' ? [v.entity.pathwayId] : []));
  const districtIds = [...new Set(views.map((v) => v.entity.districtId))];
  const names = await registryNames({ pathwayIds, districtIds });
  const rows: YearExportRow[] = [];
  for (const v of views) {
    const entityId = v.entity.kind === 'pathway' ? v.entity.pathwayId : v.entity.districtId;
    for (const [metric, groups] of entriesOf(v.counts)) {
      for (const [group, count] of entriesOf(groups)) {
        rows.push({
          schoolYear,
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
  return rows;
}
