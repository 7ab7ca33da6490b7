/**
 * Query parameters shared by the outcome and network report routes: `?format=` and the
 * trend query. Kept apart from outcomes/routes.ts so the network routes need only zod and
 * the outcome vocabulary, not the outcome route table.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { METRICS, NUMERATOR_METRICS, STUDENT_GROUPS } from '#core/outcomes/codes.ts';

/** `?format=csv`: staff export the report as CSV (issue 7); JSON otherwise. */
export const reportFormat = /* @__PURE__ */ lazy(() => ({ format: z.optional(z.enum(['json', 'csv'])) }));

/** A report route's whole query: only `?format=`. */
export const reportQuery = /* @__PURE__ */ lazy(() => z.strictObject({ ...reportFormat() }));

export const trendQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    metric: z.optional(z.enum(NUMERATOR_METRICS as unknown as [string, ...string[]])),
    group: z.optional(z.enum(STUDENT_GROUPS)),
    countMetric: z.optional(z.enum(METRICS)),
    ...reportFormat(),
  }),
);
