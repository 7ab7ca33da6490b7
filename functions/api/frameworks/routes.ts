/**
 * Standards framework versions. Published versions are readable by every signed-in caller;
 * drafts, and every change, are staff work (see core/access.ts).
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { frameworkContentSchema } from '#core/framework.ts';
import { levels } from '#core/levels.ts';
import { route } from '#lib/route.ts';
import { idSchema, named, pageOf, pageQuery } from '#lib/schemas.ts';

const frameworkParams = /* @__PURE__ */ lazy(() => z.strictObject({ frameworkId: idSchema('framework') }));
const frameworkStatus = /* @__PURE__ */ lazy(() => z.enum(['draft', 'published']));

const summary = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      version: z.string(),
      title: z.string(),
      description: z.optional(z.string()),
      status: frameworkStatus(),
      publishedAt: z.optional(z.string()),
      /** The ETag of the framework: bumped by every change to a draft and by publishing. */
      revision: z.number(),
      createdAt: z.string(),
      updatedAt: z.string(),
      criteriaCount: z.number(),
      /** Criteria per level: every level, 0 when it has none. */
      criteriaByLevel: z.object(Object.fromEntries(levels.map((l) => [l, z.number()])) as Record<(typeof levels)[number], z.ZodMiniNumber>),
    }),
    'FrameworkSummary',
  ),
);

const framework = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      version: z.string(),
      title: z.string(),
      description: z.optional(z.string()),
      rubricScale: z.optional(z.array(z.string())),
      status: frameworkStatus(),
      publishedAt: z.optional(z.string()),
      revision: z.number(),
      createdAt: z.string(),
      updatedAt: z.string(),
      components: z.array(z.unknown()),
    }),
    'Framework',
  ),
);

export const listFrameworks = route({
  id: 'listFrameworks',
  method: 'GET',
  path: '/frameworks',
  fn: 'frameworks',
  auth: 'jwt',
  summary: 'Framework versions, newest first',
  description:
    'Published versions (highest version number first) for everyone; staff also see drafts (newest created first). Staff may filter by status.',
  tags: ['Standards'],
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), status: z.optional(frameworkStatus()) }),
    response: pageOf(summary()),
  }),
});

export const getFramework = route({
  id: 'getFramework',
  method: 'GET',
  path: '/frameworks/{frameworkId}',
  fn: 'frameworks',
  auth: 'jwt',
  summary: 'A framework version, whole: components, standards, criteria with rubric and expected evidence',
  description: 'One read of one item. The ETag header carries the revision.',
  tags: ['Standards'],
  schemas: () => ({
    params: frameworkParams(),
    response: framework(),
  }),
});

export const createFramework = route({
  id: 'createFramework',
  errors: { 422: { when: 'Too many criteria for a level', codes: ['too_many_criteria'] } },
  method: 'POST',
  path: '/frameworks',
  fn: 'frameworks',
  auth: 'jwt',
  summary: 'Create a draft framework version (staff)',
  description: 'The document is validated in full (ids, nesting, rubric scale). Stored as one item of at most 200,000 bytes (413 above).',
  tags: ['Standards'],
  schemas: () => ({
    body: frameworkContentSchema(),
    response: framework(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const replaceFramework = route({
  id: 'replaceFramework',
  errors: {
    409: 'A published framework can no longer change',
    422: { when: 'Too many criteria for a level', codes: ['too_many_criteria'] },
  },
  method: 'PUT',
  path: '/frameworks/{frameworkId}',
  fn: 'frameworks',
  auth: 'jwt',
  summary: "Replace a draft's content (staff); a published version is immutable (409)",
  tags: ['Standards'],
  schemas: () => ({
    params: frameworkParams(),
    body: frameworkContentSchema(),
    response: framework(),
  }),
  ifMatch: true,
});

export const publishFrameworkRoute = route({
  id: 'publishFramework',
  errors: { 409: 'The framework is published already' },
  method: 'POST',
  path: '/frameworks/{frameworkId}/publish',
  fn: 'frameworks',
  auth: 'jwt',
  summary: 'Publish a draft (staff): from then on it never changes',
  tags: ['Standards'],
  schemas: () => ({
    params: frameworkParams(),
    response: framework(),
  }),
  ifMatch: true,
});

export const frameworkRoutes = [listFrameworks, getFramework, createFramework, replaceFramework, publishFrameworkRoute];
