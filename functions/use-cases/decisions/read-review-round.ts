/**
 * Staff's reads of an application's review: the round as it stands (seats, reviews,
 * decision, the workflow execution's status) and the workflow execution's history.
 */
import { NotFoundError } from '#core/errors.ts';
import type { ReviewFailure } from '#core/review/execution-status.ts';
import type { Principal } from '#lib/principal.ts';
import { getApplication, type Application } from '#store/application-reads.ts';
import { getRound, readRound, seatHolder, type Review, type ReviewSeat, type RoundView } from '#store/reviews.ts';
import { describeExecution, executionArnFor, executionHistory, type ExecutionStatus, type HistoryEntry } from '#pipeline/workflow.ts';
import { loadApplication } from '../applications/load-application.ts';
import { roundNumber } from './review-round.ts';

export interface ReviewRoundState {
  application: Application;
  /** The last execution's recorded failure, read from the application after the round. */
  reviewFailure?: ReviewFailure;
  view: RoundView;
  /** Each seat with the review that holds it (open or submitted), if any. */
  seats: { seat: ReviewSeat; holder?: Review }[];
  execution?: ExecutionStatus;
}

/** The application's current round (or the round asked for) with its execution's status. */
export async function getReviewRound(principal: Principal, applicationId: string, round?: number): Promise<ReviewRoundState> {
  const { application } = await loadApplication(principal, applicationId, 'application.workflow');
  const n = roundNumber(application, round);
  const view = await readRound(application.id, n);
  if (!view) throw new NotFoundError('review round');
  // Read again after the round, consistently: a failure recorded meanwhile shows with it. The
  // execution's status is independent of that read, so the two go together.
  const [header, execution] = await Promise.all([
    getApplication(application.id, true),
    view.round.executionArn ? describeExecution(view.round.executionArn) : undefined,
  ]);
  return {
    application,
    ...(header?.reviewFailure ? { reviewFailure: header.reviewFailure } : {}),
    view,
    seats: view.seats.map((seat) => ({ seat, holder: seatHolder(view, seat) })),
    ...(execution ? { execution } : {}),
  };
}

export interface ReviewHistory {
  execution: ExecutionStatus;
  /** Every execution the current round has had, by name. */
  executions: string[];
  events: HistoryEntry[];
}

/** The history of the current round's execution, or of the named one (an execution of this application only). */
export async function getReviewHistory(principal: Principal, applicationId: string, executionName?: string): Promise<ReviewHistory> {
  const { application } = await loadApplication(principal, applicationId, 'application.workflow');
  const round = await getRound(application.id, Math.max(1, application.submissionNumber));
  const arn = executionName ? executionArnFor(executionName) : round?.executionArn;
  if (!arn || (executionName && !executionName.startsWith(application.id))) throw new NotFoundError('execution');
  const [execution, events] = await Promise.all([describeExecution(arn), executionHistory(arn)]);
  if (!execution || !events) throw new NotFoundError('execution');
  return { execution, executions: round?.executions ?? [], events };
}
