/**
 * Errors the review state machine distinguishes by name. A Lambda error's `name` becomes
 * the ASL error: `TransientError` is retried with backoff (statemachines/review.asl.json),
 * anything else is caught, recorded on the application and fails the execution.
 */
import { TRANSIENT_AWS_ERROR_NAMES, TRANSIENT_NETWORK_CODES } from '#lib/aws-errors.ts';

export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** A task found the data in a state it cannot work with (a bug or a manual edit): not retried. */
export class PipelineError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Our own errors that a retry can cure: lost races in the store (ConcurrentChange,
 * ReviewerAtCapacity, and BusyError, the domain error for contention the store gave up on)
 * and an event that could not be published. Every other domain error (core/errors.ts:
 * NotFoundError, ConflictError, …) keeps its name and is recorded as the task's failure. AWS SDK errors come from
 * the one shared list in lib/aws-errors.ts.
 */
const OWN_TRANSIENT_NAMES: ReadonlySet<string> = new Set(['ConcurrentChange', 'ReviewerAtCapacity', 'BusyError', 'EventPublishError']);

export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  if (!e) return false;
  if (e.name === 'TransientError') return true;
  if (e.name && (TRANSIENT_AWS_ERROR_NAMES.has(e.name) || OWN_TRANSIENT_NAMES.has(e.name))) return true;
  if (e.code && TRANSIENT_NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

/** The error the state machine should see: transient ones as TransientError, the rest as they are. */
export function classify(error: unknown): Error {
  if (error instanceof Error && error.name === 'TransientError') return error;
  if (isTransient(error)) {
    const e = error as Error;
    return new TransientError(`${e.name}: ${e.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
