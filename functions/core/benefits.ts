/**
 * Network benefits unlocked by certification level (issue 19): which benefit a standing
 * unlocks, what changes between two standings, and the capacity window a request counts
 * against. Pure: the store writes the results in the transaction that changes the
 * certification, the handlers only ask here.
 *
 * - A benefit is unlocked by a level at or above its `minLevel`, while it is active. A
 *   pathway holding no valid certification unlocks nothing.
 * - A change of standing (issue, upgrade, downgrade, expiry, withdrawal) unlocks the
 *   benefits the new level reaches and the old did not, and loses those the old level
 *   reached and the new does not. An unchanged set is no change (no event, no notice).
 * - Capacity is counted per pathway and window: `year` is the calendar year (UTC) of the
 *   request, `total` is one window for the whole life of the benefit.
 */
import { compareLevels, levels, type Level } from './levels.ts';

export const benefitKinds = ['scholarship', 'coaching', 'convening', 'grant', 'certification_mark', 'other'] as const;
export type BenefitKind = (typeof benefitKinds)[number];

export const capacityPeriods = ['year', 'total'] as const;
export type CapacityPeriod = (typeof capacityPeriods)[number];

export interface BenefitCapacity {
  /** Units (e.g. student nominations) one pathway may hold per window, requested or approved. */
  perPathway: number;
  period: CapacityPeriod;
}

/** What the rules read of a catalog entry. */
export interface BenefitRule {
  id: string;
  minLevel: Level;
  active: boolean;
  capacity?: BenefitCapacity | undefined;
  /** Requests are accepted from this day (inclusive), YYYY-MM-DD. */
  availableFrom?: string | undefined;
  /** ... until this day (inclusive). */
  availableUntil?: string | undefined;
}

/** Number for conditions in the store: -1 when no level is held. */
export function levelRank(level: Level | null): number {
  return level === null ? -1 : levels.indexOf(level);
}

/** The levels that reach `minLevel` (for a condition `level IN (...)`). */
export function levelsUnlocking(minLevel: Level): Level[] {
  return levels.filter((l) => compareLevels(l, minLevel) >= 0);
}

export function unlocks(level: Level | null, benefit: Pick<BenefitRule, 'minLevel' | 'active'>): boolean {
  return benefit.active && level !== null && compareLevels(level, benefit.minLevel) >= 0;
}

/** The ids a standing unlocks, in catalog order. */
export function unlockedBy<B extends Pick<BenefitRule, 'id' | 'minLevel' | 'active'>>(
  level: Level | null,
  catalog: readonly B[],
): string[] {
  return catalog.filter((b) => unlocks(level, b)).map((b) => b.id);
}

export interface BenefitsDiff {
  unlocked: string[];
  lost: string[];
}

/** What a change from the `before` set of unlocked ids to `level` does with `catalog`. */
export function diffEntitlements<B extends Pick<BenefitRule, 'id' | 'minLevel' | 'active'>>(
  before: readonly string[],
  level: Level | null,
  catalog: readonly B[],
): BenefitsDiff & { after: string[] } {
  const after = unlockedBy(level, catalog);
  const had = new Set(before);
  const has = new Set(after);
  return { after, unlocked: after.filter((id) => !had.has(id)), lost: before.filter((id) => !has.has(id)) };
}

export const isChange = (d: BenefitsDiff) => d.unlocked.length > 0 || d.lost.length > 0;

/** The capacity window a request made on `day` counts against. */
export function capacityWindow(period: CapacityPeriod, day: string): string {
  return period === 'year' ? day.slice(0, 4) : 'ALL';
}

export type RequestRefusal =
  | { code: 'benefit_inactive'; message: string }
  | { code: 'level_too_low'; message: string }
  | { code: 'outside_window'; message: string }
  | { code: 'not_requestable'; message: string }
  | { code: 'too_many_units'; message: string };

/**
 * Whether a pathway holding `level` may request `units` of the benefit on `day`, before
 * capacity (which the store counts under a condition). Every reason that applies.
 */
export function requestRefusals(benefit: BenefitRule, level: Level | null, units: number, day: string): RequestRefusal[] {
  const out: RequestRefusal[] = [];
  if (!benefit.active) out.push({ code: 'benefit_inactive', message: 'The benefit is not offered at the moment.' });
  if (!benefit.capacity) out.push({ code: 'not_requestable', message: 'The benefit has no capacity to request: it comes with the level.' });
  if (level === null || compareLevels(level, benefit.minLevel) < 0) {
    out.push({
      code: 'level_too_low',
      message: `The benefit needs ${benefit.minLevel} or above; the pathway holds ${level ?? 'no valid certification'}.`,
    });
  }
  if ((benefit.availableFrom && day < benefit.availableFrom) || (benefit.availableUntil && day > benefit.availableUntil)) {
    out.push({
      code: 'outside_window',
      message: `Requests are accepted from ${benefit.availableFrom ?? 'any day'} to ${benefit.availableUntil ?? 'any day'}.`,
    });
  }
  if (benefit.capacity && units > benefit.capacity.perPathway) {
    out.push({
      code: 'too_many_units',
      message: `At most ${benefit.capacity.perPathway} per pathway per ${benefit.capacity.period === 'year' ? 'year' : 'benefit'}.`,
    });
  }
  return out;
}

export const requestStatuses = ['requested', 'approved', 'declined', 'withdrawn'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** Decided or withdrawn requests stay as they are; a declined or withdrawn one gives its units back. */
export function releasesUnits(to: RequestStatus): boolean {
  return to === 'declined' || to === 'withdrawn';
}
