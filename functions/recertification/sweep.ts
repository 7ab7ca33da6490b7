/**
 * The daily recertification sweep (events/schedules.ts `recertification-sweep`): expiry
 * notices, renewal drafts and expiries for the day of the schedule's slot. "Today" comes
 * from the slot, not from the clock, so a retried or late run works on the day it was for;
 * runs are idempotent per day and catch up on missed days (functions/recertification/).
 */
import { scheduledInstant, type ScheduledInput } from '../../events/schedules.ts';
import { calendarDateOf } from '../core/recertification/validity.ts';
import { logger } from '../lib/logger.ts';
import { runSweep, type SweepResult } from './run.ts';

export const handler = async (event: Partial<ScheduledInput> = {}): Promise<SweepResult> => {
  const result = await runSweep(calendarDateOf(scheduledInstant(event)));
  logger.info('recertification sweep', { ...result });
  return result;
};
