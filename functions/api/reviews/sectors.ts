/**
 * The sectors field of a reviewer profile, as request bodies take it. A module of its own so
 * the people routes (reviewer invitations carry sectors) validate it without bundling the
 * review schemas (schemas.ts re-exports it).
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { sectors } from '#core/pathway-vocabulary.ts';

export const sectorsSchema = /* @__PURE__ */ lazy(() => z.array(z.enum(sectors)).check(z.maxLength(sectors.length)));
