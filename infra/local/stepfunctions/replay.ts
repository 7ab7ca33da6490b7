/**
 * Resuming an execution after a restart, by replay. The engine cannot be started in the
 * middle of a Map or a loop, so a resumed execution runs again from its start with its
 * original input and context, and every Task call that already finished before the restart
 * is answered from the execution's journal (its recorded output or error) without calling
 * anything. The workflow is deterministic given its task results (JSONPath only; no
 * JSONata), so the run reaches exactly the states it was in. A callback task that was
 * waiting gets its original token back (so SendTaskSuccess with a token issued before the
 * restart works) and waits again; the first call that is neither journaled nor waiting ends
 * the replay and runs normally. History events are not written while replaying: they are
 * in the history already.
 *
 * Ending the replay only turns history back on. Journaled calls and waiting callbacks are
 * still recognised afterwards, by their exact keys: in a Map or Parallel one branch can
 * reach a new call (and end the replay) while another is still re-walking its part, e.g.
 * sleeping the Retry pause of a replayed failure; that branch must not run its calls again
 * nor lose its waiting token. Waiting tokens never taken again are retired when the
 * execution is closed (`retire`).
 *
 * A Task call is identified by its state, its effective input (the task token in it
 * replaced by a placeholder, since a replay mints fresh ones) and how many times that
 * state was called with that input before (retries, loops).
 */
import { setImmediate as afterMicrotasks } from 'node:timers/promises';
import type { JsonValue } from './definitions.ts';
import type { TaskAnswer, TaskTokenRegistry } from './tasks.ts';

/** One finished Task call: its output, or the error it ended with. */
export interface JournalEntry {
  key: string;
  output?: JsonValue;
  error?: string;
  cause?: string;
}

/** A callback task's token and the call it belongs to; `submitted` once its function was invoked. */
export interface CallbackEntry {
  key: string;
  token: string;
  submitted: boolean;
}

const TOKEN_PLACEHOLDER = '<task-token>';

export class Replay {
  private readonly occurrences = new Map<string, number>();
  private readonly recorded: Map<string, JournalEntry>;
  private readonly waiting: Map<string, CallbackEntry>;
  private active: boolean;
  /** Answers that arrived for a waiting token before its task was back (the replay takes a few ticks). */
  private readonly parked = new Map<string, (answer: TaskAnswer) => void>();

  /** Nothing to replay for a new execution; a resumed one passes what it persisted. */
  constructor(journal: readonly JournalEntry[] = [], callbacks: readonly CallbackEntry[] = []) {
    this.recorded = new Map(journal.map((entry) => [entry.key, entry]));
    this.waiting = new Map(callbacks.filter((c) => !this.recorded.has(c.key)).map((c) => [c.key, c]));
    this.active = this.recorded.size > 0 || this.waiting.size > 0;
  }

  /** Tokens of callback tasks that were waiting when the runtime stopped and are not back yet (they stay answerable). */
  get waitingTokens(): Set<string> {
    return new Set([...this.waiting.values()].map((c) => c.token));
  }

  /**
   * Makes the waiting tokens answerable right away: an answer sent before the replay reaches
   * its task is kept and handed to the task when it is back (`unpark`).
   */
  park(tokens: TaskTokenRegistry): void {
    for (const { token } of this.waiting.values()) {
      tokens.open(token, {
        succeed: (output) => this.parked.set(token, (answer) => answer.succeed(output)),
        fail: (error, cause) => this.parked.set(token, (answer) => answer.fail(error, cause)),
        heartbeat: () => {},
      });
    }
  }

  /** Hands an answer that arrived while replaying to the task now waiting on the token. */
  unpark(token: string, answer: TaskAnswer): void {
    const deliver = this.parked.get(token);
    this.parked.delete(token);
    deliver?.(answer);
  }

  /** True while the run is re-walking what happened before the restart (write no history). */
  get replaying(): boolean {
    return this.active;
  }

  /** The identity of this call of a Task state (call once per attempt, in call order). */
  key(stateName: string, input: JsonValue, token?: string): string {
    let text = JSON.stringify(input);
    if (token) text = text.replaceAll(token, TOKEN_PLACEHOLDER);
    const base = `${stateName}|${text}`;
    const n = (this.occurrences.get(base) ?? 0) + 1;
    this.occurrences.set(base, n);
    return `${base}|${n}`;
  }

  /** The outcome this call had before the restart, if it finished then (also after the replay ended). */
  outcome(key: string): JournalEntry | undefined {
    return this.recorded.get(key);
  }

  /** The callback this call was waiting on before the restart (each is taken once, also after the replay ended). */
  takeWaiting(key: string): CallbackEntry | undefined {
    const entry = this.waiting.get(key);
    if (entry) this.waiting.delete(key);
    return entry;
  }

  /** After a waiting callback is back: the replay ends once every one is. */
  async waitingTaken(): Promise<void> {
    if (this.waiting.size === 0) await this.end();
  }

  /**
   * A call that happened after the restart: from now on everything is new. The engine's
   * events queued so far (the states entered on the way here) are let through first.
   */
  async end(): Promise<void> {
    if (!this.active) return;
    await afterMicrotasks();
    this.active = false;
  }

  /** The execution is closed: tokens still waiting to be taken again answer TaskTimedOut from now on. */
  retire(tokens: TaskTokenRegistry): void {
    for (const { token } of this.waiting.values()) tokens.close(token);
    this.waiting.clear();
    this.parked.clear();
  }
}

/** The input a waiting callback's function gets again when it was never invoked: with its original token. */
export function withToken(input: JsonValue, freshToken: string, originalToken: string): JsonValue {
  return JSON.parse(JSON.stringify(input).replaceAll(freshToken, originalToken)) as JsonValue;
}
