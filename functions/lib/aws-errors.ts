/**
 * The one list of AWS SDK errors that a retry can cure. The API answers them with 503 and
 * Retry-After (lib/http.ts); pipeline tasks turn them into TransientError so the state
 * machine retries with backoff (pipeline/errors.ts, which adds its own lost races).
 *
 * Names only of errors that say "try again later": throttling, a service's own failure or
 * unavailability, a timeout, and a transaction that lost to another one. Validation,
 * access and not-found errors never belong here.
 */
export const TRANSIENT_AWS_ERROR_NAMES: ReadonlySet<string> = new Set([
  // Throttling (DynamoDB, Step Functions, EventBridge, SES, KMS, Cognito).
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown', // S3
  // The service's own failure or unavailability.
  'InternalServerError',
  'InternalFailure',
  'InternalServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  // Timeouts.
  'TimeoutError',
  'RequestTimeout',
  // A DynamoDB write that lost to another transaction (raw only when no condition failed).
  'TransactionConflictException',
  'TransactionCanceledException',
  'TransactionInProgressException',
]);

/** Node network errors (by `code`) a retry can cure. */
export const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** True for an AWS SDK error whose name is on the transient list. */
export function isTransientAwsError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && TRANSIENT_AWS_ERROR_NAMES.has(name);
}
