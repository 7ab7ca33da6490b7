/**
 * The response shape of a pathway's outcome headline (store/outcomes-headline.ts), for the
 * routes that carry one (applications, the directory profile). Kept in its own small file,
 * with plain objects only, so those functions' bundles do not grow with the outcome routes.
 */
import * as z from 'zod/mini';

/**
 * A count or rate as it leaves the API: `{ value }`, or `{ suppressed: true, reason }`
 * (never zero, never missing; reason small_cell or complementary).
 */
const cell = z.object({ value: z.optional(z.nullable(z.number())), suppressed: z.optional(z.boolean()) });
const rate = z.optional(cell);

export const outcomeHeadlineSchema = z.object({
  schoolYear: z.string(),
  enrolled: z.nullable(cell),
  /** All students; only the metrics the pathway reported. */
  rates: z.object({
    graduated_on_time: rate,
    ag_completed: rate,
    postsecondary_enrolled: rate,
    industry_credential: rate,
    wbl_preparation: rate,
    dual_enrollment_credit: rate,
  }),
});
