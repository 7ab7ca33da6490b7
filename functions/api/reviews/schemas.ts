/**
 * Schemas the review routes share (no route specs here, so importing them does not bundle
 * another group's routes).
 */
import * as z from 'zod/mini';
import { sectors } from '../../store/entities.ts';
import { idSchema, text } from '../../lib/schemas.ts';

/** Subjects are UUIDs (Cognito's `sub`; the dev issuer derives the same shape). */
export const personSub = () =>
  z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be a person id (a UUID)' }));

export const CRITERION_ID = /^[A-Z]{2,5}-[1-9][0-9]?\.[1-9][0-9]?$/;
export const MAX_SCORES = 200;
export const MAX_COMMENT = 4000;

export const scoreSchema = z.strictObject({
  criterionId: z.string().check(z.regex(CRITERION_ID, { error: 'must be a criterion id such as RA-1.2' })),
  level: z.string().check(z.regex(/^[a-z][a-z_]{0,29}$/, { error: 'must be a rubric level such as meeting' })),
  comment: z.optional(text(0, MAX_COMMENT)),
});

const dateOrInstant = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, { error: 'must be a date (YYYY-MM-DD) or an ISO instant' }));
export const unavailableSchema = z.array(z.strictObject({ from: dateOrInstant, to: dateOrInstant })).check(z.maxLength(50));
export const conflictsSchema = z.strictObject({
  districtIds: z.array(idSchema('district')).check(z.maxLength(50)),
  pathwayIds: z.array(idSchema('pathway')).check(z.maxLength(100)),
});
export const sectorsSchema = z.array(z.enum(sectors)).check(z.maxLength(sectors.length));

