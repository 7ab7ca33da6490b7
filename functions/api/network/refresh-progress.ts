/**
 * Keeps the network's progress totals (store/outcomes-progress.ts) current without any
 * request paying for it. The totals depend on every pathway's certification and enrollment,
 * so recomputing them reads the whole registry: that runs here, when a certification is
 * issued or expires (events/rules.ts `network-progress`) and daily after the
 * recertification sweep (events/schedules.ts `network-progress`), never inside an API
 * request. Staff can still force it (POST /network/progress/refresh).
 *
 * Any input is accepted: whatever the event, the answer is a full recompute, and a refresh
 * that loses the race to a later one leaves the later totals in place.
 */
import { logger } from '#lib/logger.ts';
import { recomputeNetworkProgress } from '#use-cases/network/recompute-progress.ts';

export const handler = async (event: unknown = {}): Promise<{ students: number; pathways: number; computedAt: string }> => {
  const trigger = (event as { 'detail-type'?: unknown; job?: unknown }) ?? {};
  const progress = await recomputeNetworkProgress();
  logger.info('network progress refreshed', {
    trigger: String(trigger['detail-type'] ?? trigger.job ?? 'direct'),
    students: progress.students,
    pathways: progress.pathways,
  });
  return { students: progress.students, pathways: progress.pathways, computedAt: progress.computedAt };
};
