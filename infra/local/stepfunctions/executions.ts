/**
 * The execution side of the endpoint: starting (with AWS's name idempotency), stopping,
 * answering callback tasks and waiting for an execution to close.
 */
import { randomUUID } from 'node:crypto';
import { executionArn, type ArnScope } from './arns.ts';
import type { LoadedStateMachine } from './definitions.ts';
import { sfnErrors } from './errors.ts';
import { runExecution, type PreparedMachine, type RunnerDeps, type RunningExecution } from './execution-runner.ts';
import type { ExecutionRecord } from './execution-record.ts';
import type { ExecutionStore } from './execution-store.ts';
import type { JsonValue } from './json.ts';
import type { Replay } from './replay.ts';
import type { TaskTokenRegistry } from './task-tokens.ts';

export interface StartRequest {
  machine: PreparedMachine;
  name?: string;
  /** Input as sent (JSON text); validated by the caller. */
  inputText: string;
  input: JsonValue;
}

export class Executions {
  private readonly running = new Map<string, RunningExecution>();

  constructor(
    private readonly scope: ArnScope,
    private readonly store: ExecutionStore,
    private readonly tokens: TaskTokenRegistry,
    private readonly deps: RunnerDeps,
  ) {}

  /**
   * Standard-workflow semantics: the same name with the same input while the execution is
   * open returns it again; a different input, or any reuse of a closed execution's name,
   * is ExecutionAlreadyExists.
   */
  start(request: StartRequest): ExecutionRecord {
    const machine: LoadedStateMachine = request.machine.machine;
    const name = request.name ?? randomUUID();
    const arn = executionArn(this.scope, machine.name, name);
    const existing = this.store.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === request.inputText) return existing;
      throw sfnErrors.executionAlreadyExists(arn);
    }
    const record = this.store.create(
      {
        executionArn: arn,
        stateMachineArn: machine.arn,
        stateMachineName: machine.name,
        name,
        startDate: Date.now(),
        input: request.inputText,
      },
      machine.roleArn,
    );
    const execution = runExecution(request.machine, record, request.input, this.deps);
    this.running.set(arn, execution);
    void execution.done.finally(() => this.running.delete(arn));
    this.deps.log('execution started', { executionArn: arn });
    return record;
  }

  /**
   * Runs again an execution that was RUNNING when the runtime stopped: it replays its
   * journal up to where it was and waits again where it waited (replay.ts).
   */
  resume(machine: PreparedMachine, record: ExecutionRecord, replay: Replay): void {
    const arn = record.executionArn;
    const execution = runExecution(machine, record, JSON.parse(record.input) as JsonValue, this.deps, replay);
    this.running.set(arn, execution);
    void execution.done.finally(() => this.running.delete(arn));
    this.deps.log('execution resumed', { executionArn: arn });
  }

  /** Aborts a running execution; a closed one is left as it is. */
  stop(arn: string, error: string | undefined, cause: string | undefined): ExecutionRecord {
    const record = this.require(arn);
    if (this.store.close(arn, { status: 'ABORTED', error, cause })) this.running.get(arn)?.halt();
    return record;
  }

  sendTaskSuccess(token: string, output: JsonValue): void {
    this.tokens.lookup(token).succeed(output);
    this.tokens.close(token);
  }

  sendTaskFailure(token: string, error: string | undefined, cause: string | undefined): void {
    this.tokens.lookup(token).fail(error, cause);
    this.tokens.close(token);
  }

  sendTaskHeartbeat(token: string): void {
    this.tokens.lookup(token).heartbeat();
  }

  require(arn: string): ExecutionRecord {
    const record = this.store.get(arn);
    if (!record) throw sfnErrors.executionDoesNotExist(arn);
    return record;
  }

  /** Resolves with the record once the execution is closed. */
  waitForClose(arn: string, timeoutMs: number): Promise<ExecutionRecord> {
    const record = this.require(arn);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`Execution ${arn} still ${record.status} after ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.store.onClosed(arn, () => {
        clearTimeout(timer);
        resolve(record);
      });
    });
  }

  /** Stops every engine run without closing executions (a restart will mark them). */
  async shutdown(): Promise<void> {
    const runs = [...this.running.values()];
    this.store.detach();
    for (const run of runs) run.halt();
    await Promise.allSettled(runs.map((run) => run.done));
  }
}
