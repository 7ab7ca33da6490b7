/**
 * reviewExecutionEnded: Step Functions' status change of a review execution that failed,
 * timed out or was stopped (events/rules.ts `reviewExecutionEndedRule`, on the default bus)
 * marks the application's round failed and alerts staff with the restart action, as the
 * state machine's own Catch does for the failures it sees. Without this, an execution that
 * ends outside the Catch (an uncaught runtime error, a timeout, StopExecution) would leave
 * its round `reviewing` forever.
 *
 * Only the execution the round belongs to counts: an older execution that ends after a
 * restart must not fail the newer live round. Once per execution: an end the Catch already
 * recorded, or a redelivered event, changes nothing.
 */
import { parseAbnormalEnd, type AbnormalEnd } from '#core/review/execution-status.ts';
import { nowIso } from '#lib/clock.ts';
import { logger } from '#lib/logger.ts';
import { getApplication, type Application } from '#store/application-reads.ts';
import { getRound, roundOwnedBy, type ReviewRound } from '#store/reviews.ts';
import { markReviewFailed, readableCause } from './record-failure.ts';
import { executionName } from './workflow.ts';

export type ExecutionEndedResult =
  | { outcome: 'recorded' | 'already-recorded' | 'superseded'; applicationId: string; execution: string }
  | { outcome: 'dropped'; reason: string };

/**
 * Whether the execution is the one the application's current round belongs to: the round's
 * owner (`executionArn`, written by claimRound together with `executions`), judged as the
 * tasks judge it (store roundOwnedBy). A round nobody claimed yet belongs to no ending
 * execution. Before any round exists (an execution that ended before its first task ran),
 * only the submission's first execution counts.
 */
export function executionOwnsRound(
  app: Pick<Application, 'id' | 'submissionNumber'>,
  round: ReviewRound | undefined,
  end: Pick<AbnormalEnd, 'executionArn' | 'executionName'>,
): boolean {
  if (!round) return end.executionName === executionName(app.id, app.submissionNumber);
  return round.executionArn !== undefined && roundOwnedBy(round, end.executionArn);
}

export async function handleExecutionEnded(envelope: unknown): Promise<ExecutionEndedResult> {
  const parsed = parseAbnormalEnd(envelope);
  if (!parsed.ok) {
    // Nothing a retry could fix: say so and let the event go.
    logger.error('dropped a Step Functions status change this app cannot read', { error: parsed.error });
    return { outcome: 'dropped', reason: parsed.error };
  }
  const end = parsed.end;
  const app = await getApplication(end.applicationId, true);
  if (!app) {
    logger.warn('a review execution ended for an application that does not exist', {
      applicationId: end.applicationId,
      executionArn: end.executionArn,
    });
    return { outcome: 'dropped', reason: 'no such application' };
  }
  const base = { applicationId: app.id, execution: end.executionName };
  const round = app.submissionNumber > 0 ? await getRound(app.id, app.submissionNumber) : undefined;
  if (!executionOwnsRound(app, round, end)) {
    logger.info('a superseded review execution ended; the round is left as it is', {
      ...base,
      status: end.status,
      current: round?.executionArn,
    });
    return { outcome: 'superseded', ...base };
  }
  if (app.reviewFailure?.execution === end.executionName) return { outcome: 'already-recorded', ...base };
  const { recorded } = await markReviewFailed(
    app,
    {
      error: end.error,
      cause: readableCause(end.cause),
      at: nowIso(),
      execution: end.executionName,
      status: end.status,
      ...(end.stoppedAt ? { stoppedAt: end.stoppedAt } : {}),
    },
    end.executionArn,
  );
  logger.warn('a review execution ended abnormally', { ...base, status: end.status, error: end.error, recorded });
  return { outcome: recorded ? 'recorded' : 'already-recorded', ...base };
}

export const handler = (envelope: unknown): Promise<ExecutionEndedResult> => handleExecutionEnded(envelope);
