/**
 * The hourly expiry of declared uploads that never arrived (events/schedules.ts,
 * `upload-expiry`): their versions become `expired`, with the deadline judged at the
 * schedule's slot. Readers also expire what they meet, so this keeps the status right
 * for items nobody opens; the bucket's lifecycle rule removes stray pending objects.
 */
import { nowIso } from '../lib/clock.ts';
import { logger } from '../lib/logger.ts';
import { expireDeclaredUploads } from '../store/evidence.ts';

export interface ExpiryInput {
  job?: string;
  /** The schedule's slot (ISO 8601). */
  scheduledTime?: string;
}

export const handler = async (event: ExpiryInput = {}): Promise<{ expired: number; seen: number }> => {
  const at = event.scheduledTime && Number.isFinite(Date.parse(event.scheduledTime)) ? new Date(event.scheduledTime).toISOString() : nowIso();
  const result = await expireDeclaredUploads(at);
  if (result.expired > 0) logger.info('expired declared uploads', { ...result, at });
  return result;
};
