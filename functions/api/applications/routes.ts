/**
 * The certification journey: a pathway opens an application for a target, its team writes
 * a response per criterion of the pinned framework, the lead submits. Staff work the
 * queue; reviewers see the applications assigned to them.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { applicationStatuses } from '#core/application-status.ts';
import { NARRATIVE_MAX_CHARS } from '#core/completeness.ts';
import { evidenceKinds } from '#core/framework.ts';
import { applicationTargets, levels } from '#core/levels.ts';
import { route } from '#lib/route.ts';
import { actorView, idSchema, named, pageOf, pageQuery } from '#lib/schemas.ts';
import { outcomeHeadlineSchema } from '../outcomes/headline-schema.ts';
import { reviewFailureView } from '../reviews/schemas.ts';

/** A criterion id as frameworks define them (`RA-1.2`); checked before any lookup. */
export const CRITERION_ID = /^[A-Z]{2,5}-[1-9][0-9]?\.[1-9][0-9]?$/;
export const MAX_EVIDENCE_PER_RESPONSE = 20;

const applicationParams = /* @__PURE__ */ lazy(() => z.strictObject({ applicationId: idSchema('application') }));
const pathwayParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway') }));
const status = /* @__PURE__ */ lazy(() => z.enum(applicationStatuses));
const target = /* @__PURE__ */ lazy(() => z.enum(applicationTargets));

const application = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      pathwayId: z.string(),
      districtId: z.string(),
      schoolId: z.string(),
      pathwayName: z.string(),
      target: target(),
      level: z.enum(levels),
      renewal: z.boolean(),
      frameworkId: z.string(),
      frameworkVersion: z.string(),
      status: status(),
      /** The ETag: send it as If-Match to submit or withdraw. */
      version: z.number(),
      submissionNumber: z.number(),
      createdAt: z.string(),
      updatedAt: z.string(),
      statusChangedAt: z.string(),
      queuedAt: z.string(),
      submittedAt: z.optional(z.string()),
      withdrawnAt: z.optional(z.string()),
      /** Set when the decision was applied. */
      decidedAt: z.optional(z.string()),
      /** A renewal: the certification it renews. */
      renewalOf: z.optional(z.string()),
      /** Staff: the review workflow's last failure, until a restart clears it. */
      reviewFailure: z.optional(reviewFailureView()),
      createdBy: actorView(),
    }),
    'Application',
    {
      id: 'app_01JD0000000000000000000000',
      pathwayId: 'pw_01JD0000000000000000000000',
      districtId: 'dst_01JD0000000000000000000000',
      schoolId: 'sch_01JD0000000000000000000000',
      pathwayName: 'Engineering Academy',
      target: 'candidacy',
      level: 'candidacy',
      renewal: false,
      frameworkId: 'fw_01JD0000000000000000000000',
      frameworkVersion: '2026.1',
      status: 'draft',
      version: 1,
      submissionNumber: 0,
      createdAt: '2026-11-02T16:00:00.000Z',
      updatedAt: '2026-11-02T16:00:00.000Z',
      statusChangedAt: '2026-11-02T16:00:00.000Z',
      queuedAt: '2026-11-02T16:00:00.000Z',
      createdBy: { sub: '1b4e28ba-2fa1-51d2-883f-0016d3cca427', name: 'Lee Lead' },
    },
    'An application of a pathway for a certification level.',
  ),
);

const evidenceRef = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    evidenceId: idSchema('evidence'),
    /** The cited version of the evidence item; absent = its latest version. */
    version: z.optional(z.int().check(z.minimum(1), z.maximum(100_000))),
    kind: z.optional(z.enum(evidenceKinds)),
  }),
);

const response = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      applicationId: z.string(),
      criterionId: z.string(),
      narrative: z.string(),
      evidence: z.array(z.object({ evidenceId: z.string(), version: z.optional(z.number()), kind: z.optional(z.string()) })),
      /** The ETag of this response. */
      version: z.number(),
      createdAt: z.string(),
      updatedAt: z.string(),
      updatedBy: actorView(),
    }),
    'CriterionResponse',
    {
      applicationId: 'app_01JD0000000000000000000000',
      criterionId: 'WBL-1.1',
      narrative: 'Every student completes 40 hours of internship in grade 11.',
      evidence: [{ evidenceId: 'ev_01JD0000000000000000000000', version: 2, kind: 'artifact' }],
      version: 3,
      createdAt: '2026-11-03T10:00:00.000Z',
      updatedAt: '2026-11-05T10:00:00.000Z',
      updatedBy: { sub: '1b4e28ba-2fa1-51d2-883f-0016d3cca427', name: 'Lee Lead' },
    },
    "A pathway's response to one criterion of an application.",
  ),
);

export const openApplicationRoute = route({
  id: 'openApplication',
  errors: {
    409: { when: 'An application for the pathway is already open', codes: ['open_application_exists'] },
    422: {
      when: 'The pathway cannot apply for that level now',
      codes: [
        'requires_candidacy',
        'requires_silver',
        'already_at_level',
        'already_beyond_level',
        'level_not_renewable',
        'nothing_to_renew',
        'prerequisite_expired',
        'renewal_window_not_open',
        'unknown_target',
        'no_published_framework',
        'level_not_covered',
        'pathway_inactive',
      ],
    },
  },
  method: 'POST',
  path: '/pathways/{pathwayId}/applications',
  fn: 'applications',
  auth: 'jwt',
  summary: 'Open an application (pathway lead, staff)',
  description:
    'Candidacy first; silver requires candidacy; gold requires silver; renewal within the renewal window or after expiry. One open application per pathway (409). Failing rules answer 422 listing every reason. Pins `frameworkId` (default: the published version with the highest version number).',
  tags: ['Applications'],
  schemas: () => ({
    params: pathwayParams(),
    body: z.strictObject({ target: target(), frameworkId: z.optional(idSchema('framework')) }),
    response: application(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listPathwayApplicationsRoute = route({
  id: 'listPathwayApplications',
  method: 'GET',
  path: '/pathways/{pathwayId}/applications',
  fn: 'applications',
  auth: 'jwt',
  summary: "A pathway's applications, newest first",
  tags: ['Applications'],
  schemas: () => ({
    params: pathwayParams(),
    query: z.strictObject({ ...pageQuery(), status: z.optional(status()), target: z.optional(target()) }),
    response: pageOf(application()),
  }),
});

export const listApplicationsRoute = route({
  id: 'listApplications',
  method: 'GET',
  path: '/applications',
  fn: 'applications',
  auth: 'jwt',
  summary: 'The staff queue (by status, oldest first), or a reviewer\u2019s assigned applications',
  description:
    'Staff: applications in `status` (default submitted), longest waiting first. Reviewers: the applications they are assigned to while the assignment is active (optionally filtered by status). Others: 403.',
  tags: ['Applications'],
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), status: z.optional(status()), target: z.optional(target()) }),
    response: pageOf(
      z.object({
        ...application().shape,
        assignment: z.optional(z.object({ role: z.string(), assignedAt: z.string(), dueAt: z.optional(z.string()) })),
      }),
    ),
  }),
});

export const getApplicationRoute = route({
  id: 'getApplication',
  method: 'GET',
  path: '/applications/{applicationId}',
  fn: 'applications',
  auth: 'jwt',
  summary: 'An application with all its responses',
  description:
    'Responses exist only for criteria written at least once; a missing one has version 0. For reviewers and staff, ' +
    "`outcomes` is the pathway's latest outcome headline (suppressed for reviewers; null when nothing was reported).",
  tags: ['Applications'],
  schemas: () => ({
    params: applicationParams(),
    response: z.object({
      ...application().shape,
      responses: z.array(response()),
      outcomes: z.optional(z.nullable(outcomeHeadlineSchema())),
    }),
  }),
});

export const putResponseRoute = route({
  id: 'putApplicationResponse',
  otherSuccess: { 201: 'Created: the first version of this response' },
  ifNoneMatch: true,
  errors: {
    409: { when: 'The application is not editable now', codes: ['invalid_transition'] },
    422: {
      when: 'The criterion is not assessed at the application\u2019s level',
      codes: ['criterion_not_applicable', 'framework_not_published'],
    },
  },
  method: 'PUT',
  path: '/applications/{applicationId}/responses/{criterionId}',
  fn: 'applications',
  auth: 'jwt',
  summary: 'Write the response to one criterion (pathway lead and members, while draft or revise and resubmit)',
  description:
    'Optimistic concurrency per response: `If-Match: "<version>"` (or `version` in the body) with the version you edited; to create the first version send `If-None-Match: *` or version 0. A stale version answers 412 with `currentVersion` and `current` (the response as it is now). 201 when created, 200 when replaced. An unknown criterion is 404; one not assessed at the application\u2019s level is 422. Evidence ids are typed references; they are checked against evidence items once those exist.',
  tags: ['Applications'],
  schemas: () => ({
    params: z.strictObject({
      applicationId: idSchema('application'),
      criterionId: z.string().check(z.regex(CRITERION_ID, { error: 'must be a criterion id such as RA-1.2' })),
    }),
    body: z.strictObject({
      narrative: z.string().check(z.maxLength(NARRATIVE_MAX_CHARS)),
      evidence: z.optional(
        z.array(evidenceRef()).check(
          z.maxLength(MAX_EVIDENCE_PER_RESPONSE),
          z.refine((refs) => new Set(refs.map((r) => `${r.evidenceId}@${r.version ?? ''}`)).size === refs.length, {
            error: 'cites the same evidence twice',
          }),
        ),
      ),
      version: z.optional(z.int().check(z.minimum(0), z.maximum(1_000_000_000))),
    }),
    response: response(),
  }),
  ifMatch: true,
});

export const submitApplicationRoute = route({
  id: 'submitApplication',
  errors: {
    409: { when: 'The application is not in a state that can be submitted', codes: ['invalid_transition', 'actor_not_allowed'] },
    422: { when: 'The application is incomplete', codes: ['missing_narrative', 'missing_evidence', 'unknown_criterion'] },
  },
  method: 'POST',
  path: '/applications/{applicationId}/submit',
  fn: 'submissions',
  auth: 'jwt',
  summary: 'Submit (pathway lead only)',
  description:
    'Checks completeness for the level against the pinned framework: 422 lists every gap as an `errors` entry with field `responses.<criterionId>`. Needs If-Match with the application version; accepts Idempotency-Key.',
  tags: ['Applications'],
  schemas: () => ({
    params: applicationParams(),
    response: application(),
  }),
  idempotent: true,
  ifMatch: true,
});

export const withdrawApplicationRoute = route({
  id: 'withdrawApplication',
  errors: {
    409: { when: 'The application can no longer be withdrawn', codes: ['invalid_transition', 'actor_not_allowed'] },
  },
  method: 'POST',
  path: '/applications/{applicationId}/withdraw',
  fn: 'submissions',
  auth: 'jwt',
  summary: 'Withdraw (pathway lead, staff); frees the pathway to open another application',
  tags: ['Applications'],
  schemas: () => ({
    params: applicationParams(),
    response: application(),
  }),
  ifMatch: true,
});

export const applicationRoutes = [
  openApplicationRoute,
  listPathwayApplicationsRoute,
  listApplicationsRoute,
  getApplicationRoute,
  putResponseRoute,
  submitApplicationRoute,
  withdrawApplicationRoute,
];
