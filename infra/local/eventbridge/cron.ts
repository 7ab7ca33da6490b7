/**
 * EventBridge schedule expressions, evaluated in UTC:
 *
 * - `cron(minutes hours day-of-month month day-of-week year)`: `*`, `?`, lists `a,b`,
 *   ranges `a-b`, steps `* /n` `a/n` `a-b/n`, month names JAN–DEC, weekday names SUN–SAT
 *   (1 = SUN … 7 = SAT); day-of-month `L` (last day), `LW` (last weekday), `nW` (weekday
 *   nearest the n-th); day-of-week `L` (Saturday), `nL` (last such weekday of the month),
 *   `n#k` (k-th such weekday). One of day-of-month and day-of-week must be `?`.
 * - `rate(n unit)`: unit minute(s), hour(s) or day(s), singular exactly when n is 1; runs
 *   at anchor + k·n units (k ≥ 1), the anchor being when the schedule started.
 * - `at(yyyy-mm-ddThh:mm:ss)`: once.
 */
export class InvalidScheduleExpressionError extends Error {
  override readonly name = 'ValidationException';
}

export interface CronSchedule {
  kind: 'cron';
  expression: string;
  minutes: number[];
  hours: number[];
  months: Set<number>;
  /** undefined = any year. */
  years: Set<number> | undefined;
  dayOfMonth: DayOfMonth | undefined;
  dayOfWeek: DayOfWeek | undefined;
}

interface DayOfMonth {
  days: Set<number>;
  last: boolean;
  lastWeekday: boolean;
  nearestWeekday: number[];
}

interface DayOfWeek {
  days: Set<number>;
  lastOfMonth: Set<number>;
  nth: { day: number; k: number }[];
}

export interface RateSchedule {
  kind: 'rate';
  expression: string;
  periodMs: number;
}

export interface AtSchedule {
  kind: 'at';
  expression: string;
  at: number;
}

export type ParsedSchedule = CronSchedule | RateSchedule | AtSchedule;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** How far a search for the next or previous slot looks (a year-restricted cron may have none). */
const SEARCH_DAYS = 366 * 8;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseScheduleExpression(expression: string): ParsedSchedule {
  const trimmed = expression.trim();
  const match = /^(cron|rate|at)\((.*)\)$/s.exec(trimmed);
  if (!match) throw invalid(expression, 'expected cron(...), rate(...) or at(...)');
  const [, kind, body] = match as unknown as [string, 'cron' | 'rate' | 'at', string];
  if (kind === 'rate') return parseRate(trimmed, body);
  if (kind === 'at') return parseAt(trimmed, body);
  return parseCron(trimmed, body);
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

function parseAt(expression: string, body: string): AtSchedule {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(body)) throw invalid(expression, 'expected at(yyyy-mm-ddThh:mm:ss)');
  const at = Date.parse(`${body}Z`);
  if (Number.isNaN(at)) throw invalid(expression, 'not a valid date and time');
  return { kind: 'at', expression, at };
}

function parseCron(expression: string, body: string): CronSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw invalid(expression, 'cron needs 6 fields: minutes hours day-of-month month day-of-week year');
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw invalid(expression, 'exactly one of day-of-month and day-of-week must be ?');
  }
  const field = (text: string, lo: number, hi: number, name: string, names?: string[]) => {
    try {
      return parseField(text, lo, hi, names);
    } catch (error) {
      throw invalid(expression, `${name}: ${(error as Error).message}`);
    }
  };
  const minutes = [...field(min, 0, 59, 'minutes')].sort((a, b) => a - b);
  const hours = [...field(hour, 0, 23, 'hours')].sort((a, b) => a - b);
  const months = field(month, 1, 12, 'month', MONTHS);
  const years = year === '*' ? undefined : field(year, 1970, 2199, 'year');
  let dayOfMonth: DayOfMonth | undefined;
  let dayOfWeek: DayOfWeek | undefined;
  try {
    if (dom !== '?') dayOfMonth = parseDayOfMonth(dom);
    if (dow !== '?') dayOfWeek = parseDayOfWeek(dow);
  } catch (error) {
    throw invalid(expression, (error as Error).message);
  }
  return { kind: 'cron', expression, minutes, hours, months, years, dayOfMonth, dayOfWeek };
}

/** `*`, lists, ranges and steps; `names` map to lo, lo+1, ... */
function parseField(text: string, lo: number, hi: number, names?: string[]): Set<number> {
  const out = new Set<number>();
  const value = (token: string): number => {
    const upper = token.toUpperCase();
    const named = names?.indexOf(upper) ?? -1;
    if (named >= 0) return lo + named;
    if (!/^\d+$/.test(token)) throw new Error(`"${token}" is not a value`);
    const n = Number(token);
    if (n < lo || n > hi) throw new Error(`${n} is outside ${lo}-${hi}`);
    return n;
  };
  for (const item of text.split(',')) {
    if (item === '') throw new Error('empty list item');
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new Error(`"${item}" has more than one /`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isSafeInteger(step) || step < 1 || (stepText !== undefined && !/^\d+$/.test(stepText))) {
      throw new Error(`"${item}" has an invalid step`);
    }
    let start: number;
    let end: number;
    if (range === '*') {
      start = lo;
      end = hi;
    } else if (range!.includes('-')) {
      const [a, b, more] = range!.split('-');
      if (more !== undefined || a === undefined || b === undefined) throw new Error(`"${item}" is not a range`);
      start = value(a);
      end = value(b);
      if (start > end) throw new Error(`"${item}" runs backwards`);
    } else {
      start = value(range!);
      end = stepText === undefined ? start : hi;
    }
    for (let n = start; n <= end; n += step) out.add(n);
  }
  return out;
}

function parseDayOfMonth(text: string): DayOfMonth {
  const out: DayOfMonth = { days: new Set(), last: false, lastWeekday: false, nearestWeekday: [] };
  const plain: string[] = [];
  for (const item of text.split(',')) {
    if (item === 'L') out.last = true;
    else if (item === 'LW') out.lastWeekday = true;
    else if (/^\d+W$/.test(item)) {
      const n = Number(item.slice(0, -1));
      if (n < 1 || n > 31) throw new Error(`day-of-month: ${item} is outside 1-31`);
      out.nearestWeekday.push(n);
    } else plain.push(item);
  }
  if (plain.length > 0) {
    try {
      for (const d of parseField(plain.join(','), 1, 31)) out.days.add(d);
    } catch (error) {
      throw new Error(`day-of-month: ${(error as Error).message}`);
    }
  }
  return out;
}

function parseDayOfWeek(text: string): DayOfWeek {
  const out: DayOfWeek = { days: new Set(), lastOfMonth: new Set(), nth: [] };
  const weekday = (token: string): number => {
    const named = WEEKDAYS.indexOf(token.toUpperCase());
    if (named >= 0) return named + 1;
    const n = Number(token);
    if (!/^\d$/.test(token) || n < 1 || n > 7) throw new Error(`day-of-week: "${token}" is not 1-7 or SUN-SAT`);
    return n;
  };
  const plain: string[] = [];
  for (const item of text.split(',')) {
    if (item === 'L') out.days.add(7);
    else if (/^\w+L$/i.test(item) && item.length > 1 && !/^\d+$/.test(item)) out.lastOfMonth.add(weekday(item.slice(0, -1)));
    else if (item.includes('#')) {
      const [d, k] = item.split('#');
      const nth = Number(k);
      if (!/^[1-5]$/.test(k ?? '')) throw new Error(`day-of-week: "${item}" needs #1 to #5`);
      out.nth.push({ day: weekday(d ?? ''), k: nth });
    } else plain.push(item);
  }
  if (plain.length > 0) {
    try {
      for (const d of parseField(plain.join(','), 1, 7, WEEKDAYS)) out.days.add(d);
    } catch (error) {
      throw new Error(`day-of-week: ${(error as Error).message}`);
    }
  }
  return out;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Weekday (1 = SUN … 7 = SAT) of a date. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function nearestWeekday(year: number, month: number, n: number): number {
  const last = daysInMonth(year, month);
  const d = Math.min(n, last);
  const wd = weekdayOf(year, month, d);
  // Never leaves the month: the 1st on a Saturday moves to Monday the 3rd.
  if (wd === 7) return d === 1 ? 3 : d - 1;
  if (wd === 1) return d === last ? d - 2 : d + 1;
  return d;
}

function dayMatches(s: CronSchedule, dayStartMs: number): boolean {
  const date = new Date(dayStartMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  if (!s.months.has(month) || (s.years && !s.years.has(year))) return false;
  const last = daysInMonth(year, month);
  if (s.dayOfMonth) {
    const dom = s.dayOfMonth;
    if (dom.days.has(day) || (dom.last && day === last)) return true;
    if (dom.lastWeekday && day === nearestWeekday(year, month, last)) return true;
    return dom.nearestWeekday.some((n) => nearestWeekday(year, month, n) === day);
  }
  const dow = s.dayOfWeek!;
  const wd = weekdayOf(year, month, day);
  if (dow.days.has(wd)) return true;
  if (dow.lastOfMonth.has(wd) && day + 7 > last) return true;
  return dow.nth.some((x) => x.day === wd && Math.ceil(day / 7) === x.k);
}

const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;

/**
 * The latest slot `t` with `after < t <= atOrBefore`, or undefined. `anchor` is where a
 * rate schedule counts from.
 */
export function previousOccurrence(s: ParsedSchedule, atOrBefore: Date, after: Date, anchor?: Date): Date | undefined {
  const hi = atOrBefore.getTime();
  const lo = after.getTime();
  if (hi <= lo) return undefined;
  if (s.kind === 'at') return s.at > lo && s.at <= hi ? new Date(s.at) : undefined;
  if (s.kind === 'rate') {
    const base = (anchor ?? after).getTime();
    const k = Math.floor((hi - base) / s.periodMs);
    const t = base + k * s.periodMs;
    return k >= 1 && t > lo ? new Date(t) : undefined;
  }
  const lastDay = Math.max(startOfDay(lo), startOfDay(hi) - SEARCH_DAYS * DAY);
  for (let day = startOfDay(hi); day >= lastDay; day -= DAY) {
    if (!dayMatches(s, day)) continue;
    for (let h = s.hours.length - 1; h >= 0; h--) {
      for (let m = s.minutes.length - 1; m >= 0; m--) {
        const t = day + s.hours[h]! * HOUR + s.minutes[m]! * MINUTE;
        if (t > hi) continue;
        return t > lo ? new Date(t) : undefined;
      }
    }
  }
  return undefined;
}

/** The first slot strictly after `after`, or undefined (none within the search window). */
export function nextOccurrence(s: ParsedSchedule, after: Date, anchor?: Date): Date | undefined {
  const lo = after.getTime();
  if (s.kind === 'at') return s.at > lo ? new Date(s.at) : undefined;
  if (s.kind === 'rate') {
    const base = (anchor ?? after).getTime();
    const k = Math.max(1, Math.floor((lo - base) / s.periodMs) + 1);
    return new Date(base + k * s.periodMs);
  }
  for (let day = startOfDay(lo), end = day + SEARCH_DAYS * DAY; day <= end; day += DAY) {
    if (!dayMatches(s, day)) continue;
    for (const h of s.hours) {
      for (const m of s.minutes) {
        const t = day + h * HOUR + m * MINUTE;
        if (t > lo) return new Date(t);
      }
    }
  }
  return undefined;
}
