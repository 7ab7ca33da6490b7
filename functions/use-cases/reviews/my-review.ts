/**
 * What every use case of a reviewer's own review starts from: the caller's review of the
 * application's current round, and the rules of a review that is still open.
 */
import { ConflictError, NotFoundError } from '#core/errors.ts';
import type { ExclusionReason } from '#core/review/assignment.ts';
import type { Principal } from '#lib/principal.ts';
import { getApplication, type Application } from '#store/application-reads.ts';
import { getAssignment, getReview, getRound, type Review } from '#store/reviews.ts';
import { authorize, loadAccess } from '../access.ts';
import { applicationTarget } from '../applications/load-application.ts';

/** The caller's review of the application's current round (404 when they hold none). */
export async function loadMyReview(principal: Principal, applicationId: string): Promise<{ application: Application; review: Review }> {
  const application = await getApplication(applicationId, true);
  if (!application) throw new NotFoundError('application');
  const access = await loadAccess(principal);
  const assignment = await getAssignment(principal.sub, applicationId);
  // The review the caller holds in the current round, if any.
  const reviewId = assignment?.active === true && assignment.round === application.submissionNumber ? assignment.reviewId : undefined;
  // A former reviewer (recused, reassigned, or unseated by a conflict, perhaps by joining the
  // team, whose role alone would answer 403) holds no review here: 404.
  if (assignment && !reviewId) throw new NotFoundError('review');
  authorize(access, 'application.review', applicationTarget(application), 'application');
  if (!reviewId) throw new NotFoundError('review');
  const review = await getReview(applicationId, application.submissionNumber, reviewId);
  if (!review) throw new NotFoundError('review');
  return { application, review };
}

/** The refusal of a change to a review that is no longer open. */
export const alreadyClosed = (r: Review) =>
  new ConflictError(
    r.status === 'submitted'
      ? 'This review was already submitted; the review workflow has it.'
      : `This review is ${r.status}; it can no longer be changed.`,
    { status: r.status },
  );

/**
 * A round whose workflow stopped (failed, timed out, stopped) takes no reviews until staff
 * restart it: nothing would carry them on, and the restart re-reads the table anyway.
 */
export async function refuseWhileFailed(application: Application, review: Review): Promise<void> {
  const round = await getRound(application.id, review.round);
  if (round?.stage === 'failed') {
    throw new ConflictError('The review workflow of this application stopped; staff must restart it before reviews are accepted.', {
      stage: 'failed',
    });
  }
}

/** The reviewer is now in conflict with the pathway: their seat was vacated (409, then 404 on the next try). */
export const conflicted = (reasons: readonly ExclusionReason[]) =>
  new ConflictError('You now have a conflict of interest with this pathway; your review was closed and the seat is being filled again.', {
    code: 'conflict_of_interest',
    reasons: reasons.map((r) => r.code),
  });
