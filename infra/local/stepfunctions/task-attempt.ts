/**
 * One attempt of one Task state (a Retry makes another). It records the attempt's history
 * events until the attempt is over, owns its timers and ends exactly once: by its own final
 * event, by TimeoutSeconds, by a missed heartbeat, or by cancellation.
 *
 * TimeoutSeconds is enforced by the engine itself (so `States.TaskFailed` keeps not matching
 * `States.Timeout`, as on AWS); the attempt only mirrors it with a timer of the same length,
 * armed just before the engine's, to write TaskTimedOut and retire the task token first.
 * A callback task under a time scale (engine-definition.ts) has its timers scaled, and its
 * TimeoutSecondsPath is enforced here: the attempt's onTimeout hook fails the task.
 */
import type { ActiveTask } from './active-tasks.ts';
import type { DurationSpec, TaskStateInfo } from './definitions.ts';
import { MAX_TIMER_SECONDS } from './engine-definition.ts';
import type { NewEvent } from './history.ts';
import { afterMicrotasks } from './async.ts';
import { resolveSimplePath, type JsonValue } from './json.ts';
import { TaskCancelledError } from './task-errors.ts';
import type { TaskScope } from './task-scope.ts';

export class TaskAttempt implements ActiveTask {
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
    this.timeoutTimer = setTimeout(() => {
      const cause = `Task did not finish within ${seconds} seconds`;
      if (!this.finish(timedOutEvent('States.Timeout', cause))) return;
      this.onTimedOut?.(cause);
      // Unscaled, the engine raises States.Timeout itself.
      if (this.scale === 1) return;
      if (this.timeoutHook) this.timeoutHook(cause);
      else this.timedOutCause = cause;
    }, Math.min(seconds * this.scale, MAX_TIMER_SECONDS) * 1000);
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
