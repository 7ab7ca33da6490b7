/**
 * Staff's review office: the reviewer pool, the review queue by stage, each application's
 * review round (seats, reviews, aggregate, execution status and history), hand
 * assignment, adjudication, the decision, starting or restarting the workflow, and the
 * calibration report.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { route } from '#lib/route.ts';
import { idSchema, integerQuery, text } from '#lib/schemas.ts';
import {
  CRITERION_ID,
  decisionView,
  executionView,
  personSub,
  adjudicationView,
  reviewFailureView,
  reviewRoundView,
  staffReviewView,
  workflowAnswer,
} from '../reviews/schemas.ts';

const TAGS = ['Review office'];
const FN = 'reviewOffice' as const;
const applicationParams = /* @__PURE__ */ lazy(() => z.strictObject({ applicationId: idSchema('application') }));
const criterionId = () => z.string().check(z.regex(CRITERION_ID, { error: 'must be a criterion id such as RA-1.2' }));
const rubricLevel = () => z.string().check(z.regex(/^[a-z][a-z_]{0,29}$/, { error: 'must be a rubric level such as meeting' }));

export const getReviewRoundRoute = route({
  id: 'getReviewRound',
  errors: { 409: 'The application has not been submitted yet; it has no review round' },
  method: 'GET',
  path: '/applications/{applicationId}/review-round',
  fn: FN,
  auth: 'jwt',
  summary: "An application's current review round: seats, reviews, aggregate, decision and the workflow's status (staff)",
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    query: z.strictObject({ round: z.optional(integerQuery(/^\d{1,4}$/, { minimum: 0, maximum: 9999 })) }),
    response: z.object({
      application: z.object({
        id: z.string(),
        status: z.string(),
        submissionNumber: z.number(),
        reviewFailure: z.optional(reviewFailureView()),
      }),
      round: reviewRoundView(),
      seats: z.array(
        z.object({
          seat: z.number(),
          role: z.string(),
          reassignments: z.number(),
          /** What the seat waits for; null once its review is submitted. */
          waitingFor: z.nullable(z.enum(['review', 'staff-assignment'])),
          review: z.nullable(staffReviewView()),
        }),
      ),
      reviews: z.array(staffReviewView()),
      decision: z.optional(decisionView()),
      execution: z.nullable(executionView()),
    }),
  }),
});

export const getReviewHistoryRoute = route({
  id: 'getReviewWorkflowHistory',
  method: 'GET',
  path: '/applications/{applicationId}/review-round/history',
  fn: FN,
  auth: 'jwt',
  summary: "The review workflow execution's history, from Step Functions (staff)",
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    query: z.strictObject({ execution: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/))) }),
    response: z.object({
      execution: z.nullable(executionView()),
      executions: z.array(z.string()),
      events: z.array(z.looseObject({ id: z.number(), at: z.string(), type: z.string(), state: z.optional(z.string()) })),
    }),
  }),
});

export const startReviewRoute = route({
  id: 'startReviewWorkflow',
  errors: {
    409: {
      when: 'Nothing to review (decided, withdrawn or not submitted), or an execution is still running',
      codes: ['review_running', 'already_decided', 'withdrawn', 'not_submitted'],
    },
  },
  method: 'POST',
  path: '/applications/{applicationId}/review-round/start',
  fn: FN,
  auth: 'jwt',
  summary: "Start or restart the application's review workflow (staff)",
  description:
    'Starts `<applicationId>-<submission>` if it never ran, otherwise a restart `-r<n>`; the new execution resumes from the table (kept assignments and submitted reviews, nothing assigned or notified twice). 409 with `code` `review_running` while an execution is still running, `already_decided` once decided, `withdrawn` or `not_submitted`.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    response: z.object({ executionName: z.string(), executionArn: z.string(), started: z.boolean() }),
  }),
  successStatus: 202,
});

export const assignSeatRoute = route({
  id: 'assignReviewSeat',
  errors: {
    409: 'The application is not in review, or the seat is taken',
    422: {
      when: 'The person cannot take the seat',
      codes: ['not_a_reviewer', 'already-assigned', 'previously-recused', 'at-capacity', 'not-lead-eligible', 'lead-already-assigned'],
    },
  },
  method: 'PUT',
  path: '/applications/{applicationId}/review-round/seats/{seat}',
  fn: FN,
  auth: 'jwt',
  summary: 'Assign (or replace) the reviewer of a seat by hand (staff)',
  description:
    'Checked against the same rules as automatic assignment: conflicts of interest and earlier recusals can never be overridden; a load limit or a recorded absence can, each with its own flag. A seat whose review is submitted cannot be reassigned (409).',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({
      applicationId: idSchema('application'),
      seat: integerQuery(/^[1-9]\d?$/, { minimum: 1, maximum: 99 }, 'must be a seat number'),
    }),
    body: z.strictObject({
      reviewerSub: personSub(),
      role: z.optional(z.enum(['lead', 'co-reviewer'])),
      override: z.optional(z.strictObject({ load: z.optional(z.boolean()), availability: z.optional(z.boolean()) })),
      reason: z.optional(text(3, 1000)),
    }),
    response: z.object({
      review: staffReviewView(),
      /** Rules the assignment knowingly went past (load limit, recorded absence). */
      overridden: z.array(z.object({ code: z.string(), message: z.string() })),
      workflow: workflowAnswer(),
    }),
  }),
});

export const adjudicateRoute = route({
  id: 'adjudicateReview',
  errors: {
    409: 'The round is not open for adjudication',
    422: { when: 'A score names a criterion or level not on the rubric', codes: ['unknown_criterion', 'invalid_level'] },
  },
  method: 'POST',
  path: '/applications/{applicationId}/review-round/adjudications',
  fn: FN,
  auth: 'jwt',
  summary: 'Set the final score of criteria the reviewers disagree on, with reasons (staff)',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    body: z.strictObject({
      adjudications: z
        .array(z.strictObject({ criterionId: criterionId(), level: rubricLevel(), reason: text(3, 2000) }))
        .check(z.minLength(1), z.maxLength(200)),
    }),
    response: z.object({
      adjudications: z.record(z.string(), adjudicationView()),
      /** Criteria still waiting for adjudication; the workflow moves on when none are left. */
      stillNeeded: z.array(z.string()),
      workflow: workflowAnswer(),
    }),
  }),
});

export const decideRoute = route({
  id: 'decideApplication',
  errors: {
    409: 'The application is not awaiting a decision, or was decided already',
    422: { when: 'The decision does not fit the round', codes: ['invalid_level', 'required'] },
  },
  method: 'POST',
  path: '/applications/{applicationId}/decision',
  fn: FN,
  auth: 'jwt',
  summary: 'Decide: certify, revise and resubmit, or not yet, with the letter to the team (staff)',
  description:
    'Only while the application is decision pending. Revise and resubmit needs `requiredChanges` (per criterion). The workflow applies the decision (status, certification, pathway level, directory, events); 202 with the decision recorded, 409 when one exists.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    body: z.strictObject({
      decision: z.enum(['certified', 'revise_and_resubmit', 'not_yet']),
      letter: z.strictObject({
        summary: text(1, 5000),
        strengths: z.array(text(1, 2000)).check(z.maxLength(30)),
        areasForGrowth: z
          .array(z.strictObject({ componentId: z.string().check(z.regex(/^[A-Z]{2,5}$/)), text: text(1, 4000) }))
          .check(z.maxLength(30)),
      }),
      requiredChanges: z.optional(z.array(z.strictObject({ criterionId: criterionId(), change: text(1, 2000) })).check(z.maxLength(200))),
    }),
    response: z.object({ decision: decisionView(), workflow: workflowAnswer() }),
  }),
  successStatus: 202,
});

export const decisionRoutes = [getReviewRoundRoute, getReviewHistoryRoute, startReviewRoute, assignSeatRoute, adjudicateRoute, decideRoute];
