/**
 * Task 3 (one per seat, inside the Map, `.waitForTaskToken`): wait until the seat's review
 * is submitted. The answer is the seat's news, and the state machine loops on anything but
 * `submitted`:
 *   submitted - the seat is done;
 *   vacated   - the reviewer recused or was reassigned (late, or by staff): wait again,
 *               which first seats a replacement;
 *   assigned  - staff seated someone by hand;
 *   closed    - the application was withdrawn.
 *
 * Each run first looks at the table and may answer its own token at once (the review was
 * submitted before this execution got here: a restart resumes instead of waiting forever).
 * Otherwise it stores the token on the seat, conditional on the seat's review, and reads
 * again: whoever changes the seat later reads the token after writing (see reviews.ts).
 */
import { getApplication } from '#store/application-reads.ts';
import { notifyStaff } from '#store/messages.ts';
import {
  getReview,
  isOpenReview,
  markVacancyAlerted,
  moveStage,
  readRound,
  roundOwnedBy,
  seatHolder,
  storeSeatToken,
} from '#store/reviews.ts';
import { PipelineError, TransientError } from './errors.ts';
import { ensureNotified, fillSeats } from './panel.ts';
import { pipelineTask, waitWithClock } from './task.ts';
import { seatWaitClock, seatWaitOverdue, type SeatWaitInput } from './wait-deadlines.ts';
import { answerTask } from './workflow.ts';

export interface AwaitReviewInput {
  taskToken: string;
  applicationId: string;
  round: number;
  seat: number;
  executionArn?: string;
}

export type SeatOutcome = 'submitted' | 'vacated' | 'assigned' | 'closed';

const ATTEMPTS = 4;

export async function awaitReview(input: AwaitReviewInput): Promise<{ waiting: boolean; outcome?: SeatOutcome }> {
  const { applicationId, round, seat: seatNumber, taskToken } = input;
  const answer = async (outcome: SeatOutcome) => {
    await answerTask(taskToken, { outcome, seat: seatNumber });
    return { waiting: false, outcome };
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const app = await getApplication(applicationId, true);
    if (!app || app.status === 'withdrawn' || app.submissionNumber !== round) return answer('closed');
    const view = await readRound(applicationId, round);
    // An execution that lost the round to another one (prepare.ts) stands down.
    if (!roundOwnedBy(view?.round, input.executionArn)) return answer('closed');
    const seat = view?.seats.find((s) => s.seat === seatNumber);
    if (!view || !seat) throw new PipelineError('SeatNotFound', `no seat ${seatNumber} in round ${round} of ${applicationId}`);
    if (['decided', 'withdrawn'].includes(view.round.stage)) return answer('closed');

    const holder = seatHolder(view, seat);
    if (holder?.status === 'submitted') return answer('submitted');

    if (holder) {
      await ensureNotified(holder);
      if (!(await storeSeatToken(applicationId, round, seatNumber, holder.id, taskToken, 'review'))) continue;
      const now = await getReview(applicationId, round, holder.id);
      if (now?.status === 'submitted') return answer('submitted');
      if (!now || !isOpenReview(now)) return answer('vacated');
      const after = await readRound(applicationId, round);
      if (after && after.seats.every((s) => seatHolder(after, s))) await moveStage(applicationId, round, 'seatsFilled');
      return { waiting: true };
    }

    // Vacant: seat a replacement if the rules find one, else ask staff.
    const filled = await fillSeats(app, [seatNumber]);
    if (!filled.vacant.includes(seatNumber)) continue;
    if (!(await storeSeatToken(applicationId, round, seatNumber, seat.reviewId, taskToken, 'assignment'))) continue;
    const vacancy = seat.reviewId ?? 'initial';
    if (await markVacancyAlerted(applicationId, round, seatNumber, vacancy)) {
      await notifyStaff({
        kind: 'review.vacancy',
        title: 'A review seat needs a reviewer',
        body: `No reviewer qualifies for seat ${seatNumber} of ${app.pathwayName}'s ${app.level} application; assign one by hand.`,
        applicationId,
        link: `/applications/${applicationId}/review-round`,
      });
    }
    await moveStage(applicationId, round, 'seatNeedsStaff');
    const again = await readRound(applicationId, round);
    const nowSeat = again?.seats.find((s) => s.seat === seatNumber);
    if (nowSeat && nowSeat.reviewId !== seat.reviewId) return answer('assigned');
    return { waiting: true };
  }
  throw new TransientError(`seat ${seatNumber} of ${applicationId} kept changing`);
}

/** One Lambda for the seat's wait and its clock (`mode`). */
export const handler = waitWithClock(
  pipelineTask('awaitReview', awaitReview, (i) => `seat${i.seat}`),
  pipelineTask('seatWaitClock', seatWaitClock, (i: SeatWaitInput) => `seat${i.seat}`),
  pipelineTask('seatWaitOverdue', seatWaitOverdue, (i: SeatWaitInput) => `seat${i.seat}`),
);
