/**
 * Reviewer calibration for staff: who scores unusually strictly or generously, and which
 * criteria reviewers read differently (a sign the criterion's wording or exemplars need work).
 *
 * Definitions:
 * - A comparison is one score a reviewer gave on a criterion of an application that at
 *   least one co-reviewer also scored. Its deviation is the reviewer's rank minus the mean
 *   rank of the co-reviewers on that criterion (ranks: beginning 1 ... excelling 4).
 *   Comparing with the mean of the others, not pair by pair, makes each score count once
 *   whatever the panel size.
 * - A reviewer's strictness is the mean signed deviation over their comparisons: negative
 *   means they score below their co-reviewers (stricter), positive more generously. The mean
 *   absolute deviation tells the inconsistent reviewer (far off in both directions, mean
 *   near 0) apart from the well-calibrated one.
 * - A criterion's disagreement rate is the share of applications (with two or more scores on
 *   it) where the scores differed by at least 1 level, and by at least 2 levels.
 * Only reviewers' own scores count; staff adjudications are decisions, not reviews.
 */
import { rubricRank, type RubricLevel, type RubricScale } from './scoring.ts';

export interface CalibrationReview {
  applicationId: string;
  reviewerId: string;
  scores: readonly { criterionId: string; level: RubricLevel }[];
  /** The scale of the application's framework version; the default four levels when absent. */
  scale?: RubricScale | undefined;
}

export interface ReviewerCalibration {
  reviewerId: string;
  comparisons: number;
  /** null when the reviewer has no comparisons yet. */
  meanSignedDeviation: number | null;
  meanAbsoluteDeviation: number | null;
}

export interface CriterionCalibration {
  criterionId: string;
  /** Applications where two or more reviewers scored the criterion. */
  applications: number;
  differedBy1: number;
  differedBy2: number;
  /** Shares of `applications`; null when there is none. */
  rateDifferBy1OrMore: number | null;
  rateDifferBy2OrMore: number | null;
}

export interface CalibrationReport {
  reviewers: ReviewerCalibration[];
  criteria: CriterionCalibration[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function calibrate(reviews: readonly CalibrationReview[]): CalibrationReport {
  // applicationId -> criterionId -> reviewerId -> rank
  const grid = new Map<string, Map<string, Map<string, number>>>();
  const reviewerIds = new Set<string>();
  for (const review of reviews) {
    reviewerIds.add(review.reviewerId);
    let byCriterion = grid.get(review.applicationId);
    if (!byCriterion) grid.set(review.applicationId, (byCriterion = new Map<string, Map<string, number>>()));
    for (const s of review.scores) {
      let byReviewer = byCriterion.get(s.criterionId);
      if (!byReviewer) byCriterion.set(s.criterionId, (byReviewer = new Map<string, number>()));
      // Two scores for one cell would weigh a reviewer twice; that is bad data, not a judgment call.
      if (byReviewer.has(review.reviewerId)) {
        throw new Error(`reviewer ${review.reviewerId} scored ${s.criterionId} of ${review.applicationId} twice`);
      }
      byReviewer.set(review.reviewerId, rubricRank(s.level, review.scale));
    }
  }

  const dev = new Map<string, { n: number; sum: number; abs: number }>();
  const crit = new Map<string, { applications: number; by1: number; by2: number }>();
  for (const byCriterion of grid.values()) {
    for (const [criterionId, byReviewer] of byCriterion) {
      const c = crit.get(criterionId) ?? { applications: 0, by1: 0, by2: 0 };
      crit.set(criterionId, c);
      if (byReviewer.size < 2) continue;
      const ranks = [...byReviewer.values()];
      const total = ranks.reduce((a, b) => a + b, 0);
      const spread = Math.max(...ranks) - Math.min(...ranks);
      c.applications++;
      if (spread >= 1) c.by1++;
      if (spread >= 2) c.by2++;
      for (const [reviewerId, rank] of byReviewer) {
        const othersMean = (total - rank) / (byReviewer.size - 1);
        const d = rank - othersMean;
        const acc = dev.get(reviewerId) ?? { n: 0, sum: 0, abs: 0 };
        acc.n++;
        acc.sum += d;
        acc.abs += Math.abs(d);
        dev.set(reviewerId, acc);
      }
    }
  }

  const reviewers = [...reviewerIds].sort(byString).map((reviewerId): ReviewerCalibration => {
    const acc = dev.get(reviewerId);
    return {
      reviewerId,
      comparisons: acc?.n ?? 0,
      meanSignedDeviation: acc ? acc.sum / acc.n : null,
      meanAbsoluteDeviation: acc ? acc.abs / acc.n : null,
    };
  });
  const criteria = [...crit.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([criterionId, c]): CriterionCalibration => ({
      criterionId,
      applications: c.applications,
      differedBy1: c.by1,
      differedBy2: c.by2,
      rateDifferBy1OrMore: c.applications ? c.by1 / c.applications : null,
      rateDifferBy2OrMore: c.applications ? c.by2 / c.applications : null,
    }));
  return { reviewers, criteria };
}
