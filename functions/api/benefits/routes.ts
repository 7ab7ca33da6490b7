/**
 * Network benefits unlocked by certification level (issue 19) and staff withdrawal of a
 * certification: the catalog (staff keep it, versioned and audited), a pathway's benefits,
 * requests for capacity-limited benefits, and the staff report. docs/benefits.md.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { benefitKinds, capacityPeriods, requestStatuses } from '#core/benefits.ts';
import { levels } from '#core/levels.ts';
import { route } from '#lib/route.ts';
import { actorView, idSchema, isoDate, named, pageOf, pageQuery, text } from '#lib/schemas.ts';
import { auditEventSchema } from '../audit/schemas.ts';
import { certificationView } from '../threads/schemas.ts';

const FN = 'benefits' as const;
const TAGS = ['Benefits'];

const benefitParams = /* @__PURE__ */ lazy(() => z.strictObject({ benefitId: idSchema('benefit') }));
const pathwayParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway') }));
const requestParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway'), requestId: idSchema('benefitRequest') }));

const capacity = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    /** Units one pathway may hold (requested or approved) per window. */
    perPathway: z.int().check(z.minimum(1), z.maximum(10_000)),
    /** `year`: per calendar year of the request; `total`: once for the life of the benefit. */
    period: z.enum(capacityPeriods),
  }),
);

export const benefitContentSchema = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      title: text(1, 200),
      description: text(1, 4000),
      kind: z.enum(benefitKinds),
      /** The lowest level that unlocks it. */
      minLevel: z.enum(levels),
      /** Absent: the benefit comes with the level and is not requested. */
      capacity: z.optional(capacity()),
      /** Requests are accepted from this day (inclusive). */
      availableFrom: z.optional(isoDate()),
      /** ... until this day (inclusive). */
      availableUntil: z.optional(isoDate()),
      active: z.boolean(),
    })
    .check(
      z.refine((b) => !b.availableFrom || !b.availableUntil || b.availableFrom <= b.availableUntil, {
        error: 'must not be before availableFrom',
        path: ['availableUntil'],
      }),
    ),
);

const benefitView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      kind: z.enum(benefitKinds),
      minLevel: z.enum(levels),
      capacity: z.optional(z.object({ perPathway: z.number(), period: z.enum(capacityPeriods) })),
      availableFrom: z.optional(z.string()),
      availableUntil: z.optional(z.string()),
      active: z.boolean(),
      /** The ETag: bumped by every change. */
      revision: z.number(),
      createdAt: z.string(),
      updatedAt: z.string(),
    }),
    'Benefit',
    {
      id: 'ben_01JD0000000000000000000000',
      title: 'Student scholarship nominations',
      description: 'Nominate graduating students for the network scholarship fund.',
      kind: 'scholarship',
      minLevel: 'silver',
      capacity: { perPathway: 3, period: 'year' },
      active: true,
      revision: 1,
      createdAt: '2026-12-06T09:00:00.000Z',
      updatedAt: '2026-12-06T09:00:00.000Z',
    },
  ),
);

const requestView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      pathwayId: z.string(),
      districtId: z.string(),
      benefitId: z.string(),
      benefitTitle: z.string(),
      units: z.number(),
      /** The capacity window it counts against: the calendar year, or `ALL`. */
      window: z.string(),
      note: z.optional(z.string()),
      status: z.enum(requestStatuses),
      createdAt: z.string(),
      requestedBy: actorView(),
      decidedAt: z.optional(z.string()),
      decidedBy: z.optional(actorView()),
      decisionNote: z.optional(z.string()),
    }),
    'BenefitRequest',
  ),
);

const pathwayBenefitsView = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      pathwayId: z.string(),
      /** The level the benefits follow (the pathway's standing); null when it holds none. */
      level: z.nullable(z.enum(levels)),
      /** When and why the benefits last changed; absent before the first change. */
      changedAt: z.optional(z.string()),
      cause: z.optional(z.object({ kind: z.enum(['issued', 'expired', 'withdrawn']), certificationId: z.string() })),
      /** Active benefits the level unlocks, with the units left in the current window for capacity-limited ones. */
      benefits: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          kind: z.enum(benefitKinds),
          minLevel: z.enum(levels),
          capacity: z.optional(
            z.object({
              perPathway: z.number(),
              period: z.enum(capacityPeriods),
              window: z.string(),
              used: z.number(),
              remaining: z.number(),
            }),
          ),
        }),
      ),
    }),
    'PathwayBenefits',
  ),
);

export const listBenefitsRoute = route({
  id: 'listBenefits',
  method: 'GET',
  path: '/benefits',
  fn: FN,
  auth: 'jwt',
  summary: 'The network benefit catalog by title',
  description: 'Active benefits for every signed-in caller; staff also see inactive ones with `includeInactive=true`.',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), includeInactive: z.optional(z.enum(['true', 'false'])) }),
    response: pageOf(benefitView()),
  }),
});

export const getBenefitRoute = route({
  id: 'getBenefit',
  method: 'GET',
  path: '/benefits/{benefitId}',
  fn: FN,
  auth: 'jwt',
  summary: 'A catalog entry (ETag: its revision); an inactive one is visible to staff only',
  tags: TAGS,
  schemas: () => ({
    params: benefitParams(),
    response: benefitView(),
  }),
});

export const createBenefitRoute = route({
  id: 'createBenefit',
  method: 'POST',
  path: '/benefits',
  fn: FN,
  auth: 'jwt',
  summary: 'Add a benefit to the catalog (staff)',
  description:
    "Audited under the benefit. Pathways already at the level see it at once; the change of a pathway's benefits is announced only when its standing changes.",
  tags: TAGS,
  schemas: () => ({
    body: benefitContentSchema(),
    response: benefitView(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const replaceBenefitRoute = route({
  id: 'replaceBenefit',
  method: 'PUT',
  path: '/benefits/{benefitId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Replace a catalog entry (staff), naming the revision edited in If-Match',
  description:
    'Every change bumps the revision and writes an audit event with the fields changed. Deactivate with `active: false`; entries are never deleted, so requests keep their benefit.',
  tags: TAGS,
  schemas: () => ({
    params: benefitParams(),
    body: benefitContentSchema(),
    response: benefitView(),
  }),
  ifMatch: true,
});

export const benefitHistoryRoute = route({
  id: 'listBenefitAudit',
  method: 'GET',
  path: '/benefits/{benefitId}/audit',
  fn: FN,
  auth: 'jwt',
  summary: "A catalog entry's audit trail, oldest first (staff)",
  tags: TAGS,
  schemas: () => ({
    params: benefitParams(),
    query: z.strictObject({ ...pageQuery(), order: z.optional(z.enum(['oldest', 'newest'])) }),
    response: pageOf(auditEventSchema()),
  }),
});

export const pathwayBenefitsRoute = route({
  id: 'getPathwayBenefits',
  method: 'GET',
  path: '/pathways/{pathwayId}/benefits',
  fn: FN,
  auth: 'jwt',
  summary: "The benefits a pathway's level unlocks, with the places left of capacity-limited ones",
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    response: pathwayBenefitsView(),
  }),
});

export const createRequestRoute = route({
  id: 'requestBenefit',
  errors: {
    409: {
      when: "The pathway's capacity for the window is taken, or the benefit changed meanwhile",
      codes: ['capacity_exhausted', 'benefit_changed'],
    },
    422: {
      when: 'The pathway is below the level, the benefit is inactive, not requestable, outside its window, or more units than a pathway may hold',
      codes: ['level_too_low', 'benefit_inactive', 'not_requestable', 'outside_window', 'too_many_units', 'unknown_benefit'],
    },
  },
  method: 'POST',
  path: '/pathways/{pathwayId}/benefit-requests',
  fn: FN,
  auth: 'jwt',
  summary: 'Request units of a capacity-limited benefit (team or district lead)',
  description:
    'Takes the units at once (within capacity, counted per pathway and window under a condition); staff approve or decline. Send Idempotency-Key to retry safely.',
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    body: z.strictObject({
      benefitId: idSchema('benefit'),
      units: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))),
      note: z.optional(text(1, 2000)),
    }),
    response: requestView(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listRequestsRoute = route({
  id: 'listPathwayBenefitRequests',
  method: 'GET',
  path: '/pathways/{pathwayId}/benefit-requests',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's benefit requests, newest first",
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(requestView()),
  }),
});

export const decideRequestRoute = route({
  id: 'decideBenefitRequest',
  errors: { 409: { when: 'The request is no longer waiting (decided or withdrawn)', codes: ['not_requested'] } },
  method: 'POST',
  path: '/pathways/{pathwayId}/benefit-requests/{requestId}/decision',
  fn: FN,
  auth: 'jwt',
  summary: 'Approve or decline a request (staff); a declined request gives its units back',
  tags: TAGS,
  schemas: () => ({
    params: requestParams(),
    body: z.strictObject({ decision: z.enum(['approved', 'declined']), note: z.optional(text(1, 2000)) }),
    response: requestView(),
  }),
});

export const withdrawRequestRoute = route({
  id: 'withdrawBenefitRequest',
  errors: { 409: { when: 'The request is no longer waiting (decided or withdrawn)', codes: ['not_requested'] } },
  method: 'POST',
  path: '/pathways/{pathwayId}/benefit-requests/{requestId}/withdraw',
  fn: FN,
  auth: 'jwt',
  summary: 'Withdraw a waiting request (team or district lead); its units are given back',
  tags: TAGS,
  schemas: () => ({
    params: requestParams(),
    response: requestView(),
  }),
});

export const requestQueueRoute = route({
  id: 'listBenefitRequests',
  method: 'GET',
  path: '/benefit-requests',
  fn: FN,
  auth: 'jwt',
  summary: 'Benefit requests of one status across the network, oldest first (staff)',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), status: z.optional(z.enum(requestStatuses)) }),
    response: pageOf(requestView()),
  }),
});

export const benefitReportRoute = route({
  id: 'getBenefitReport',
  method: 'GET',
  path: '/reports/benefits',
  fn: FN,
  auth: 'jwt',
  summary: 'Staff report: pathways and students reached by each benefit, requests and units by status',
  description:
    '`scholarshipStudents` counts the enrollment of active pathways whose level unlocks an active scholarship benefit. Computed on request from the registry and the requests.',
  tags: TAGS,
  schemas: () => ({
    response: named(
      z.object({
        computedAt: z.string(),
        scholarshipPathways: z.number(),
        scholarshipStudents: z.number(),
        benefits: z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            kind: z.enum(benefitKinds),
            minLevel: z.enum(levels),
            active: z.boolean(),
            pathways: z.number(),
            students: z.number(),
            requests: z.object(
              Object.fromEntries(requestStatuses.map((s) => [s, z.number()])) as Record<(typeof requestStatuses)[number], z.ZodMiniNumber>,
            ),
            unitsHeld: z.number(),
          }),
        ),
      }),
      'BenefitReport',
    ),
  }),
});

export const withdrawCertificationRoute = route({
  id: 'withdrawCertification',
  errors: { 409: { when: 'The certification is not active (renewed, expired or already withdrawn)', codes: ['not_active'] } },
  method: 'POST',
  path: '/pathways/{pathwayId}/certifications/{certificationId}/withdraw',
  fn: FN,
  auth: 'jwt',
  summary: 'Withdraw an active certification (staff): revoked, with the reason; level, directory and benefits follow',
  description:
    'One transaction: the certification becomes `revoked`, the pathway keeps the best level still valid (or none), its directory entry and benefits follow, audited. Then CertificationWithdrawn (and BenefitsChanged) are published once. Repeating the same withdrawal answers as the first; send Idempotency-Key to retry safely.',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ pathwayId: idSchema('pathway'), certificationId: idSchema('certification') }),
    body: z.strictObject({ reason: text(3, 2000) }),
    response: named(
      z.object({
        certification: certificationView(),
        pathway: z.object({ level: z.nullable(z.enum(levels)), certifiedUntil: z.nullable(z.string()) }),
        benefits: z.object({ unlocked: z.array(z.string()), lost: z.array(z.string()) }),
      }),
      'CertificationWithdrawal',
    ),
  }),
  idempotent: true,
});

export const benefitRoutes = [
  listBenefitsRoute,
  benefitReportRoute,
  getBenefitRoute,
  createBenefitRoute,
  replaceBenefitRoute,
  benefitHistoryRoute,
  pathwayBenefitsRoute,
  createRequestRoute,
  listRequestsRoute,
  decideRequestRoute,
  withdrawRequestRoute,
  requestQueueRoute,
  withdrawCertificationRoute,
];
