/** EventBridge schedule expressions of the local scheduler: the cron and rate forms pathcert uses; the rest refused. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidScheduleExpressionError,
  nextOccurrence,
  parseScheduleExpression,
  previousOccurrence,
} from '../../../infra/local/eventbridge/cron.ts';

const d = (iso: string) => new Date(iso);
const next = (expr: string, after: string) => nextOccurrence(parseScheduleExpression(expr), d(after))?.toISOString();
/** The next n slots after `after`. */
const nextN = (expr: string, after: string, n: number) => {
  const s = parseScheduleExpression(expr);
  const out: string[] = [];
  let t = d(after);
  for (let i = 0; i < n; i++) {
    t = nextOccurrence(s, t)!;
    out.push(t.toISOString());
  }
  return out;
};

describe('cron parsing', () => {
  it.each([
    ['no wrapper', '0 7 * * ? *'],
    ['five fields', 'cron(0 7 * * ?)'],
    ['both day fields set', 'cron(0 7 * * MON *)'],
    ['both day fields ?', 'cron(0 7 ? * ? *)'],
    ['minute out of range', 'cron(60 7 * * ? *)'],
    ['hour out of range', 'cron(0 24 * * ? *)'],
    ['day-of-week out of range', 'cron(0 7 ? * 8 *)'],
    ['backwards range', 'cron(0 7 ? * FRI-MON *)'],
    ['zero step', 'cron(0/0 7 * * ? *)'],
    ['garbage', 'cron(a b c d e f)'],
    ['rate plural for one', 'rate(1 minutes)'],
    ['rate singular for many', 'rate(5 hour)'],
    ['rate zero', 'rate(0 days)'],
    ['rate unknown unit', 'rate(2 weeks)'],
    ['at without seconds', 'at(2026-03-01T07:00)'],
  ])('rejects %s', (_, expr) => {
    expect(() => parseScheduleExpression(expr)).toThrow(InvalidScheduleExpressionError);
  });

  // Valid for EventBridge Scheduler, but not evaluated locally: refused, never mis-scheduled.
  it.each([
    ['a list', 'cron(5,35 8 * * ? *)'],
    ['a range', 'cron(0 8-9 * * ? *)'],
    ['a step', 'cron(0/15 * * * ? *)'],
    ['weekdays', 'cron(0 8 ? * MON-FRI *)'],
    ['a day of the month', 'cron(0 0 1 * ? *)'],
    ['L', 'cron(0 12 L * ? *)'],
    ['W', 'cron(0 9 1W * ? *)'],
    ['#', 'cron(0 10 ? * 2#1 *)'],
    ['a month', 'cron(0 0 * JAN ? *)'],
    ['a year', 'cron(0 0 * * ? 2030)'],
    ['at()', 'at(2026-03-01T07:30:00)'],
  ])('refuses %s, which the local scheduler does not evaluate', (_, expr) => {
    expect(() => parseScheduleExpression(expr)).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression(expr)).toThrow(/not supported locally/);
  });
});

describe('cron slots', () => {
  it('runs a daily job at 07:00 UTC', () => {
    expect(next('cron(0 7 * * ? *)', '2026-03-01T06:59:59Z')).toBe('2026-03-01T07:00:00.000Z');
    expect(next('cron(0 7 * * ? *)', '2026-03-01T07:00:00Z')).toBe('2026-03-02T07:00:00.000Z');
    expect(next('cron(0 7 * * ? *)', '2026-12-31T08:00:00Z')).toBe('2027-01-01T07:00:00.000Z');
  });

  it('runs an hourly job at a fixed minute, and every minute with * *', () => {
    expect(nextN('cron(15 * * * ? *)', '2026-03-01T23:20:00Z', 3)).toEqual([
      '2026-03-02T00:15:00.000Z',
      '2026-03-02T01:15:00.000Z',
      '2026-03-02T02:15:00.000Z',
    ]);
    expect(next('cron(* * ? * * *)', '2026-03-01T10:07:30Z')).toBe('2026-03-01T10:08:00.000Z');
  });
});

describe('previousOccurrence (what the scheduler fires after a clock jump)', () => {
  const daily = parseScheduleExpression('cron(0 7 * * ? *)');

  it('returns the latest slot in (after, atOrBefore], once for several missed days', () => {
    expect(previousOccurrence(daily, d('2026-03-06T12:00:00Z'), d('2026-03-01T08:00:00Z'))?.toISOString()).toBe('2026-03-06T07:00:00.000Z');
    expect(previousOccurrence(daily, d('2026-03-06T06:00:00Z'), d('2026-03-01T08:00:00Z'))?.toISOString()).toBe('2026-03-05T07:00:00.000Z');
    // A slot exactly at the check time counts; one exactly at the previous check does not.
    expect(previousOccurrence(daily, d('2026-03-01T07:00:00Z'), d('2026-03-01T06:59:00Z'))?.toISOString()).toBe('2026-03-01T07:00:00.000Z');
    expect(previousOccurrence(daily, d('2026-03-01T08:00:00Z'), d('2026-03-01T07:00:00Z'))).toBeUndefined();
  });

  it('agrees with nextOccurrence for any time', () => {
    const expressions = ['cron(0 7 * * ? *)', 'cron(15 * * * ? *)', 'cron(* 23 * * ? *)', 'cron(30 * ? * * *)'];
    fc.assert(
      fc.property(fc.constantFrom(...expressions), fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }), (expr, ms) => {
        const s = parseScheduleExpression(expr);
        const after = new Date(ms);
        const slot = nextOccurrence(s, after);
        expect(slot.getTime()).toBeGreaterThan(ms);
        expect(slot.getUTCSeconds()).toBe(0);
        // Nothing between `after` and the next slot, and the slot is the latest up to itself.
        expect(previousOccurrence(s, new Date(slot.getTime() - 1), after)).toBeUndefined();
        expect(previousOccurrence(s, slot, after)?.getTime()).toBe(slot.getTime());
      }),
      { numRuns: 300 },
    );
  });
});

describe('rate', () => {
  it('counts rate slots from the anchor', () => {
    const s = parseScheduleExpression('rate(6 hours)');
    const anchor = d('2026-03-01T00:00:00Z');
    expect(nextOccurrence(s, d('2026-03-01T00:00:00Z'), anchor)?.toISOString()).toBe('2026-03-01T06:00:00.000Z');
    expect(nextOccurrence(s, d('2026-03-01T13:00:00Z'), anchor)?.toISOString()).toBe('2026-03-01T18:00:00.000Z');
    expect(previousOccurrence(s, d('2026-03-03T01:00:00Z'), d('2026-03-01T01:00:00Z'), anchor)?.toISOString()).toBe(
      '2026-03-03T00:00:00.000Z',
    );
    expect(previousOccurrence(s, d('2026-03-01T05:59:00Z'), d('2026-03-01T00:00:00Z'), anchor)).toBeUndefined();
    expect(parseScheduleExpression('rate(1 minute)')).toMatchObject({ periodMs: 60_000 });
    expect(parseScheduleExpression('rate(1 day)')).toMatchObject({ periodMs: 86_400_000 });
  });
});
