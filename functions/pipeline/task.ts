/**
 * The shape every pipeline task shares: fault injection (tests only), and errors sorted
 * into what the state machine retries (TransientError) and what it records as a failure
 * (anything else, with its own name).
 */
import { logger } from '#lib/logger.ts';
import { classify } from './errors.ts';
import { injectFaults } from './faults.ts';

export interface TaskInput {
  applicationId: string;
}

export function pipelineTask<I extends TaskInput, O>(name: string, run: (input: I) => Promise<O>, faultKey?: (input: I) => string) {
  return async (event: I): Promise<O> => {
    logger.setInvocationKeys({ task: name, applicationId: event?.applicationId });
    try {
      injectFaults(name, event?.applicationId, faultKey?.(event));
      const result = await run(event);
      // A failure after the work is done (a crash before the answer reached the state
      // machine): the retry must find everything in place and do nothing twice.
      injectFaults(`${name}.after`, event?.applicationId, faultKey?.(event));
      return result;
    } catch (error) {
      const e = classify(error);
      if (e.name === 'TransientError') logger.warn('pipeline task failed transiently', { error: e.message });
      else logger.error('pipeline task failed', { error: e });
      throw e;
    } finally {
      logger.clearInvocationKeys();
    }
  };
}

/**
 * One Lambda for a wait and its clock: an event without `mode` is the wait, `clock` and
 * `overdue` its timeout's tasks (wait-deadlines.ts); they read and write the same items.
 */
export function waitWithClock<W extends TaskInput, C extends TaskInput, WO, CO, OO>(
  wait: (input: W) => Promise<WO>,
  clock: (input: C) => Promise<CO>,
  overdue: (input: C) => Promise<OO>,
) {
  return (event: (W & { mode?: undefined }) | (C & { mode: 'clock' | 'overdue' })): Promise<WO | CO | OO> =>
    event.mode === 'clock' ? clock(event) : event.mode === 'overdue' ? overdue(event) : wait(event as W);
}
