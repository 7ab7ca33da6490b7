/**
 * Staff's side of the review office that never starts or steers a workflow: the reviewer
 * pool, the review queue by stage, the calibration report and the staff alerts inbox. Apart
 * from the workflow routes (functions/api/decisions/handler.ts) so it carries no rights to
 * start executions or read their history. Its one workflow right is answering a seat's wait:
 * a profile change that makes a seated reviewer conflicted vacates the seat, and the seat's
 * wait must hear of it (use-cases/decisions/put-reviewer.ts). A profile write also keeps the
 * person's Cognito `reviewer` group in step with `active`.
 */
import { httpHandler, implement } from '#lib/http.ts';
import { etag, expectedVersionOrNew } from '#lib/preconditions.ts';
import type { ReviewRound } from '#store/reviews.ts';
import { calibrationReport } from '#use-cases/decisions/calibration.ts';
import { putReviewer } from '#use-cases/decisions/put-reviewer.ts';
import { getReviewerProfile, listReviewers } from '#use-cases/decisions/read-reviewers.ts';
import { listReviewQueue } from '#use-cases/decisions/review-queue.ts';
import { listStaffAlerts } from '#use-cases/decisions/staff-alerts.ts';
import {
  calibrationRoute,
  getReviewerRoute,
  listReviewersRoute,
  putReviewerRoute,
  reviewQueueRoute,
  staffAlertsRoute,
} from './roster-routes.ts';

/** A round as the queue lists it. */
function queueEntry(r: ReviewRound) {
  return {
    applicationId: r.applicationId,
    pathwayId: r.pathwayId,
    pathwayName: r.pathwayName,
    level: r.level,
    round: r.round,
    stage: r.stage,
    stageSince: r.stageSince,
    ...(r.failure ? { failure: r.failure } : {}),
  };
}

export const handler = httpHandler([
  implement(listReviewersRoute, async (req) => ({ body: await listReviewers(req.principal, req.query.limit, req.query.cursor) })),

  implement(getReviewerRoute, async (req) => {
    const profile = await getReviewerProfile(req.principal, req.params.personSub);
    return { body: profile, headers: { etag: etag(profile.version) } };
  }),

  implement(putReviewerRoute, async (req) => {
    const { version: bodyVersion, ...fields } = req.body;
    const { profile, created } = await putReviewer(req.principal, req.params.personSub, fields, () =>
      expectedVersionOrNew(req.headers, bodyVersion),
    );
    return { status: created ? 201 : 200, body: profile, headers: { etag: etag(profile.version) } };
  }),

  implement(reviewQueueRoute, async (req) => {
    const page = await listReviewQueue(req.principal, req.query.stage, req.query.limit, req.query.cursor);
    return { body: { items: page.items.map(queueEntry), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),

  implement(calibrationRoute, async (req) => ({ body: await calibrationReport(req.principal, req.query.since) })),

  implement(staffAlertsRoute, async (req) => {
    const page = await listStaffAlerts(req.principal, req.query.limit, req.query.cursor);
    return { body: { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }),
]);
