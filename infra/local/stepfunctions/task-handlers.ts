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

/** `arn:aws:states:::lambda:invoke`: the result is Lambda's Invoke response. */
async function runIntegration(info: TaskStateInfo, scope: TaskScope, input: JsonValue): Promise<JsonValue> {
  const events = taskEvents(info);
  const attempt = new TaskAttempt(info, scope, input, events.timedOut);
  await attempt.begin();
  attempt.record(events.scheduled(attempt, scope.region, input));
  attempt.record(events.started());
  let response: JsonValue;
  try {
    response = await invokeIntegration(scope, input);
  } catch (error) {
    throw await failed(attempt, error, events.failed);
  }
  if (!(await attempt.settle(events.succeeded(response)))) throw new TaskCancelledError();
  return response;
}

/**
 * `arn:aws:states:::lambda:invoke.waitForTaskToken`: the function gets the token through
 * `$$.Task.Token`, and the task's result is whatever SendTaskSuccess sends.
 */
async function runCallback(info: TaskStateInfo, scope: TaskScope, input: JsonValue): Promise<JsonValue> {
  const token = scope.tokenSource.claim();
  const events = taskEvents(info);
  const attempt = new TaskAttempt(info, scope, input, events.timedOut);
  await attempt.begin();
  const answer = deferred<JsonValue>();
  attempt.onEnd(() => scope.tokens.close(token));
  attempt.onCancel(() => answer.reject(new TaskCancelledError()));
  attempt.onTimeout((cause) => answer.reject(new TaskError('States.Timeout', cause)));
  if (attempt.ended) {
    // A scaled timeout of microseconds fired before the task began: it times out unstarted.
    answer.promise.catch(() => undefined);
    throw await failed(attempt, new TaskError('States.Timeout', 'Task timed out before it started'), events.failed);
  }
  scope.tokens.open(token, {
    succeed: (output) => answer.resolve(output),
    fail: (error, cause) => answer.reject(new TaskError(error ?? 'States.TaskFailed', cause ?? '')),
    heartbeat: () => attempt.startHeartbeat(missedHeartbeat),
  });
  scope.rememberToken(token);
  function missedHeartbeat(): void {
    const cause = `No heartbeat within ${attempt.heartbeatInSeconds} seconds`;
    attempt.finish(events.timedOut('States.HeartbeatTimeout', cause));
    answer.reject(new TaskError('States.HeartbeatTimeout', cause));
  }

  attempt.record(events.scheduled(attempt, scope.region, input));
  attempt.record(events.started());
  attempt.startHeartbeat(missedHeartbeat);
  invokeIntegration(scope, input).then(
    (response) => attempt.record(events.submitted(response)),
    (error: unknown) => answer.reject(error),
  );
  let output: JsonValue;
  try {
    output = await answer.promise;
  } catch (error) {
    throw await failed(attempt, error, events.failed);
  }
  if (!(await attempt.settle(events.succeeded(output)))) throw new TaskCancelledError();
  return output;
}

/** A plain function ARN as Resource: the result is the function's return value. */
async function runFunction(info: TaskStateInfo, scope: TaskScope, input: JsonValue): Promise<JsonValue> {
  const resource = info.resource.resource;
  const timedOut = (error: string, cause: string) => newEvent('LambdaFunctionTimedOut', { error, cause });
  const attempt = new TaskAttempt(info, scope, input, timedOut);
  await attempt.begin();
  attempt.record(
    newEvent('LambdaFunctionScheduled', { resource, input: jsonText(input), timeoutInSeconds: attempt.timeoutInSeconds }),
  );
  attempt.record(newEvent('LambdaFunctionStarted'));
  let output: JsonValue;
  try {
    output = await callFunction(scope, resource, input);
  } catch (error) {
    throw await failed(attempt, error, (e) => newEvent('LambdaFunctionFailed', { error: e.name, cause: e.message }));
  }
  const succeeded = newEvent('LambdaFunctionSucceeded', { output: jsonText(output), outputDetails: { truncated: false } });
  if (!(await attempt.settle(succeeded))) throw new TaskCancelledError();
  return output;
}

/** Records a failed attempt (unless it already ended) and returns the error for the engine. */
async function failed(
  attempt: TaskAttempt,
  error: unknown,
  toEvent: (error: TaskError) => NewEvent,
): Promise<Error> {
  if (error instanceof TaskCancelledError || attempt.cancelled) return new TaskCancelledError();
  const taskError = error instanceof TaskError ? error : new TaskError('States.Runtime', String(error));
  await attempt.settle(toEvent(taskError));
  return taskError;
}
