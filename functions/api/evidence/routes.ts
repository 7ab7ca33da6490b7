/**
 * Evidence: a pathway's library of items with numbered versions, uploaded by the browser
 * straight to S3 with a presigned POST form; the evidence an application references; and
 * bulk ZIP exports of it for reviewers and staff.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { fileTypes } from '#core/evidence/file-types.ts';
import { route } from '#lib/route.ts';
import { idSchema, named, pageOf, pageQuery, text } from '#lib/schemas.ts';
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
} from './schemas.ts';

const FN = 'evidence' as const;
const TAGS = ['Evidence'];

const pathwayParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway') }));
const itemParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway'), evidenceId: idSchema('evidence') }));
const applicationParams = /* @__PURE__ */ lazy(() => z.strictObject({ applicationId: idSchema('application') }));

export const itemSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      evidenceId: z.string(),
      pathwayId: z.string(),
      title: z.string(),
      description: z.optional(z.string()),
      criterionIds: z.array(z.string()),
      createdAt: z.string(),
      createdBy: z.object({ sub: z.string(), name: z.optional(z.string()) }),
      updatedAt: z.string(),
      /** The item's own concurrency counter (ETag); `version` always means a file version. */
      revision: z.int(),
      latestVersion: z.int(),
      current: z.optional(versionSummarySchema()),
    }),
    'Evidence',
    {
      evidenceId: 'ev_01JD0000000000000000000000',
      pathwayId: 'pw_01JD0000000000000000000000',
      title: 'syllabus.pdf',
      criterionIds: ['RA-1.1'],
      createdAt: '2026-12-06T04:26:48.019Z',
      createdBy: { sub: '6a90b66a-f9a5-50e3-a274-249a545f962b', name: 'Lee Lead' },
      updatedAt: '2026-12-06T04:26:48.019Z',
      revision: 1,
      latestVersion: 1,
    },
  ),
);

const declared = /* @__PURE__ */ lazy(() => z.object({ item: itemSchema(), version: versionSchema(), upload: uploadSchema() }));

// Library ------------------------------------------------------------------------------

export const declareEvidence = route({
  id: 'declareEvidence',
  errors: fileNotAcceptable,
  method: 'POST',
  path: '/pathways/{pathwayId}/evidence',
  fn: FN,
  auth: 'jwt',
  summary: 'Declare a new evidence item and get a presigned POST form for its first file',
  description:
    `Team members and staff. Allowed files: ${fileTypes.map((t) => `${t.label} up to ${t.maxBytes / 1024 / 1024} MB`).join(', ')}. ` +
    'Anything else answers 422 (every problem listed) before any form is issued. The form (valid for minutes) writes exactly ' +
    'one server-chosen key, with the declared content type and exact size; after the upload the file is verified ' +
    '(size, leading bytes, SHA-256 when declared) and the version becomes `available` or `quarantined` with the reason. ' +
    'Accepts Idempotency-Key.',
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    body: z.strictObject({
      ...fileDeclaration(),
      title: text(1, 200),
      description: z.optional(text(1, 2000)),
      criterionIds: z._default(criterionIds(), []),
    }),
    response: declared(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listEvidence = route({
  id: 'listEvidence',
  method: 'GET',
  path: '/pathways/{pathwayId}/evidence',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's evidence library by title, optionally the items tagged with one criterion",
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    query: z.strictObject({ ...pageQuery(), criterionId: z.optional(criterionId()) }),
    response: pageOf(itemSchema()),
  }),
});

export const getEvidence = route({
  id: 'getEvidence',
  method: 'GET',
  path: '/pathways/{pathwayId}/evidence/{evidenceId}',
  fn: FN,
  auth: 'jwt',
  summary: 'An evidence item, its versions and a short-lived download link',
  description:
    'The download is a presigned GET (minutes) of the current version, or of `?version=n`; it names the file in ' +
    'Content-Disposition. Quarantined versions show why; only staff can download them.',
  tags: TAGS,
  schemas: () => ({
    params: itemParams(),
    query: z.strictObject({ version: versionQuery() }),
    response: z.object({ item: itemSchema(), versions: z.array(versionSchema()), download: z.optional(downloadSchema()) }),
  }),
});

export const updateEvidence = route({
  id: 'updateEvidence',
  errors: { 422: { when: 'Nothing to change', codes: ['empty_change'] } },
  method: 'PATCH',
  path: '/pathways/{pathwayId}/evidence/{evidenceId}',
  fn: FN,
  auth: 'jwt',
  summary: "Retitle, describe or retag an item (If-Match with the item's revision)",
  tags: TAGS,
  schemas: () => ({
    params: itemParams(),
    body: z.strictObject({
      title: z.optional(text(1, 200)),
      description: z.optional(text(1, 2000)),
      criterionIds: z.optional(criterionIds()),
      revision: z.optional(z.int().check(z.minimum(1))),
    }),
    response: itemSchema(),
  }),
  ifMatch: true,
});

export const deleteEvidence = route({
  id: 'deleteEvidence',
  errors: { 409: 'The evidence is cited by a submitted application' },
  method: 'DELETE',
  path: '/pathways/{pathwayId}/evidence/{evidenceId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Delete an item and all its files (pathway lead); refused while a submitted application references it',
  tags: TAGS,
  schemas: () => ({
    params: itemParams(),
  }),
  successStatus: 204,
});

export const declareEvidenceVersion = route({
  id: 'declareEvidenceVersion',
  errors: fileNotAcceptable,
  method: 'POST',
  path: '/pathways/{pathwayId}/evidence/{evidenceId}/versions',
  fn: FN,
  auth: 'jwt',
  summary: 'Upload a new version of an item (older versions stay readable)',
  description: 'Same file rules and form as declaring an item. Accepts Idempotency-Key.',
  tags: TAGS,
  schemas: () => ({
    params: itemParams(),
    body: z.strictObject(fileDeclaration()),
    response: declared(),
  }),
  successStatus: 201,
  idempotent: true,
});

// Applications -------------------------------------------------------------------------

export const linkSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    criterionId: z.string(),
    evidenceId: z.string(),
    version: z.optional(z.int()),
    /** Submitted applications: exactly what was submitted. Drafts: how the link stands now. */
    status: z.enum(['frozen', 'unchanged', 'newer_version_available', 'removed', 'latest']),
    latestVersion: z.optional(z.int()),
    title: z.optional(z.string()),
    fileName: z.optional(z.string()),
    size: z.optional(z.int()),
    sha256: z.optional(z.string()),
  }),
);

export const listApplicationEvidence = route({
  id: 'listApplicationEvidence',
  method: 'GET',
  path: '/applications/{applicationId}/evidence',
  fn: FN,
  auth: 'jwt',
  summary: 'The evidence an application references: the frozen versions once submitted',
  description:
    'Submitted applications answer the exact versions recorded at submission (reviewers always see those). Drafts answer ' +
    'each link with its status against the library now: unchanged, newer_version_available or removed.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    response: z.object({ applicationId: z.string(), frozenAt: z.optional(z.string()), links: z.array(linkSchema()) }),
  }),
});

export const getApplicationEvidence = route({
  id: 'getApplicationEvidence',
  method: 'GET',
  path: '/applications/{applicationId}/evidence/{evidenceId}',
  fn: FN,
  auth: 'jwt',
  summary: 'One referenced item with a download link for the version the application references',
  description: 'For the team, the district lead and reviewers assigned to the application; 404 when the application does not reference it.',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ applicationId: idSchema('application'), evidenceId: idSchema('evidence') }),
    response: z.object({
      applicationId: z.string(),
      item: itemSchema(),
      version: versionSchema(),
      criterionIds: z.array(z.string()),
      download: downloadSchema(),
    }),
  }),
});

// Exports ------------------------------------------------------------------------------

export const exportSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      exportId: z.string(),
      applicationId: z.string(),
      status: z.enum(['queued', 'building', 'ready', 'failed']),
      requestedAt: z.string(),
      requestedBy: z.object({ sub: z.string(), name: z.optional(z.string()) }),
      progress: z.object({ itemsDone: z.int(), itemsTotal: z.int(), bytesWritten: z.number() }),
      completedAt: z.optional(z.string()),
      size: z.optional(z.number()),
      error: z.optional(z.string()),
      download: z.optional(downloadSchema()),
    }),
    'EvidenceExport',
  ),
);

export const requestExport = route({
  id: 'requestEvidenceExport',
  method: 'POST',
  path: '/applications/{applicationId}/exports',
  fn: FN,
  auth: 'jwt',
  summary: "Request one ZIP of all of an application's evidence (staff and assigned reviewers)",
  description:
    'Built asynchronously and streamed to S3; poll the export for progress, then download it with the presigned link. ' +
    'Accepts Idempotency-Key.',
  tags: TAGS,
  schemas: () => ({
    params: applicationParams(),
    response: exportSchema(),
  }),
  successStatus: 202,
  idempotent: true,
});

export const getExport = route({
  id: 'getEvidenceExport',
  method: 'GET',
  path: '/applications/{applicationId}/exports/{exportId}',
  fn: FN,
  auth: 'jwt',
  summary: 'An export: its progress while it builds, a download link once ready',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ applicationId: idSchema('application'), exportId: idSchema('export') }),
    response: exportSchema(),
  }),
});

export const evidenceRoutes = [
  declareEvidence,
  listEvidence,
  getEvidence,
  updateEvidence,
  deleteEvidence,
  declareEvidenceVersion,
  listApplicationEvidence,
  getApplicationEvidence,
  requestExport,
  getExport,
];
