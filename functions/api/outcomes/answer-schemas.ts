/**
 * What the outcome and network routes answer, for the OpenAPI document only (the handlers
 * do not validate their answers). Suppressed figures are `{ suppressed: true, reason }`
 * cells, so every figure is an `OutcomeCell`; the metric and student-group matrices are
 * keyed by the codes in core/outcomes/codes.ts.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { actorView, named } from '#lib/schemas.ts';
import { outcomeCellSchema } from './headline-schema.ts';

/** The headline's cell (headline-schema.ts), named: the headline's figures are `OutcomeCell`s too. */
export const outcomeCell = /* @__PURE__ */ lazy(() =>
  named(
    outcomeCellSchema(),
    'OutcomeCell',
    { suppressed: true, reason: 'privacy' },
    "A count or rate: `{ value }`, or `{ suppressed: true, reason: 'privacy' }` where publishing it could identify students (the reason never says which rule hid it).",
  ),
);

const rateCell = /* @__PURE__ */ lazy(() => z.object({ numerator: outcomeCell(), denominator: outcomeCell(), rate: outcomeCell() }));
/** metric → student group → figure. */
const byMetricAndGroup = <T extends z.ZodMiniType>(cell: T) => z.record(z.string(), z.record(z.string(), cell));

const reportBody = /* @__PURE__ */ lazy(() => z.object({ counts: byMetricAndGroup(outcomeCell()), rates: byMetricAndGroup(rateCell()) }));

export const outcomeReport = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      districtId: z.string(),
      schoolYear: z.string(),
      submissionId: z.string(),
      submittedAt: z.string(),
      pathwayIds: z.array(z.string()),
      /** true when small cells were suppressed (everyone but staff). */
      suppressed: z.boolean(),
      district: z.optional(reportBody()),
      pathways: z.optional(z.array(z.object({ pathwayId: z.string(), ...reportBody().shape }))),
    }),
    'OutcomeReport',
    {
      districtId: 'dst_01JD0000000000000000000000',
      schoolYear: '2024-25',
      submissionId: 'out_01JD0000000000000000000000',
      submittedAt: '2026-10-01T12:00:00.000Z',
      pathwayIds: ['pw_01JD0000000000000000000000'],
      suppressed: true,
      district: {
        counts: { cohort: { all: { value: 250 } } },
        rates: { graduated_on_time: { all: { numerator: { value: 240 }, denominator: { value: 250 }, rate: { value: 0.96 } } } },
      },
    },
    "A district's outcome report for one school year.",
  ),
);

export const submissionPointer = /* @__PURE__ */ lazy(() =>
  z.object({
    districtId: z.string(),
    schoolYear: z.string(),
    submissionId: z.string(),
    submittedAt: z.string(),
    submittedBy: actorView(),
    source: z.string(),
    version: z.number(),
    contentHash: z.string(),
    pathwayIds: z.array(z.string()),
    hasDistrictReport: z.boolean(),
    /** The submission this one replaced; null for the first. */
    replaced: z.nullable(z.string()),
    /** true when the same figures were submitted again (nothing changed). */
    unchanged: z.boolean(),
  }),
);

export const pathwayOutcomes = /* @__PURE__ */ lazy(() =>
  z.object({
    pathwayId: z.string(),
    years: z.array(z.string()),
    suppressed: z.boolean(),
    latest: z.nullable(z.object({ schoolYear: z.string(), ...reportBody().shape })),
  }),
);

const change = /* @__PURE__ */ lazy(() => z.nullable(outcomeCell()));
const trendRates = /* @__PURE__ */ lazy(() =>
  z.array(
    z.object({
      schoolYear: z.string(),
      numerator: outcomeCell(),
      denominator: outcomeCell(),
      rate: outcomeCell(),
      changePp: change(),
      since: z.nullable(z.string()),
    }),
  ),
);
const trendCounts = /* @__PURE__ */ lazy(() =>
  z.array(z.object({ schoolYear: z.string(), count: outcomeCell(), change: change(), since: z.nullable(z.string()) })),
);

export const pathwayTrends = /* @__PURE__ */ lazy(() =>
  z.object({
    pathwayId: z.string(),
    metric: z.string(),
    group: z.string(),
    countMetric: z.string(),
    suppressed: z.boolean(),
    rates: trendRates(),
    counts: trendCounts(),
    /** The metrics a trend can be asked for. */
    metrics: z.optional(z.array(z.string())),
  }),
);

export const networkTrends = /* @__PURE__ */ lazy(() =>
  z.object({
    metric: z.string(),
    group: z.string(),
    countMetric: z.string(),
    suppressed: z.boolean(),
    years: z.array(z.object({ schoolYear: z.string(), pathways: z.number() })),
    rates: trendRates(),
    counts: trendCounts(),
  }),
);

export const comparison = /* @__PURE__ */ lazy(() =>
  z.object({
    pathwayId: z.string(),
    districtId: z.string(),
    schoolYear: z.string(),
    suppressed: z.boolean(),
    config: z.object({ gapPp: z.number(), underRepresentationRatio: z.number(), compareAgainst: z.string(), minGroupSize: z.number() }),
    comparisons: z.array(
      z.object({
        metric: z.string(),
        group: z.string(),
        pathwayRate: outcomeCell(),
        pathwayDenominator: outcomeCell(),
        referenceRate: outcomeCell(),
        differencePp: outcomeCell(),
      }),
    ),
    representation: z.array(
      z.object({
        group: z.string(),
        pathwayShare: outcomeCell(),
        districtShare: outcomeCell(),
        districtEnrolled: outcomeCell(),
        ratio: outcomeCell(),
      }),
    ),
    flags: z.array(z.looseObject({ kind: z.optional(z.string()), metric: z.optional(z.string()), group: z.string() })),
  }),
);

export const outcomeUpload = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      districtId: z.string(),
      objectKey: z.string(),
      size: z.number(),
      status: z.string(),
      declaredAt: z.string(),
      declaredBy: actorView(),
      expiresAt: z.string(),
      updatedAt: z.string(),
      schoolYear: z.optional(z.string()),
      submissionId: z.optional(z.string()),
      dataRows: z.optional(z.number()),
      errorCount: z.optional(z.number()),
      /** Errors beyond the validator's cap: counted, not listed. */
      moreErrors: z.optional(z.number()),
      unchanged: z.optional(z.boolean()),
      failure: z.optional(z.string()),
    }),
    'OutcomeUpload',
  ),
);

export const uploadForm = /* @__PURE__ */ lazy(() => z.object({ url: z.string(), fields: z.record(z.string(), z.string()) }));

export const partner = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      pathwayId: z.string(),
      districtId: z.string(),
      organization: z.string(),
      sector: z.string(),
      engagement: z.string(),
      studentsServed: z.number(),
      schoolYear: z.optional(z.string()),
      createdAt: z.string(),
      createdBy: actorView(),
    }),
    'Partner',
    {
      id: 'prt_01JD0000000000000000000000',
      pathwayId: 'pw_01JD0000000000000000000000',
      districtId: 'dst_01JD0000000000000000000000',
      organization: 'Riverside Hospital',
      sector: 'Health care',
      engagement: 'ongoing',
      studentsServed: 24,
      createdAt: '2026-10-01T12:00:00.000Z',
      createdBy: { sub: '1b4e28ba-2fa1-51d2-883f-0016d3cca427', email: 'lead@example.org' },
    },
    'A work-based learning partner of a pathway.',
  ),
);

const levelFigures = /* @__PURE__ */ lazy(() => z.record(z.string(), z.object({ students: z.number(), pathways: z.number() })));

export const networkProgress = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      computedAt: z.string(),
      year: z.number(),
      students: z.number(),
      pathways: z.number(),
      targetYear: z.number(),
      target: z.number(),
      countedLevels: z.array(z.string()),
      shareOfTarget: z.number(),
      nextExpiry: z.optional(z.nullable(z.string())),
      /** Active pathways whose level unlocks an active scholarship benefit, and their students (absent in snapshots older than benefits). */
      scholarshipPathways: z.optional(z.number()),
      scholarshipStudents: z.optional(z.number()),
      byLevel: levelFigures(),
      byState: levelFigures(),
      byDistrict: z.optional(
        z.record(z.string(), z.object({ name: z.string(), state: z.optional(z.string()), students: z.number(), pathways: z.number() })),
      ),
    }),
    'NetworkProgress',
  ),
);
