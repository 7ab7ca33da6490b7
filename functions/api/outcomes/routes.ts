/**
 * Outcome data of districts and pathways (issue 7): submission (JSON and CSV uploads),
 * suppressed reads for everyone but staff, the equity comparison, trends, and the
 * work-based learning partners of a pathway. See docs/outcomes.md.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { outcomeCountsSchema, schoolYearSchema } from '#core/outcomes/model.ts';
import { route } from '#lib/route.ts';
import { documentAs, idSchema, pageOf, pageQuery, text } from '#lib/schemas.ts';
import {
  comparison,
  outcomeReport,
  outcomeUpload,
  partner,
  pathwayOutcomes,
  pathwayTrends,
  submissionPointer,
  uploadForm,
} from './answer-schemas.ts';
import { engagementKinds } from '#core/outcomes/partners.ts';
import { reportFormat, reportQuery, trendQuery } from './report-query.ts';

const FN = 'outcomes' as const;
const TAGS = ['Outcomes'];

/** Most pathways one JSON submission may carry; larger districts upload a CSV. */
export const MAX_PATHWAYS_PER_SUBMISSION = 500;

const districtParams = /* @__PURE__ */ lazy(() => z.strictObject({ districtId: idSchema('district') }));
const pathwayParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway') }));
const districtYearParams = /* @__PURE__ */ lazy(() => z.strictObject({ districtId: idSchema('district'), schoolYear: schoolYearSchema() }));
const pathwayYearParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway'), schoolYear: schoolYearSchema() }));

export const submissionBody = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    /** The district as a whole (its pathways' students included). */
    district: z.optional(outcomeCountsSchema()),
    pathways: z
      .array(z.strictObject({ pathwayId: idSchema('pathway'), counts: outcomeCountsSchema() }))
      .check(z.maxLength(MAX_PATHWAYS_PER_SUBMISSION)),
  }),
);

const numberParam = (min: number, max: number, what: string) =>
  z.optional(
    documentAs(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}(\.\d{1,3})?$/, { error: `must be a number from ${min} to ${max}` })),
        z.pipe(
          z.transform((v: string) => Number(v)),
          z
            .number()
            .check(
              z.minimum(min, { error: `${what} must be at least ${min}` }),
              z.maximum(max, { error: `${what} must be at most ${max}` }),
            ),
        ),
      ),
      { type: 'number', minimum: min, maximum: max },
    ),
  );

export const comparisonQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    /** Percentage points a group may trail the district before it is flagged (0–50, default 5). */
    gapPp: numberParam(0, 50, 'gapPp'),
    /** Share ratio under which a group is under-represented (0–1, default 0.8). */
    ratio: numberParam(0, 1, 'ratio'),
    against: z.optional(z.enum(['same_group', 'district_all'])),
    ...reportFormat(),
  }),
);

export const submitOutcomes = route({
  id: 'submitOutcomes',
  schemas: () => ({
    response: submissionPointer(),
    params: districtYearParams(),
    body: submissionBody(),
  }),
  otherSuccess: { 201: 'Created: the first report for the school year' },
  errors: {
    409: 'Another submission replaced the current one meanwhile; reload and submit again',
    422: {
      when: 'The figures do not add up',
      codes: [
        'numerator_exceeds_denominator',
        'outcomes_exceed_denominator',
        'group_exceeds_total',
        'family_exceeds_total',
        'missing_denominator',
        'missing_total',
        'pathways_exceed_district',
        'pathway_not_in_district',
        'duplicate_pathway',
        'empty_submission',
        'empty_report',
      ],
    },
  },
  method: 'PUT',
  path: '/districts/{districtId}/outcomes/{schoolYear}',
  fn: FN,
  auth: 'jwt',
  summary: "Submit (or replace) a district's outcome counts for a school year, with its pathways'",
  tags: TAGS,
});

export const getDistrictOutcomes = route({
  id: 'getDistrictOutcomes',
  schemas: () => ({
    response: outcomeReport(),
    params: districtYearParams(),
    query: reportQuery(),
  }),
  produces: 'text/csv; charset=utf-8',
  method: 'GET',
  path: '/districts/{districtId}/outcomes/{schoolYear}',
  fn: FN,
  auth: 'jwt',
  summary: "A district's outcome report for a school year (suppressed for everyone but staff; staff: ?format=csv)",
  tags: TAGS,
});

export const getPathwayOutcomes = route({
  id: 'getPathwayOutcomes',
  schemas: () => ({
    response: pathwayOutcomes(),
    params: pathwayParams(),
    query: reportQuery(),
  }),
  produces: 'text/csv; charset=utf-8',
  method: 'GET',
  path: '/pathways/{pathwayId}/outcomes',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's reported school years and latest outcome summary",
  tags: TAGS,
});

export const getPathwayComparison = route({
  id: 'getPathwayComparison',
  schemas: () => ({
    response: comparison(),
    params: pathwayYearParams(),
    query: comparisonQuery(),
  }),
  produces: 'text/csv; charset=utf-8',
  method: 'GET',
  path: '/pathways/{pathwayId}/outcomes/{schoolYear}/comparison',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's rates next to its district's: differences, representation and equity flags",
  tags: TAGS,
});

export const getPathwayTrends = route({
  id: 'getPathwayTrends',
  schemas: () => ({
    response: pathwayTrends(),
    params: pathwayParams(),
    query: trendQuery(),
  }),
  produces: 'text/csv; charset=utf-8',
  method: 'GET',
  path: '/pathways/{pathwayId}/outcomes/trends',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's rate and count trends across school years",
  tags: TAGS,
});

export const declareOutcomeUpload = route({
  id: 'declareOutcomeUpload',
  errors: { 400: { when: 'The file is larger than an outcome CSV may be', codes: ['too_large'] } },
  schemas: () => ({
    response: z.object({ upload: outcomeUpload(), form: uploadForm() }),
    params: districtParams(),
    body: z.strictObject({ size: z.int().check(z.minimum(1), z.maximum(1_000_000_000)) }),
  }),
  method: 'POST',
  path: '/districts/{districtId}/outcomes/uploads',
  fn: FN,
  auth: 'jwt',
  summary: 'Declare an outcome CSV upload; answers a presigned POST form',
  tags: TAGS,
  successStatus: 201,
});

export const getOutcomeUpload = route({
  id: 'getOutcomeUpload',
  schemas: () => ({
    response: z.object({
      upload: outcomeUpload(),
      errors: pageOf(
        z.object({
          row: z.nullable(z.number()),
          column: z.nullable(z.number()),
          field: z.optional(z.string()),
          code: z.string(),
          message: z.string(),
        }),
      ),
    }),
    params: z.strictObject({ districtId: idSchema('district'), uploadId: idSchema('outcome') }),
    query: z.strictObject({ ...pageQuery() }),
  }),
  method: 'GET',
  path: '/districts/{districtId}/outcomes/uploads/{uploadId}',
  fn: FN,
  auth: 'jwt',
  summary: "An outcome CSV upload's status and its errors (paginated)",
  tags: TAGS,
});

export const createPartner = route({
  id: 'createPartner',
  schemas: () => ({
    response: partner(),
    params: pathwayParams(),
    body: z.strictObject({
      organization: text(2, 160),
      sector: text(2, 120),
      engagement: z.enum(engagementKinds),
      studentsServed: z.int().check(z.minimum(0), z.maximum(100_000)),
      schoolYear: z.optional(schoolYearSchema()),
    }),
  }),
  method: 'POST',
  path: '/pathways/{pathwayId}/partners',
  fn: FN,
  auth: 'jwt',
  summary: 'Record a work-based learning partner of the pathway',
  tags: TAGS,
  successStatus: 201,
  idempotent: true,
});

export const listPartners = route({
  id: 'listPathwayPartners',
  schemas: () => ({
    response: pageOf(partner()),
    params: pathwayParams(),
    query: z.strictObject({ ...pageQuery(), ...reportFormat() }),
  }),
  produces: 'text/csv; charset=utf-8',
  method: 'GET',
  path: '/pathways/{pathwayId}/partners',
  fn: FN,
  auth: 'jwt',
  summary: "The pathway's work-based learning partners",
  tags: TAGS,
});

export const outcomeRoutes = [
  submitOutcomes,
  getDistrictOutcomes,
  getPathwayOutcomes,
  getPathwayComparison,
  getPathwayTrends,
  declareOutcomeUpload,
  getOutcomeUpload,
  createPartner,
  listPartners,
];
