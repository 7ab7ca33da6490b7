/**
 * Late and nearly-due reviews: the one place that reminds, reassigns and escalates, shared by
 * the daily review-reminders job and the review workflow's seat timeouts.
 */
import { reviewActionsDue } from '#core/review/due-dates.ts';
import { notify, notifyStaff } from '#store/messages.ts';
import { markEscalated, recordReminders, reviewDueConfig, vacateReview, type Review } from '#store/reviews.ts';
import { answerSeat } from './answers.ts';

export interface LateReviewCounts {
  reminded: number;
  reassigned: number;
  escalated: number;
}

/**
 * Does what core/review/due-dates.ts says is due now for one open review: remind, reassign
 * (the seat's wait is answered so the workflow seats a replacement) or escalate to staff.
 * Each action is recorded conditionally before it is done, so the daily job and the
 * workflow's own timeout (wait-deadlines.ts) can both call it and nothing happens twice.
 */
export async function actOnReview(
  review: Review,
  now: string,
  result: LateReviewCounts = { reminded: 0, reassigned: 0, escalated: 0 },
): Promise<LateReviewCounts> {
  const config = reviewDueConfig();
  const actions = reviewActionsDue({
    assignment: {
      assignedAt: review.assignedAt,
      dueAt: review.dueAt,
      remindersSent: review.remindersSent,
      reassignedCount: review.reassignedCount,
      escalated: review.escalated,
      closed: review.status !== 'assigned' && review.status !== 'in_progress',
    },
    now,
    config,
  });
  for (const action of actions) {
    switch (action.kind) {
      case 'remind':
        if (await recordReminders(review, action.record)) {
          await notify([review.reviewerSub], {
            kind: 'review.reminder',
            title: `Your review is due in ${action.daysBefore} days`,
            body: `Please submit your review by ${action.dueAt.slice(0, 10)}.`,
            applicationId: review.applicationId,
            link: `/applications/${review.applicationId}/review`,
          });
          result.reminded++;
        }
        break;
      case 'reassign':
        if (await vacateReview(review, 'reassigned', 'Not submitted by the due date', true)) {
          await notify([review.reviewerSub], {
            kind: 'review.late',
            title: 'Your review was reassigned',
            body: `The review due ${action.dueAt.slice(0, 10)} was not submitted and has been given to another reviewer.`,
            applicationId: review.applicationId,
          });
          await answerSeat(review.applicationId, review.round, review.seat, 'vacated');
          result.reassigned++;
        }
        break;
      case 'escalate':
        if (await markEscalated(review)) {
          await notifyStaff({
            kind: 'review.late',
            title: 'A reassigned review is late again',
            body: `Seat ${review.seat} of round ${review.round} was due ${action.dueAt.slice(0, 10)}; assign or extend it by hand.`,
            applicationId: review.applicationId,
            link: `/applications/${review.applicationId}/review-round`,
          });
          result.escalated++;
        }
        break;
    }
  }
  return result;
}
