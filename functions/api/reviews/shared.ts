/**
 * What the review office and the thread routes share with the reviewers' routes. Kept out
 * of handler.ts: importing a handler module would bundle its whole route group.
 */
import type { Action, Target } from '../../core/access.ts';
import { authorize, withAccess } from '../../lib/authorize.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import { getApplication, type Application } from '../../store/applications.ts';
import type { Review } from '../../store/reviews.ts';

export const applicationTarget = (a: Application): Target => ({
  kind: 'application',
  districtId: a.districtId,
  schoolId: a.schoolId,
  pathwayId: a.pathwayId,
  applicationId: a.id,
});

/** The application and the caller's access, read side by side; 404 unless the caller may do `action` on it. */
export async function loadApplication(principal: Principal, id: string, action: Action) {
  // Consistent: status moves and review decisions are made on this read (and then re-checked
  // by the write's condition).
  const [application, access] = await withAccess(principal, getApplication(id, true));
  if (!application) throw problems.notFound('application');
  authorize(access, action, applicationTarget(application), 'application');
  return { application, access };
}

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

