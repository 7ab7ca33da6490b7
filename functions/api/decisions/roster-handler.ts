/**
 * Staff's side of the review office that never starts or steers a workflow: the reviewer
 * pool, the review queue by stage, the calibration report and the staff alerts inbox. Apart
 * from the workflow routes (functions/api/decisions/handler.ts) so it carries no rights to
 * start executions or read their history. Its one workflow right is answering a seat's wait:
 * a profile change that makes a seated reviewer conflicted vacates the seat
 * (pipeline/conflicts.ts), and the seat's wait must hear of it. A profile write also keeps the
 * person's Cognito `reviewer` group in step with `active` (accounts/groups.ts).
 */
import { syncReviewerGroup } from '../../accounts/groups.ts';
import { calibrate, type CalibrationReview } from '../../core/review/calibration.ts';
import { authorize, loadAccess } from '../../use-cases/access.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import { keys } from '../../store/keys.ts';
import { listInbox } from '../../store/messages.ts';
import { enforceConflicts } from '../../pipeline/conflicts.ts';
import { getReviewer, listReviewers, putReviewerByStaff, type ReviewerProfile } from '../../store/reviewers.ts';
import { listRoundsByStage, submittedReviews } from '../../store/reviews.ts';
import { etag, expectedVersionOrNew } from '../../lib/preconditions.ts';
import { calibrationRoute, getReviewerRoute, listReviewersRoute, putReviewerRoute, reviewQueueRoute, staffAlertsRoute } from './roster-routes.ts';

async function staffOnNetwork(principal: Principal, action: 'review.queue' | 'reviewer.manage') {
  authorize(await loadAccess(principal), action, { kind: 'network' });
}

export const handler = httpHandler([
  implement(listReviewersRoute, async (req) => {
    await staffOnNetwork(req.principal, 'reviewer.manage');
    return { body: await listReviewers(req.query.limit, req.query.cursor) };
  }),

  implement(getReviewerRoute, async (req) => {
    await staffOnNetwork(req.principal, 'reviewer.manage');
    const profile = await getReviewer(req.params.personSub, true);
    if (!profile) throw problems.notFound('reviewer profile');
    return { body: profile, headers: { etag: etag(profile.version) } };
  }),

  implement(putReviewerRoute, async (req) => {
    await staffOnNetwork(req.principal, 'reviewer.manage');
    const version = expectedVersionOrNew(req.headers, req.body.version);
    const { version: _v, ...fields } = req.body;
    let profile: ReviewerProfile;
    try {
      profile = await putReviewerByStaff(req.params.personSub, fields, version);
    } finally {
      // A declared conflict or a new home district takes the reviewer off the panels it now
      // forbids; also after a refused write, so a retry of a half-done one finishes it.
      if (version !== 0) await enforceConflicts(req.params.personSub);
    }
    // The `reviewer` group follows `active`: retiring a reviewer takes it away, reactivating gives it back.
    await syncReviewerGroup(req.params.personSub);
    return { status: version === 0 ? 201 : 200, body: profile, headers: { etag: etag(profile.version) } };
  }),

  implement(reviewQueueRoute, async (req) => {
    await staffOnNetwork(req.principal, 'review.queue');
    const page = await listRoundsByStage(req.query.stage ?? 'assigning', req.query.limit, req.query.cursor);
    return {
      body: {
        items: page.items.map((r) => ({
          applicationId: r.applicationId,
          pathwayId: r.pathwayId,
          pathwayName: r.pathwayName,
          level: r.level,
          round: r.round,
          stage: r.stage,
          stageSince: r.stageSince,
          ...(r.failure ? { failure: r.failure } : {}),
        })),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  }),

  implement(calibrationRoute, async (req) => {
    await staffOnNetwork(req.principal, 'review.queue');
    const reviews = await submittedReviews(req.query.since);
    const input: CalibrationReview[] = reviews.map((r) => ({
      applicationId: `${r.applicationId}#${r.round}`,
      reviewerId: r.reviewerSub,
      scores: r.scores.map((s) => ({ criterionId: s.criterionId, level: s.level })),
    }));
    const report = calibrate(input);
    return { body: { reviews: reviews.length, ...report } };
  }),

  implement(staffAlertsRoute, async (req) => {
    await staffOnNetwork(req.principal, 'review.queue');
    const page = await listInbox(keys.staffInbox, req.query.limit, req.query.cursor);
    return { body: { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),
]);
