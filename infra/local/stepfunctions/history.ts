/**
 * Execution history events in the shape GetExecutionHistory returns: `type` plus one
 * `<camelCaseType>EventDetails` member, numbered from 1 with `previousEventId`.
 */
import type { JsonValue } from './json.ts';

export interface HistoryEvent {
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

export function numberEvent(event: NewEvent, id: number, timestamp: number): HistoryEvent {
  const numbered: HistoryEvent = { id, previousEventId: id - 1, timestamp, type: event.type };
  if (event.details) numbered[detailsKey(event.type)] = event.details;
  return numbered;
}

export function jsonText(value: JsonValue | undefined): string {
  return JSON.stringify(value ?? null);
}

export const executionEvents = {
  started: (input: string, roleArn: string) =>
    newEvent('ExecutionStarted', { input, inputDetails: { truncated: false }, roleArn }),
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
