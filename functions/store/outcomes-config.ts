/**
 * Outcome and network-progress settings, from the environment with documented defaults
 * (docs/outcomes.md). Read lazily so tests and the local runtime can set them first.
 *
 * - PATHCERT_SUPPRESSION_THRESHOLD: counts at or below are small cells; the equity lens
 *   flags only groups above it (core/outcomes/equity.ts minGroupSizeFor).
 * - PATHCERT_SUPPRESSION_MIN_CONTRIBUTORS: districts the withheld part of a
 *   published network total must come from (rule 4a in core/outcomes/suppression.ts).
 * - PATHCERT_SUPPRESSION_MAX_COALITION (1–4): the shared pattern holds against
 *   any one person knowing the raw counts of this many districts at once (core
 *   suppressYear); readers with more get a view computed for them (outcomes-readers.ts).
 *   The defaults live in core (DEFAULT_SUPPRESSION_THRESHOLD, DEFAULT_MIN_CONTRIBUTORS,
 *   DEFAULT_MAX_COALITION).
 * - PATHCERT_PROGRESS_LEVELS (default "silver,gold"): which certification levels count
 *   toward the network goal. The goal has been stated both as "certified" and as "Gold
 *   certified"; set "gold" for the stricter reading. Candidacy never counts (it is a stage,
 *   not a certification) unless listed here explicitly.
 * - PATHCERT_PROGRESS_TARGET (default 1000000) and PATHCERT_PROGRESS_TARGET_YEAR (default 2030).
 * - PATHCERT_OUTCOME_CSV_MAX_BYTES (default 20 MiB) and PATHCERT_OUTCOME_CSV_MAX_ROWS (default 500000).
 */
import { isLevel, type Level } from '../core/levels.ts';
import { DEFAULT_MAX_COALITION, DEFAULT_MIN_CONTRIBUTORS, DEFAULT_SUPPRESSION_THRESHOLD, type SuppressionConfig } from '../core/outcomes/suppression.ts';

function intFrom(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export const outcomeSettings = {
  get suppressionThreshold(): number {
    return intFrom('PATHCERT_SUPPRESSION_THRESHOLD', DEFAULT_SUPPRESSION_THRESHOLD, 0, 1000);
  },
  get suppressionMinContributors(): number {
    return intFrom('PATHCERT_SUPPRESSION_MIN_CONTRIBUTORS', DEFAULT_MIN_CONTRIBUTORS, 1, 100);
  },
  get suppressionMaxCoalition(): number {
    return intFrom('PATHCERT_SUPPRESSION_MAX_COALITION', DEFAULT_MAX_COALITION, 1, 4);
  },
  /** The suppression settings, as core/outcomes/suppression.ts takes them. */
  get suppression(): SuppressionConfig {
    return { threshold: this.suppressionThreshold, minContributors: this.suppressionMinContributors, maxCoalition: this.suppressionMaxCoalition };
  },
  get progressLevels(): Level[] {
    const raw = process.env.PATHCERT_PROGRESS_LEVELS ?? 'silver,gold';
    const list = raw.split(',').map((l) => l.trim()).filter(Boolean);
    const bad = list.filter((l) => !isLevel(l));
    if (bad.length || list.length === 0) throw new Error(`PATHCERT_PROGRESS_LEVELS must list levels (candidacy, silver, gold), got "${raw}"`);
    return list as Level[];
  },
  get progressTarget(): number {
    return intFrom('PATHCERT_PROGRESS_TARGET', 1_000_000, 1, 1_000_000_000);
  },
  get progressTargetYear(): number {
    return intFrom('PATHCERT_PROGRESS_TARGET_YEAR', 2030, 2000, 2100);
  },
  get csvMaxBytes(): number {
    return intFrom('PATHCERT_OUTCOME_CSV_MAX_BYTES', 20 * 1024 * 1024, 1024, 200 * 1024 * 1024);
  },
  get csvMaxRows(): number {
    return intFrom('PATHCERT_OUTCOME_CSV_MAX_ROWS', 500_000, 1, 5_000_000);
  },
};
