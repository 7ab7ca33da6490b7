/**
 * Telling a waiting workflow that the table changed: read the token after the write (see
 * store/reviews.ts), answer it, and treat a token that no longer waits as done.
 */
import { logger } from '#lib/logger.ts';
import { getRound, getSeat } from '#store/reviews.ts';
import { answerTask, type Answer } from './workflow.ts';

export type SeatNews = 'submitted' | 'vacated' | 'assigned';

/** Answers the seat's token if it waits on `reviewId` (or on an empty seat when null was vacated). */
export async function answerSeat(applicationId: string, round: number, seat: number, news: SeatNews): Promise<Answer | 'not-waiting'> {
  const s = await getSeat(applicationId, round, seat);
  if (!s?.token) return 'not-waiting';
  const answer = await answerTask(s.token, { outcome: news, seat });
  logger.info('answered a seat wait', { applicationId, round, seat, news, answer });
  return answer;
}

/** Answers the round's staff task (adjudication or decision) if one waits. */
export async function answerStaffTask(
  applicationId: string,
  round: number,
  kind: 'adjudication' | 'decision',
  outcome: string,
): Promise<Answer | 'not-waiting'> {
  const r = await getRound(applicationId, round);
  if (!r?.staffTask || r.staffTask.kind !== kind) return 'not-waiting';
  return answerTask(r.staffTask.token, { outcome });
}
