/**
 * Runs one execution on aws-local-stepfunctions: builds the context object and the task
 * overrides, turns the engine's event log into history, and closes the execution with the
 * engine's outcome.
 */
import './polyfill.ts';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { ActiveTasks } from './active-tasks.ts';
import type { LoadedStateMachine } from './definitions.ts';
import { EngineEventMapper, type EngineEvent } from './engine-events.ts';
import type { EngineDefinition } from './engine-definition.ts';
import type { ExecutionOutcome, ExecutionRecord } from './execution-record.ts';
import type { ExecutionStore } from './execution-store.ts';
import { jsonText } from './history.ts';
import type { JsonValue } from './json.ts';
import { Replay } from './replay.ts';
import { buildTaskHandlers } from './task-handlers.ts';
import type { InvokeFunction, TaskScope } from './task-scope.ts';
import { ContextTokenSource, type TaskTokenRegistry } from './task-tokens.ts';

export interface RunnerDeps {
  region: string;
  store: ExecutionStore;
  tokens: TaskTokenRegistry;
  invokeFunction: InvokeFunction;
  log(message: string, fields?: object): void;
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

export interface RunningExecution {
  /** Stops the engine and ends in-flight tasks; history and status are the caller's business. */
  halt(): void;
  /** Settles once the execution is closed and its history complete. */
  done: Promise<void>;
}

/** `replay` is empty for a new execution; a resumed one replays its journal (replay.ts). */
export function runExecution(
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
  const done = run.result.then(
    (output) => ({ status: 'SUCCEEDED', output: jsonText(output as JsonValue) }) satisfies ExecutionOutcome,
    (error: unknown) => failureOutcome(error),
  ).then(async (outcome) => {
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
