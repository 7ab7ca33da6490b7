/**
 * Outcome and network-progress settings, from the environment with documented defaults
 * (docs/outcomes.md), read and validated by lib/config.ts; the suppression defaults live in core.
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
import type { Level } from '#core/levels.ts';
import { setting } from '#lib/config.ts';
import {
  DEFAULT_MAX_COALITION,
  DEFAULT_MIN_CONTRIBUTORS,
  DEFAULT_SUPPRESSION_THRESHOLD,
  type SuppressionConfig,
} from '#core/outcomes/suppression.ts';

export const outcomeSettings = {
  get suppressionThreshold(): number {
    return setting('PATHCERT_SUPPRESSION_THRESHOLD') ?? DEFAULT_SUPPRESSION_THRESHOLD;
  },
  get suppressionMinContributors(): number {
    return setting('PATHCERT_SUPPRESSION_MIN_CONTRIBUTORS') ?? DEFAULT_MIN_CONTRIBUTORS;
  },
  get suppressionMaxCoalition(): number {
    return setting('PATHCERT_SUPPRESSION_MAX_COALITION') ?? DEFAULT_MAX_COALITION;
  },
  /** The suppression settings, as core/outcomes/suppression.ts takes them. */
  get suppression(): SuppressionConfig {
    return {
      threshold: this.suppressionThreshold,
      minContributors: this.suppressionMinContributors,
      maxCoalition: this.suppressionMaxCoalition,
    };
  },
  get progressLevels(): Level[] {
    return setting('PATHCERT_PROGRESS_LEVELS');
  },
  get progressTarget(): number {
    return setting('PATHCERT_PROGRESS_TARGET');
  },
  get progressTargetYear(): number {
    return setting('PATHCERT_PROGRESS_TARGET_YEAR');
  },
  get csvMaxBytes(): number {
    return setting('PATHCERT_OUTCOME_CSV_MAX_BYTES');
  },
  get csvMaxRows(): number {
    return setting('PATHCERT_OUTCOME_CSV_MAX_ROWS');
  },
};
