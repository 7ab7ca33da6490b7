/**
 * The definition handed to aws-local-stepfunctions differs from the deployed one in ways that
 * make the engine behave like AWS, not in what the workflow means:
 * - A Task without TimeoutSeconds would time out after the engine's 60 s default; on AWS it
 *   waits (for callbacks: days). It gets the longest timer Node supports instead (~24.8 days),
 *   and longer timeouts are capped to it (a longer setTimeout fires immediately in Node).
 * - `ResultPath: "$"` (state or Catch) is mis-handled by the engine (it writes a key named
 *   "$"); it means "the result replaces the input", which is the engine's default, so it is
 *   dropped.
 * - `waitTimeScale` scales Wait `Seconds` and Retry intervals; with scale 0 every Wait
 *   (including SecondsPath/Timestamp forms) is skipped.
 * - A scale strictly between 0 and 1 (or above 1) also scales callback tasks' timeouts and
 *   heartbeats, so a test can let a wait of days time out in a second. A literal
 *   TimeoutSeconds is scaled here; a TimeoutSecondsPath is taken off the engine's copy and
 *   enforced, scaled, by the task attempt (task-attempt.ts), which fails the task with
 *   `States.Timeout` itself. Scale 0 leaves them as they are (0 would time out at once).
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { forEachState, type AslMachine, type AslState } from './asl.ts';

/** Largest delay setTimeout accepts, in whole seconds. */
export const MAX_TIMER_SECONDS = Math.floor(2_147_483_647 / 1000);

export interface EngineDefinition {
  definition: StateMachineDefinition;
  waitTimeOverrides: Record<string, number>;
  /** Factor applied to callback tasks' timeouts and heartbeats (1: as written). */
  taskTimeScale: number;
}

/** The scale of callback tasks' timeouts for a waitTimeScale. */
export const taskTimeScaleFor = (waitTimeScale: number): number => (waitTimeScale > 0 ? waitTimeScale : 1);

const isCallback = (state: AslState): boolean => typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');

export function toEngineDefinition(source: AslMachine, waitTimeScale: number): EngineDefinition {
  const definition = structuredClone(source);
  const waitTimeOverrides: Record<string, number> = {};
  if (definition.TimeoutSeconds !== undefined) {
    definition.TimeoutSeconds = Math.min(definition.TimeoutSeconds, MAX_TIMER_SECONDS);
  }
  forEachState(definition, (name, state) => {
    dropRootResultPaths(state);
    if (state.Type === 'Task') {
      if (isCallback(state)) scaleCallbackTimeout(state, taskTimeScaleFor(waitTimeScale));
      capTaskTimeout(state);
    }
    scaleRetries(state, waitTimeScale);
    if (state.Type === 'Wait') {
      if (waitTimeScale === 0) waitTimeOverrides[name] = 0;
      else if (state.Seconds !== undefined) state.Seconds *= waitTimeScale;
    }
  });
  return { definition: definition as unknown as StateMachineDefinition, waitTimeOverrides, taskTimeScale: taskTimeScaleFor(waitTimeScale) };
}

function dropRootResultPaths(state: AslState): void {
  if (state.ResultPath === '$') delete state.ResultPath;
  for (const catcher of state.Catch ?? []) {
    if (catcher.ResultPath === '$') delete catcher.ResultPath;
  }
}

function scaleCallbackTimeout(state: AslState, scale: number): void {
  if (scale === 1) return;
  if (state.TimeoutSecondsPath !== undefined) delete state.TimeoutSecondsPath;
  else if (state.TimeoutSeconds !== undefined) state.TimeoutSeconds *= scale;
}

function capTaskTimeout(state: AslState): void {
  if (state.TimeoutSecondsPath !== undefined) return;
  state.TimeoutSeconds = Math.min(state.TimeoutSeconds ?? MAX_TIMER_SECONDS, MAX_TIMER_SECONDS);
}

function scaleRetries(state: AslState, scale: number): void {
  if (scale === 1) return;
  for (const retrier of state.Retry ?? []) {
    retrier.IntervalSeconds = (retrier.IntervalSeconds ?? 1) * scale;
    if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds *= scale;
  }
}
