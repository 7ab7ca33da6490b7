/** Staff's review queue: the review rounds at one stage (assigning unless another is asked for). */
import type { ReviewStage } from '#core/review/stages.ts';
import type { Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import { listRoundsByStage, type ReviewRound } from '#store/reviews.ts';
import { authorizeStaff } from './staff-access.ts';

export async function listReviewQueue(
  principal: Principal,
  stage: ReviewStage = 'assigning',
  limit?: number,
  cursor?: string,
): Promise<Page<ReviewRound>> {
  await authorizeStaff(principal, 'review.queue');
  return listRoundsByStage(stage, limit, cursor);
}
