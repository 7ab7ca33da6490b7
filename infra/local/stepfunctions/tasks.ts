/**
 * Task states: the engine's task overrides (one handler per Task state, writing the
 * Task/Lambda history events AWS writes), one attempt's timers and end, the Lambda
 * integrations, callback task tokens, and the errors a task throws into the engine.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setImmediate as afterMicrotasks } from 'node:timers/promises';
import { sfnErrors } from './api.ts';
import {
  describeResource,
  isJsonObject,
  MAX_TIMER_SECONDS,
  resolveSimplePath,
  roundTrip,
  type DurationSpec,
  type JsonObject,
  type JsonValue,
  type TaskStateInfo,
} from './definitions.ts';
import { withToken, type CallbackEntry, type JournalEntry, type Replay } from './replay.ts';
import { jsonText, newEvent, type NewEvent } from './store.ts';

// ---- what a task may use of its execution -------------------

export type InvokeFunction = (functionArnOrName: string, payload: unknown) => Promise<unknown>;

export interface TaskScope {
  region: string;
  invokeFunction: InvokeFunction;
  tokens: TaskTokenRegistry;
  tokenSource: ContextTokenSource;
  activeTasks: ActiveTasks;
  /** Factor on callback tasks' timeouts and heartbeats (toEngineDefinition in definitions.ts); 1 as written. */
  taskTimeScale: number;
  /** Appends to the execution's history (ignored once the execution is closed). */
  record(event: NewEvent): void;
  /** Resuming after a restart: which calls already happened (replay.ts). */
  replay: Replay;
  /** Records a finished call's outcome for a later resume. */
  journal(entry: JournalEntry): void;
  /** Records (or updates) a callback task's token for its call (also how it is retired after a restart). */
  rememberCallback(entry: CallbackEntry): void;
  isClosed(): boolean;
  log: (message: string, fields?: object) => void;
}

// ---- task errors --------------------------------------------

/**
 * Errors a Task handler throws into the engine. The engine matches Retry/Catch
 * `ErrorEquals` against `error.name` and reports `error.message` as the Cause, so both are
 * set to what AWS would report.
 */
class TaskError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Ends a task whose branch, iteration or execution is already over. The engine reads
 * `isRetryable`/`isCatchable`; with both false the abandoned branch unwinds without running
 * any more states.
 */
class TaskCancelledError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor() {
    super('Task cancelled: its branch or execution has ended');
    this.name = 'States.Runtime';
  }
}

/**
 * A function error as the Lambda integration reports it: the error name is the thrown
 * error's name (so `TransientError` or `Lambda.ServiceException` reach ErrorEquals as is)
 * and the Cause is the Lambda error JSON.
 */
function lambdaError(thrown: unknown): TaskError {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const errorType = error.name || 'Error';
  const cause = JSON.stringify({
    errorType,
    errorMessage: error.message,
    trace: (error.stack ?? '').split('\n').filter((line) => line.trim() !== ''),
  });
  return new TaskError(errorType, cause);
}

// ---- task tokens --------------------------------------------

/**
 * Callback task tokens. The engine has no notion of them, so they are minted here: opaque,
 * unguessable and long like AWS's, handed to the workflow through `$$.Task.Token`, and
 * answered through SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
 *
 * Answers follow AWS: a malformed token is InvalidToken, a well-formed token this endpoint
 * never issued is TaskDoesNotExist, and a token whose task is over (answered, timed out,
 * cancelled, execution closed or lost to a restart) is TaskTimedOut.
 */

const PREFIX = 'AQ';
const RANDOM_BYTES = 192;
const TOKEN_FORMAT = new RegExp(`^${PREFIX}[A-Za-z0-9_-]{${Math.ceil((RANDOM_BYTES * 4) / 3)}}$`);
/** AWS's limit on taskToken; longer values fail request validation before any lookup. */
const MAX_TOKEN_LENGTH = 2048;

function mintTaskToken(): string {
  return PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
}

export interface TaskAnswer {
  succeed(output: JsonValue): void;
  fail(error: string | undefined, cause: string | undefined): void;
  heartbeat(): void;
}

export class TaskTokenRegistry {
  private readonly pending = new Map<string, TaskAnswer>();
  private readonly closed = new Set<string>();

  open(token: string, answer: TaskAnswer): void {
    this.pending.set(token, answer);
  }

  /** Ends the task behind a token; later answers get TaskTimedOut. */
  close(token: string): void {
    this.pending.delete(token);
    this.closed.add(token);
  }

  /** Tokens of executions loaded from disk: their tasks cannot be resumed. */
  closeAll(tokens: Iterable<string>): void {
    for (const token of tokens) this.close(token);
  }

  /** The open task behind a token, or the AWS error for answering it. */
  lookup(token: string): TaskAnswer {
    if (token.length > MAX_TOKEN_LENGTH) {
      throw sfnErrors.validation(
        `Value at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TOKEN_LENGTH}`,
      );
    }
    if (!TOKEN_FORMAT.test(token)) throw sfnErrors.invalidToken();
    const answer = this.pending.get(token);
    if (answer) return answer;
    throw this.closed.has(token) ? sfnErrors.taskTimedOut() : sfnErrors.taskDoesNotExist();
  }
}

/**
 * What `$$.Task.Token` reads. The engine resolves a Task's Parameters and then calls the
 * Task's handler in the same synchronous run, so a token minted on first read ("armed") is
 * claimed by the very next handler call; repeated reads while resolving one Task give the
 * same token. A token armed but never claimed (its Parameters failed) is simply reused.
 */
export class ContextTokenSource {
  private armed: string | undefined;
  /** Placed at `$$.Task` in the execution's context object. */
  readonly contextTask: { readonly Token: string };

  constructor() {
    const task = {};
    Object.defineProperty(task, 'Token', { enumerable: true, get: () => (this.armed ??= mintTaskToken()) });
    this.contextTask = task as { readonly Token: string };
  }

  claim(): string {
    const token = this.armed ?? mintTaskToken();
    this.armed = undefined;
    return token;
  }
}

// ---- tasks in flight ----------------------------------------

/**
 * The task attempts of one execution that are still in flight, by state and enclosing
 * Parallel/Map states, so they can be ended when their branch or execution ends.
 */
interface ActiveTask {
  stateName: string;
  ancestors: readonly string[];
  cancel(): void;
}

export class ActiveTasks {
  private readonly tasks = new Set<ActiveTask>();

  add(task: ActiveTask): void {
    this.tasks.add(task);
  }

  remove(task: ActiveTask): void {
    this.tasks.delete(task);
  }

  /** Ends the attempts running inside a Parallel/Map state that failed. */
  cancelWithin(containerState: string): void {
    for (const task of [...this.tasks]) {
      if (task.ancestors.includes(containerState)) this.cancelOne(task);
    }
  }

  cancelAll(): void {
    for (const task of [...this.tasks]) this.cancelOne(task);
  }

  private cancelOne(task: ActiveTask): void {
    this.tasks.delete(task);
    task.cancel();
  }
}

// ---- Lambda integrations ------------------------------------

/**
 * Calling the caller-provided function the way the Lambda integrations do: payloads and
 * results cross as JSON, errors become Lambda function errors, and the optimized integration
 * (`arn:aws:states:::lambda:invoke`) wraps the result in Lambda's Invoke response.
 */

async function callFunction(scope: TaskScope, functionName: string, payload: JsonValue): Promise<JsonValue> {
  try {
    return roundTrip(await scope.invokeFunction(functionName, roundTrip(payload)));
  } catch (error) {
    throw lambdaError(error);
  }
}

/** Runs the optimized integration's Parameters (FunctionName, Payload): a synchronous invoke. */
async function invokeIntegration(scope: TaskScope, parameters: JsonValue): Promise<JsonObject> {
  const params = isJsonObject(parameters) ? parameters : {};
  const functionName = params.FunctionName;
  if (typeof functionName !== 'string') {
    throw new TaskError('States.Runtime', 'Parameters.FunctionName must resolve to a string');
  }
  return invokeResponse(await callFunction(scope, functionName, params.Payload ?? {}), 200);
}

function invokeResponse(payload: JsonValue, statusCode: number): JsonObject {
  const requestId = randomUUID();
  const headers: JsonObject = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': requestId,
  };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      HttpHeaders: headers,
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}

// ---- one attempt --------------------------------------------

/**
 * One attempt of one Task state (a Retry makes another). It records the attempt's history
 * events until the attempt is over, owns its timers and ends exactly once: by its own final
 * event, by TimeoutSeconds, by a missed heartbeat, or by cancellation.
 *
 * TimeoutSeconds is enforced by the engine itself (so `States.TaskFailed` keeps not matching
 * `States.Timeout`, as on AWS); the attempt only mirrors it with a timer of the same length,
 * armed just before the engine's, to write TaskTimedOut and retire the task token first.
 * A callback task under a time scale (toEngineDefinition in definitions.ts) has its timers scaled, and its
 * TimeoutSecondsPath is enforced here: the attempt's onTimeout hook fails the task.
 */

class TaskAttempt implements ActiveTask {
  private over = false;
  private cancelledFlag = false;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly endHooks: Array<() => void> = [];
  private cancelHook: (() => void) | undefined;
  /** Told when TimeoutSeconds ends the attempt (the execution's journal records it for replay). */
  onTimedOut: ((cause: string) => void) | undefined;
  private timeoutHook: ((cause: string) => void) | undefined;
  /** Set when the scaled timeout fired before a hook was registered (a timer of microseconds can beat begin()). */
  private timedOutCause: string | undefined;
  /** Factor on this attempt's timers: the scope's for callback tasks, else 1. */
  private readonly scale: number;

  /** Call synchronously at the top of the handler, before the engine arms its own timer. */
  constructor(
    private readonly info: TaskStateInfo,
    private readonly scope: TaskScope,
    private readonly input: JsonValue,
    timedOutEvent: (error: string, cause: string) => NewEvent,
  ) {
    this.scale = info.resource.kind === 'lambda-callback' ? scope.taskTimeScale : 1;
    const seconds = durationSeconds(info.timeout, input) ?? MAX_TIMER_SECONDS;
    this.timeoutTimer = setTimeout(
      () => {
        const cause = `Task did not finish within ${seconds} seconds`;
        if (!this.finish(timedOutEvent('States.Timeout', cause))) return;
        this.onTimedOut?.(cause);
        // Unscaled, the engine raises States.Timeout itself.
        if (this.scale === 1) return;
        if (this.timeoutHook) this.timeoutHook(cause);
        else this.timedOutCause = cause;
      },
      Math.min(seconds * this.scale, MAX_TIMER_SECONDS) * 1000,
    );
    this.timeoutTimer.unref();
  }

  get stateName(): string {
    return this.info.name;
  }

  get ancestors(): readonly string[] {
    return this.info.ancestors;
  }

  /** Over, by any cause. */
  get ended(): boolean {
    return this.over;
  }

  /** Ended because its branch or execution ended (not by its own outcome). */
  get cancelled(): boolean {
    return this.cancelledFlag;
  }

  get timeoutInSeconds(): number | undefined {
    return durationSeconds(this.info.timeout, this.input);
  }

  get heartbeatInSeconds(): number | undefined {
    return durationSeconds(this.info.heartbeat, this.input);
  }

  /**
   * Yields until the engine's queued events (e.g. this state's "entered") are in the history,
   * then joins the execution's active tasks. Registering only now keeps a failed Parallel's
   * clean-up from catching the attempts of its own retry.
   */
  async begin(): Promise<void> {
    await afterMicrotasks();
    if (this.scope.isClosed()) {
      this.end();
      throw new TaskCancelledError();
    }
    if (!this.over) this.scope.activeTasks.add(this);
  }

  /** Writes the attempt's final event after the engine's queued events; false if already over. */
  async settle(event: NewEvent): Promise<boolean> {
    await afterMicrotasks();
    return this.finish(event);
  }

  record(event: NewEvent): void {
    if (!this.over) this.scope.record(event);
  }

  onEnd(hook: () => void): void {
    this.endHooks.push(hook);
  }

  onCancel(hook: () => void): void {
    this.cancelHook = hook;
  }

  /** Called when the scaled timeout ends the attempt (the engine has no timer of its own then). */
  onTimeout(hook: (cause: string) => void): void {
    this.timeoutHook = hook;
    if (this.timedOutCause !== undefined) hook(this.timedOutCause);
  }

  startHeartbeat(onMissed: () => void): void {
    const seconds = this.heartbeatInSeconds;
    if (seconds === undefined || this.over) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(onMissed, Math.min(seconds * this.scale, MAX_TIMER_SECONDS) * 1000);
    this.heartbeatTimer.unref();
  }

  finish(event: NewEvent): boolean {
    if (this.over) return false;
    this.scope.record(event);
    this.end();
    return true;
  }

  cancel(): void {
    if (this.over) return;
    this.cancelledFlag = true;
    this.end();
    this.cancelHook?.();
  }

  private end(): void {
    this.over = true;
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.heartbeatTimer);
    this.scope.activeTasks.remove(this);
    for (const hook of this.endHooks) hook();
  }
}

function durationSeconds(spec: DurationSpec, input: JsonValue): number | undefined {
  if (spec.seconds !== undefined) return spec.seconds;
  if (spec.path === undefined) return undefined;
  const value = resolveSimplePath(spec.path, input);
  return typeof value === 'number' && value > 0 ? value : undefined;
}

// ---- task handlers ------------------------------------------

/**
 * The engine's task overrides (`taskResourceLocalHandlers`, keyed by state name): every
 * Task state of a definition runs here instead of calling AWS, writing the Task/Lambda
 * history events AWS writes.
 */

type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

export function buildTaskHandlers(tasks: ReadonlyMap<string, TaskStateInfo>, scope: TaskScope): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  for (const [name, info] of tasks) {
    const run = info.resource.kind === 'lambda-callback' ? runCallback : runIntegration;
    handlers[name] = (input) => run(info, scope, input);
  }
  return handlers;
}

function taskEvents(info: TaskStateInfo) {
  const resource = describeResource(info.resource);
  return {
    scheduled: (attempt: TaskAttempt, region: string, parameters: JsonValue) =>
      newEvent('TaskScheduled', {
        ...resource,
        region,
        parameters: jsonText(parameters),
        timeoutInSeconds: attempt.timeoutInSeconds,
        heartbeatInSeconds: attempt.heartbeatInSeconds,
      }),
    started: () => newEvent('TaskStarted', resource),
    submitted: (output: JsonValue) => newEvent('TaskSubmitted', { ...resource, output: jsonText(output) }),
    succeeded: (output: JsonValue) =>
      newEvent('TaskSucceeded', { ...resource, output: jsonText(output), outputDetails: { truncated: false } }),
    failed: (error: TaskError) => newEvent('TaskFailed', { ...resource, error: error.name, cause: error.message }),
    timedOut: (error: string, cause: string): NewEvent => newEvent('TaskTimedOut', { ...resource, error, cause }),
  };
}

/**
 * A call that finished before a restart, replayed from the journal: its output, or its error
 * thrown again. The attempt made for it is dropped (it started no timers of its own yet).
 */
function replayed(scope: TaskScope, key: string, attempt: TaskAttempt): { output: JsonValue } | undefined {
  const entry = scope.replay.outcome(key);
  if (!entry) return undefined;
  attempt.cancel();
  if (entry.error !== undefined) throw new TaskError(entry.error, entry.cause ?? '');
  return { output: entry.output ?? null };
}

/** Journals the attempt's own timeout, so a replay ends this call the same way. */
function journalTimeout(scope: TaskScope, key: string, attempt: TaskAttempt): void {
  attempt.onTimedOut = (cause) => scope.journal({ key, error: 'States.Timeout', cause });
}

/** `arn:aws:states:::lambda:invoke`: the result is Lambda's Invoke response. */
async function runIntegration(info: TaskStateInfo, scope: TaskScope, input: JsonValue): Promise<JsonValue> {
  const events = taskEvents(info);
  const attempt = new TaskAttempt(info, scope, input, events.timedOut);
  const key = scope.replay.key(info.name, input);
  const hit = replayed(scope, key, attempt);
  if (hit) return hit.output;
  await scope.replay.end();
  journalTimeout(scope, key, attempt);
  await attempt.begin();
  attempt.record(events.scheduled(attempt, scope.region, input));
  attempt.record(events.started());
  let response: JsonValue;
  try {
    response = await invokeIntegration(scope, input);
  } catch (error) {
    throw await failed(attempt, error, events.failed, scope, key);
  }
  if (!(await attempt.settle(events.succeeded(response)))) throw new TaskCancelledError();
  scope.journal({ key, output: response });
  return response;
}

/**
 * `arn:aws:states:::lambda:invoke.waitForTaskToken`: the function gets the token through
 * `$$.Task.Token`, and the task's result is whatever SendTaskSuccess sends. A call that was
 * waiting when the runtime stopped waits again on its original token (replay.ts); its
 * function is not invoked again unless it never was.
 */
async function runCallback(info: TaskStateInfo, scope: TaskScope, input: JsonValue): Promise<JsonValue> {
  const fresh = scope.tokenSource.claim();
  const events = taskEvents(info);
  const attempt = new TaskAttempt(info, scope, input, events.timedOut);
  const key = scope.replay.key(info.name, input, fresh);
  const hit = replayed(scope, key, attempt);
  if (hit) return hit.output;
  const waiting = scope.replay.takeWaiting(key);
  const token = waiting?.token ?? fresh;
  const callInput = waiting ? withToken(input, fresh, waiting.token) : input;
  journalTimeout(scope, key, attempt);
  const answer = Promise.withResolvers<JsonValue>();
  attempt.onEnd(() => scope.tokens.close(token));
  attempt.onCancel(() => answer.reject(new TaskCancelledError()));
  attempt.onTimeout((cause) => answer.reject(new TaskError('States.Timeout', cause)));
  if (attempt.ended) {
    // A scaled timeout of microseconds fired before the task began: it times out unstarted.
    answer.promise.catch(() => undefined);
    throw await failed(attempt, new TaskError('States.Timeout', 'Task timed out before it started'), events.failed, scope, key);
  }
  const taskAnswer: TaskAnswer = {
    succeed: (output) => answer.resolve(output),
    fail: (error, cause) => answer.reject(new TaskError(error ?? 'States.TaskFailed', cause ?? '')),
    heartbeat: () => attempt.startHeartbeat(missedHeartbeat),
  };
  if (waiting) {
    // Back on its original token at once (an answer sent meanwhile is delivered now). Its
    // Scheduled/Started (and Submitted) events are in the history already.
    scope.tokens.open(token, taskAnswer);
    scope.replay.unpark(token, taskAnswer);
    await scope.replay.waitingTaken();
    await attempt.begin();
  } else {
    await scope.replay.end();
    await attempt.begin();
    scope.tokens.open(token, taskAnswer);
    scope.rememberCallback({ key, token, submitted: false });
    attempt.record(events.scheduled(attempt, scope.region, callInput));
    attempt.record(events.started());
  }
  function missedHeartbeat(): void {
    const cause = `No heartbeat within ${attempt.heartbeatInSeconds} seconds`;
    attempt.finish(events.timedOut('States.HeartbeatTimeout', cause));
    scope.journal({ key, error: 'States.HeartbeatTimeout', cause });
    answer.reject(new TaskError('States.HeartbeatTimeout', cause));
  }

  attempt.startHeartbeat(missedHeartbeat);
  if (!waiting?.submitted) {
    invokeIntegration(scope, callInput).then(
      (response) => {
        attempt.record(events.submitted(response));
        scope.rememberCallback({ key, token, submitted: true });
      },
      (error: unknown) => answer.reject(error),
    );
  }
  let output: JsonValue;
  try {
    output = await answer.promise;
  } catch (error) {
    throw await failed(attempt, error, events.failed, scope, key);
  }
  if (!(await attempt.settle(events.succeeded(output)))) throw new TaskCancelledError();
  scope.journal({ key, output });
  return output;
}

/**
 * Records a failed attempt (unless it already ended) and returns the error for the engine;
 * journals it when this attempt's own outcome (not a cancellation, timeout or missed heartbeat).
 */
async function failed(
  attempt: TaskAttempt,
  error: unknown,
  toEvent: (error: TaskError) => NewEvent,
  scope: TaskScope,
  key: string,
): Promise<Error> {
  if (error instanceof TaskCancelledError || attempt.cancelled) return new TaskCancelledError();
  const taskError = error instanceof TaskError ? error : new TaskError('States.Runtime', String(error));
  if (await attempt.settle(toEvent(taskError))) scope.journal({ key, error: taskError.name, cause: taskError.message });
  return taskError;
}
