/**
 * A pathway's outcome headline for one school year: enrollment and the all-students rates
 * a profile or a reviewer looks at first. Computed once per view when a year is recomputed
 * (store/outcomes.ts), from the raw counts (for staff) and from the suppressed view (for
 * everyone else), so the functions that show it read it without the rate code.
 */
import { HEADLINE_METRICS, type SchoolYear } from './codes.ts';
import type { Cell, CountView } from './model.ts';
import { ratesOf } from './rates.ts';

export interface OutcomeHeadline {
  schoolYear: SchoolYear;
  /** Students enrolled (all students). */
  enrolled: Cell | null;
  /** Rates for all students, where reported. */
  rates: { [metric: string]: Cell<number | null> };
}

export function headlineOf(schoolYear: SchoolYear, view: CountView): OutcomeHeadline {
  const all = ratesOf(view);
  const rates: OutcomeHeadline['rates'] = {};
  for (const m of HEADLINE_METRICS) {
    const entry = all[m]?.all;
    if (entry) rates[m] = entry.rate;
  }
  return { schoolYear, enrolled: view.enrolled?.all ?? null, rates };
}
