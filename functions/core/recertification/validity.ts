/**
 * The certification calendar in whole UTC calendar dates ('YYYY-MM-DD').
 *
 * A certification is granted on a day and lapses on a day; people read "valid until" as a
 * date, and the daily sweep works day by day, so instants (and the time of day a decision
 * happened to be recorded) have no place here. The terms themselves (silver 24 months,
 * gold 36, candidacy configurable, the renewal window) are levels.ts's configuration; this
 * module applies them to dates.
 *
 * - `expiresOn` is exclusive: a certification issued 2024-06-15 for 24 months is valid
 *   through 2026-06-14 and expired on 2026-06-15. Stored as an instant, it is
 *   `${expiresOn}T00:00:00.000Z` (validUntilInstant), which is what levels.ts's isValidAt expects.
 * - A term ending on a day the target month lacks ends on that month's last day instead:
 *   issued on Feb 29, a 24-month term expires on Feb 28 (never Mar 1), so no term is ever
 *   longer than configured.
 * - Renewal at the same level, decided before the old expiry (or on that day), starts at the
 *   old expiry (no time earned is lost by renewing early); decided after expiry, it starts
 *   fresh on the decision day. A different level (silver -> gold) always starts on the
 *   decision day.
 * - Whether a level is valid on a day depends only on dates and revocation, never on
 *   whether the expiry sweep has run yet, so a late sweep cannot make a lapsed pathway
 *   look certified.
 */
import { compareLevels, resolveCertificationConfig, type CertificationConfigInput, type Level } from '../levels.ts';
import { addMonthsUtc } from '../time.ts';

export type CalendarDate = string;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01; rejects anything that is not a real calendar date. */
export function dayNumber(date: CalendarDate): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const ms = new Date(0).setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Invalid days roll over (2023-02-29 becomes March 1); a round trip catches it.
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`no such date: ${date}`);
  return ms / DAY_MS;
}

export function fromDayNumber(n: number): CalendarDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC calendar date of an instant. */
export function calendarDateOf(instant: Date | string | number): CalendarDate {
  const d = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${String(instant)}`);
  return d.toISOString().slice(0, 10);
}

export function addDaysTo(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** b - a in days. */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return dayNumber(b) - dayNumber(a);
}

export function addMonthsTo(date: CalendarDate, months: number): CalendarDate {
  dayNumber(date);
  return calendarDateOf(addMonthsUtc(`${date}T00:00:00.000Z`, months));
}

export function validUntilInstant(expiresOn: CalendarDate): string {
  dayNumber(expiresOn);
  return `${expiresOn}T00:00:00.000Z`;
}

/** First day the certification is no longer valid. */
export function expiresOn(level: Level, issuedOn: CalendarDate, config?: CertificationConfigInput): CalendarDate {
  return addMonthsTo(issuedOn, resolveCertificationConfig(config).validityMonths[level]);
}

export interface Term {
  /** First valid day. */
  validFrom: CalendarDate;
  /** First day no longer valid. */
  expiresOn: CalendarDate;
  /** True when the new term follows the old one without a gap. */
  continuous: boolean;
}

export interface RenewalInput {
  previous: { level: Level; expiresOn: CalendarDate };
  level: Level;
  certifiedOn: CalendarDate;
  config?: CertificationConfigInput;
}

export function termOf(level: Level, certifiedOn: CalendarDate, config?: CertificationConfigInput): Term {
  return { validFrom: certifiedOn, expiresOn: expiresOn(level, certifiedOn, config), continuous: false };
}

export function renewalTerm({ previous, level, certifiedOn, config }: RenewalInput): Term {
  // Decided on the expiry day itself still leaves no gap (the old term covered the day before).
  const continuous = dayNumber(certifiedOn) <= dayNumber(previous.expiresOn);
  if (continuous && previous.level === level) {
    return { validFrom: previous.expiresOn, expiresOn: expiresOn(level, previous.expiresOn, config), continuous };
  }
  // An upgrade takes effect at once; the old level simply stops counting once outranked.
  return { ...termOf(level, certifiedOn, config), continuous };
}

/**
 * Recorded lifecycle of one certification. `renewed` means a later certification of the
 * same pathway continues it (its own dates still count until it expires); `expired` is set
 * by the sweep; `revoked` ends validity at once.
 */
export type CertificationStatus = 'active' | 'renewed' | 'expired' | 'revoked';

export interface DatedCertification {
  level: Level;
  validFrom: CalendarDate;
  expiresOn: CalendarDate;
  status: CertificationStatus;
}

export function isValidOn(cert: DatedCertification, day: CalendarDate): boolean {
  if (cert.status === 'revoked') return false;
  const d = dayNumber(day);
  return dayNumber(cert.validFrom) <= d && d < dayNumber(cert.expiresOn);
}

/** The highest level a pathway holds on `day`, from its certification history; null if none. */
export function levelHeldOn(history: readonly DatedCertification[], day: CalendarDate): Level | null {
  let best: Level | null = null;
  for (const c of history) {
    if (isValidOn(c, day) && (best === null || compareLevels(c.level, best) > 0)) best = c.level;
  }
  return best;
}
