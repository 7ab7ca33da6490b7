/**
 * The response shape of a pathway's outcome headline (store/outcomes-headline.ts), for the
 * routes that carry one (applications, the directory profile). Kept in its own small file,
 * needing only zod and the outcome vocabulary (core/outcomes/codes.ts, for the headline's
 * metrics), so those functions' bundles do not grow with the outcome routes.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { HEADLINE_METRICS } from '#core/outcomes/codes.ts';

/**
 * A count or rate as it leaves the API: `{ value }`, or `{ suppressed: true, reason: 'privacy' }`
 * (never zero, never missing; the reason never says why, see core/outcomes/model.ts).
 */
export const outcomeCellSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    value: z.optional(z.nullable(z.number())),
    suppressed: z.optional(z.boolean()),
    reason: z.optional(z.string()),
  }),
);
const rate = /* @__PURE__ */ lazy(() => z.optional(outcomeCellSchema()));
const rates = /* @__PURE__ */ lazy(
  () => Object.fromEntries(HEADLINE_METRICS.map((m) => [m, rate()])) as Record<(typeof HEADLINE_METRICS)[number], ReturnType<typeof rate>>,
);

export const outcomeHeadlineSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    schoolYear: z.string(),
    enrolled: z.nullable(outcomeCellSchema()),
    /** All students; only the metrics the pathway reported. */
    rates: z.object(rates()),
  }),
);
