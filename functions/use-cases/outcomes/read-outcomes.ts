/**
 * Outcome reports: a district's year, a pathway's latest year, a pathway against its
 * district (equity comparison) and a pathway's trends. Each is what the caller may see
 * (reader-views.ts); `format: 'csv'` is for staff only (report-export.ts).
 */
import { NUMERATOR_METRICS, type Metric, type NumeratorMetric, type StudentGroup } from '#core/outcomes/codes.ts';
import { evaluateEquity, resolveEquityConfig, type EquityConfig } from '#core/outcomes/equity.ts';
import type { CountView } from '#core/outcomes/model.ts';
import { countTrend, rateTrend, ratesOf } from '#core/outcomes/rates.ts';
import { NotFoundError } from '#core/errors.ts';
import { hasRole, type Principal } from '#lib/principal.ts';
import { getCurrentSubmission, getEntityView, listEntityViews } from '#store/outcomes.ts';
import { outcomeSettings } from '#store/outcomes-config.ts';

import { forReader, viewFor } from './reader-views.ts';
import { checkReportExport, type ReportFormat } from './report-export.ts';
import { pathwayFor, districtFor } from '../targets.ts';

const summaryOf = (view: CountView) => ({ counts: view, rates: ratesOf(view) });

/** The district's current submission for the year and its district-wide figures. */
export async function getDistrictOutcomes(principal: Principal, input: { districtId: string; schoolYear: string; format?: ReportFormat }) {
  const { district, access } = await districtFor(principal, input.districtId, 'outcome.read');
  const [stored, pointer] = await Promise.all([
    getEntityView('district', district.id, input.schoolYear),
    getCurrentSubmission(district.id, input.schoolYear),
  ]);
  const [view] = await forReader(access, [stored]);
  if (!pointer) throw new NotFoundError('outcome submission');
  checkReportExport(access, input.format);
  return {
    districtId: district.id,
    schoolYear: input.schoolYear,
    submissionId: pointer.submissionId,
    submittedAt: pointer.submittedAt,
    pathwayIds: pointer.pathwayIds,
    suppressed: !hasRole(access, 'staff'),
    district: view ? summaryOf(viewFor(access, view)) : null,
  };
}

/** The years a pathway has figures for, and the latest year's figures. */
export async function getPathwayOutcomes(principal: Principal, input: { pathwayId: string; format?: ReportFormat }) {
  const { pathway, access } = await pathwayFor(principal, input.pathwayId, 'outcome.read');
  const views = await listEntityViews('pathway', pathway.id);
  const [latest] = await forReader(access, [views[views.length - 1]]);
  checkReportExport(access, input.format);
  return {
    pathwayId: pathway.id,
    years: views.map((v) => v.schoolYear),
    suppressed: !hasRole(access, 'staff'),
    latest: latest ? { schoolYear: latest.schoolYear, ...summaryOf(viewFor(access, latest)) } : null,
  };
}

export interface ComparisonQuery {
  pathwayId: string;
  schoolYear: string;
  gapPp?: number;
  ratio?: number;
  against?: EquityConfig['compareAgainst'];
  format?: ReportFormat;
}

/** The pathway's year against its district's (core/outcomes/equity.ts), on the figures the caller may see. */
export async function getPathwayComparison(principal: Principal, input: ComparisonQuery) {
  const { pathway, access } = await pathwayFor(principal, input.pathwayId, 'outcome.read');
  const [pv, dv] = await forReader(
    access,
    await Promise.all([
      getEntityView('pathway', pathway.id, input.schoolYear),
      getEntityView('district', pathway.districtId, input.schoolYear),
    ]),
  );
  if (!pv) throw new NotFoundError('outcome report for this pathway and school year');
  if (!dv) throw new NotFoundError('district-wide outcome report for this school year (the district has not submitted one)');
  const config = resolveEquityConfig(
    { gapPp: input.gapPp, underRepresentationRatio: input.ratio, compareAgainst: input.against || undefined },
    outcomeSettings.suppressionThreshold,
  );
  const report = evaluateEquity(viewFor(access, pv), viewFor(access, dv), config);
  checkReportExport(access, input.format);
  return {
    pathwayId: pathway.id,
    districtId: pathway.districtId,
    schoolYear: input.schoolYear,
    suppressed: !hasRole(access, 'staff'),
    config,
    ...report,
  };
}

/** One metric's rates and one count across the pathway's years (defaults: on-time graduation, enrolment, all students). */
export async function getPathwayTrends(
  principal: Principal,
  input: { pathwayId: string; metric?: string; group?: string; countMetric?: string; format?: ReportFormat },
) {
  const { pathway, access } = await pathwayFor(principal, input.pathwayId, 'outcome.read');
  const views = (await forReader(access, await listEntityViews('pathway', pathway.id))).filter((v) => v !== undefined);
  const metric = (input.metric ?? 'graduated_on_time') as NumeratorMetric;
  const group = (input.group ?? 'all') as StudentGroup;
  const countMetric = (input.countMetric ?? 'enrolled') as Metric;
  const points = views.map((v) => ({ schoolYear: v.schoolYear, counts: viewFor(access, v) }));
  checkReportExport(access, input.format);
  return {
    pathwayId: pathway.id,
    metric,
    group,
    countMetric,
    suppressed: !hasRole(access, 'staff'),
    rates: rateTrend(
      points.map((p) => ({ schoolYear: p.schoolYear, rates: ratesOf(p.counts) })),
      metric,
      group,
    ),
    counts: countTrend(points, countMetric, group),
    metrics: NUMERATOR_METRICS,
  };
}
