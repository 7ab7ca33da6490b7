/** A reviewer's own reviews: their assignments (open ones unless all are asked for), each with its application and review. */
import type { Principal } from '#lib/principal.ts';
import { listAssignedReviews } from '#store/reviews.ts';

export interface MyReviewEntry {
  applicationId: string;
  pathwayName?: string;
  level?: string;
  reviewId: string;
  round: number;
  role: string;
  /** The review's status, 'unknown' when the review item is missing. */
  status: string;
  assignedAt: string;
  dueAt?: string;
  active: boolean;
}

export async function listMyReviews(
  principal: Principal,
  state: 'open' | 'all' = 'open',
  limit?: number,
  cursor?: string,
): Promise<{ items: MyReviewEntry[]; nextCursor?: string }> {
  const page = await listAssignedReviews(principal.sub, { all: state === 'all', limit, cursor });
  const items = page.items.map(({ assignment: a, application: app, review }) => ({
    applicationId: a.applicationId,
    ...(app ? { pathwayName: app.pathwayName, level: app.level } : {}),
    reviewId: a.reviewId,
    round: a.round,
    role: review?.role ?? a.role,
    status: review?.status ?? 'unknown',
    assignedAt: a.assignedAt,
    ...(review?.dueAt ? { dueAt: review.dueAt } : {}),
    active: a.active,
  }));
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
