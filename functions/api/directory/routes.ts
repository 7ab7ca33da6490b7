/**
 * The public directory: certified pathways (silver and gold, still valid), the list the
 * press announces from, searchable by sector, level, state and district. No token; served
 * from the sparse directory index. A profile adds the pathway's latest outcome headline,
 * small-cell suppressed like every number that leaves the API to anyone but staff.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { benefitKinds } from '#core/benefits.ts';
import { route } from '#lib/route.ts';
import { idSchema, named, pageOf, pageQuery } from '#lib/schemas.ts';
import { sectors, pathwayModels } from '#core/pathway-vocabulary.ts';
import { stateCode } from '../registry/schemas.ts';
import { outcomeHeadlineSchema } from '../outcomes/headline-schema.ts';

const FN = 'directory' as const;
const TAGS = ['Directory'];

export const directoryEntrySchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      name: z.string(),
      schoolId: z.string(),
      schoolName: z.string(),
      districtId: z.string(),
      districtName: z.string(),
      state: z.string(),
      sector: z.enum(sectors),
      model: z.enum(pathwayModels),
      level: z.enum(['silver', 'gold']),
      validUntil: z.string(),
    }),
    'DirectoryEntry',
    {
      id: 'pw_01JD0000000000000000000000',
      name: 'Engineering Academy',
      schoolId: 'sch_01JD0000000000000000000000',
      schoolName: 'School',
      districtId: 'dst_01JD0000000000000000000000',
      districtName: 'District',
      state: 'CA',
      sector: 'engineering_architecture',
      model: 'school_within_a_school',
      level: 'silver',
      validUntil: '2028-12-06',
    },
  ),
);

/** Where the certification's verifiable credential is (GET /credentials/{id}) and its badge image. */
export const directoryCredentialSchema = /* @__PURE__ */ lazy(() => z.object({ id: z.string(), url: z.string(), badge: z.string() }));

/**
 * The public profile: the directory entry, the latest outcome headline, suppressed (null when
 * nothing was reported), the network benefits its level unlocks, and the credential of the
 * certification it shows (null for one issued before credentials existed).
 */
export const directoryProfileSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    ...directoryEntrySchema().shape,
    outcomes: z.nullable(outcomeHeadlineSchema()),
    /** The network benefits the pathway's level unlocks (active catalog entries), by title. */
    benefits: z.array(z.object({ id: z.string(), title: z.string(), kind: z.enum(benefitKinds) })),
    credential: z.nullable(directoryCredentialSchema()),
  }),
);

export const listDirectory = route({
  id: 'listDirectory',
  method: 'GET',
  path: '/directory',
  fn: FN,
  auth: 'public',
  summary: 'Certified pathways by name (public)',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({
      ...pageQuery(),
      sector: z.optional(z.enum(sectors)),
      level: z.optional(z.enum(['silver', 'gold'])),
      state: z.optional(stateCode()),
      districtId: z.optional(idSchema('district')),
    }),
    response: pageOf(directoryEntrySchema()),
  }),
});

export const getDirectoryEntry = route({
  id: 'getDirectoryEntry',
  method: 'GET',
  path: '/directory/{pathwayId}',
  fn: FN,
  auth: 'public',
  summary:
    "A certified pathway's public profile: level, validity, its verifiable credential, suppressed headline outcomes and the network benefits its level unlocks (404 unless currently certified)",
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ pathwayId: idSchema('pathway') }),
    response: directoryProfileSchema(),
  }),
});

export const directoryRoutes = [listDirectory, getDirectoryEntry];
