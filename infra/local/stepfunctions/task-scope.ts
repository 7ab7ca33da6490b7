/** What a Task handler may use of its execution. */
import type { ActiveTasks } from './active-tasks.ts';
import type { NewEvent } from './history.ts';
import type { CallbackEntry, JournalEntry, Replay } from './replay.ts';
import type { ContextTokenSource, TaskTokenRegistry } from './task-tokens.ts';

export type InvokeFunction = (functionArnOrName: string, payload: unknown) => Promise<unknown>;

export interface TaskScope {
  region: string;
  invokeFunction: InvokeFunction;
  tokens: TaskTokenRegistry;
  tokenSource: ContextTokenSource;
  activeTasks: ActiveTasks;
  /** Factor on callback tasks' timeouts and heartbeats (engine-definition.ts); 1 as written. */
  taskTimeScale: number;
  /** Appends to the execution's history (ignored once the execution is closed). */
  record(event: NewEvent): void;
  /** Resuming after a restart: which calls already happened (replay.ts). */
  replay: Replay;
  /** Records a finished call's outcome for a later resume. */
  journal(entry: JournalEntry): void;
  /** Records (or updates) a callback task's token for its call (also how it is retired after a restart). */
  rememberCallback(entry: CallbackEntry): void;
  isClosed(): boolean;
  log(message: string, fields?: object): void;
}
