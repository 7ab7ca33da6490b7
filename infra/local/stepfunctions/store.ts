/**
 * Executions as this endpoint keeps them: the record, its history events in
 * GetExecutionHistory's shape, the store (by ARN, with change notification) and its files.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from './definitions.ts';
import type { CallbackEntry, JournalEntry } from './replay.ts';

// ---- execution records --------------------------------------

/** An execution as this endpoint keeps (and persists) it. */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
type ClosedStatus = Exclude<ExecutionStatus, 'RUNNING'>;

export interface ExecutionRecord {
  /** Creation order; breaks ties between executions started in the same millisecond. */
  seq: number;
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  status: ExecutionStatus;
  /** Epoch milliseconds. */
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** Every Task call that finished, with its outcome: what a resume after a restart replays (replay.ts). */
  journal?: JournalEntry[];
  /** Callback tasks' tokens by call, so a task waiting at a restart waits again on the same token. */
  callbacks?: CallbackEntry[];
}

/** Every callback token the execution was given. */
export function issuedTokens(record: ExecutionRecord): string[] {
  return (record.callbacks ?? []).map((c) => c.token);
}

export interface ExecutionOutcome {
  status: ClosedStatus;
  output?: string;
  error?: string;
  cause?: string;
}

// ---- history events -----------------------------------------

/**
 * Execution history events in the shape GetExecutionHistory returns: `type` plus one
 * `<camelCaseType>EventDetails` member, numbered from 1 with `previousEventId`.
 */

interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Epoch milliseconds; the wire layer turns it into epoch seconds. */
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** An event before it is numbered: its type and (optionally) its details object. */
export interface NewEvent {
  type: string;
  details?: Record<string, unknown>;
}

export function newEvent(type: string, details?: Record<string, unknown>): NewEvent {
  return details ? { type, details } : { type };
}

/** Every `<Type>StateEntered`/`<Type>StateExited` shares one details member; others are named after the type. */
function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

function numberEvent(event: NewEvent, id: number, timestamp: number): HistoryEvent {
  const numbered: HistoryEvent = { id, previousEventId: id - 1, timestamp, type: event.type };
  if (event.details) numbered[detailsKey(event.type)] = event.details;
  return numbered;
}

export function jsonText(value: JsonValue | undefined): string {
  return JSON.stringify(value ?? null);
}

const executionEvents = {
  started: (input: string, roleArn: string) => newEvent('ExecutionStarted', { input, inputDetails: { truncated: false }, roleArn }),
  succeeded: (output: string) => newEvent('ExecutionSucceeded', { output, outputDetails: { truncated: false } }),
  failed: (error: string | undefined, cause: string | undefined) => newEvent('ExecutionFailed', { error, cause }),
  aborted: (error: string | undefined, cause: string | undefined) => newEvent('ExecutionAborted', { error, cause }),
  timedOut: (error: string | undefined, cause: string | undefined) => newEvent('ExecutionTimedOut', { error, cause }),
};

/** Strips execution data (inputs, outputs, parameters) for includeExecutionData=false. */
export function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const copy: HistoryEvent = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    const { input: _input, output: _output, parameters: _parameters, ...rest } = value as Record<string, unknown>;
    copy[key] = rest;
  }
  return copy;
}

// ---- files --------------------------------------------------

/**
 * One JSON file per execution under `<dataDir>/executions/`, written atomically (temporary
 * file + rename) so a crash mid-write never leaves a torn record.
 */

export class ExecutionFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'executions');
    mkdirSync(this.dir, { recursive: true });
  }

  loadAll(): ExecutionRecord[] {
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as ExecutionRecord);
  }

  save(record: ExecutionRecord): void {
    const file = join(this.dir, `${encodeURIComponent(`${record.stateMachineName}:${record.name}`)}.json`);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, file);
  }
}

// ---- the store ----------------------------------------------

/**
 * Executions by ARN, their history, and change notification. With a data directory every
 * change is written to disk on the next macrotask (changes in one tick are coalesced).
 */

/** Error and cause given to executions that were running when the runtime stopped. */
const RESTART_ERROR = 'States.Runtime';
const RESTART_CAUSE = 'local runtime restarted';

export class ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly closeWaiters = new Map<string, Set<() => void>>();
  private readonly dirty = new Set<ExecutionRecord>();
  private flushScheduled = false;
  private detached = false;
  private nextSeq = 1;

  constructor(
    private readonly files?: ExecutionFiles,
    /** Told when an execution starts (RUNNING) and when it closes (e.g. to emit status-change events). */
    private readonly onStatusChange: (record: ExecutionRecord) => void = () => {},
  ) {}

  /**
   * Loads persisted executions. Running ones are left RUNNING for the caller to resume
   * (replay.ts), except those that cannot be: written before executions kept a journal
   * (nothing says where they were), or whose state machine `canRunOn` says is gone. Those
   * are closed FAILED with cause "local runtime restarted".
   */
  load(canRunOn: (stateMachineArn: string) => boolean): ExecutionRecord[] {
    const loaded = this.files?.loadAll() ?? [];
    for (const record of loaded) {
      this.records.set(record.executionArn, record);
      this.nextSeq = Math.max(this.nextSeq, record.seq + 1);
      if (record.status === 'RUNNING' && !(record.journal && canRunOn(record.stateMachineArn))) {
        this.close(record.executionArn, { status: 'FAILED', error: RESTART_ERROR, cause: RESTART_CAUSE });
      }
    }
    return loaded;
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.records.get(executionArn);
  }

  /** Executions of a state machine, newest first. */
  list(stateMachineArn: string): ExecutionRecord[] {
    return [...this.records.values()]
      .filter((record) => record.stateMachineArn === stateMachineArn)
      .sort((a, b) => b.startDate - a.startDate || b.seq - a.seq);
  }

  create(fields: Omit<ExecutionRecord, 'seq' | 'status' | 'history'>, roleArn: string): ExecutionRecord {
    const record: ExecutionRecord = { ...fields, seq: this.nextSeq++, status: 'RUNNING', history: [], journal: [], callbacks: [] };
    this.records.set(record.executionArn, record);
    this.append(record.executionArn, executionEvents.started(record.input, roleArn));
    this.onStatusChange(record);
    return record;
  }

  /** Adds to the history of a running execution; closed executions take no more events. */
  append(executionArn: string, event: NewEvent): void {
    const record = this.records.get(executionArn);
    if (!record || record.status !== 'RUNNING' || this.detached) return;
    record.history.push(numberEvent(event, record.history.length + 1, Date.now()));
    this.changed(record);
  }

  /** Records a finished Task call (replayed on resume). */
  journal(executionArn: string, entry: JournalEntry): void {
    const record = this.records.get(executionArn);
    if (!record || record.status !== 'RUNNING' || this.detached) return;
    (record.journal ??= []).push(entry);
    this.changed(record);
  }

  /** Records a callback task's token for its call, or that its function was invoked. */
  rememberCallback(executionArn: string, entry: CallbackEntry): void {
    const record = this.records.get(executionArn);
    if (!record || this.detached) return;
    const callbacks = (record.callbacks ??= []);
    const known = callbacks.find((c) => c.token === entry.token);
    if (known) Object.assign(known, entry);
    else callbacks.push({ ...entry });
    this.changed(record);
  }

  /** Closes a running execution with its final event; false if it was not running. */
  close(executionArn: string, outcome: ExecutionOutcome): boolean {
    const record = this.records.get(executionArn);
    if (!record || record.status !== 'RUNNING' || this.detached) return false;
    this.append(executionArn, finalEvent(outcome));
    Object.assign(record, outcome, { stopDate: Date.now() });
    this.changed(record);
    this.onStatusChange(record);
    for (const waiter of this.closeWaiters.get(executionArn) ?? []) waiter();
    this.closeWaiters.delete(executionArn);
    return true;
  }

  /** Calls back once the execution is closed (immediately if it already is). */
  onClosed(executionArn: string, callback: () => void): () => void {
    if (this.records.get(executionArn)?.status !== 'RUNNING') {
      callback();
      return () => {};
    }
    const waiters = this.closeWaiters.get(executionArn) ?? new Set();
    waiters.add(callback);
    this.closeWaiters.set(executionArn, waiters);
    return () => waiters.delete(callback);
  }

  /** Writes what is pending and ignores every later change (the runtime is stopping). */
  detach(): void {
    this.flush();
    this.detached = true;
  }

  private changed(record: ExecutionRecord): void {
    if (!this.files) return;
    this.dirty.add(record);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.detached) return;
    for (const record of this.dirty) this.files?.save(record);
    this.dirty.clear();
  }
}

function finalEvent(outcome: ExecutionOutcome): NewEvent {
  switch (outcome.status) {
    case 'SUCCEEDED':
      return executionEvents.succeeded(outcome.output ?? 'null');
    case 'FAILED':
      return executionEvents.failed(outcome.error, outcome.cause);
    case 'TIMED_OUT':
      return executionEvents.timedOut(outcome.error, outcome.cause);
    case 'ABORTED':
      return executionEvents.aborted(outcome.error, outcome.cause);
  }
}
