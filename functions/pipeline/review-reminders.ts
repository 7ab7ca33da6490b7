/**
 * The daily review-reminders job (events/schedules.ts 'review-reminders'): for every open
 * review that can have something due, what core/review/due-dates.ts says is due now:
 *   remind    - 7 and 3 days before the due date (only the most urgent after a gap);
 *   reassign  - at the due date, once per seat: the review is closed as reassigned and the
 *               seat's wait is answered, so the workflow seats a replacement;
 *   escalate  - when the replacement is late too: staff are alerted, the seat stays open.
 *
 * Each action is recorded with a conditional write before it is performed (the reminder
 * list, the review's status, the escalation flag), so running the job twice, or two runs
 * at once, or a run after days of not running, does each thing exactly once. "Now" is the
 * schedule's slot (`scheduledTime`), so a retried run judges the same day.
 */
import { scheduledInstant } from '#events/schedules.ts';
import { DAY_MS, DEFAULT_REVIEW_DUE } from '#core/review/due-dates.ts';
import { logger } from '#lib/logger.ts';
import { countBusinessEvent } from '#lib/metrics.ts';
import { reviewDueConfig, reviewsDueBy } from '#store/reviews.ts';
import { actOnReview } from './late-reviews.ts';

export interface ReviewRemindersInput {
  job?: string;
  scheduledTime?: string;
}

export interface ReviewRemindersResult {
  now: string;
  examined: number;
  reminded: number;
  reassigned: number;
  escalated: number;
  failed: number;
}

export async function reviewReminders(input: ReviewRemindersInput = {}): Promise<ReviewRemindersResult> {
  const now = scheduledInstant(input);
  const ahead = Math.max(...(reviewDueConfig().reminderDaysBefore ?? DEFAULT_REVIEW_DUE.reminderDaysBefore));
  const until = new Date(Date.parse(now) + ahead * DAY_MS).toISOString();
  const result: ReviewRemindersResult = { now, examined: 0, reminded: 0, reassigned: 0, escalated: 0, failed: 0 };
  let next: Record<string, unknown> | undefined;
  do {
    const page = await reviewsDueBy(until, 100, next);
    for (const review of page.items) {
      result.examined++;
      try {
        await actOnReview(review, now, result);
      } catch (error) {
        // One review's trouble must not stop the others; the run fails at the end so the
        // scheduler retries it (and dead-letters it if it keeps failing).
        result.failed++;
        logger.error('review reminder failed', { error, reviewId: review.id, applicationId: review.applicationId });
      }
    }
    next = page.next;
  } while (next);
  // Reassigned (late once) and escalated (late again) reviews are the overdue ones; zero is
  // emitted too, so the metric shows the job ran.
  countBusinessEvent('ReviewOverdue', result.reassigned + result.escalated);
  logger.info('review reminders done', { ...result });
  if (result.failed > 0) throw new Error(`review reminders: ${result.failed} of ${result.examined} review(s) failed; see the log`);
  return result;
}

export const handler = (event: ReviewRemindersInput) => reviewReminders(event ?? {});
