/**
 * A reviewer's own reviews: their assignments (open ones unless all are asked for), each
 * with its application and review read in one BatchGet.
 */
import type { Principal } from '#lib/principal.ts';
import { queryPage, type Item } from '#store/db.ts';
import type { Assignment } from '#store/entities.ts';
import { keys } from '#store/keys.ts';
import { batchGet } from '#store/registry.ts';
import type { Review } from '#store/reviews.ts';

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
  const page = await queryPage({
    partition: { value: keys.personPartition(principal.sub) },
    skBeginsWith: keys.assignmentPrefix,
    limit,
    cursor,
    ...(state === 'open' ? { filter: { expression: '#active = :true', names: { '#active': 'active' }, values: { ':true': true } } } : {}),
  });
  const assignments = page.items as unknown as (Assignment & { reviewId: string; round: number })[];
  const found = await batchGet([
    ...assignments.map((a) => keys.application(a.applicationId)),
    ...assignments.filter((a) => a.reviewId).map((a) => keys.review(a.applicationId, a.round, a.reviewId)),
  ]);
  const apps = new Map(found.filter((i: Item) => i._type === 'application').map((i) => [String(i.id), i]));
  const reviews = new Map(found.filter((i: Item) => i._type === 'review').map((i) => [String(i.id), i as unknown as Review]));
  const items = assignments.map((a) => {
    const app = apps.get(a.applicationId);
    const review = reviews.get(a.reviewId);
    return {
      applicationId: a.applicationId,
      ...(app ? { pathwayName: String(app.pathwayName), level: String(app.level) } : {}),
      reviewId: a.reviewId,
      round: a.round,
      role: review?.role ?? a.role,
      status: review?.status ?? 'unknown',
      assignedAt: a.assignedAt,
      ...(review?.dueAt ? { dueAt: review.dueAt } : {}),
      active: a.active,
    };
  });
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
