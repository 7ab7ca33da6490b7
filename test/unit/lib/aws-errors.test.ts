/**
 * One transient-error list serves both edges: the API's 503 and the pipeline's retry.
 */
import { describe, expect, it } from 'vitest';
import { isTransientAwsError, TRANSIENT_AWS_ERROR_NAMES } from '#lib/aws-errors.ts';
import { isTransient } from '#pipeline/errors.ts';

const named = (name: string) => Object.assign(new Error(name), { name });

describe('transient AWS errors', () => {
  it('holds the names both edges used to list, throttling and conflicts included', () => {
    for (const name of [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'SlowDown',
      'InternalServerError',
      'ServiceUnavailable',
      'TimeoutError',
      'TransactionConflictException',
      'TransactionCanceledException',
      'TooManyRequestsException',
      'InternalServerException',
    ]) {
      expect(isTransientAwsError(named(name)), name).toBe(true);
    }
  });

  it("leaves out client errors and the store's own lost races", () => {
    for (const name of [
      'ValidationException',
      'AccessDeniedException',
      'ResourceNotFoundException',
      'ConditionalCheckFailedException',
      'ConcurrentChange',
    ]) {
      expect(isTransientAwsError(named(name)), name).toBe(false);
    }
    expect(isTransientAwsError(null)).toBe(false);
    expect(isTransientAwsError('ThrottlingException')).toBe(false);
  });

  it('is the list the pipeline retries: every name on it is transient there too', () => {
    for (const name of TRANSIENT_AWS_ERROR_NAMES) expect(isTransient(named(name)), name).toBe(true);
  });
});
