/** An execution as this endpoint keeps (and persists) it. */
import type { HistoryEvent } from './history.ts';
import type { CallbackEntry, JournalEntry } from './replay.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export type ClosedStatus = Exclude<ExecutionStatus, 'RUNNING'>;

export interface ExecutionRecord {
  /** Creation order; breaks ties between executions started in the same millisecond. */
  seq: number;
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  status: ExecutionStatus;
  /** Epoch milliseconds. */
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /**
   * Every callback token issued, as records written before `callbacks` existed kept them;
   * only read, to retire those tokens after a restart (`issuedTokens`).
   */
  taskTokens?: string[];
  /** Every Task call that finished, with its outcome: what a resume after a restart replays (replay.ts). */
  journal?: JournalEntry[];
  /** Callback tasks' tokens by call, so a task waiting at a restart waits again on the same token. */
  callbacks?: CallbackEntry[];
}

/** Every callback token the execution was given: its callbacks', and a legacy record's taskTokens. */
export function issuedTokens(record: ExecutionRecord): string[] {
  return [...(record.taskTokens ?? []), ...(record.callbacks ?? []).map((c) => c.token)];
}

export interface ExecutionOutcome {
  status: ClosedStatus;
  output?: string;
  error?: string;
  cause?: string;
}
