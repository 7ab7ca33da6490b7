/**
 * The one source of "now" for the whole code base. Locally, a dev clock offset lets a
 * person move time forward to watch schedules fire; it is ignored on any other stage so
 * a deployed function can never be time-travelled.
 */
import { config } from './config.ts';

export function nowMs(): number {
  if (config.stage === 'local') return Date.now() + config.clockOffsetMs;
  return Date.now();
}

export function now(): Date {
  return new Date(nowMs());
}

export function nowIso(): string {
  return now().toISOString();
}
