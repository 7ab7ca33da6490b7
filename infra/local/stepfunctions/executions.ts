/**
 * Running executions on aws-local-stepfunctions: starting (with AWS's name idempotency),
 * resuming, stopping and answering callback tasks; the engine's event log turned into
 * history; and "Step Functions Execution Status Change" events for the EventBridge endpoint.
 */
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { EXECUTION_STATUS_CHANGE, STATES_EVENT_SOURCE } from '#core/review/execution-status.ts';
import { sfnErrors } from './api.ts';
import { executionArn, type ArnScope, type EngineDefinition, type JsonValue, type LoadedStateMachine } from './definitions.ts';
import { Replay } from './replay.ts';
import { jsonText, newEvent, type ExecutionOutcome, type ExecutionRecord, type ExecutionStore, type NewEvent } from './store.ts';
import {
  ActiveTasks,
  buildTaskHandlers,
  ContextTokenSource,
  type InvokeFunction,
  type TaskScope,
  type TaskTokenRegistry,
} from './tasks.ts';

// ---- Promise.withResolvers on Node 20 -------------------------

// aws-local-stepfunctions (and callback tasks in tasks.ts) call `Promise.withResolvers`
// (ES2024), which Node 20 lacks: a spec-equivalent fallback, installed once at load.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = <T>(): PromiseWithResolvers<T> => {
    let resolve!: PromiseWithResolvers<T>['resolve'];
    let reject!: PromiseWithResolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

// ---- engine events to history -------------------------------

/**
 * Turns aws-local-stepfunctions' event log into AWS history events for the states the engine
 * runs itself (enter/exit, Parallel, Map). Task events come from the task handlers, which
 * know the resource and parameters; execution start/end events come from the runner.
 */

type EngineEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

const CONTAINERS = new Set(['Parallel', 'Map']);

class EngineEventMapper {
  /** Parallel/Map states that failed since they were last entered. */
  private readonly failed = new Set<string>();

  map(event: EngineEvent): NewEvent[] {
    switch (event.type) {
      case 'StateEntered':
        return this.entered(event.state.name, event.state.type, event.state.input);
      case 'StateExited':
        return this.exited(event.state.name, event.state.type, event.state.output);
      case 'StateFailed':
        return this.stateFailed(event.state.name, event.state.type);
      case 'StateRetried':
        this.failed.delete(event.state.name);
        return [];
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        return [newEvent(event.type, { name: event.parentState.name, index: event.index })];
      default:
        return [];
    }
  }

  /** Whether this event ends every branch/iteration of a Parallel or Map state. */
  static failedContainer(event: EngineEvent): string | undefined {
    return event.type === 'StateFailed' && CONTAINERS.has(event.state.type) ? event.state.name : undefined;
  }

  private entered(name: string, type: string, input: JsonValue): NewEvent[] {
    this.failed.delete(name);
    const events = [newEvent(`${type}StateEntered`, { name, input: jsonText(input), inputDetails: { truncated: false } })];
    if (CONTAINERS.has(type)) events.push(newEvent(`${type}StateStarted`));
    return events;
  }

  private exited(name: string, type: string, output: JsonValue | undefined): NewEvent[] {
    const events: NewEvent[] = [];
    if (CONTAINERS.has(type) && !this.failed.has(name)) events.push(newEvent(`${type}StateSucceeded`));
    this.failed.delete(name);
    events.push(newEvent(`${type}StateExited`, { name, output: jsonText(output), outputDetails: { truncated: false } }));
    return events;
  }

  private stateFailed(name: string, type: string): NewEvent[] {
    if (!CONTAINERS.has(type)) return [];
    this.failed.add(name);
    return [newEvent(`${type}StateFailed`)];
  }
}

// ---- status-change events -----------------------------------

/**
 * "Step Functions Execution Status Change" events, as Step Functions puts them on the
 * account's default event bus: one per execution start (RUNNING) and end (SUCCEEDED,
 * FAILED, TIMED_OUT, ABORTED), sent with PutEvents to the local EventBridge endpoint so the
 * rules of events/rules.ts route them to the same handlers as in AWS. Sent in order, one at a
 * time; a failed put is logged, never retried (AWS's delivery is best effort too).
 */

/** The event detail AWS sends (dates in epoch milliseconds, absent values as null). */
function statusChangeDetail(record: ExecutionRecord): Record<string, unknown> {
  const closed = record.status !== 'RUNNING';
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    stopDate: closed ? (record.stopDate ?? null) : null,
    input: record.input,
    inputDetails: { included: true },
    output: record.output ?? null,
    outputDetails: record.output !== undefined ? { included: true } : null,
    error: record.error ?? null,
    cause: record.cause ?? null,
  };
}

export class StatusEvents {
  private readonly client: EventBridgeClient;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    endpoint: string,
    region: string,
    private readonly log: (message: string, fields?: object) => void,
  ) {
    this.client = new EventBridgeClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  /** Queues the event for the execution's current status (the detail is taken now). */
  emit(record: ExecutionRecord): void {
    const detail = statusChangeDetail(record);
    const time = new Date(record.status === 'RUNNING' ? record.startDate : (record.stopDate ?? Date.now()));
    this.queue = this.queue.then(async () => {
      try {
        const out = await this.client.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: STATES_EVENT_SOURCE,
                DetailType: EXECUTION_STATUS_CHANGE,
                Resources: [record.executionArn],
                Detail: JSON.stringify(detail),
                Time: time,
              },
            ],
          }),
        );
        if (out.FailedEntryCount)
          this.log(`step functions: status change of ${record.executionArn} not accepted: ${JSON.stringify(out.Entries)}`);
      } catch (error) {
        this.log(`step functions: status change ${String(detail.status)} of ${record.executionArn} could not be sent: ${String(error)}`);
      }
    });
  }

  /** Resolves once every queued event was sent (or failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  close(): void {
    this.client.destroy();
  }
}

// ---- running one execution ----------------------------------

/**
 * Runs one execution on aws-local-stepfunctions: builds the context object and the task
 * overrides, turns the engine's event log into history, and closes the execution with the
 * engine's outcome.
 */

interface RunnerDeps {
  region: string;
  store: ExecutionStore;
  tokens: TaskTokenRegistry;
  invokeFunction: InvokeFunction;
  log: (message: string, fields?: object) => void;
}

export interface PreparedMachine {
  machine: LoadedStateMachine;
  engine: StateMachine;
  waitTimeOverrides: EngineDefinition['waitTimeOverrides'];
  taskTimeScale: number;
}

export function prepareMachine(machine: LoadedStateMachine, engineDefinition: EngineDefinition): PreparedMachine {
  // Validated at load (asl-validator); the engine copy carries local-only adjustments.
  const engine = new StateMachine(engineDefinition.definition, { validationOptions: { noValidate: true } });
  return { machine, engine, waitTimeOverrides: engineDefinition.waitTimeOverrides, taskTimeScale: engineDefinition.taskTimeScale };
}

type EngineRun = StateMachine['run'];
type EngineInput = Parameters<EngineRun>[0];

interface RunningExecution {
  /** Stops the engine and ends in-flight tasks; history and status are the caller's business. */
  halt(): void;
  /** Settles once the execution is closed and its history complete. */
  done: Promise<void>;
}

/** `replay` is empty for a new execution; a resumed one replays its journal (replay.ts). */
function runExecution(
  prepared: PreparedMachine,
  record: ExecutionRecord,
  input: JsonValue,
  deps: RunnerDeps,
  replay: Replay = new Replay(),
): RunningExecution {
  const arn = record.executionArn;
  const activeTasks = new ActiveTasks();
  const tokenSource = new ContextTokenSource();
  const scope: TaskScope = {
    region: deps.region,
    invokeFunction: deps.invokeFunction,
    tokens: deps.tokens,
    tokenSource,
    activeTasks,
    taskTimeScale: prepared.taskTimeScale,
    record: (event) => deps.store.append(arn, event),
    replay,
    journal: (entry) => deps.store.journal(arn, entry),
    rememberCallback: (entry) => deps.store.rememberCallback(arn, entry),
    isClosed: () => deps.store.get(arn)?.status !== 'RUNNING',
    log: deps.log,
  };
  // Waiting tokens of a resumed run it never got back to answer TaskTimedOut once it is closed.
  deps.store.onClosed(arn, () => replay.retire(deps.tokens));
  const run = prepared.engine.run(input satisfies EngineInput, {
    overrides: {
      taskResourceLocalHandlers: buildTaskHandlers(prepared.machine.tasks, scope),
      waitTimeOverrides: prepared.waitTimeOverrides,
    },
    context: contextObject(prepared.machine, record, tokenSource),
  });
  const history = recordEngineEvents(run.eventLogs, scope, activeTasks, replay);
  const done = run.result
    .then(
      (output) => ({ status: 'SUCCEEDED', output: jsonText(output) }) satisfies ExecutionOutcome,
      (error: unknown) => failureOutcome(error),
    )
    .then(async (outcome) => {
      await history;
      if (outcome) deps.store.close(arn, outcome);
      activeTasks.cancelAll();
      deps.log('execution closed', { executionArn: arn, status: deps.store.get(arn)?.status });
    });
  return {
    halt: () => {
      run.abort();
      activeTasks.cancelAll();
    },
    done,
  };
}

function contextObject(machine: LoadedStateMachine, record: ExecutionRecord, tokens: ContextTokenSource) {
  return {
    Execution: {
      Id: record.executionArn,
      Name: record.name,
      RoleArn: machine.roleArn,
      StartTime: new Date(record.startDate).toISOString(),
    },
    StateMachine: { Id: machine.arn, Name: machine.name },
    Task: tokens.contextTask,
  };
}

async function recordEngineEvents(
  events: AsyncGenerator<EngineEvent>,
  scope: TaskScope,
  activeTasks: ActiveTasks,
  replay: Replay,
): Promise<void> {
  const mapper = new EngineEventMapper();
  for await (const event of events) {
    const mapped = mapper.map(event);
    // A replay re-walks states whose events are in the history already.
    if (!replay.replaying) for (const e of mapped) scope.record(e);
    const container = EngineEventMapper.failedContainer(event);
    if (container) activeTasks.cancelWithin(container);
  }
}

/** The outcome of a failed run, or undefined when it was aborted (StopExecution/shutdown). */
function failureOutcome(error: unknown): ExecutionOutcome | undefined {
  if (error instanceof ExecutionAbortedError) return undefined;
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds' };
  }
  const cause = error instanceof ExecutionError ? error.cause : error;
  if (cause instanceof Error) return { status: 'FAILED', error: cause.name, cause: cause.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(cause) };
}

// ---- executions ---------------------------------------------

/**
 * The execution side of the endpoint: starting (with AWS's name idempotency), stopping,
 * answering callback tasks and waiting for an execution to close.
 */

interface StartRequest {
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
