/**
 * The registry: districts, schools and pathways. Staff keep districts and schools; district
 * leads (and staff) create their district's pathways; pathway leads edit their own.
 * A pathway's certification is not editable here: it changes only through certification.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { levels } from '#core/levels.ts';
import { route } from '#lib/route.ts';
import { idSchema, named, pageOf, pageQuery, text } from '#lib/schemas.ts';
import { stateCode } from './schemas.ts';
import { pathwayModels, pathwayStatuses, sectors } from '#core/pathway-vocabulary.ts';

const FN = 'registry' as const;
const TAGS = ['Registry'];
const version = /* @__PURE__ */ lazy(() => z.optional(z.int().check(z.minimum(1), z.maximum(999_999_999))));

const grades = /* @__PURE__ */ lazy(() =>
  z.array(z.int().check(z.minimum(6, { error: 'grades run from 6 to 12' }), z.maximum(12, { error: 'grades run from 6 to 12' }))).check(
    z.minLength(1),
    z.maxLength(7),
    z.refine((g) => new Set(g).size === g.length, { error: 'each grade once' }),
  ),
);
const enrollment = /* @__PURE__ */ lazy(() => z.int().check(z.minimum(0), z.maximum(20_000)));

// Schemas -------------------------------------------------------------------------------

const versioned = /* @__PURE__ */ lazy(() => ({ version: z.int(), createdAt: z.string(), updatedAt: z.string() }));

export const districtSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      name: z.string(),
      state: z.string(),
      countyOrRegion: z.optional(z.string()),
      ...versioned(),
    }),
    'District',
    {
      id: 'dst_01JD0000000000000000000000',
      name: 'District',
      state: 'CA',
      countyOrRegion: 'Alameda',
      version: 1,
      createdAt: '2026-12-06T04:27:15.143Z',
      updatedAt: '2026-12-06T04:27:15.143Z',
    },
  ),
);

export const schoolSchema = /* @__PURE__ */ lazy(() =>
  named(z.object({ id: z.string(), districtId: z.string(), name: z.string(), ...versioned() }), 'School', {
    id: 'sch_01JD0000000000000000000000',
    districtId: 'dst_01JD0000000000000000000000',
    name: 'School',
    version: 1,
    createdAt: '2026-12-06T04:27:15.443Z',
    updatedAt: '2026-12-06T04:27:15.443Z',
  }),
);

export const pathwaySchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      districtId: z.string(),
      schoolId: z.string(),
      name: z.string(),
      sector: z.enum(sectors),
      gradesServed: z.array(z.int()),
      model: z.enum(pathwayModels),
      enrollment: z.int(),
      status: z.enum(pathwayStatuses),
      certificationLevel: z.nullable(z.enum(levels)),
      certifiedUntil: z.nullable(z.string()),
      schoolName: z.string(),
      districtName: z.string(),
      state: z.string(),
      ...versioned(),
    }),
    'Pathway',
    {
      id: 'pw_01JD0000000000000000000000',
      districtId: 'dst_01JD0000000000000000000000',
      schoolId: 'sch_01JD0000000000000000000000',
      name: 'Engineering Academy',
      sector: 'engineering_architecture',
      gradesServed: [9, 10, 11, 12],
      model: 'school_within_a_school',
      enrollment: 240,
      status: 'active',
      certificationLevel: null,
      certifiedUntil: null,
      schoolName: 'School',
      districtName: 'District',
      state: 'CA',
      version: 1,
      createdAt: '2026-12-06T04:27:15.661Z',
      updatedAt: '2026-12-06T04:27:15.661Z',
    },
  ),
);

const districtBody = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    name: text(2, 120),
    state: stateCode(),
    countyOrRegion: z.optional(text(1, 120)),
  }),
);

const districtPatch = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    name: z.optional(text(2, 120)),
    state: z.optional(stateCode()),
    countyOrRegion: z.optional(text(1, 120)),
    version: version(),
  }),
);

const schoolBody = /* @__PURE__ */ lazy(() => z.strictObject({ name: text(2, 160) }));
const schoolPatch = /* @__PURE__ */ lazy(() => z.strictObject({ name: z.optional(text(2, 160)), version: version() }));

const pathwayBody = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    name: text(2, 160),
    sector: z.enum(sectors),
    gradesServed: grades(),
    model: z.enum(pathwayModels),
    enrollment: enrollment(),
    status: z.optional(z.enum(pathwayStatuses)),
  }),
);

const pathwayPatch = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    name: z.optional(text(2, 160)),
    sector: z.optional(z.enum(sectors)),
    gradesServed: z.optional(grades()),
    model: z.optional(z.enum(pathwayModels)),
    enrollment: z.optional(enrollment()),
    status: z.optional(z.enum(pathwayStatuses)),
    version: version(),
  }),
);

export const pathwayFilters = /* @__PURE__ */ lazy(() => ({
  sector: z.optional(z.enum(sectors)),
  level: z.optional(z.enum([...levels, 'none'])),
}));

const districtParams = /* @__PURE__ */ lazy(() => z.strictObject({ districtId: idSchema('district') }));
const schoolParams = /* @__PURE__ */ lazy(() => z.strictObject({ schoolId: idSchema('school') }));
const pathwayParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway') }));

// Districts -----------------------------------------------------------------------------

export const createDistrict = route({
  id: 'createDistrict',
  method: 'POST',
  path: '/districts',
  fn: FN,
  auth: 'jwt',
  summary: 'Create a district (staff)',
  tags: TAGS,
  schemas: () => ({
    body: districtBody(),
    response: districtSchema(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listDistricts = route({
  id: 'listDistricts',
  method: 'GET',
  path: '/districts',
  fn: FN,
  auth: 'jwt',
  summary: 'Districts by name: all for staff, otherwise the districts you work in',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(districtSchema()),
  }),
});

export const getDistrict = route({
  id: 'getDistrict',
  method: 'GET',
  path: '/districts/{districtId}',
  fn: FN,
  auth: 'jwt',
  summary: 'A district',
  tags: TAGS,
  schemas: () => ({
    params: districtParams(),
    response: districtSchema(),
  }),
});

export const updateDistrict = route({
  id: 'updateDistrict',
  method: 'PATCH',
  path: '/districts/{districtId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Edit a district (staff)',
  tags: TAGS,
  schemas: () => ({
    params: districtParams(),
    body: districtPatch(),
    response: districtSchema(),
  }),
  ifMatch: true,
});

// Schools -------------------------------------------------------------------------------

export const createSchool = route({
  id: 'createSchool',
  method: 'POST',
  path: '/districts/{districtId}/schools',
  fn: FN,
  auth: 'jwt',
  summary: 'Create a school in a district (staff)',
  tags: TAGS,
  schemas: () => ({
    params: districtParams(),
    body: schoolBody(),
    response: schoolSchema(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listSchools = route({
  id: 'listDistrictSchools',
  method: 'GET',
  path: '/districts/{districtId}/schools',
  fn: FN,
  auth: 'jwt',
  summary: "A district's schools by name",
  tags: TAGS,
  schemas: () => ({
    params: districtParams(),
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(schoolSchema()),
  }),
});

export const getSchool = route({
  id: 'getSchool',
  method: 'GET',
  path: '/schools/{schoolId}',
  fn: FN,
  auth: 'jwt',
  summary: 'A school',
  tags: TAGS,
  schemas: () => ({
    params: schoolParams(),
    response: schoolSchema(),
  }),
});

export const updateSchool = route({
  id: 'updateSchool',
  method: 'PATCH',
  path: '/schools/{schoolId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Rename a school (staff)',
  tags: TAGS,
  schemas: () => ({
    params: schoolParams(),
    body: schoolPatch(),
    response: schoolSchema(),
  }),
  ifMatch: true,
});

// Pathways ------------------------------------------------------------------------------

export const createPathway = route({
  id: 'createPathway',
  errors: { 422: 'The school or district cannot take the pathway' },
  method: 'POST',
  path: '/schools/{schoolId}/pathways',
  fn: FN,
  auth: 'jwt',
  summary: "Create a pathway in a school (the district's lead, staff)",
  tags: TAGS,
  schemas: () => ({
    params: schoolParams(),
    body: pathwayBody(),
    response: pathwaySchema(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listPathways = route({
  id: 'listPathways',
  method: 'GET',
  path: '/pathways',
  fn: FN,
  auth: 'jwt',
  summary: 'Pathways by name: all for staff, otherwise those of your districts and teams',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), ...pathwayFilters(), districtId: z.optional(idSchema('district')) }),
    response: pageOf(pathwaySchema()),
  }),
});

export const listDistrictPathways = route({
  id: 'listDistrictPathways',
  method: 'GET',
  path: '/districts/{districtId}/pathways',
  fn: FN,
  auth: 'jwt',
  summary: "A district's pathways by name",
  tags: TAGS,
  schemas: () => ({
    params: districtParams(),
    query: z.strictObject({ ...pageQuery(), ...pathwayFilters() }),
    response: pageOf(pathwaySchema()),
  }),
});

export const listSchoolPathways = route({
  id: 'listSchoolPathways',
  method: 'GET',
  path: '/schools/{schoolId}/pathways',
  fn: FN,
  auth: 'jwt',
  summary: "A school's pathways by name",
  tags: TAGS,
  schemas: () => ({
    params: schoolParams(),
    query: z.strictObject({ ...pageQuery(), ...pathwayFilters() }),
    response: pageOf(pathwaySchema()),
  }),
});

export const getPathway = route({
  id: 'getPathway',
  method: 'GET',
  path: '/pathways/{pathwayId}',
  fn: FN,
  auth: 'jwt',
  summary: 'A pathway',
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    response: pathwaySchema(),
  }),
});

export const updatePathway = route({
  id: 'updatePathway',
  method: 'PATCH',
  path: '/pathways/{pathwayId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Edit a pathway (its lead, the district lead, staff); certification is not editable here',
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    body: pathwayPatch(),
    response: pathwaySchema(),
  }),
  ifMatch: true,
});

export const registryRoutes = [
  createDistrict,
  listDistricts,
  getDistrict,
  updateDistrict,
  createSchool,
  listSchools,
  getSchool,
  updateSchool,
  createPathway,
  listPathways,
  listDistrictPathways,
  listSchoolPathways,
  getPathway,
  updatePathway,
];
