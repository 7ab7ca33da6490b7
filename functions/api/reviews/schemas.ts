/**
 * Schemas the review routes share (no route specs here, so importing them does not bundle
 * another group's routes).
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { actorView, idSchema, named, text } from '#lib/schemas.ts';

/** Subjects are UUIDs (Cognito's `sub`; the dev issuer derives the same shape). */
export const personSub = () =>
  z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be a person id (a UUID)' }));

export const CRITERION_ID = /^[A-Z]{2,5}-[1-9][0-9]?\.[1-9][0-9]?$/;
export const MAX_SCORES = 200;
export const MAX_COMMENT = 4000;

export const scoreSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    criterionId: z.string().check(z.regex(CRITERION_ID, { error: 'must be a criterion id such as RA-1.2' })),
    level: z.string().check(z.regex(/^[a-z][a-z_]{0,29}$/, { error: 'must be a rubric level such as meeting' })),
    comment: z.optional(text(0, MAX_COMMENT)),
  }),
);

const dateOrInstant = /* @__PURE__ */ lazy(() =>
  z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, { error: 'must be a date (YYYY-MM-DD) or an ISO instant' })),
);
export const unavailableSchema = /* @__PURE__ */ lazy(() =>
  z.array(z.strictObject({ from: dateOrInstant(), to: dateOrInstant() })).check(z.maxLength(50)),
);
export const conflictsSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    districtIds: z.array(idSchema('district')).check(z.maxLength(50)),
    pathwayIds: z.array(idSchema('pathway')).check(z.maxLength(100)),
  }),
);
export { sectorsSchema } from './sectors.ts';

// Answers (documentation only: the handlers do not validate what they send) ------------

const scoreView = /* @__PURE__ */ lazy(() => z.object({ criterionId: z.string(), level: z.string(), comment: z.optional(z.string()) }));

export const reviewView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      applicationId: z.string(),
      round: z.number(),
      seat: z.number(),
      role: z.enum(['lead', 'co-reviewer']),
      status: z.string(),
      assignedAt: z.string(),
      dueAt: z.optional(z.string()),
      submittedAt: z.optional(z.string()),
      scores: z.array(scoreView()),
      /** The ETag: send it as If-Match to save a draft or submit. */
      version: z.number(),
    }),
    'Review',
    {
      id: 'rv_01JD0000000000000000000000',
      applicationId: 'app_01JD0000000000000000000000',
      round: 1,
      seat: 1,
      role: 'lead',
      status: 'draft',
      assignedAt: '2026-11-02T16:00:00.000Z',
      dueAt: '2026-11-16T16:00:00.000Z',
      scores: [{ criterionId: 'RA-1.1', level: 'meeting', comment: 'Clear sequence of courses.' }],
      version: 2,
    },
    "A reviewer's scoring of one application in one round.",
  ),
);

export const reviewerProfileView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      sub: z.string(),
      name: z.optional(z.string()),
      email: z.optional(z.string()),
      districtId: z.optional(z.string()),
      sectors: z.array(z.string()),
      conflicts: z.object({ districtIds: z.array(z.string()), pathwayIds: z.array(z.string()) }),
      available: z.boolean(),
      unavailable: z.array(z.object({ from: z.string(), to: z.string() })),
      maxOpenAssignments: z.number(),
      openAssignments: z.number(),
      leadEligible: z.boolean(),
      active: z.boolean(),
      version: z.number(),
      createdAt: z.string(),
      updatedAt: z.string(),
    }),
    'ReviewerProfile',
    {
      sub: '700737c7-0d80-53c8-a27b-181973e8d278',
      name: 'Ana',
      email: 'ana@example.org',
      sectors: ['engineering_architecture'],
      conflicts: { districtIds: [], pathwayIds: [] },
      available: true,
      unavailable: [],
      maxOpenAssignments: 3,
      openAssignments: 1,
      leadEligible: true,
      active: true,
      version: 1,
      createdAt: '2026-11-01T09:00:00.000Z',
      updatedAt: '2026-11-01T09:00:00.000Z',
    },
  ),
);

export const reviewSessionView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      applicationId: z.string(),
      startsAt: z.string(),
      durationMinutes: z.number(),
      meetingUrl: z.string(),
      agenda: z.optional(z.string()),
      participants: z.optional(z.string()),
      createdBy: z.object({ sub: z.string(), name: z.optional(z.string()) }),
      createdAt: z.string(),
    }),
    'ReviewSession',
    {
      id: 'ses_01JD0000000000000000000000',
      applicationId: 'app_01JD0000000000000000000000',
      startsAt: '2026-11-20T17:00:00.000Z',
      durationMinutes: 60,
      meetingUrl: 'https://meet.example.org/pathcert-review',
      agenda: 'Student panel, then teachers',
      createdBy: { sub: '1b4e28ba-2fa1-51d2-883f-0016d3cca427', name: 'Staff' },
      createdAt: '2026-11-10T09:00:00.000Z',
    },
  ),
);

/** Why a round's workflow stopped (the Catch's record, or the status-change event's). */
export const reviewFailureView = /* @__PURE__ */ lazy(() =>
  z.object({
    error: z.string(),
    cause: z.string(),
    at: z.string(),
    execution: z.string(),
    /** How the execution ended, when it ended outside the definition's Catch. */
    status: z.optional(z.enum(['FAILED', 'TIMED_OUT', 'ABORTED'])),
    stoppedAt: z.optional(z.string()),
  }),
);

/** A review as staff see it: who holds it, reminders, recusal. */
export const staffReviewView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      seat: z.number(),
      reviewerSub: z.string(),
      reviewerName: z.optional(z.string()),
      role: z.string(),
      status: z.string(),
      assignedAt: z.string(),
      assignedBy: z.optional(z.string()),
      dueAt: z.optional(z.string()),
      /** Reminders already sent, as days before the due date. */
      remindersSent: z.optional(z.array(z.number())),
      reassignedCount: z.optional(z.number()),
      escalated: z.optional(z.boolean()),
      submittedAt: z.optional(z.string()),
      recusal: z.optional(z.looseObject({ reason: z.optional(z.string()), at: z.optional(z.string()) })),
      /** Why the seat was vacated for a conflict of interest that arose mid-review (exclusion codes). */
      conflict: z.optional(z.array(z.string())),
      scores: z.array(scoreView()),
      version: z.number(),
    }),
    'StaffReview',
  ),
);

const decisionLetter = /* @__PURE__ */ lazy(() =>
  z.looseObject({
    summary: z.string(),
    strengths: z.array(z.string()),
    areasForGrowth: z.array(z.object({ componentId: z.string(), text: z.string() })),
  }),
);

/** The decision on a round, as recorded by staff (and, once applied, what it did). */
export const decisionView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      applicationId: z.string(),
      pathwayId: z.optional(z.string()),
      round: z.number(),
      level: z.string(),
      decision: z.string(),
      letter: decisionLetter(),
      requiredChanges: z.array(z.object({ criterionId: z.string(), change: z.string() })),
      recommendation: z.optional(z.string()),
      decidedBy: z.optional(actorView()),
      decidedAt: z.string(),
      /** What applying the decision did; null (GET) or absent until the workflow applied it. */
      applied: z.optional(
        z.nullable(
          z.object({
            at: z.string(),
            certificationId: z.optional(z.string()),
            issuedOn: z.optional(z.string()),
            expiresOn: z.optional(z.string()),
            /** The network benefits the certification unlocked or lost (issue 19), when any changed. */
            benefits: z.optional(
              z.object({
                pathwayId: z.string(),
                districtId: z.string(),
                certificationId: z.string(),
                cause: z.string(),
                previousLevel: z.nullable(z.string()),
                level: z.nullable(z.string()),
                unlocked: z.array(z.string()),
                lost: z.array(z.string()),
              }),
            ),
          }),
        ),
      ),
      /** Staff (the review round): when each of the decision's events was published. */
      events: z.optional(
        z.object({
          decisionMade: z.optional(z.string()),
          certificationIssued: z.optional(z.string()),
          benefitsChanged: z.optional(z.string()),
        }),
      ),
      /** GET only: the Markdown letter's path. */
      letterUrl: z.optional(z.string()),
    }),
    'Decision',
    {
      applicationId: 'app_01JD0000000000000000000000',
      round: 1,
      level: 'candidacy',
      decision: 'certified',
      letter: {
        summary: 'The pathway has built a coherent sequence with strong partners.',
        strengths: ['Integrated projects every year'],
        areasForGrowth: [{ componentId: 'WBL', text: 'Extend internships to every student.' }],
      },
      requiredChanges: [],
      decidedAt: '2026-12-06T04:26:54.529Z',
      applied: {
        at: '2026-12-06T04:26:54.654Z',
        certificationId: 'cert_01JD0000000000000000000000',
        issuedOn: '2026-12-06',
        expiresOn: '2028-12-06',
      },
      letterUrl: '/applications/app_01JD0000000000000000000000/decision/letter',
    },
  ),
);

/** A criterion's final score set by staff, with the reason. */
export const adjudicationView = /* @__PURE__ */ lazy(() =>
  z.looseObject({ level: z.string(), reason: z.string(), at: z.string(), by: actorView() }),
);

/** One review round of an application: the stored round (its stage, adjudications, aggregate). */
export const reviewRoundView = /* @__PURE__ */ lazy(() =>
  named(
    z.looseObject({
      applicationId: z.string(),
      pathwayId: z.string(),
      districtId: z.string(),
      schoolId: z.string(),
      pathwayName: z.string(),
      round: z.number(),
      level: z.string(),
      frameworkId: z.string(),
      frameworkVersion: z.string(),
      seats: z.number(),
      stage: z.string(),
      stageSince: z.string(),
      createdAt: z.string(),
      updatedAt: z.string(),
      executions: z.array(z.string()),
      executionArn: z.optional(z.string()),
      snapshotAt: z.optional(z.string()),
      adjudications: z.record(z.string(), adjudicationView()),
      aggregate: z.optional(z.record(z.string(), z.unknown())),
      aggregatedAt: z.optional(z.string()),
      waitingFor: z.optional(z.string()),
      waitingSince: z.optional(z.string()),
      failure: z.optional(reviewFailureView()),
    }),
    'ReviewRound',
  ),
);

export const executionView = /* @__PURE__ */ lazy(() =>
  z.looseObject({
    executionArn: z.string(),
    name: z.string(),
    status: z.string(),
    startDate: z.optional(z.string()),
    stopDate: z.optional(z.string()),
  }),
);

/** What the running workflow made of the change: its waiting task answered, gone, or none waiting. */
export const workflowAnswer = /* @__PURE__ */ lazy(() => z.enum(['answered', 'gone', 'not-waiting']));
