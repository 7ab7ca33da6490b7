/**
 * How the review office and the thread routes show a review, as the reviewers' routes do. Kept out
 * of handler.ts: importing a handler module would bundle its whole route group.
 */
import type { Review } from '#store/reviews.ts';

export function reviewView(r: Review) {
  return {
    id: r.id,
    applicationId: r.applicationId,
    round: r.round,
    seat: r.seat,
    role: r.role,
    status: r.status,
    assignedAt: r.assignedAt,
    dueAt: r.dueAt,
    ...(r.submittedAt ? { submittedAt: r.submittedAt } : {}),
    scores: r.scores,
    version: r.version,
  };
}
