/**
 * Rates (numerator / denominator per metric and group), network-wide sums and trends across
 * school years.
 *
 * Everything works on views whose cells may be suppressed, so staff (everything revealed,
 * see `revealAll`) and the public (see suppression.ts) go through the same code and a
 * derived number is revealed only when every count it comes from is: a rate needs its
 * numerator and its denominator, a change needs both years' rates. A hidden input makes
 * the output hidden.
 *
 * Rates are fractions (0..1); null when the denominator is 0. Differences and changes are in
 * percentage points, rounded to 1e-8 so 70% − 65% is exactly 5.
 */
import {
  NUMERATOR_METRICS,
  compareSchoolYears,
  denominatorOf,
  type Metric,
  type NumeratorMetric,
  type SchoolYear,
  type StudentGroup,
} from './codes.ts';
import {
  entriesOf,
  isSuppressed,
  type BaseView,
  type Cell,
  type CountView,
  type GroupCounts,
  type OutcomeCounts,
  SUPPRESSED,
  type Suppressed,
} from './model.ts';

export function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** (a − b) in percentage points. */
export function differencePp(a: number, b: number): number {
  return Math.round((a - b) * 100 * 1e8) / 1e8;
}

/** The hidden-ness of a value derived from `inputs`, or null when all are revealed. */
export function hiddenBy(...inputs: Cell<unknown>[]): Suppressed | null {
  return inputs.some(isSuppressed) ? { ...SUPPRESSED } : null;
}

/** f(inputs) when all are revealed, otherwise the suppression. */
export function derive<T>(inputs: Cell<unknown>[], f: () => T): Cell<T> {
  return hiddenBy(...inputs) ?? { value: f() };
}

export const valueOf = <T>(cell: Cell<T>): T => (cell as { value: T }).value;

export interface RateEntry {
  numerator: Cell;
  denominator: Cell;
  rate: Cell<number | null>;
}
export type RateView = { [N in NumeratorMetric]?: { [G in StudentGroup]?: RateEntry } };

export function rateCell(numerator: Cell, denominator: Cell): Cell<number | null> {
  return derive([numerator, denominator], () => rate(valueOf(numerator), valueOf(denominator)));
}

/**
 * The rate of every numerator metric and group whose numerator and denominator are both
 * present. `bases` replaces the usual denominator (network rates).
 */
export function ratesOf(view: CountView, bases?: BaseView): RateView {
  const out: RateView = {};
  for (const n of NUMERATOR_METRICS) {
    const numerators = view[n];
    if (!numerators) continue;
    const d = denominatorOf(n);
    const groups: { [G in StudentGroup]?: RateEntry } = {};
    for (const [group, numerator] of entriesOf(numerators)) {
      const denominator = bases ? bases[n]?.[group] : view[d]?.[group];
      if (!denominator) continue;
      groups[group] = { numerator, denominator, rate: rateCell(numerator, denominator) };
    }
    if (Object.keys(groups).length) out[n] = groups;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Network

export interface NetworkAggregate {
  /** Per cell, the sum over the pathways that report it. */
  counts: OutcomeCounts;
  /**
   * Per numerator and group, the denominator summed over the pathways that report that
   * numerator only. Summing the denominator over every pathway would count students of
   * pathways that did not report the numerator as if none of them reached the outcome.
   */
  rateBases: { [N in NumeratorMetric]?: GroupCounts };
  pathways: number;
}

export function aggregateNetwork(reports: readonly OutcomeCounts[]): NetworkAggregate {
  const counts: OutcomeCounts = {};
  const rateBases: NetworkAggregate['rateBases'] = {};
  for (const report of reports) {
    for (const [metric, groups] of entriesOf(report)) {
      const sums = (counts[metric] ??= {});
      for (const [group, v] of entriesOf(groups)) sums[group] = (sums[group] ?? 0) + v;
    }
    for (const n of NUMERATOR_METRICS) {
      const d = denominatorOf(n);
      for (const [group] of entriesOf(report[n] ?? {})) {
        const base = report[d]?.[group];
        if (base === undefined) continue;
        const sums = (rateBases[n] ??= {});
        sums[group] = (sums[group] ?? 0) + base;
      }
    }
  }
  return { counts, rateBases, pathways: reports.length };
}

// ---------------------------------------------------------------------------------------
// Trends

export interface RateTrendPoint {
  schoolYear: SchoolYear;
  numerator: Cell;
  denominator: Cell;
  rate: Cell<number | null>;
  /** Change in percentage points since `since`; null for the first point. */
  changePp: Cell<number | null> | null;
  /** The previous year with data (may be more than one year back). */
  since: SchoolYear | null;
}

/** A metric's rate for one group, year by year (years without the cell are skipped). */
export function rateTrend(
  points: readonly { schoolYear: SchoolYear; rates: RateView }[],
  metric: NumeratorMetric,
  group: StudentGroup,
): RateTrendPoint[] {
  const sorted = [...points].sort((a, b) => compareSchoolYears(a.schoolYear, b.schoolYear));
  const out: RateTrendPoint[] = [];
  for (const p of sorted) {
    const entry = p.rates[metric]?.[group];
    if (!entry) continue;
    const prev = out[out.length - 1];
    out.push({
      schoolYear: p.schoolYear,
      ...entry,
      changePp: prev ? changeOf(entry.rate, prev.rate) : null,
      since: prev?.schoolYear ?? null,
    });
  }
  return out;
}

function changeOf(current: Cell<number | null>, previous: Cell<number | null>): Cell<number | null> {
  return derive([current, previous], () => {
    const a = valueOf(current);
    const b = valueOf(previous);
    return a === null || b === null ? null : differencePp(a, b);
  });
}

export interface CountTrendPoint {
  schoolYear: SchoolYear;
  count: Cell;
  change: Cell | null;
  since: SchoolYear | null;
}

/** A count (e.g. enrollment) for one group, year by year. */
export function countTrend(
  points: readonly { schoolYear: SchoolYear; counts: CountView }[],
  metric: Metric,
  group: StudentGroup,
): CountTrendPoint[] {
  const sorted = [...points].sort((a, b) => compareSchoolYears(a.schoolYear, b.schoolYear));
  const out: CountTrendPoint[] = [];
  for (const p of sorted) {
    const count = p.counts[metric]?.[group];
    if (!count) continue;
    const prev = out[out.length - 1];
    out.push({
      schoolYear: p.schoolYear,
      count,
      change: prev ? derive([count, prev.count], () => valueOf(count) - valueOf(prev.count)) : null,
      since: prev?.schoolYear ?? null,
    });
  }
  return out;
}
