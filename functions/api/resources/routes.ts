/**
 * Resources: staff's library of exemplars and templates, tagged to criteria, readable by
 * every signed-in person. Uploads take the same path as evidence: a presigned POST form,
 * then verification (size, leading bytes, SHA-256) before anyone can download a version.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { route } from '#lib/route.ts';
import { idSchema, named, pageOf, pageQuery, text } from '#lib/schemas.ts';
import { resourceKinds } from '#core/evidence/resources.ts';
import {
  criterionId,
  criterionIds,
  downloadSchema,
  fileDeclaration,
  fileNotAcceptable,
  uploadSchema,
  versionQuery,
  versionSchema,
  versionSummarySchema,
} from '../evidence/schemas.ts';

const FN = 'resources' as const;
const TAGS = ['Resources'];

const params = /* @__PURE__ */ lazy(() => z.strictObject({ resourceId: idSchema('resource') }));

export const resourceSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      resourceId: z.string(),
      kind: z.enum(resourceKinds),
      title: z.string(),
      description: z.optional(z.string()),
      criterionIds: z.array(z.string()),
      createdAt: z.string(),
      updatedAt: z.string(),
      revision: z.int(),
      latestVersion: z.int(),
      current: z.optional(versionSummarySchema()),
    }),
    'Resource',
  ),
);

const declared = /* @__PURE__ */ lazy(() => z.object({ resource: resourceSchema(), version: versionSchema(), upload: uploadSchema() }));

export const declareResource = route({
  id: 'declareResource',
  errors: fileNotAcceptable,
  method: 'POST',
  path: '/resources',
  fn: FN,
  auth: 'jwt',
  summary: 'Add an exemplar or template (staff): a presigned POST form for its first file',
  description: 'Same file rules as evidence (422 listing every problem before any form is issued). Accepts Idempotency-Key.',
  tags: TAGS,
  schemas: () => ({
    body: z.strictObject({
      ...fileDeclaration(),
      kind: z.enum(resourceKinds),
      title: text(1, 200),
      description: z.optional(text(1, 2000)),
      criterionIds: z._default(criterionIds(), []),
    }),
    response: declared(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listResources = route({
  id: 'listResources',
  method: 'GET',
  path: '/resources',
  fn: FN,
  auth: 'jwt',
  summary: 'Exemplars and templates by title, filterable by kind and criterion',
  description: 'Everyone signed in sees the resources that have a verified file; staff also see those still uploading.',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery(), kind: z.optional(z.enum(resourceKinds)), criterionId: z.optional(criterionId()) }),
    response: pageOf(resourceSchema()),
  }),
});

export const getResource = route({
  id: 'getResource',
  method: 'GET',
  path: '/resources/{resourceId}',
  fn: FN,
  auth: 'jwt',
  summary: 'A resource, its versions and a short-lived download link (current version, or ?version=n)',
  tags: TAGS,
  schemas: () => ({
    params: params(),
    query: z.strictObject({ version: versionQuery() }),
    response: z.object({ resource: resourceSchema(), versions: z.array(versionSchema()), download: z.optional(downloadSchema()) }),
  }),
});

export const updateResource = route({
  id: 'updateResource',
  errors: { 422: { when: 'Nothing to change', codes: ['empty_change'] } },
  method: 'PATCH',
  path: '/resources/{resourceId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Retitle, describe, re-kind or retag a resource (staff; If-Match with its revision)',
  tags: TAGS,
  schemas: () => ({
    params: params(),
    body: z.strictObject({
      kind: z.optional(z.enum(resourceKinds)),
      title: z.optional(text(1, 200)),
      description: z.optional(text(1, 2000)),
      criterionIds: z.optional(criterionIds()),
      revision: z.optional(z.int().check(z.minimum(1))),
    }),
    response: resourceSchema(),
  }),
  ifMatch: true,
});

export const deleteResource = route({
  id: 'deleteResource',
  method: 'DELETE',
  path: '/resources/{resourceId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Remove a resource and its files (staff)',
  tags: TAGS,
  schemas: () => ({
    params: params(),
  }),
  successStatus: 204,
});

export const declareResourceVersion = route({
  id: 'declareResourceVersion',
  errors: fileNotAcceptable,
  method: 'POST',
  path: '/resources/{resourceId}/versions',
  fn: FN,
  auth: 'jwt',
  summary: 'Upload a new version of a resource (staff)',
  tags: TAGS,
  schemas: () => ({
    params: params(),
    body: z.strictObject(fileDeclaration()),
    response: declared(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const resourceRoutes = [declareResource, listResources, getResource, updateResource, deleteResource, declareResourceVersion];
