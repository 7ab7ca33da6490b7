/**
 * Step Functions' "Execution Status Change" events, as EventBridge delivers them from the
 * account's default bus (source `aws.states`), read for the review workflow: which
 * application, which execution, how it ended. Pure: no AWS imports.
 */
import { lazy } from '../lazy.ts';
import * as z from 'zod/mini';

export const STATES_EVENT_SOURCE = 'aws.states';
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
/** The ends the app must notice: everything but SUCCEEDED (and RUNNING, which is no end). */
export const ABNORMAL_END_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type AbnormalEndStatus = (typeof ABNORMAL_END_STATUSES)[number];

/** What the application and its round show about an execution that stopped (pipeline/record-failure.ts). */
export interface ReviewFailure {
  error: string;
  cause: string;
  at: string;
  /** The execution's name. */
  execution: string;
  /** How the execution ended (absent: FAILED through the state machine's own Catch). */
  status?: AbnormalEndStatus;
  stoppedAt?: string;
}

const detailSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    executionArn: z.string().check(z.minLength(1)),
    stateMachineArn: z.string(),
    name: z.string().check(z.minLength(1)),
    status: z.enum(ABNORMAL_END_STATUSES),
    // Epoch milliseconds; null while running.
    startDate: z.optional(z.nullable(z.number())),
    stopDate: z.optional(z.nullable(z.number())),
    // The execution's input as text; EventBridge leaves it out (null) above 248 KiB.
    input: z.optional(z.nullable(z.string())),
    error: z.optional(z.nullable(z.string())),
    cause: z.optional(z.nullable(z.string())),
  }),
);

const inputSchema = /* @__PURE__ */ lazy(() => z.object({ applicationId: z.string().check(z.minLength(1), z.maxLength(100)) }));

export interface AbnormalEnd {
  applicationId: string;
  executionArn: string;
  executionName: string;
  status: AbnormalEndStatus;
  error: string;
  cause: string;
  /** ISO time the execution stopped (the event's time when the detail has none). */
  stoppedAt?: string;
}

export type ParsedStatusChange = { ok: true; end: AbnormalEnd } | { ok: false; error: string };

/** The abnormal end an event reports, or why it is not one this app can act on. */
export function parseAbnormalEnd(envelope: unknown): ParsedStatusChange {
  const e = (typeof envelope === 'object' && envelope !== null ? envelope : {}) as Record<string, unknown>;
  if (e.source !== STATES_EVENT_SOURCE || e['detail-type'] !== EXECUTION_STATUS_CHANGE)
    return { ok: false, error: 'not a Step Functions execution status change' };
  const detail = detailSchema().safeParse(e.detail);
  if (!detail.success)
    return { ok: false, error: `detail: ${detail.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  const d = detail.data;
  let input: unknown;
  try {
    input = JSON.parse(d.input ?? '');
  } catch {
    return { ok: false, error: 'detail.input is not JSON (or was left out)' };
  }
  const parsedInput = inputSchema().safeParse(input);
  if (!parsedInput.success) return { ok: false, error: 'detail.input names no applicationId' };
  const stopMs = d.stopDate ?? Date.parse(typeof e.time === 'string' ? e.time : '');
  return {
    ok: true,
    end: {
      applicationId: parsedInput.data.applicationId,
      executionArn: d.executionArn,
      executionName: d.name,
      status: d.status,
      error: d.error ?? (d.status === 'ABORTED' ? 'Aborted' : d.status === 'TIMED_OUT' ? 'States.Timeout' : 'Unknown'),
      cause: (d.cause ?? '').slice(0, 2000),
      ...(Number.isFinite(stopMs) ? { stoppedAt: new Date(stopMs).toISOString() } : {}),
    },
  };
}
