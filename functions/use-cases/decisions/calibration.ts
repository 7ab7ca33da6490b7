/** The calibration report: how submitted reviews' scores agree, per reviewer and criterion (core/review/calibration.ts). */
import { calibrate, type CalibrationReview } from '#core/review/calibration.ts';
import type { Principal } from '#lib/principal.ts';
import { submittedReviews } from '#store/reviews.ts';
import { authorizeStaff } from './staff-access.ts';

/** The report over reviews submitted since `since` (all when absent), with how many it read. */
export async function calibrationReport(principal: Principal, since?: string) {
  await authorizeStaff(principal, 'review.queue');
  const reviews = await submittedReviews(since);
  const input: CalibrationReview[] = reviews.map((r) => ({
    applicationId: `${r.applicationId}#${r.round}`,
    reviewerId: r.reviewerSub,
    scores: r.scores.map((s) => ({ criterionId: s.criterionId, level: s.level })),
  }));
  return { reviews: reviews.length, ...calibrate(input) };
}
