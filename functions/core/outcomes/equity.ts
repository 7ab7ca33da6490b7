/**
 * The equity lens: a pathway next to its district.
 *
 * - Rate comparison: per numerator metric and group, the pathway's rate, the reference rate
 *   and the difference in percentage points (pathway − reference). The reference is the
 *   district's rate for the same group (like with like: do the pathway's English learners
 *   graduate at the rate of the district's English learners?) or, configurably, the
 *   district's all-students rate (do groups reach the district's overall rate?).
 * - Representation: each group's share of pathway enrollment against its share of district
 *   enrollment, and their ratio (1 = mirrors the district).
 * - Flags: an outcome gap when a group trails the reference by more than `gapPp` (lower is
 *   better for dropouts, so "trails" means above there); under-representation when the
 *   ratio is below `underRepresentationRatio`. Groups smaller than `minGroupSize` are not
 *   flagged: with 10 students one student moves a rate by 10 points, so a flag would be
 *   noise (and 11 matches the suppression threshold, so public and staff flags agree).
 *
 * Inputs are views (see model.ts): a flag is raised only from revealed numbers, so flags
 * computed from a suppressed view disclose nothing more than the view.
 */
import { METRIC_DEFINITIONS, NUMERATOR_METRICS, type NumeratorMetric, type StudentGroup } from './codes.ts';
import { entriesOf, type Cell, type CountView } from './model.ts';
import { derive, differencePp, rate, ratesOf, valueOf, type RateView } from './rates.ts';
import { DEFAULT_SUPPRESSION_THRESHOLD } from './suppression.ts';

export interface EquityConfig {
  /** Percentage points by which a group may trail before it is flagged. Default 5. */
  gapPp?: number;
  /** Share ratio below which a group is under-represented. Default 0.8. */
  underRepresentationRatio?: number;
  /** Compare with the district's same group (default) or the district's all students. */
  compareAgainst?: 'same_group' | 'district_all';
  /** Groups with fewer students (rate denominator, or district enrollment) are not flagged. Default 11. */
  minGroupSize?: number;
}

/**
 * The smallest group that may be flagged under a suppression threshold: one more than the
 * threshold, so a group that would be a small cell in public is never flagged to staff.
 */
export function minGroupSizeFor(suppressionThreshold: number): number {
  return suppressionThreshold + 1;
}

export const DEFAULT_EQUITY_CONFIG: Required<EquityConfig> = Object.freeze({
  gapPp: 5,
  underRepresentationRatio: 0.8,
  compareAgainst: 'same_group',
  minGroupSize: minGroupSizeFor(DEFAULT_SUPPRESSION_THRESHOLD),
});

/**
 * The configuration a comparison runs with: the caller's choices, the defaults for the
 * rest, and the group-size floor that follows the suppression threshold in force.
 */
export function resolveEquityConfig(input: Omit<EquityConfig, 'minGroupSize'>, suppressionThreshold: number): Required<EquityConfig> {
  return {
    gapPp: input.gapPp ?? DEFAULT_EQUITY_CONFIG.gapPp,
    underRepresentationRatio: input.underRepresentationRatio ?? DEFAULT_EQUITY_CONFIG.underRepresentationRatio,
    compareAgainst: input.compareAgainst ?? DEFAULT_EQUITY_CONFIG.compareAgainst,
    minGroupSize: minGroupSizeFor(suppressionThreshold),
  };
}

export interface RateComparison {
  metric: NumeratorMetric;
  group: StudentGroup;
  pathwayRate: Cell<number | null>;
  pathwayDenominator: Cell;
  referenceRate: Cell<number | null>;
  /** pathway − reference, in percentage points. */
  differencePp: Cell<number | null>;
}

export function compareRates(pathway: RateView, district: RateView, config: EquityConfig = {}): RateComparison[] {
  const against = config.compareAgainst ?? DEFAULT_EQUITY_CONFIG.compareAgainst;
  const out: RateComparison[] = [];
  for (const metric of NUMERATOR_METRICS) {
    for (const [group, entry] of entriesOf(pathway[metric] ?? {})) {
      const reference = district[metric]?.[against === 'same_group' ? group : 'all'];
      if (!reference) continue;
      out.push({
        metric,
        group,
        pathwayRate: entry.rate,
        pathwayDenominator: entry.denominator,
        referenceRate: reference.rate,
        differencePp: derive([entry.rate, reference.rate], () => {
          const a = valueOf(entry.rate);
          const b = valueOf(reference.rate);
          return a === null || b === null ? null : differencePp(a, b);
        }),
      });
    }
  }
  return out;
}

export interface RepresentationRow {
  group: StudentGroup;
  pathwayShare: Cell<number | null>;
  districtShare: Cell<number | null>;
  districtEnrolled: Cell;
  /** pathway share / district share; null when the district has none of the group. */
  ratio: Cell<number | null>;
}

export function representation(pathway: CountView, district: CountView): RepresentationRow[] {
  const p = pathway.enrolled;
  const d = district.enrolled;
  if (!p?.all || !d?.all) return [];
  const out: RepresentationRow[] = [];
  for (const [group, pCount] of entriesOf(p)) {
    const dCount = d[group];
    if (group === 'all' || !dCount) continue;
    const pathwayShare = derive([pCount, p.all], () => rate(valueOf(pCount), valueOf(p.all!)));
    const districtShare = derive([dCount, d.all], () => rate(valueOf(dCount), valueOf(d.all!)));
    out.push({
      group,
      pathwayShare,
      districtShare,
      districtEnrolled: dCount,
      ratio: derive([pathwayShare, districtShare], () => {
        const a = valueOf(pathwayShare);
        const b = valueOf(districtShare);
        return a === null || b === null || b === 0 ? null : a / b;
      }),
    });
  }
  return out;
}

export type EquityFlag =
  | {
      kind: 'outcome_gap';
      metric: NumeratorMetric;
      group: StudentGroup;
      pathwayRate: number;
      referenceRate: number;
      differencePp: number;
    }
  | { kind: 'under_represented'; group: StudentGroup; pathwayShare: number; districtShare: number; ratio: number };

const revealed = <T>(cell: Cell<T>): T | undefined => ('value' in cell ? cell.value : undefined);

export function equityFlags(
  comparisons: readonly RateComparison[],
  rows: readonly RepresentationRow[],
  config: EquityConfig = {},
): EquityFlag[] {
  const gap = config.gapPp ?? DEFAULT_EQUITY_CONFIG.gapPp;
  const minRatio = config.underRepresentationRatio ?? DEFAULT_EQUITY_CONFIG.underRepresentationRatio;
  const minSize = config.minGroupSize ?? DEFAULT_EQUITY_CONFIG.minGroupSize;
  const flags: EquityFlag[] = [];
  for (const c of comparisons) {
    const diff = revealed(c.differencePp);
    const size = revealed(c.pathwayDenominator);
    if (diff === undefined || diff === null || size === undefined || size < minSize) continue;
    const trails = METRIC_DEFINITIONS[c.metric].higherIsBetter ? diff < -gap : diff > gap;
    if (!trails) continue;
    flags.push({
      kind: 'outcome_gap',
      metric: c.metric,
      group: c.group,
      pathwayRate: revealed(c.pathwayRate)!,
      referenceRate: revealed(c.referenceRate)!,
      differencePp: diff,
    });
  }
  for (const r of rows) {
    const ratio = revealed(r.ratio);
    const size = revealed(r.districtEnrolled);
    if (ratio === undefined || ratio === null || size === undefined || size < minSize) continue;
    if (ratio < minRatio) {
      flags.push({
        kind: 'under_represented',
        group: r.group,
        pathwayShare: revealed(r.pathwayShare)!,
        districtShare: revealed(r.districtShare)!,
        ratio,
      });
    }
  }
  return flags;
}

export interface EquityReport {
  comparisons: RateComparison[];
  representation: RepresentationRow[];
  flags: EquityFlag[];
}

/** The whole lens for one pathway and its district, from views (staff: revealAll; public: suppressYear). */
export function evaluateEquity(pathway: CountView, district: CountView, config: EquityConfig = {}): EquityReport {
  const comparisons = compareRates(ratesOf(pathway), ratesOf(district), config);
  const rows = representation(pathway, district);
  return { comparisons, representation: rows, flags: equityFlags(comparisons, rows, config) };
}
