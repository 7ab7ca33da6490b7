/**
 * A reviewer submits their review: complete scores with comments, the conflict rule checked
 * again with the submission conditional on what it read, ReviewSubmitted published and the
 * seat's wait answered (the workflow then aggregates once every seat is in).
 */
import { BusyError, PreconditionFailedError, UnprocessableError, type FieldIssue } from '#core/errors.ts';
import { rubricScaleOf } from '#core/framework.ts';
import { scoringCriteriaFor, validateReviewScores } from '#core/review/scoring.ts';
import { publish } from '#events/publish.ts';
import { logger } from '#lib/logger.ts';
import type { Principal } from '#lib/principal.ts';
import type { Application } from '#store/application-reads.ts';
import type { StoredFramework } from '#store/frameworks.ts';
import { getReview, isOpenReview, markReviewNotified, submitReview as storeSubmission, type Review } from '#store/reviews.ts';
import { answerSeat } from '#pipeline/answers.ts';
import { guardReview } from '#pipeline/conflicts.ts';
import type { Deferred } from '../deferred.ts';
import { pinnedFramework } from '../applications/editing.ts';
import { alreadyClosed, conflicted, loadMyReview, refuseWhileFailed } from './my-review.ts';

/**
 * refuseWhileFailed and the pinned framework, read at once (independent reads): the
 * failed-round 409 still wins over a framework error, as when they ran one after the other.
 */
async function frameworkOfOpenRound(application: Application, review: Review): Promise<StoredFramework> {
  const [open, framework] = await Promise.allSettled([refuseWhileFailed(application, review), pinnedFramework(application)]);
  if (open.status === 'rejected') throw open.reason;
  if (framework.status === 'rejected') throw framework.reason;
  return framework.value;
}

/** Every way the stored scores fall short of a complete review. */
function incompleteness(framework: StoredFramework, application: Application, review: Review): FieldIssue[] {
  const check = validateReviewScores(scoringCriteriaFor(framework, application.level), review.scores, rubricScaleOf(framework));
  return [
    ...check.missing.map((c) => ({ in: 'body' as const, field: `scores.${c}`, message: 'not scored yet', code: 'missing_score' })),
    ...check.unknown.map((c) => ({
      in: 'body' as const,
      field: `scores.${c}`,
      message: 'not a criterion of this level',
      code: 'unknown_criterion',
    })),
    ...check.invalidLevel.map((c) => ({
      in: 'body' as const,
      field: `scores.${c}`,
      message: 'level not on the rubric',
      code: 'invalid_level',
    })),
    ...review.scores
      .filter((s) => !s.comment || s.comment.trim() === '')
      .map((s) => ({
        in: 'body' as const,
        field: `scores.${s.criterionId}.comment`,
        message: 'a comment is required',
        code: 'missing_comment',
      })),
  ];
}

/** `expectedVersion` is read once the caller is known to hold the review (404 before 428). */
export async function submitReview(principal: Principal, applicationId: string, expectedVersion: Deferred<number>): Promise<Review> {
  const { application, review } = await loadMyReview(principal, applicationId);
  const version = expectedVersion();
  if (!isOpenReview(review)) {
    // Re-telling the workflow is harmless and cures an earlier answer that failed half-way.
    if (review.status === 'submitted') await answerSeat(application.id, review.round, review.seat, 'submitted');
    throw alreadyClosed(review);
  }
  if (review.version !== version) throw new PreconditionFailedError(review.version);
  const framework = await frameworkOfOpenRound(application, review);
  const errors = incompleteness(framework, application, review);
  if (errors.length > 0) throw new UnprocessableError(`The review is not complete: ${errors.length} problem(s).`, errors);

  // The conflict rule is checked again here, and the submission is conditional on what the
  // check read: a membership or conflict that lands in between cancels it, and the loop
  // checks again (then vacates the seat and answers 409).
  let result: Awaited<ReturnType<typeof storeSubmission>> = 'affiliations-changed';
  for (let attempt = 0; attempt < 3 && result === 'affiliations-changed'; attempt++) {
    const check = await guardReview(review, application);
    if (check.conflicted) throw conflicted(check.reasons);
    result = await storeSubmission(review, review.scores, version, check.guard);
  }
  if (result === 'affiliations-changed') throw new BusyError(1);
  if (result === 'stale') throw new PreconditionFailedError((await getReview(application.id, review.round, review.id))!.version);
  if (result === 'closed') throw alreadyClosed((await getReview(application.id, review.round, review.id))!);
  try {
    await publish([
      {
        detailType: 'ReviewSubmitted',
        detail: {
          applicationId: application.id,
          pathwayId: application.pathwayId,
          reviewId: review.id,
          reviewerSub: review.reviewerSub,
          submittedAt: result.submittedAt!,
        },
      },
    ]);
    await markReviewNotified(result, 'submittedNotifiedAt');
  } catch (error) {
    // The review is recorded; a lost notice must not undo it.
    logger.error('ReviewSubmitted could not be published', { error, applicationId: application.id });
  }
  await answerSeat(application.id, review.round, review.seat, 'submitted');
  return result;
}
