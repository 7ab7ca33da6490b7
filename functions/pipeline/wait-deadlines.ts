/**
 * No wait without an end. Before each task-token wait of the review workflow a "clock"
 * task computes its timeout from the domain's due dates (the state's TimeoutSecondsPath);
 * when the timeout fires, the workflow's Catch (States.Timeout / States.HeartbeatTimeout)
 * runs the matching "overdue" task and then waits again. A timeout is a handled path, never
 * a failed execution.
 *
 *   seat wait      - ends at the holder's due date + grace (core/review/due-dates.ts); when
 *                    it fires (or the clock finds it already passed, after a restart), the
 *                    late review is reassigned once, then escalated to staff,
 *                    exactly as the daily review-reminders job does (late-reviews.ts). A seat
 *                    on staff (vacant, or escalated) is looked at again every staffAlertDays:
 *                    the next wait first tries to seat a reviewer again (await-review.ts).
 *   staff waits    - adjudication and decision: a staff alert every staffAlertDays from the
 *                    round entering that stage, counted on the round so each goes out once.
 *
 * These run in the await functions' Lambdas (their `mode`), which already hold the rights
 * they need. A task of an execution that no longer owns the round does nothing.
 */
import { seatWaitEndsAt, secondsUntil, staffAlertAt } from '#core/review/due-dates.ts';
import { nowIso } from '#lib/clock.ts';
import { logger } from '#lib/logger.ts';
import { getApplication } from '#store/application-reads.ts';
import { notifyStaff } from '#store/messages.ts';
import {
  countStaffAlert,
  getRound,
  isOpenReview,
  readRound,
  reviewDueConfig,
  roundOwnedBy,
  seatHolder,
  type StaffTask,
} from '#store/reviews.ts';
import { actOnReview } from './late-reviews.ts';

export interface SeatWaitInput {
  applicationId: string;
  round: number;
  seat: number;
  executionArn?: string;
}

export interface WaitClock {
  /** The next wait's timeout (TimeoutSecondsPath). */
  seconds: number;
  endsAt: string;
}

/** The seat's holder as one consistent read of the round shows it (and the round, for its owner). */
async function seatHolderOf(input: SeatWaitInput) {
  const view = await readRound(input.applicationId, input.round);
  const seat = view?.seats.find((s) => s.seat === input.seat);
  return { round: view?.round, holder: view && seat ? seatHolder(view, seat) : undefined };
}

async function seatDeadline(input: SeatWaitInput, now: string) {
  const { round, holder } = await seatHolderOf(input);
  const endsAt = seatWaitEndsAt(
    holder ? { dueAt: holder.dueAt, escalated: holder.escalated, open: isOpenReview(holder) } : undefined,
    now,
    reviewDueConfig(),
  );
  return { round, holder, endsAt };
}

export async function seatWaitClock(input: SeatWaitInput): Promise<WaitClock> {
  const now = nowIso();
  const first = await seatDeadline(input, now);
  const { round, holder } = first;
  let { endsAt } = first;
  // Already past due + grace (the execution was away, e.g. restarted): act now rather than
  // wait a second for the same thing, then wait for what the seat became.
  if (holder && isOpenReview(holder) && endsAt <= now && roundOwnedBy(round, input.executionArn)) {
    await actOnReview(holder, now);
    ({ endsAt } = await seatDeadline(input, now));
  }
  return { seconds: secondsUntil(endsAt, now), endsAt };
}

export async function seatWaitOverdue(input: SeatWaitInput): Promise<{ action: string }> {
  const { round, holder } = await seatHolderOf(input);
  if (!roundOwnedBy(round, input.executionArn)) return { action: 'superseded' };
  if (!holder || !isOpenReview(holder)) return { action: 'none' };
  const done = await actOnReview(holder, nowIso());
  const action = done.reassigned ? 'reassigned' : done.escalated ? 'escalated' : done.reminded ? 'reminded' : 'none';
  logger.info('a seat wait timed out', { seat: input.seat, reviewId: holder.id, action });
  return { action };
}

export interface StaffWaitInput {
  applicationId: string;
  round: number;
  kind: StaffTask['kind'];
  executionArn?: string;
}

const alertsOf = (round: { adjudicationAlerts?: number; decisionAlerts?: number }, kind: StaffTask['kind']) =>
  (kind === 'adjudication' ? round.adjudicationAlerts : round.decisionAlerts) ?? 0;

export async function staffWaitClock(input: StaffWaitInput): Promise<WaitClock> {
  const now = nowIso();
  const round = await getRound(input.applicationId, input.round);
  const endsAt = staffAlertAt(round?.stageSince ?? now, round ? alertsOf(round, input.kind) : 0, reviewDueConfig());
  return { seconds: secondsUntil(endsAt, now), endsAt };
}

export async function staffWaitOverdue(input: StaffWaitInput): Promise<{ action: string }> {
  const [app, round] = await Promise.all([getApplication(input.applicationId, true), getRound(input.applicationId, input.round)]);
  if (!roundOwnedBy(round, input.executionArn)) return { action: 'superseded' };
  if (!app || !round || round.stage !== input.kind) return { action: 'none' };
  const sent = alertsOf(round, input.kind);
  const dueAt = staffAlertAt(round.stageSince, sent, reviewDueConfig());
  // The timer may fire early (a restart, a scaled local clock): alert only once the domain says so.
  if (Date.parse(nowIso()) < Date.parse(dueAt)) return { action: 'none' };
  if (!(await countStaffAlert(input.applicationId, input.round, input.kind, sent))) return { action: 'none' };
  const what = input.kind === 'adjudication' ? 'adjudication' : 'a decision';
  await notifyStaff({
    kind: 'review.waiting',
    title: `A review has waited for ${what} since ${round.stageSince.slice(0, 10)}`,
    body: `${app.pathwayName}'s ${app.level} application (round ${input.round}) still waits for ${what} (alert ${sent + 1}).`,
    applicationId: input.applicationId,
    link: `/applications/${input.applicationId}/review-round`,
  });
  logger.info('a staff wait timed out; staff alerted', { kind: input.kind, alert: sent + 1 });
  return { action: 'alerted' };
}
