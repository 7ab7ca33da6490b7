/**
 * EventBridge Scheduler expressions, limited to the forms pathcert's schedules use
 * (events/schedules.ts), evaluated in UTC:
 *
 * - `cron(minutes hours day-of-month month day-of-week year)` with minutes and hours each
 *   a number or `*`, and every day: day-of-month and day-of-week `*` and `?` (one of each),
 *   month and year `*`. E.g. `cron(0 7 * * ? *)`, `cron(15 * * * ? *)`.
 * - `rate(n unit)`: unit minute(s), hour(s) or day(s), singular exactly when n is 1; runs at
 *   anchor + k·n units (k ≥ 1), the anchor being when the schedule was first seen.
 *
 * Anything else Scheduler accepts (lists, ranges, steps, names, L/W/#, one-time `at(...)`)
 * is refused with a ValidationException that says so, at load (server.ts checks every
 * schedule) and in test/unit/events/definitions.test.ts, so a schedule that needs more fails
 * `npm test` instead of firing at the wrong time.
 */
export class InvalidScheduleExpressionError extends Error {
  override readonly name = 'ValidationException';
}

export interface CronSchedule {
  kind: 'cron';
  expression: string;
  /** Ascending. */
  minutes: number[];
  /** Ascending. */
  hours: number[];
}

export interface RateSchedule {
  kind: 'rate';
  expression: string;
  periodMs: number;
}

export type ParsedSchedule = CronSchedule | RateSchedule;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export function parseScheduleExpression(expression: string): ParsedSchedule {
  const trimmed = expression.trim();
  const match = /^(cron|rate)\((.*)\)$/s.exec(trimmed);
  if (!match) throw invalid(expression, 'expected cron(...) or rate(...) (at(...) is not supported locally)');
  const [, kind, body] = match as unknown as [string, 'cron' | 'rate', string];
  return kind === 'rate' ? parseRate(trimmed, body) : parseCron(trimmed, body);
}

function invalid(expression: string, reason: string): InvalidScheduleExpressionError {
  return new InvalidScheduleExpressionError(`Invalid schedule expression ${expression}: ${reason}`);
}

function parseRate(expression: string, body: string): RateSchedule {
  const m = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (!m) throw invalid(expression, 'expected rate(value unit)');
  const value = Number(m[1]);
  const unit = m[2]!;
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(expression, 'the value must be a positive whole number');
  if ((value === 1) !== !unit.endsWith('s')) throw invalid(expression, 'use the singular unit for 1 and the plural otherwise');
  const unitMs = unit.startsWith('minute') ? MINUTE : unit.startsWith('hour') ? HOUR : DAY;
  return { kind: 'rate', expression, periodMs: value * unitMs };
}

function parseCron(expression: string, body: string): CronSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw invalid(expression, 'cron needs 6 fields: minutes hours day-of-month month day-of-week year');
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw invalid(expression, 'exactly one of day-of-month and day-of-week must be ?');
  const unsupported = (name: string, value: string) =>
    invalid(expression, `${name} "${value}" is not supported locally (every day only: *, ?)`);
  if (dom !== '*' && dom !== '?') throw unsupported('day-of-month', dom);
  if (dow !== '*' && dow !== '?') throw unsupported('day-of-week', dow);
  if (month !== '*') throw unsupported('month', month);
  if (year !== '*') throw unsupported('year', year);
  return { kind: 'cron', expression, minutes: timeField(expression, 'minutes', min, 59), hours: timeField(expression, 'hours', hour, 23) };
}

/** A number in 0..max, or `*` for all of them; lists, ranges and steps are refused. */
function timeField(expression: string, name: string, text: string, max: number): number[] {
  if (text === '*') return Array.from({ length: max + 1 }, (_, i) => i);
  if (!/^\d{1,2}$/.test(text)) {
    throw invalid(expression, `${name} "${text}" is not supported locally (a number or *; no lists, ranges or steps)`);
  }
  const n = Number(text);
  if (n > max) throw invalid(expression, `${name}: ${n} is outside 0-${max}`);
  return [n];
}

const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;

/** The slots of one UTC day, ascending. */
const slotsOf = (s: CronSchedule, day: number) => s.hours.flatMap((h) => s.minutes.map((m) => day + h * HOUR + m * MINUTE));

/**
 * The latest slot `t` with `after < t <= atOrBefore`, or undefined. `anchor` is where a
 * rate schedule counts from.
 */
export function previousOccurrence(s: ParsedSchedule, atOrBefore: Date, after: Date, anchor?: Date): Date | undefined {
  const hi = atOrBefore.getTime();
  const lo = after.getTime();
  if (hi <= lo) return undefined;
  if (s.kind === 'rate') {
    const base = (anchor ?? after).getTime();
    const k = Math.floor((hi - base) / s.periodMs);
    const t = base + k * s.periodMs;
    return k >= 1 && t > lo ? new Date(t) : undefined;
  }
  // Every day has slots, so the latest one up to `hi` is today's or yesterday's.
  const t = [...slotsOf(s, startOfDay(hi) - DAY), ...slotsOf(s, startOfDay(hi))].filter((x) => x <= hi).at(-1);
  return t !== undefined && t > lo ? new Date(t) : undefined;
}

/** The first slot strictly after `after`. */
export function nextOccurrence(s: ParsedSchedule, after: Date, anchor?: Date): Date {
  const lo = after.getTime();
  if (s.kind === 'rate') {
    const base = (anchor ?? after).getTime();
    const k = Math.max(1, Math.floor((lo - base) / s.periodMs) + 1);
    return new Date(base + k * s.periodMs);
  }
  // Every day has slots: every one of tomorrow's is after `lo`.
  return new Date([...slotsOf(s, startOfDay(lo)), ...slotsOf(s, startOfDay(lo) + DAY)].find((x) => x > lo)!);
}
