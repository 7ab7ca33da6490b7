/**
 * The review workflow as the API and the pipeline tasks speak to it: start an execution
 * for a submission, answer a waiting task, read an execution's status and history. One
 * module so execution names and the handling of stale tokens are decided once.
 *
 * - An execution is named `<applicationId>-<submissionNumber>` (unique per submission, and
 *   Standard workflows refuse a second execution with the same name, which makes starting
 *   idempotent: ExecutionAlreadyExists means "already started"). A staff restart adds
 *   `-r<n>`.
 * - The input is only `{ applicationId }`: the first task loads everything else from the
 *   table, so staff can start or restart from the console or CLI with the same input.
 * - Answering a token that is no longer waiting (answered already, timed out, execution
 *   gone) is not an error for the caller: the fact was recorded in the table first, and a
 *   waiting task re-reads the table. answerTask says which happened.
 */
import { config } from '#lib/config.ts';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { sfnClient } from '#lib/aws-clients.ts';

const isoOf = (value: Date | undefined): string | undefined => (value ? value.toISOString() : undefined);

export function executionName(applicationId: string, submissionNumber: number, restart?: number): string {
  return `${applicationId}-${submissionNumber}${restart ? `-r${restart}` : ''}`;
}

/** `arn:aws:states:<r>:<a>:stateMachine:<m>` + name → `arn:aws:states:<r>:<a>:execution:<m>:<name>`. */
export function executionArnFor(name: string, stateMachineArn = config.reviewStateMachineArn): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export interface Started {
  executionArn: string;
  /** false when an execution with this name existed already. */
  started: boolean;
}

export async function startReview(applicationId: string, name: string): Promise<Started> {
  try {
    const out = await sfnClient().send(
      new StartExecutionCommand({ stateMachineArn: config.reviewStateMachineArn, name, input: JSON.stringify({ applicationId }) }),
    );
    return { executionArn: out.executionArn ?? executionArnFor(name), started: true };
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return { executionArn: executionArnFor(name), started: false };
    throw error;
  }
}

const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export type Answer = 'answered' | 'gone';

/** SendTaskSuccess; 'gone' when the token no longer waits (the workflow reads the table instead). */
export async function answerTask(token: string, output: Record<string, unknown>): Promise<Answer> {
  try {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
    return 'answered';
  } catch (error) {
    if (GONE.has((error as { name?: string }).name ?? '')) return 'gone';
    throw error;
  }
}

export async function failTask(token: string, error: string, cause: string): Promise<Answer> {
  try {
    await sfnClient().send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
    return 'answered';
  } catch (e) {
    if (GONE.has((e as { name?: string }).name ?? '')) return 'gone';
    throw e;
  }
}

export interface ExecutionStatus {
  executionArn: string;
  name?: string;
  status: string;
  startDate?: string;
  stopDate?: string;
  error?: string;
  cause?: string;
}

export async function describeExecution(executionArn: string): Promise<ExecutionStatus | undefined> {
  try {
    const out = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
    return {
      executionArn,
      ...(out.name ? { name: out.name } : {}),
      status: out.status ?? 'UNKNOWN',
      ...(isoOf(out.startDate) ? { startDate: isoOf(out.startDate) } : {}),
      ...(isoOf(out.stopDate) ? { stopDate: isoOf(out.stopDate) } : {}),
      ...(out.error ? { error: out.error } : {}),
      ...(out.cause ? { cause: out.cause } : {}),
    };
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

/** Whether an execution is still running (one that does not exist is not). */
export async function isRunning(executionArn: string): Promise<boolean> {
  return (await describeExecution(executionArn))?.status === 'RUNNING';
}

export interface HistoryEntry {
  id: number;
  at: string;
  type: string;
  /** The state entered or exited, when the event names one. */
  state?: string;
  error?: string;
  cause?: string;
}

type HistoryEvent = {
  id?: number;
  timestamp?: Date;
  type?: string;
  [details: string]: unknown;
};

function entryOf(e: HistoryEvent): HistoryEntry {
  const details = (e.stateEnteredEventDetails ?? e.stateExitedEventDetails) as { name?: string } | undefined;
  const failure = (e.taskFailedEventDetails ?? e.executionFailedEventDetails ?? e.lambdaFunctionFailedEventDetails) as
    { error?: string; cause?: string } | undefined;
  return {
    id: e.id ?? 0,
    at: isoOf(e.timestamp) ?? '',
    type: e.type ?? 'Unknown',
    ...(details?.name ? { state: details.name } : {}),
    ...(failure?.error ? { error: failure.error } : {}),
    ...(failure?.cause ? { cause: failure.cause.slice(0, 2000) } : {}),
  };
}

/** The execution's history, oldest first (all pages, up to `max` events). */
export async function executionHistory(executionArn: string, max = 2000): Promise<HistoryEntry[] | undefined> {
  const out: HistoryEntry[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await sfnClient().send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
      out.push(...((page.events ?? []) as HistoryEvent[]).map(entryOf));
      nextToken = page.nextToken;
    } while (nextToken && out.length < max);
  } catch (error) {
    if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
  return out;
}
