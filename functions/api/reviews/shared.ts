/**
 * What the review office and the thread routes share with the reviewers' routes. Kept out
 * of handler.ts: importing a handler module would bundle its whole route group.
 */
import type { Target } from '../../core/access.ts';
import type { Application } from '../../store/applications.ts';
import type { Review } from '../../store/reviews.ts';

export const applicationTarget = (a: Application): Target => ({
  kind: 'application',
  districtId: a.districtId,
  schoolId: a.schoolId,
  pathwayId: a.pathwayId,
  applicationId: a.id,
});

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

