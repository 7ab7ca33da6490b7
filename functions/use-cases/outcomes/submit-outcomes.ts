/**
 * A district submits a school year's outcome report as JSON (district-wide figures, pathway
 * figures or both). Every problem is found and listed at once before anything is stored;
 * storing swaps the year's current submission and recomputes the views (store/outcomes.ts).
 */
import { checkDistrictContainsPathways, checkOutcomeCounts, type OutcomeCounts, type OutcomeProblem } from '#core/outcomes/model.ts';
import { InvalidInputError, type FieldIssue } from '#core/errors.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { districtPathwayIds, submitOutcomes as storeSubmission, type SubmitResult } from '#store/outcomes.ts';
import { districtFor } from '../targets.ts';

export interface OutcomeReport {
  districtId: string;
  schoolYear: string;
  district?: OutcomeCounts;
  pathways: { pathwayId: string; counts: OutcomeCounts }[];
}

const issuesOf = (prefix: string, list: OutcomeProblem[]): FieldIssue[] =>
  list.map((p) => ({ in: 'body', field: [prefix, ...p.path].filter(Boolean).join('.'), message: p.message, code: p.code }));

/** Every problem of the report against the district's pathways (empty when it may be stored). */
function problemsOf(report: OutcomeReport, pathwayIds: ReadonlySet<string>): FieldIssue[] {
  const errors: FieldIssue[] = [];
  if (!report.district && report.pathways.length === 0) {
    errors.push({ in: 'body', field: '', message: 'give the district report, pathway reports or both', code: 'empty_submission' });
  }
  if (report.district) errors.push(...issuesOf('district', checkOutcomeCounts(report.district)));
  const seen = new Set<string>();
  report.pathways.forEach((p, i) => {
    if (seen.has(p.pathwayId))
      errors.push({ in: 'body', field: `pathways.${i}.pathwayId`, message: 'this pathway is reported twice', code: 'duplicate_pathway' });
    seen.add(p.pathwayId);
    if (!pathwayIds.has(p.pathwayId)) {
      errors.push({
        in: 'body',
        field: `pathways.${i}.pathwayId`,
        message: 'no such pathway in this district',
        code: 'pathway_not_in_district',
      });
    }
    errors.push(...issuesOf(`pathways.${i}`, checkOutcomeCounts(p.counts)));
  });
  if (errors.length === 0 && report.district)
    errors.push(...issuesOf('district', checkDistrictContainsPathways(report.district, report.pathways)));
  return errors;
}

export async function submitOutcomes(principal: Principal, report: OutcomeReport): Promise<SubmitResult> {
  const { district } = await districtFor(principal, report.districtId, 'outcome.submit');
  const errors = problemsOf(report, await districtPathwayIds(district.id));
  if (errors.length) throw new InvalidInputError(errors, 'The outcome report has problems; see errors (every one is listed).');
  return storeSubmission(
    { districtId: district.id, schoolYear: report.schoolYear, district: report.district, pathways: report.pathways },
    actorOf(principal),
    { kind: 'json' },
  );
}
