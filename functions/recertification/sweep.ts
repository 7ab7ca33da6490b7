/**
 * The daily recertification sweep (events/schedules.ts `recertification-sweep`): expiry
 * notices, renewal drafts and expiries for the day of the schedule's slot. "Today" comes
 * from the slot, not from the clock, so a retried or late run works on the day it was for;
 * runs are idempotent per day and catch up on missed days (functions/recertification/).
 *
 * The same run then sends what is due for invitations (their one reminder before expiry,
 * and any invitation email the API could not publish: functions/notifications/
 * invitation-notices.ts). It rides on this schedule instead of a schedule of its own: the
 * function already has the table and the bus, and the stack is short of resources.
 */
import { scheduledInstant, type ScheduledInput } from '#events/schedules.ts';
import { calendarDateOf } from '#core/recertification/validity.ts';
import { logger } from '#lib/logger.ts';
import { sweepInvitationNotices, type InvitationSweepResult } from '#notifications/invitation-notices.ts';
import { runSweep, type SweepResult } from './run.ts';

export const handler = async (event: Partial<ScheduledInput> = {}): Promise<SweepResult & { invitations: InvitationSweepResult }> => {
  const slot = scheduledInstant(event);
  // Invitations go first and never stop the certifications: their failures fail the run at the end.
  let invitations: InvitationSweepResult = { examined: 0, announced: 0, reminded: 0, dropped: 0, failed: 0 };
  try {
    invitations = await sweepInvitationNotices(slot);
    logger.info('invitation notices', { ...invitations });
  } catch (error) {
    invitations.failed++;
    logger.error('invitation notices could not be read', { error });
  }
  const result = await runSweep(calendarDateOf(slot));
  logger.info('recertification sweep', { ...result });
  // Retried by the scheduler; everything done above is recorded and not done twice.
  if (invitations.failed > 0) throw new Error(`invitation notices: ${invitations.failed} failed; see the log`);
  return { ...result, invitations };
};
