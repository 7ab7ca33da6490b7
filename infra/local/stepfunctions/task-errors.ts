/**
 * Errors a Task handler throws into the engine. The engine matches Retry/Catch
 * `ErrorEquals` against `error.name` and reports `error.message` as the Cause, so both are
 * set to what AWS would report.
 */
export class TaskError extends Error {
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
export class TaskCancelledError extends Error {
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
export function lambdaError(thrown: unknown): TaskError {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const errorType = error.name || 'Error';
  const cause = JSON.stringify({
    errorType,
    errorMessage: error.message,
    trace: (error.stack ?? '').split('\n').filter((line) => line.trim() !== ''),
  });
  return new TaskError(errorType, cause);
}
