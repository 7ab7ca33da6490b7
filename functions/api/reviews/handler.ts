import { criteriaFor, rubricScaleOf } from '#core/framework.ts';
import { httpHandler, implement } from '#lib/http.ts';
import { etag, expectedVersion } from '#lib/preconditions.ts';
import type { Review } from '#store/reviews.ts';
import { getMyReview, type MyReview } from '#use-cases/reviews/get-my-review.ts';
import { listMyReviews } from '#use-cases/reviews/list-my-reviews.ts';
import { recuse } from '#use-cases/reviews/recuse.ts';
import { getMyReviewerProfile, updateMyReviewerProfile } from '#use-cases/reviews/reviewer-profile.ts';
import { saveReviewScores } from '#use-cases/reviews/save-scores.ts';
import { submitReview } from '#use-cases/reviews/submit-review.ts';
import { reviewView } from './shared.ts';
import {
  getMyReviewerProfileRoute,
  getMyReviewRoute,
  listMyReviewsRoute,
  recuseRoute,
  saveReviewDraftRoute,
  submitReviewRoute,
  updateMyReviewerProfileRoute,
} from './routes.ts';

const answerReview = (r: Review, status = 200) => ({ status, body: reviewView(r), headers: { etag: etag(r.version) } });

/** The review with its application, the rubric of the level and the frozen submission, evidence linked for download. */
function myReviewView({ application, review, framework, snapshot, sessions }: MyReview) {
  const rubric = criteriaFor(framework, application.level).map((c) => ({
    id: c.criterion.id,
    componentId: c.component.id,
    componentTitle: c.component.title,
    standardId: c.standard.id,
    standardTitle: c.standard.title,
    text: c.criterion.text,
    rubric: c.criterion.rubric,
  }));
  const submission = snapshot.map((s) => ({
    criterionId: s.criterionId,
    narrative: s.narrative,
    evidence: s.evidence.map((e) => ({ ...e, download: `/applications/${application.id}/evidence/${e.evidenceId}` })),
  }));
  return {
    review: reviewView(review),
    application: {
      id: application.id,
      pathwayId: application.pathwayId,
      pathwayName: application.pathwayName,
      level: application.level,
      target: application.target,
      renewal: application.renewal,
      frameworkId: application.frameworkId,
      frameworkVersion: application.frameworkVersion,
      submittedAt: application.submittedAt,
      round: review.round,
    },
    rubric: { scale: rubricScaleOf(framework), criteria: rubric },
    submission,
    sessions,
  };
}

export const handler = httpHandler([
  implement(listMyReviewsRoute, async (req) => ({
    body: await listMyReviews(req.principal, req.query.state, req.query.limit, req.query.cursor),
  })),

  implement(getMyReviewRoute, async (req) => {
    const mine = await getMyReview(req.principal, req.params.applicationId);
    return { body: myReviewView(mine), headers: { etag: etag(mine.review.version) } };
  }),

  implement(saveReviewDraftRoute, async (req) =>
    answerReview(
      await saveReviewScores(req.principal, req.params.applicationId, req.body.scores, () =>
        expectedVersion(req.headers, req.body.version),
      ),
    ),
  ),

  implement(submitReviewRoute, async (req) =>
    answerReview(await submitReview(req.principal, req.params.applicationId, () => expectedVersion(req.headers))),
  ),

  implement(recuseRoute, async (req) => answerReview(await recuse(req.principal, req.params.applicationId, req.body.reason))),

  implement(getMyReviewerProfileRoute, async (req) => {
    const profile = await getMyReviewerProfile(req.principal);
    return { body: profile, headers: { etag: etag(profile.version) } };
  }),

  implement(updateMyReviewerProfileRoute, async (req) => {
    const { version: bodyVersion, ...fields } = req.body;
    const after = await updateMyReviewerProfile(req.principal, fields, () => expectedVersion(req.headers, bodyVersion));
    return { body: after, headers: { etag: etag(after.version) } };
  }),
]);
