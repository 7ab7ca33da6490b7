/**
 * How pipeline tasks fail: which errors the state machine retries (TransientError), which
 * it records, and the test-only fault injector that can never run outside the local stage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BusyError, ConflictError, NotFoundError } from '#core/errors.ts';
import { classify, isTransient, PipelineError, TransientError } from '#pipeline/errors.ts';
import { injectFaults, InjectedFailure, resetFaults } from '#pipeline/faults.ts';
import { pipelineTask } from '#pipeline/task.ts';
import { ConcurrentChange, ReviewerAtCapacity } from '#store/reviews.ts';

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe('error classification', () => {
  it('treats throttling, conflicts, 5xx, network errors and lost races as transient', () => {
    for (const e of [
      named('ProvisionedThroughputExceededException'),
      named('ThrottlingException'),
      named('TransactionCanceledException'),
      named('InternalServerError'),
      named('Whatever', { $metadata: { httpStatusCode: 503 } }),
      named('FetchError', { code: 'ECONNRESET' }),
      new ConcurrentChange('seat changed'),
      new ReviewerAtCapacity('sub'),
      new BusyError(1),
      new TransientError('x'),
    ]) {
      expect(isTransient(e), e.name).toBe(true);
      expect(classify(e).name, e.name).toBe('TransientError');
    }
  });

  it('keeps everything else as it is, so the state machine records it', () => {
    for (const e of [
      new PipelineError('NotSubmitted', 'draft'),
      new NotFoundError('application'),
      new ConflictError('moved on'),
      named('ValidationException', { $metadata: { httpStatusCode: 400 } }),
      new TypeError('bug'),
    ]) {
      expect(isTransient(e), e.name).toBe(false);
      expect(classify(e)).toBe(e);
    }
    expect(classify('a string').message).toBe('a string');
  });
});

describe('fault injection', () => {
  afterEach(() => {
    delete process.env.PATHCERT_PIPELINE_FAULTS;
    process.env.PATHCERT_STAGE = 'local';
    resetFaults();
  });

  it('is off without the variable, and off on any stage but local even with it', () => {
    expect(() => injectFaults('assign', 'app_1')).not.toThrow();
    process.env.PATHCERT_PIPELINE_FAULTS = JSON.stringify({ permanent: ['assign'] });
    process.env.PATHCERT_STAGE = 'prod';
    expect(() => injectFaults('assign', 'app_1')).not.toThrow();
    process.env.PATHCERT_STAGE = 'local';
    expect(() => injectFaults('assign', 'app_1')).toThrow(InjectedFailure);
  });

  it('fails the first n calls per task, application and key, then lets them through', () => {
    process.env.PATHCERT_STAGE = 'local';
    process.env.PATHCERT_PIPELINE_FAULTS = JSON.stringify({ transient: { '*': 2 }, match: 'app_1' });
    const outcomes = () =>
      [1, 2, 3].map(() => {
        try {
          injectFaults('awaitReview', 'app_1', 'seat1');
          return 'ok';
        } catch (e) {
          return (e as Error).name;
        }
      });
    expect(outcomes()).toEqual(['TransientError', 'TransientError', 'ok']);
    // Another seat has its own count; another application is not affected.
    expect(() => injectFaults('awaitReview', 'app_1', 'seat2')).toThrow(TransientError);
    expect(() => injectFaults('awaitReview', 'app_2', 'seat1')).not.toThrow();
  });

  it('wraps tasks: an injected failure after the work still surfaces as the task\u2019s error', async () => {
    process.env.PATHCERT_STAGE = 'local';
    process.env.PATHCERT_PIPELINE_FAULTS = JSON.stringify({ transient: { 'demo.after': 1 } });
    let runs = 0;
    const task = pipelineTask('demo', async () => ++runs);
    await expect(task({ applicationId: 'app_1' })).rejects.toThrow(TransientError);
    await expect(task({ applicationId: 'app_1' })).resolves.toBe(2);
    // Errors a task throws are classified on the way out.
    const failing = pipelineTask('broken', async () => {
      throw named('ThrottlingException');
    });
    await expect(failing({ applicationId: 'app_1' })).rejects.toMatchObject({ name: 'TransientError' });
  });
});
