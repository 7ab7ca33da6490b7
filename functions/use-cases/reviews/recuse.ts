/** A reviewer recuses themselves: their open review closes as recused and the seat's wait is told, so the workflow seats a replacement. */
import type { Principal } from '#lib/principal.ts';
import { getReview, isOpenReview, vacateReview, type Review } from '#store/reviews.ts';
import { answerSeat } from '#pipeline/answers.ts';
import { alreadyClosed, loadMyReview } from './my-review.ts';

/** The review after the recusal. */
export async function recuse(principal: Principal, applicationId: string, reason: string): Promise<Review> {
  const { application, review } = await loadMyReview(principal, applicationId);
  if (!isOpenReview(review)) throw alreadyClosed(review);
  if (!(await vacateReview(review, 'recused', reason))) {
    throw alreadyClosed((await getReview(application.id, review.round, review.id))!);
  }
  await answerSeat(application.id, review.round, review.seat, 'vacated');
  return (await getReview(application.id, review.round, review.id))!;
}
