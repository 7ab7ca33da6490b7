/**
 * Rubric aggregation: turns the reviewers' scores into one level per criterion, a result
 * per component and a recommendation. Staff make the decision; this only prepares it.
 *
 * Rules (each configurable where a program might reasonably differ):
 * - Consensus is the lower median of the scores: the middle score, or the lower of the two
 *   middle ones when the count is even. It is conservative on purpose: with the usual two
 *   reviewers a pathway is credited with the level both reviewers saw, never the level only
 *   the more generous one saw. A median (not a mean) ignores a single outlier on larger panels.
 * - A staff adjudication replaces the consensus outright: it is the considered decision
 *   after reading the scores and comments, so no arithmetic second-guesses it.
 * - Reviewers disagree on a criterion when their scores span 2 or more levels (e.g.
 *   developing vs excelling). A one-level spread is normal judgment; two levels means they
 *   read the evidence differently and someone should look. Disagreements not yet
 *   adjudicated block the recommendation.
 * - A component meets the target level when every criterion is at least a floor level and
 *   (optionally) a share of its criteria reach a higher level. Defaults:
 *     candidacy: every criterion at least developing (the work has started everywhere);
 *     silver:    every criterion at least developing and >= 60% at meeting or above
 *                (the core components are established);
 *     gold:      every criterion at least meeting and >= 30% excelling (high-quality
 *                implementation across the board, excellence in places).
 * - The overall recommendation is 'meets' when every component meets and 'does-not-meet'
 *   when any component fails. While scores are missing or a disagreement awaits
 *   adjudication it is 'pending' (a verdict then would be premature), unless the settled
 *   criteria alone already make the target unreachable: then it is 'does-not-meet' at once,
 *   so staff can see early that adjudication will not change the outcome.
 */
import { criteriaFor, defaultRubricScale, type FrameworkContent, type RubricLevel } from '../framework.ts';
import type { Level } from '../levels.ts';

export type { RubricLevel };
export type RubricScale = readonly RubricLevel[];

/**
 * Rank of a level on the scale, lowest = 1 (beginning 1 ... excelling 4 on the default
 * scale). A framework version may declare its own scale, so ranks come from the scale
 * rather than from a fixed list.
 */
export function rubricRank(level: RubricLevel, scale: RubricScale = defaultRubricScale): number {
  const i = scale.indexOf(level);
  if (i < 0) throw new RangeError(`unknown rubric level ${String(level)}`);
  return i + 1;
}

export function rubricLevelOf(rank: number, scale: RubricScale = defaultRubricScale): RubricLevel {
  const level = scale[rank - 1];
  if (level === undefined) throw new RangeError(`no rubric level with rank ${rank}`);
  return level;
}

export interface RubricCriterion {
  id: string;
  componentId: string;
}

export interface CriterionScore {
  criterionId: string;
  level: RubricLevel;
  comment?: string | undefined;
}

export interface SubmittedReview {
  reviewerId: string;
  scores: readonly CriterionScore[];
}

export interface Adjudication {
  level: RubricLevel;
  reason: string;
}

export interface ComponentThreshold {
  /** Every criterion must reach this level. */
  floor: RubricLevel;
  /** Optionally, at least `fraction` (0..1) of the component's criteria must reach `atLeast`. */
  share?: { atLeast: RubricLevel; fraction: number } | undefined;
}

export interface ScoringConfig {
  thresholds?: Partial<Record<Level, ComponentThreshold>>;
  /** Spread (max - min, in levels) from which reviewers are said to disagree. Default 2. */
  disagreementSpread?: number;
}

/** Defaults for the default scale; a framework with its own scale must configure its own. */
export const DEFAULT_THRESHOLDS: Readonly<Record<Level, ComponentThreshold>> = {
  candidacy: { floor: 'developing' },
  silver: { floor: 'developing', share: { atLeast: 'meeting', fraction: 0.6 } },
  gold: { floor: 'meeting', share: { atLeast: 'excelling', fraction: 0.3 } },
};

export const DEFAULT_DISAGREEMENT_SPREAD = 2;

export function thresholdFor(level: Level, config: ScoringConfig = {}, scale: RubricScale = defaultRubricScale): ComponentThreshold {
  const t = config.thresholds?.[level] ?? DEFAULT_THRESHOLDS[level];
  if (!t) throw new RangeError(`no scoring threshold configured for level ${level}`);
  // Fail on a misconfiguration before any review is judged against a level that does not exist.
  for (const name of [t.floor, ...(t.share ? [t.share.atLeast] : [])]) {
    if (!scale.includes(name)) throw new RangeError(`threshold for ${level} names ${name}, which is not on the rubric scale`);
  }
  if (t.share && !(t.share.fraction >= 0 && t.share.fraction <= 1)) throw new RangeError('share fraction must be within 0..1');
  return t;
}

/** The criteria of a framework version an application for `level` is scored on. */
export function scoringCriteriaFor(framework: FrameworkContent, level: Level): RubricCriterion[] {
  return criteriaFor(framework, level).map((c) => ({ id: c.criterion.id, componentId: c.component.id }));
}

export interface ScoreValidation {
  ok: boolean;
  /** Criteria of the target level the review did not score. */
  missing: string[];
  /** Scored ids that are not criteria of the target level. */
  unknown: string[];
  /** Criteria scored more than once. */
  duplicated: string[];
  /** Criteria scored with a level that is not on the scale. */
  invalidLevel: string[];
}

/** A review must score every criterion of the target level exactly once, and nothing else. */
export function validateReviewScores(
  criteria: readonly RubricCriterion[],
  scores: readonly CriterionScore[],
  scale: RubricScale = defaultRubricScale,
): ScoreValidation {
  const expected = new Set(criteria.map((c) => c.id));
  const seen = new Map<string, number>();
  for (const s of scores) seen.set(s.criterionId, (seen.get(s.criterionId) ?? 0) + 1);
  const missing = [...expected].filter((id) => !seen.has(id)).sort();
  const unknown = [...seen.keys()].filter((id) => !expected.has(id)).sort();
  const duplicated = [...seen]
    .filter(([id, n]) => n > 1 && expected.has(id))
    .map(([id]) => id)
    .sort();
  const invalidLevel = [...new Set(scores.filter((s) => !scale.includes(s.level)).map((s) => s.criterionId))].sort();
  return {
    ok: missing.length + unknown.length + duplicated.length + invalidLevel.length === 0,
    missing,
    unknown,
    duplicated,
    invalidLevel,
  };
}

/** The lower median of ranks (see the header for why the lower one). */
export function lowerMedian(ranks: readonly number[]): number {
  if (ranks.length === 0) throw new RangeError('no scores');
  const sorted = [...ranks].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export interface CriterionResult {
  criterionId: string;
  componentId: string;
  /** Reviewers' levels, in reviewer id order. */
  scores: { reviewerId: string; level: RubricLevel }[];
  /** null when nobody scored it and staff have not adjudicated it. */
  consensus: RubricLevel | null;
  source: 'reviews' | 'adjudication' | 'none';
  /** max - min of the reviewers' ranks (0 with fewer than two scores). */
  spread: number;
  disagreement: boolean;
  needsAdjudication: boolean;
}

export interface ComponentResult {
  componentId: string;
  criteria: number;
  /** Criteria whose consensus is below the floor. */
  belowFloor: string[];
  /** How many criteria reach the share level (0 when the threshold has no share rule). */
  atShareLevel: number;
  requiredAtShareLevel: number;
  /** null while some criterion of the component has no consensus. */
  meets: boolean | null;
}

export type Recommendation = 'meets' | 'does-not-meet' | 'pending';

export interface AggregateResult {
  targetLevel: Level;
  criteria: CriterionResult[];
  components: ComponentResult[];
  /** Disagreements still waiting for staff. */
  needsAdjudication: string[];
  /** Criteria with neither a score nor an adjudication. */
  unscored: string[];
  recommendation: Recommendation;
}

export interface AggregateInput {
  targetLevel: Level;
  criteria: readonly RubricCriterion[];
  reviews: readonly SubmittedReview[];
  adjudications?: Readonly<Record<string, Adjudication>> | ReadonlyMap<string, Adjudication>;
  config?: ScoringConfig;
  /** The framework version's scale (framework.ts rubricScaleOf); the default four levels when absent. */
  scale?: RubricScale;
}

function adjudicationOf(adjudications: AggregateInput['adjudications'], criterionId: string): Adjudication | undefined {
  if (!adjudications) return undefined;
  if (adjudications instanceof Map) return (adjudications as ReadonlyMap<string, Adjudication>).get(criterionId);
  return Object.hasOwn(adjudications, criterionId) ? (adjudications as Record<string, Adjudication>)[criterionId] : undefined;
}

/** Number of criteria needed to reach a share, rounding up: 60% of 4 criteria is 3, not 2.4. */
export function requiredCount(fraction: number, total: number): number {
  // The epsilon absorbs binary noise (0.3 * 10 = 3.0000000000000004 must require 3).
  return Math.ceil(fraction * total - 1e-9);
}

export function aggregateScores(input: AggregateInput): AggregateResult {
  const config = input.config ?? {};
  const scale = input.scale ?? defaultRubricScale;
  const rank = (level: RubricLevel) => rubricRank(level, scale);
  const threshold = thresholdFor(input.targetLevel, config, scale);
  const spreadLimit = config.disagreementSpread ?? DEFAULT_DISAGREEMENT_SPREAD;
  const reviews = [...input.reviews].sort((a, b) => (a.reviewerId < b.reviewerId ? -1 : a.reviewerId > b.reviewerId ? 1 : 0));

  const criteria: CriterionResult[] = input.criteria.map((criterion) => {
    const scores: CriterionResult['scores'] = [];
    for (const r of reviews) {
      // Only the first score counts if a review repeats a criterion; validateReviewScores rejects that earlier.
      const s = r.scores.find((x) => x.criterionId === criterion.id);
      if (s) scores.push({ reviewerId: r.reviewerId, level: s.level });
    }
    const ranks = scores.map((s) => rank(s.level));
    const spread = ranks.length ? Math.max(...ranks) - Math.min(...ranks) : 0;
    const disagreement = spread >= spreadLimit;
    const adjudication = adjudicationOf(input.adjudications, criterion.id);
    const consensus = adjudication ? adjudication.level : ranks.length ? rubricLevelOf(lowerMedian(ranks), scale) : null;
    return {
      criterionId: criterion.id,
      componentId: criterion.componentId,
      scores,
      consensus,
      source: adjudication ? 'adjudication' : ranks.length ? 'reviews' : 'none',
      spread,
      disagreement,
      needsAdjudication: disagreement && !adjudication,
    };
  });

  const componentIds = [...new Set(input.criteria.map((c) => c.componentId))];
  const components: ComponentResult[] = componentIds.map((componentId) => {
    const own = criteria.filter((c) => c.componentId === componentId);
    const floorRank = rank(threshold.floor);
    const belowFloor = own.filter((c) => c.consensus !== null && rank(c.consensus) < floorRank).map((c) => c.criterionId);
    const shareRank = threshold.share ? rank(threshold.share.atLeast) : 0;
    const atShareLevel = threshold.share ? own.filter((c) => c.consensus !== null && rank(c.consensus) >= shareRank).length : 0;
    const requiredAtShareLevel = threshold.share ? requiredCount(threshold.share.fraction, own.length) : 0;
    // Criteria awaiting adjudication do not count yet, neither for nor against: the
    // component is undecided, unless the settled criteria fail it whatever staff decide
    // (a settled one below the floor, or too few possible at the share level).
    const undecided = own.some((c) => c.consensus === null || c.needsAdjudication);
    const settled = own.filter((c) => !c.needsAdjudication && c.consensus !== null);
    const failsAlready =
      settled.some((c) => rank(c.consensus!) < floorRank) ||
      (threshold.share !== undefined &&
        settled.filter((c) => rank(c.consensus!) >= shareRank).length + (own.length - settled.length) < requiredAtShareLevel);
    const meets = failsAlready ? false : undecided ? null : belowFloor.length === 0 && atShareLevel >= requiredAtShareLevel;
    return { componentId, criteria: own.length, belowFloor, atShareLevel, requiredAtShareLevel, meets };
  });

  const needsAdjudication = criteria.filter((c) => c.needsAdjudication).map((c) => c.criterionId);
  const unscored = criteria.filter((c) => c.consensus === null).map((c) => c.criterionId);
  const recommendation: Recommendation = components.some((c) => c.meets === false)
    ? 'does-not-meet'
    : components.every((c) => c.meets === true)
      ? 'meets'
      : 'pending';
  return { targetLevel: input.targetLevel, criteria, components, needsAdjudication, unscored, recommendation };
}
