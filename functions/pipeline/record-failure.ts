/**
 * The Catch of every task: record the failure on the application (visible to staff, with
 * its cause), alert staff once per execution, mark the round failed. Then the state
 * machine fails the execution. Staff fix the cause and restart; the next execution
 * resumes from the table and clears the failure.
 *
 * `markReviewFailed` is shared with reviewExecutionEnded (execution-ended.ts), which does
 * the same for executions that end without reaching this Catch (an uncaught error, a
 * timeout, StopExecution).
 */
import type { AbnormalEndStatus, ReviewFailure } from '#core/review/execution-status.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { getApplication, type Application } from '#store/application-reads.ts';
import { transact, TransactionCancelled } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { notificationItem } from '#store/messages.ts';
import { moveStage, ownsRound } from '#store/reviews.ts';
import { logger } from '#lib/logger.ts';
import { pipelineTask } from './task.ts';

export interface RecordFailureInput {
  applicationId: string;
  execution: string;
  executionArn?: string;
  error?: string;
  cause?: string;
}

export type { ReviewFailure } from '#core/review/execution-status.ts';

/** The Lambda error JSON's message when the cause is one; else the cause as it is. */
export function readableCause(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown; errorType?: unknown };
    if (typeof parsed.errorMessage === 'string') return `${String(parsed.errorType ?? 'Error')}: ${parsed.errorMessage}`.slice(0, 2000);
  } catch {
    // not JSON: keep the text
  }
  return cause.slice(0, 2000);
}

const HOW: Record<AbnormalEndStatus, string> = { FAILED: 'failed', TIMED_OUT: 'timed out', ABORTED: 'was stopped' };

/**
 * Marks the application's current round failed and alerts staff, once per execution. The
 * round moves first (idempotent: same stage, same failure), then the application's failure
 * and the alert are written in one transaction conditioned on this execution's failure not
 * being recorded yet, so a redelivery after a crash completes what is missing and never
 * alerts twice.
 */
export async function markReviewFailed(app: Application, failure: ReviewFailure, executionArn?: string): Promise<{ recorded: boolean }> {
  // Conditional on the round existing, being failable and, with executionArn, still being
  // this execution's: a restart that claimed the round between the caller's ownership check
  // and this write keeps its round as it is, and nothing is recorded or alerted.
  if (app.submissionNumber > 0) {
    const moved = await moveStage(app.id, app.submissionNumber, 'failed', { failure }, executionArn);
    if (!moved && executionArn && !(await ownsRound(app.id, app.submissionNumber, executionArn))) {
      logger.info('the round was claimed by a newer execution before the failure was recorded', {
        applicationId: app.id,
        execution: failure.execution,
      });
      return { recorded: false };
    }
  }
  const how = HOW[failure.status ?? 'FAILED'];
  const alert = notificationItem({
    recipient: keys.staffInbox,
    kind: 'pipeline.failed',
    title:
      failure.status === 'ABORTED'
        ? 'A review workflow was stopped'
        : failure.status === 'TIMED_OUT'
          ? 'A review workflow timed out'
          : 'A review workflow failed',
    body: `The review of ${app.pathwayName}'s ${app.level} application ${how}: ${failure.error}. ${failure.cause}`.slice(0, 2000),
    applicationId: app.id,
    link: `/applications/${app.id}/review-round`,
    action: { title: 'Restart the review workflow', method: 'POST', path: `/applications/${app.id}/review-round/start` },
  });
  try {
    await transact([
      {
        Update: {
          TableName: config.tableName,
          Key: keys.application(app.id),
          UpdateExpression: 'SET reviewFailure = :f',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(reviewFailure) OR reviewFailure.execution <> :exec)',
          ExpressionAttributeValues: { ':f': failure, ':exec': failure.execution },
        },
      },
      { Put: { TableName: config.tableName, Item: alert, ConditionExpression: 'attribute_not_exists(PK)' } },
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled) return { recorded: false };
    throw error;
  }
  return { recorded: true };
}

export async function recordFailure(input: RecordFailureInput): Promise<{ recorded: boolean }> {
  const app = await getApplication(input.applicationId, true);
  if (!app) return { recorded: false };
  // A failure of an execution that does not own the round is its own business: the owner's
  // round and the application's status stay as they are (the execution still fails).
  if (app.submissionNumber > 0 && !(await ownsRound(app.id, app.submissionNumber, input.executionArn))) {
    logger.warn('a superseded review execution failed; nothing recorded on the round', { execution: input.execution, error: input.error });
    return { recorded: false };
  }
  return markReviewFailed(
    app,
    { error: input.error ?? 'Unknown', cause: readableCause(input.cause), at: nowIso(), execution: input.execution },
    input.executionArn,
  );
}

export const handler = pipelineTask('recordFailure', recordFailure);
