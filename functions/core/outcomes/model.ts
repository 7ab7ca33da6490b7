/**
 * An outcome report: one entity's (a pathway's or a district's) aggregate counts for one
 * school year, per metric and student group. Never student records.
 *
 * Validation has two layers:
 * - shape (zod/mini): known codes, whole numbers within bounds, a valid school year and id;
 * - consistency (checkOutcomeCounts): the arithmetic that real counts must satisfy. Every
 *   problem is returned (not just the first) with a path, so a submitter fixes them in one go.
 *
 * Consistency rules:
 * - a metric that has any group must have `all` (the total every group is compared with);
 * - every group count is at most `all` of the same metric;
 * - the groups of a partition family (race/ethnicity, gender) add up to at most `all`.
 *   "At most", not "exactly": a district may leave a family incomplete (e.g. not report
 *   gender for every metric), and the uncounted students are handled by suppression;
 * - a numerator is at most its denominator, group by group, and the denominator must be
 *   given for every group the numerator gives (otherwise neither the check nor the rate is
 *   possible);
 * - exclusive outcomes (on-time graduates + dropouts) are at most their shared cohort.
 */
import { lazy } from '../lazy.ts';
import * as z from 'zod/mini';
import { idPattern } from '../ids.ts';
import {
  EXCLUSIVE_OUTCOMES,
  GROUP_LABELS,
  METRICS,
  NUMERATOR_METRICS,
  PARTITION_FAMILIES,
  STUDENT_GROUPS,
  denominatorOf,
  isSchoolYear,
  type Metric,
  type NumeratorMetric,
  type SchoolYear,
  type StudentGroup,
} from './codes.ts';

/** Larger than any district's enrollment; anything above is a typo or an attack. */
export const MAX_COUNT = 2_000_000;

export type GroupCounts = { [G in StudentGroup]?: number };
export type OutcomeCounts = { [M in Metric]?: GroupCounts };

export type EntityRef = { kind: 'pathway'; pathwayId: string } | { kind: 'district'; districtId: string };

export interface OutcomeReport {
  schoolYear: SchoolYear;
  entity: EntityRef;
  counts: OutcomeCounts;
}

export interface CellRef {
  metric: Metric;
  group: StudentGroup;
}

/** Why the suppression algorithm hid a cell: kept in its result for its unit tests, never published. */
export type SuppressionReason = 'small_cell' | 'complementary';

/**
 * A number as a non-staff reader sees it: the value, or an explicit statement that it is
 * hidden. A hidden number does not say why: "small cell" would tell the reader it is at most
 * the threshold and "complementary" that it is above, and such bounds pin small cells
 * (f + m = all, with `all` labelled complementary and f, m small, makes each at least 1).
 */
export type Suppressed = { suppressed: true; reason: 'privacy' };
export const SUPPRESSED: Suppressed = Object.freeze({ suppressed: true, reason: 'privacy' });
export type Cell<T = number> = { value: T } | Suppressed;

export function isSuppressed<T>(cell: Cell<T>): cell is Suppressed {
  return 'suppressed' in cell;
}

/** Counts where each cell is either revealed or suppressed; staff see every cell revealed. */
export type CountView = { [M in Metric]?: { [G in StudentGroup]?: Cell } };

/** Per numerator metric and group, a denominator other than the usual one (network rates). */
export type BaseView = { [N in NumeratorMetric]?: { [G in StudentGroup]?: Cell } };

/** The view staff get: nothing hidden. */
export function revealAll(counts: OutcomeCounts): CountView {
  const view: CountView = {};
  for (const [metric, groups] of entriesOf(counts)) {
    const out: { [G in StudentGroup]?: Cell } = {};
    for (const [group, value] of entriesOf(groups)) out[group] = { value };
    view[metric] = out;
  }
  return view;
}

export function entityKey(entity: EntityRef): string {
  return entity.kind === 'pathway' ? `pathway:${entity.pathwayId}` : `district:${entity.districtId}`;
}

/** Typed Object.entries for the partial records used here (skips undefined values). */
export function entriesOf<K extends string, V>(record: { [P in K]?: V }): [K, V][] {
  return (Object.entries(record) as [K, V | undefined][]).filter((e): e is [K, V] => e[1] !== undefined);
}

export function countOf(counts: OutcomeCounts, metric: Metric, group: StudentGroup): number | undefined {
  return counts[metric]?.[group];
}

// ---------------------------------------------------------------------------------------
// Shape

const countSchema = /* @__PURE__ */ lazy(() =>
  z
    .int({ error: 'must be a whole number' })
    .check(z.minimum(0, { error: 'must not be negative' }), z.maximum(MAX_COUNT, { error: `must be at most ${MAX_COUNT}` })),
);

export const groupCountsSchema = /* @__PURE__ */ lazy(() => z.partialRecord(z.enum(STUDENT_GROUPS), countSchema()));
export const outcomeCountsSchema = /* @__PURE__ */ lazy(() => z.partialRecord(z.enum(METRICS), groupCountsSchema()));

export const entityRefSchema = /* @__PURE__ */ lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('pathway'),
      pathwayId: z.string().check(z.regex(idPattern('pathway'), { error: 'must be a pathway id' })),
    }),
    z.strictObject({
      kind: z.literal('district'),
      districtId: z.string().check(z.regex(idPattern('district'), { error: 'must be a district id' })),
    }),
  ]),
);

export const schoolYearSchema = /* @__PURE__ */ lazy(() =>
  z.string().check(z.refine(isSchoolYear, { error: 'must be a school year like 2025-26' })),
);

export const outcomeReportSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    schoolYear: schoolYearSchema(),
    entity: entityRefSchema(),
    counts: outcomeCountsSchema(),
  }),
);

// ---------------------------------------------------------------------------------------
// Consistency

export type OutcomeProblemCode =
  | 'unknown_metric'
  | 'unknown_group'
  | 'invalid'
  | 'empty_report'
  | 'missing_total'
  | 'group_exceeds_total'
  | 'family_exceeds_total'
  | 'missing_denominator'
  | 'numerator_exceeds_denominator'
  | 'outcomes_exceed_denominator'
  | 'pathways_exceed_district';

export interface OutcomeProblem {
  /** Where in the JSON report, e.g. ['counts', 'dropped_out', 'english_learner']. */
  path: string[];
  code: OutcomeProblemCode;
  message: string;
  /** A cell that exists in the report and is involved (CSV errors point at its row). */
  at?: CellRef;
}

const cellName = (metric: Metric, group: StudentGroup) => `${metric}/${group}`;

/** Every arithmetic inconsistency in `counts` (empty when consistent). */
export function checkOutcomeCounts(counts: OutcomeCounts): OutcomeProblem[] {
  const problems: OutcomeProblem[] = [];
  const metrics = entriesOf(counts).filter(([, groups]) => entriesOf(groups).length > 0);
  if (metrics.length === 0) {
    problems.push({ path: ['counts'], code: 'empty_report', message: 'the report has no counts' });
    return problems;
  }

  for (const [metric, groups] of metrics) {
    const all = groups.all;
    if (all === undefined) {
      const first = entriesOf(groups)[0]![0];
      problems.push({
        path: ['counts', metric, 'all'],
        code: 'missing_total',
        message: `${metric} has student-group counts but no count for all students`,
        at: { metric, group: first },
      });
      continue;
    }
    for (const [group, value] of entriesOf(groups)) {
      if (group !== 'all' && value > all) {
        problems.push({
          path: ['counts', metric, group],
          code: 'group_exceeds_total',
          message: `${cellName(metric, group)} is ${value}, more than ${cellName(metric, 'all')} (${all})`,
          at: { metric, group },
        });
      }
    }
    for (const family of PARTITION_FAMILIES) {
      let sum = 0;
      let present = 0;
      for (const g of family.groups) {
        const v = groups[g];
        if (v !== undefined) {
          sum += v;
          present++;
        }
      }
      if (present > 1 && sum > all) {
        problems.push({
          path: ['counts', metric, 'all'],
          code: 'family_exceeds_total',
          message: `the ${family.id.replace('_', '/')} groups of ${metric} add up to ${sum}, more than all students (${all}); a student belongs to one ${family.id === 'gender' ? 'gender' : 'race/ethnicity'} group only`,
          at: { metric, group: 'all' },
        });
      }
    }
  }

  for (const numerator of NUMERATOR_METRICS) {
    const groups = counts[numerator];
    if (!groups) continue;
    const denominator = denominatorOf(numerator);
    for (const [group, value] of entriesOf(groups)) {
      const d = counts[denominator]?.[group];
      if (d === undefined) {
        problems.push({
          path: ['counts', denominator, group],
          code: 'missing_denominator',
          message: `${cellName(numerator, group)} is counted out of ${cellName(denominator, group)}, which is missing`,
          at: { metric: numerator, group },
        });
      } else if (value > d) {
        problems.push({
          path: ['counts', numerator, group],
          code: 'numerator_exceeds_denominator',
          message: `${cellName(numerator, group)} is ${value}, more than ${cellName(denominator, group)} (${d})`,
          at: { metric: numerator, group },
        });
      }
    }
  }

  for (const rule of EXCLUSIVE_OUTCOMES) {
    const denominatorGroups = counts[rule.denominator];
    if (!denominatorGroups) continue;
    for (const [group, d] of entriesOf(denominatorGroups)) {
      const values = rule.parts.map((p) => counts[p]?.[group]);
      if (values.some((v) => v === undefined)) continue;
      const sum = (values as number[]).reduce((a, b) => a + b, 0);
      // Each part alone over the denominator is already reported above.
      if (sum > d && (values as number[]).every((v) => v <= d)) {
        problems.push({
          path: ['counts', rule.denominator, group],
          code: 'outcomes_exceed_denominator',
          message: `${rule.parts.map((p) => cellName(p, group)).join(' + ')} is ${sum}, more than ${cellName(rule.denominator, group)} (${d}); a student cannot both graduate on time and drop out`,
          at: { metric: rule.parts[rule.parts.length - 1]!, group },
        });
      }
    }
  }
  return problems;
}

type ZodIssue = { path: PropertyKey[]; message: string; code?: string; keys?: string[] };

/** Shape then consistency; every problem with its path. */
export function parseOutcomeReport(input: unknown): { ok: true; report: OutcomeReport } | { ok: false; problems: OutcomeProblem[] } {
  const parsed = z.safeParse(outcomeReportSchema(), input);
  if (!parsed.success) {
    const problems: OutcomeProblem[] = [];
    for (const issue of parsed.error.issues as unknown as ZodIssue[]) {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys' && issue.keys) {
        const inCounts = path[0] === 'counts';
        for (const key of issue.keys) {
          const code: OutcomeProblemCode =
            inCounts && path.length === 1 ? 'unknown_metric' : inCounts && path.length === 2 ? 'unknown_group' : 'invalid';
          const message =
            code === 'unknown_metric'
              ? `unknown metric "${key}"; known metrics: ${METRICS.join(', ')}`
              : code === 'unknown_group'
                ? `unknown student group "${key}"; known groups: ${STUDENT_GROUPS.join(', ')}`
                : 'unknown field';
          problems.push({ path: [...path, key], code, message });
        }
      } else {
        problems.push({ path, code: 'invalid', message: issue.message });
      }
    }
    return { ok: false, problems };
  }
  const report = parsed.data;
  const problems = checkOutcomeCounts(report.counts);
  return problems.length ? { ok: false, problems } : { ok: true, report };
}

/** Human label of a cell for messages and exports. */
export function cellLabel(metric: Metric, group: StudentGroup): string {
  return `${metric} (${GROUP_LABELS[group]})`;
}

/**
 * Across reports of one year: a district's counts include its pathways' students (pathways
 * are disjoint), so for every cell the pathways add up to at most the district's count.
 * Returns one problem per cell where they do not.
 */
export function checkDistrictContainsPathways(
  district: OutcomeCounts,
  pathways: readonly { pathwayId: string; counts: OutcomeCounts }[],
): OutcomeProblem[] {
  const problems: OutcomeProblem[] = [];
  for (const [metric, groups] of entriesOf(district)) {
    for (const [group, value] of entriesOf(groups)) {
      let sum = 0;
      for (const p of pathways) sum += p.counts[metric]?.[group] ?? 0;
      if (sum > value) {
        problems.push({
          path: ['counts', metric, group],
          code: 'pathways_exceed_district',
          message: `the district's pathways count ${sum} for ${cellName(metric, group)}, more than the district itself (${value})`,
          at: { metric, group },
        });
      }
    }
  }
  return problems;
}
