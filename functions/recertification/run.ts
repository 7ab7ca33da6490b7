/**
 * One run of the recertification sweep for a day: pages through the certifications due on
 * or before that day (store/certifications.ts certificationsDueBy, the sparse sweep index,
 * pattern 49) and sweeps each (certification.ts), a few at a time.
 */
import type { CalendarDate } from '#core/recertification/validity.ts';
import { nowIso } from '#lib/clock.ts';
import { logger } from '#lib/logger.ts';
import { certificationsDueBy, sweepConfig } from '#store/certifications.ts';
import { emptyCounts, sweepCertification, type SweepContext, type SweepCounts } from './certification.ts';

const SWEEP_ACTOR = { sub: 'system:recertification-sweep', name: 'Recertification sweep' };
const PAGE_SIZE = 100;
/** Certifications swept at once: independent items, mostly; a shared pathway is handled by its versioned write. */
const PARALLEL = 8;

export interface SweepResult extends SweepCounts {
  today: CalendarDate;
  pages: number;
}

export async function runSweep(today: CalendarDate): Promise<SweepResult> {
  const ctx: SweepContext = { today, at: nowIso(), actor: SWEEP_ACTOR, config: sweepConfig(), counts: emptyCounts() };
  let pages = 0;
  const errors: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await certificationsDueBy(today, PAGE_SIZE, start);
    pages++;
    let next = 0;
    const worker = async () => {
      while (next < page.items.length) {
        const item = page.items[next++]!;
        try {
          await sweepCertification(item, ctx);
        } catch (error) {
          // One certification's failure must not hold up the others; the run still fails below.
          ctx.counts.failed++;
          errors.push(error);
          logger.error('sweeping a certification failed', { certificationId: String(item.id), error: error as Error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, page.items.length) }, worker));
    // The page's items moved to later keys or left the index; the cursor still marks where this page ended.
    start = page.next;
  } while (start);
  const result = { today, pages, ...ctx.counts };
  // Failing the invocation makes Scheduler/Lambda retry it; what succeeded is not repeated.
  if (errors.length > 0)
    throw new AggregateError(
      errors,
      `recertification sweep of ${today}: ${errors.length} certification(s) failed (${JSON.stringify(result)})`,
    );
  return result;
}
