/**
 * The one source of "now" for the whole code base. Locally, a dev clock offset lets a
 * person move time forward to watch schedules fire; it is ignored on any other stage so
 * a deployed function can never be time-travelled.
 */
export function nowMs(): number {
  if (process.env.PATHCERT_STAGE === 'local') {
    const offset = Number(process.env.PATHCERT_CLOCK_OFFSET_MS ?? 0);
    if (Number.isFinite(offset)) return Date.now() + offset;
  }
  return Date.now();
}

export function now(): Date {
  return new Date(nowMs());
}

export function nowIso(): string {
  return now().toISOString();
}
