/**
 * Test-only fault injection for the pipeline tasks. Off unless the stage is `local` AND
 * PATHCERT_PIPELINE_FAULTS is set, so a deployed function can never be made to fail by it.
 *
 * PATHCERT_PIPELINE_FAULTS is JSON:
 *   { "transient": { "<task>|*": n }, "permanent": ["<task>", ...], "match": "<applicationId>" }
 * - transient: the first n calls of a task (per task and application, and per seat for the
 *   seat waits) throw TransientError, which the state machine retries. `<task>` fails on
 *   entry, `<task>.after` once the task's work is done (as if it crashed before answering);
 *   `*` means both, for every task;
 * - permanent: every call of the task throws InjectedFailure, which nothing retries;
 * - match: only calls for this application are affected (others run normally).
 */
import { TransientError } from './errors.ts';
import { config } from '#lib/config.ts';

interface FaultPlan {
  transient?: Record<string, number>;
  permanent?: string[];
  match?: string;
}

const calls = new Map<string, number>();

// Test-only plumbing, not an app setting: it stays out of lib/config.ts (and README's
// configuration table) on purpose; the stage check goes through config like every setting.
function plan(): FaultPlan | undefined {
  if (config.stage !== 'local') return undefined;
  const raw = process.env.PATHCERT_PIPELINE_FAULTS;
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as FaultPlan;
  } catch {
    return undefined;
  }
}

export class InjectedFailure extends Error {
  constructor(task: string) {
    super(`injected permanent failure in ${task}`);
    this.name = 'InjectedFailure';
  }
}

/** Throws the injected fault for this call, if any. `key` scopes the call count (application, seat). */
export function injectFaults(task: string, applicationId: string | undefined, key = ''): void {
  const p = plan();
  if (!p) return;
  if (p.match && p.match !== applicationId) return;
  if (p.permanent?.includes(task)) throw new InjectedFailure(task);
  const limit = p.transient?.[task] ?? p.transient?.['*'];
  if (!limit) return;
  const id = `${task}|${applicationId ?? ''}|${key}`;
  const n = (calls.get(id) ?? 0) + 1;
  calls.set(id, n);
  if (n <= limit) throw new TransientError(`injected transient failure ${n}/${limit} in ${task}`);
}

/** Forget the counts (between test cases). */
export function resetFaults(): void {
  calls.clear();
}
