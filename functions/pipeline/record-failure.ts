/**
 * The Catch of every task: record the failure on the application (visible to staff, with
 * its cause), alert staff once per execution, mark the round failed. Then the state
 * machine fails the execution. Staff fix the cause and restart; the next execution
 * resumes from the table and clears the failure.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../lib/aws-clients.ts';
import { nowIso } from '../lib/clock.ts';
import { config } from '../lib/config.ts';
import { getApplication } from '../store/applications.ts';
import { keys } from '../store/keys.ts';
import { notifyStaff } from '../store/messages.ts';
import { getRound, moveStage, ownsRound, setRoundFields } from '../store/reviews.ts';
import { logger } from '../lib/logger.ts';
import { pipelineTask } from './task.ts';

export interface RecordFailureInput {
  applicationId: string;
  execution: string;
  executionArn?: string;
  error?: string;
  cause?: string;
}

/** The Lambda error JSON's message when the cause is one; else the cause as it is. */
function readableCause(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown; errorType?: unknown };
    if (typeof parsed.errorMessage === 'string') return `${String(parsed.errorType ?? 'Error')}: ${parsed.errorMessage}`.slice(0, 2000);
  } catch {
    // not JSON: keep the text
  }
  return cause.slice(0, 2000);
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
  const failure = { error: input.error ?? 'Unknown', cause: readableCause(input.cause), at: nowIso(), execution: input.execution };
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.application(app.id),
        UpdateExpression: 'SET reviewFailure = :f',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(reviewFailure) OR reviewFailure.execution <> :exec)',
        ExpressionAttributeValues: { ':f': failure, ':exec': input.execution },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return { recorded: false };
    throw error;
  }
  if (app.submissionNumber > 0 && (await getRound(app.id, app.submissionNumber))) {
    await moveStage(app.id, app.submissionNumber, 'failed', ['assigning', 'reviewing', 'adjudication', 'decision', 'failed']);
    await setRoundFields(app.id, app.submissionNumber, { failure });
  }
  await notifyStaff({
    kind: 'pipeline.failed',
    title: 'A review workflow failed',
    body: `The review of ${app.pathwayName}'s ${app.level} application stopped: ${failure.error}. ${failure.cause}`.slice(0, 2000),
    applicationId: app.id,
    link: `/applications/${app.id}/review-round`,
  });
  return { recorded: true };
}

export const handler = pipelineTask('recordFailure', recordFailure);
