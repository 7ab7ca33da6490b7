/**
 * The engine's task overrides (`taskResourceLocalHandlers`, keyed by state name): every
 * Task state of a definition runs here instead of calling AWS, writing the Task/Lambda
 * history events AWS writes.
 */
import { deferred } from './async.ts';
import type { TaskStateInfo } from './definitions.ts';
import { jsonText, newEvent, type NewEvent } from './history.ts';
import type { JsonValue } from './json.ts';
import { callFunction, invokeIntegration } from './lambda-integration.ts';
import { TaskAttempt } from './task-attempt.ts';
import { TaskCancelledError, TaskError } from './task-errors.ts';
import { withToken } from './replay.ts';
import type { TaskAnswer } from './task-tokens.ts';
import { describeResource } from './task-resources.ts';
import type { TaskScope } from './task-scope.ts';

export type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

export function buildTaskHandlers(
  tasks: ReadonlyMap<string, TaskStateInfo>,
  scope: TaskScope,
): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  for (const [name, info] of tasks) {
    switch (info.resource.kind) {
      case 'lambda-invoke':
        handlers[name] = (input) => runIntegration(info, scope, input);
        break;
      case 'lambda-callback':
        handlers[name] = (input) => runCallback(info, scope, input);
        break;
      case 'lambda-function':
        handlers[name] = (input) => runFunction(info, scope, input);
        break;
    }
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
  const answer = deferred<JsonValue>();
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

/** A plain function ARN as Resource: the result is the function's return value. */
async function runFunction(info: TaskStateInfo, scope: TaskScope, input: JsonValue): Promise<JsonValue> {
  const resource = info.resource.resource;
  const timedOut = (error: string, cause: string) => newEvent('LambdaFunctionTimedOut', { error, cause });
  const attempt = new TaskAttempt(info, scope, input, timedOut);
  const key = scope.replay.key(info.name, input);
  const hit = replayed(scope, key, attempt);
  if (hit) return hit.output;
  await scope.replay.end();
  journalTimeout(scope, key, attempt);
  await attempt.begin();
  attempt.record(
    newEvent('LambdaFunctionScheduled', { resource, input: jsonText(input), timeoutInSeconds: attempt.timeoutInSeconds }),
  );
  attempt.record(newEvent('LambdaFunctionStarted'));
  let output: JsonValue;
  try {
    output = await callFunction(scope, resource, input);
  } catch (error) {
    throw await failed(attempt, error, (e) => newEvent('LambdaFunctionFailed', { error: e.name, cause: e.message }), scope, key);
  }
  const succeeded = newEvent('LambdaFunctionSucceeded', { output: jsonText(output), outputDetails: { truncated: false } });
  if (!(await attempt.settle(succeeded))) throw new TaskCancelledError();
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
