/**
 * The hourly expiry of declared uploads that never arrived (events/schedules.ts,
 * `upload-expiry`): their versions become `expired`, with the deadline judged at the
 * schedule's slot. Readers also expire what they meet, so this keeps the status right
 * for items nobody opens; the bucket's lifecycle rule removes stray pending objects.
 * Declared outcome CSVs (issue 7) expire in the same run (store/outcomes-uploads.ts).
 */
import { scheduledInstant } from '#events/schedules.ts';
import { logger } from '#lib/logger.ts';
import { expireDeclaredUploads } from '#store/evidence.ts';
import { expireDeclaredOutcomeUploads } from '#store/outcomes-uploads.ts';

export interface ExpiryInput {
  job?: string;
  /** The schedule's slot (ISO 8601). */
  scheduledTime?: string;
}

type Counts = { expired: number; seen: number };

export const handler = async (event: ExpiryInput = {}): Promise<Counts & { outcomeUploads: Counts }> => {
  const at = scheduledInstant(event);
  const result = await expireDeclaredUploads(at);
  if (result.expired > 0) logger.info('expired declared uploads', { ...result, at });
  const outcomeUploads = await expireDeclaredOutcomeUploads(at);
  if (outcomeUploads.expired > 0) logger.info('expired declared outcome uploads', { ...outcomeUploads, at });
  return { ...result, outcomeUploads };
};
