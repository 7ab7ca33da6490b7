/** The slice of Amazon States Language (JSONPath flavour) this runtime reads. */
import type { JsonValue } from './json.ts';

export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}

export interface AslCatcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

export interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: JsonValue;
  ResultPath?: string | null;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Seconds?: number;
  SecondsPath?: string;
  Timestamp?: string;
  TimestampPath?: string;
  Branches?: AslMachine[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
  QueryLanguage?: string;
  Assign?: unknown;
  [field: string]: unknown;
}

export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
  [field: string]: unknown;
}

export type StateVisitor = (name: string, state: AslState, ancestors: readonly string[]) => void;

/** Visits every state, nested Parallel branches and Map processors included. */
export function forEachState(machine: AslMachine, visit: StateVisitor, ancestors: readonly string[] = []): void {
  for (const [name, state] of Object.entries(machine.States)) {
    visit(name, state, ancestors);
    const inner = [...ancestors, name];
    for (const branch of state.Branches ?? []) forEachState(branch, visit, inner);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) forEachState(processor, visit, inner);
  }
}
