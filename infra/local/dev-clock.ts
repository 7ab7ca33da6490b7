/**
 * The local dev clock: an offset added to "now" (functions/lib/clock.ts reads it from
 * PATHCERT_CLOCK_OFFSET_MS on the local stage only), so a person can move time forward and
 * watch expiries and reminders happen. With a file it survives `npm start` restarts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const CLOCK_ENV = 'PATHCERT_CLOCK_OFFSET_MS';
const DAY_MS = 86_400_000;

export interface DevClockState {
  offsetMs: number;
  now: string;
}

export interface DevClock {
  state(): DevClockState;
  setOffset(offsetMs: number): DevClockState;
  advanceDays(days: number): DevClockState;
}

function readOffset(file: string): number {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown };
    return typeof parsed.offsetMs === 'number' && Number.isFinite(parsed.offsetMs) ? parsed.offsetMs : 0;
  } catch {
    return 0;
  }
}

/** `file`: where the offset is kept (npm start); without it the clock starts at real time. */
export function createDevClock(options: { file?: string } = {}): DevClock {
  let offsetMs = options.file ? readOffset(options.file) : 0;

  const apply = (): DevClockState => {
    process.env[CLOCK_ENV] = String(offsetMs);
    if (options.file) {
      mkdirSync(path.dirname(options.file), { recursive: true });
      writeFileSync(options.file, `${JSON.stringify({ offsetMs }, null, 2)}\n`);
    }
    return state();
  };
  const state = (): DevClockState => ({ offsetMs, now: new Date(Date.now() + offsetMs).toISOString() });

  process.env[CLOCK_ENV] = String(offsetMs);
  return {
    state,
    setOffset(next) {
      if (!Number.isFinite(next)) throw new RangeError('offsetMs must be a finite number');
      offsetMs = Math.trunc(next);
      return apply();
    },
    advanceDays(days) {
      if (!Number.isFinite(days)) throw new RangeError('advanceDays must be a finite number');
      offsetMs += Math.round(days * DAY_MS);
      return apply();
    },
  };
}
