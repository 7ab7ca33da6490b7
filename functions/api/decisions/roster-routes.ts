/**
 * The review office's routes that never touch a running workflow (roster-handler.ts): the
 * reviewer pool, the queue by stage, calibration and staff alerts. A file of their own so
 * the workflow function's bundle does not carry their schemas.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { reviewStages } from '#core/review/stages.ts';
import { route } from '#lib/route.ts';
import { email, idSchema, pageOf, pageQuery, text, versionField } from '#lib/schemas.ts';
import { notificationFields } from '../notifications/schemas.ts';
import {
  conflictsSchema,
  personSub,
  reviewFailureView,
  sectorsSchema,
  unavailableSchema,
  reviewerProfileView,
} from '../reviews/schemas.ts';

const TAGS = ['Review office'];
const ROSTER = 'reviewRoster' as const;
const calibration = /* @__PURE__ */ lazy(() =>
  z.object({
    /** Submitted reviews compared. */
    reviews: z.number(),
    reviewers: z.array(
      z.object({
        reviewerId: z.string(),
        comparisons: z.number(),
        meanSignedDeviation: z.nullable(z.number()),
        meanAbsoluteDeviation: z.nullable(z.number()),
      }),
    ),
    criteria: z.array(
      z.object({
        criterionId: z.string(),
        applications: z.number(),
        differedBy1: z.number(),
        differedBy2: z.number(),
        rateDifferBy1OrMore: z.nullable(z.number()),
        rateDifferBy2OrMore: z.nullable(z.number()),
      }),
    ),
  }),
);

export const listReviewersRoute = route({
  id: 'listReviewers',
  method: 'GET',
  path: '/reviewers',
  fn: ROSTER,
  auth: 'jwt',
  summary: 'The reviewer pool by name (staff)',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(reviewerProfileView()),
  }),
});

export const getReviewerRoute = route({
  id: 'getReviewer',
  method: 'GET',
  path: '/reviewers/{personSub}',
  fn: ROSTER,
  auth: 'jwt',
  summary: "A reviewer's profile: conflicts, sectors, availability, load (staff)",
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ personSub: personSub() }),
    response: reviewerProfileView(),
  }),
});

export const putReviewerRoute = route({
  id: 'putReviewer',
  otherSuccess: { 201: 'Created: the person joined the reviewer pool' },
  ifNoneMatch: true,
  method: 'PUT',
  path: '/reviewers/{personSub}',
  fn: ROSTER,
  auth: 'jwt',
  summary: 'Create (If-None-Match: *) or update (If-Match) a reviewer profile (staff)',
  description: 'The open-assignment count is kept by the workflow and never set here.',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ personSub: personSub() }),
    body: z.strictObject({
      name: z.optional(text(1, 200)),
      email: z.optional(email()),
      districtId: z.optional(idSchema('district')),
      sectors: sectorsSchema(),
      conflicts: conflictsSchema(),
      available: z.boolean(),
      unavailable: unavailableSchema(),
      maxOpenAssignments: z.int().check(z.minimum(0), z.maximum(50)),
      leadEligible: z.boolean(),
      active: z.boolean(),
      version: z.optional(versionField(0)),
    }),
    response: reviewerProfileView(),
  }),
  ifMatch: true,
});

export const reviewQueueRoute = route({
  id: 'reviewQueue',
  method: 'GET',
  path: '/review-queue',
  fn: ROSTER,
  auth: 'jwt',
  summary: 'Review rounds at a stage, longest waiting first (staff)',
  description: 'Stages: assigning (a seat waits for staff; the default), reviewing, adjudication, decision, decided, withdrawn, failed.',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), stage: z.optional(z.enum(reviewStages)) }),
    response: pageOf(
      z.object({
        applicationId: z.string(),
        pathwayId: z.string(),
        pathwayName: z.string(),
        level: z.string(),
        round: z.number(),
        stage: z.string(),
        stageSince: z.string(),
        failure: z.optional(reviewFailureView()),
      }),
    ),
  }),
});

export const calibrationRoute = route({
  id: 'reviewCalibration',
  method: 'GET',
  path: '/review-calibration',
  fn: ROSTER,
  auth: 'jwt',
  summary: "Reviewer calibration: each reviewer's strictness against co-reviewers, each criterion's disagreement rate (staff)",
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ since: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}/))) }),
    response: calibration(),
  }),
});

export const staffAlertsRoute = route({
  id: 'reviewAlerts',
  method: 'GET',
  path: '/review-alerts',
  fn: ROSTER,
  auth: 'jwt',
  summary:
    'Staff alerts: failed workflows, seats nobody qualifies for, reviewers unseated by a conflict of interest, late reviews, adjudications (newest first)',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(z.object({ ...notificationFields(), recipient: z.string() })),
  }),
});

export const rosterRoutes = [listReviewersRoute, getReviewerRoute, putReviewerRoute, reviewQueueRoute, calibrationRoute, staffAlertsRoute];
