/**
 * Reviewers' routes: their reviews, an assigned application as it was submitted (with the
 * rubric), scoring (drafts, then one submission), recusal, and their reviewer profile.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { route } from '#lib/route.ts';
import { idSchema, pageOf, pageQuery, text, versionField } from '#lib/schemas.ts';
import {
  conflictsSchema,
  MAX_SCORES,
  reviewerProfileView,
  reviewSessionView,
  reviewView,
  scoreSchema,
  sectorsSchema,
  unavailableSchema,
} from './schemas.ts';

const TAGS = ['Reviews'];
const applicationParams = /* @__PURE__ */ lazy(() => z.strictObject({ applicationId: idSchema('application') }));

export const listMyReviewsRoute = route({
  id: 'listMyReviews',
  method: 'GET',
  path: '/me/reviews',
  fn: 'reviews',
  auth: 'jwt',
  summary: 'My review assignments with due dates (open by default)',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), state: z.optional(z.enum(['open', 'all'])) }),
    response: pageOf(
      z.object({
        applicationId: z.string(),
        pathwayName: z.optional(z.string()),
        level: z.optional(z.string()),
        /** Absent while the workflow has assigned the seat but not yet created the review. */
        reviewId: z.optional(z.string()),
        round: z.optional(z.number()),
        role: z.string(),
        status: z.string(),
        assignedAt: z.string(),
        dueAt: z.optional(z.string()),
        active: z.boolean(),
      }),
    ),
  }),
});

export const getMyReviewRoute = route({
  id: 'getMyReview',
  method: 'GET',
  path: '/applications/{applicationId}/review',
  fn: 'reviews',
  auth: 'jwt',
  summary: 'My review of an assigned application, with the submission as reviewed and the rubric',
  description:
    'The submission is the snapshot taken when the review round opened: narratives and the exact evidence versions frozen at submission (download each through `GET /applications/{applicationId}/evidence/{evidenceId}`), whatever the team changed since. The rubric lists every criterion of the level with its descriptors. Virtual review sessions scheduled for the application are included.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    response: z.object({
      review: reviewView(),
      application: z.object({
        id: z.string(),
        pathwayId: z.string(),
        pathwayName: z.string(),
        level: z.string(),
        target: z.string(),
        renewal: z.boolean(),
        frameworkId: z.string(),
        frameworkVersion: z.string(),
        submittedAt: z.optional(z.string()),
        round: z.number(),
      }),
      rubric: z.object({
        scale: z.array(z.string()),
        criteria: z.array(
          z.object({
            id: z.string(),
            componentId: z.string(),
            componentTitle: z.string(),
            standardId: z.string(),
            standardTitle: z.string(),
            text: z.string(),
            rubric: z.array(z.object({ level: z.string(), descriptor: z.string() })),
          }),
        ),
      }),
      /** The responses as submitted; each evidence reference carries its download path. */
      submission: z.array(
        z.object({
          criterionId: z.string(),
          narrative: z.string(),
          evidence: z.array(
            z.object({ evidenceId: z.string(), version: z.optional(z.number()), kind: z.optional(z.string()), download: z.string() }),
          ),
        }),
      ),
      sessions: z.array(reviewSessionView()),
    }),
  }),
});

export const saveReviewDraftRoute = route({
  id: 'saveReviewDraft',
  errors: {
    409: {
      when: "The review was submitted or recused already, the round's workflow stopped, or you now have a conflict of interest with the pathway (the seat is vacated)",
      codes: ['conflict_of_interest'],
    },
    422: { when: 'A score names a criterion or level not on the rubric', codes: ['unknown_criterion', 'invalid_level', 'duplicate'] },
  },
  method: 'PUT',
  path: '/applications/{applicationId}/review',
  fn: 'reviews',
  auth: 'jwt',
  summary: 'Save draft scores (replaces the draft; any subset of criteria)',
  description:
    'If-Match with the review version. Unknown criteria or levels not on the rubric: 422. A submitted or recused review, or a round whose workflow stopped (until staff restart it): 409.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    body: z.strictObject({ scores: z.array(scoreSchema()).check(z.maxLength(MAX_SCORES)), version: z.optional(versionField()) }),
    response: reviewView(),
  }),
  ifMatch: true,
});

export const submitReviewRoute = route({
  id: 'submitReview',
  errors: {
    409: {
      when: "The review was submitted or recused already, the round's workflow stopped, or you now have a conflict of interest with the pathway (the seat is vacated)",
      codes: ['conflict_of_interest'],
    },
    422: {
      when: 'Criteria are missing a score or a comment',
      codes: ['missing_score', 'missing_comment', 'unknown_criterion', 'invalid_level'],
    },
  },
  method: 'POST',
  path: '/applications/{applicationId}/review/submit',
  fn: 'reviews',
  auth: 'jwt',
  summary: 'Submit my review once (every criterion scored, each with a comment)',
  description:
    'Submits the saved draft. 422 lists every criterion missing a score or a comment; 409 once the review was submitted or recused (the review workflow has already been told), or while the round\u2019s workflow is stopped (failed, timed out or stopped; staff restart it).',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    response: reviewView(),
  }),
  ifMatch: true,
});

export const recuseRoute = route({
  id: 'recuseFromReview',
  errors: { 409: 'The review was submitted or recused already' },
  method: 'POST',
  path: '/applications/{applicationId}/review/recuse',
  fn: 'reviews',
  auth: 'jwt',
  summary: 'Recuse from a review with a reason; the workflow seats a replacement',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    body: z.strictObject({ reason: text(3, 1000) }),
    response: reviewView(),
  }),
});

export const getMyReviewerProfileRoute = route({
  id: 'getMyReviewerProfile',
  method: 'GET',
  path: '/me/reviewer-profile',
  fn: 'reviews',
  auth: 'jwt',
  summary: 'My reviewer profile (conflicts, sectors, availability, load)',
  tags: TAGS,
  schemas: () => ({
    response: reviewerProfileView(),
  }),
});

export const updateMyReviewerProfileRoute = route({
  id: 'updateMyReviewerProfile',
  method: 'PATCH',
  path: '/me/reviewer-profile',
  fn: 'reviews',
  auth: 'jwt',
  summary: 'Declare conflicts of interest, sectors and availability',
  description: 'Staff set the load limit and lead eligibility. If-Match with the profile version.',
  tags: TAGS,
  schemas: () => ({
    body: z.strictObject({
      sectors: z.optional(sectorsSchema()),
      conflicts: z.optional(conflictsSchema()),
      available: z.optional(z.boolean()),
      unavailable: z.optional(unavailableSchema()),
      version: z.optional(versionField()),
    }),
    response: reviewerProfileView(),
  }),
  ifMatch: true,
});

export const reviewRoutes = [
  listMyReviewsRoute,
  getMyReviewRoute,
  saveReviewDraftRoute,
  submitReviewRoute,
  recuseRoute,
  getMyReviewerProfileRoute,
  updateMyReviewerProfileRoute,
];
