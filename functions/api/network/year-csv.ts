/** The staff export of a school year (use-cases/network/export-year.ts) as CSV, with a BOM for spreadsheets. */
import { toCsv } from '#core/csv.ts';
import type { YearExportRow } from '#use-cases/network/export-year.ts';

export function yearCsv(rows: readonly YearExportRow[]): string {
  return toCsv(
    rows,
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
}
