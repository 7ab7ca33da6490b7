/**
 * Schemas the evidence routes share with the resource routes (files, versions, uploads,
 * downloads, criterion ids). No route specs here, so the resources function does not
 * bundle the evidence routes.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { MAX_FILE_NAME_LENGTH } from '#core/evidence/file-name.ts';
import { MAX_VERSION } from '#core/evidence/object-keys.ts';
import { integerQuery, named } from '#lib/schemas.ts';

/** Same shape as framework criterion ids (RA-1.2). */
export const CRITERION_ID = /^[A-Z]{2,5}-[1-9][0-9]?\.[1-9][0-9]?$/;

export const criterionId = () => z.string().check(z.regex(CRITERION_ID, { error: 'must be a criterion id such as RA-1.2' }));

export const criterionIds = () =>
  z.array(criterionId()).check(
    z.maxLength(40),
    z.refine((ids) => new Set(ids).size === ids.length, { error: 'name each criterion once' }),
  );

/**
 * The file as the browser sees it. Strings are bounded generously here; the file rules
 * (allowed types, per-type size limits, names) answer 422 with every problem at once.
 */
export const fileDeclaration = /* @__PURE__ */ lazy(() => ({
  fileName: z.string().check(z.minLength(1), z.maxLength(MAX_FILE_NAME_LENGTH * 4)),
  contentType: z.string().check(z.minLength(1), z.maxLength(200)),
  size: z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER)),
  sha256: z.optional(z.string().check(z.maxLength(128))),
}));

/** `?version=n`: a version of an evidence item or a resource. */
export const versionQuery = /* @__PURE__ */ lazy(() =>
  z.optional(integerQuery(/^[1-9][0-9]{0,5}$/, { minimum: 1, maximum: MAX_VERSION }, `must be a version number from 1 to ${MAX_VERSION}`)),
);

/** The 422 of every route that declares a file (evidence and resources): each file rule it breaks. */
export const fileNotAcceptable = {
  422: {
    when: 'The file is not acceptable',
    codes: ['unsupported_type', 'extension_mismatch', 'empty', 'too_large', 'invalid', 'path_separator', 'control_characters', 'too_long'],
  },
} as const;

// Answers ------------------------------------------------------------------------------

/** A verified version as an item's `current` (store's VersionSummary), for evidence and resources. */
export const versionSummarySchema = /* @__PURE__ */ lazy(() =>
  z.object({
    version: z.int(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.int(),
    sha256: z.string(),
    verifiedAt: z.string(),
  }),
);

export const versionSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      version: z.int(),
      state: z.enum(['declared', 'available', 'quarantined', 'expired']),
      fileName: z.string(),
      contentType: z.string(),
      size: z.int(),
      sha256: z.optional(z.string()),
      declaredSha256: z.optional(z.string()),
      declaredAt: z.string(),
      declaredBy: z.object({ sub: z.string(), name: z.optional(z.string()) }),
      verifiedAt: z.optional(z.string()),
      expiresAt: z.optional(z.string()),
      uploadExpiresAt: z.optional(z.string()),
      quarantine: z.optional(z.object({ reason: z.string(), message: z.string(), at: z.string() })),
      expiredAt: z.optional(z.string()),
    }),
    'EvidenceVersion',
  ),
);

export const uploadSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    /** POST a multipart/form-data form here: every field below, then the file as `file` (last). */
    url: z.string(),
    fields: z.record(z.string(), z.string()),
    key: z.string(),
    expiresAt: z.string(),
  }),
);

export const downloadSchema = /* @__PURE__ */ lazy(() =>
  z.object({ version: z.optional(z.int()), url: z.string(), expiresAt: z.string(), fileName: z.string() }),
);
