/** EventBridge schedule expressions (cron, rate, at) of the local scheduler. */
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
});

describe('cron slots', () => {
  it('runs a daily job at 07:00 UTC', () => {
    expect(next('cron(0 7 * * ? *)', '2026-03-01T06:59:59Z')).toBe('2026-03-01T07:00:00.000Z');
    expect(next('cron(0 7 * * ? *)', '2026-03-01T07:00:00Z')).toBe('2026-03-02T07:00:00.000Z');
    expect(next('cron(0 7 * * ? *)', '2026-12-31T08:00:00Z')).toBe('2027-01-01T07:00:00.000Z');
  });

  it('supports steps, lists and ranges', () => {
    expect(nextN('cron(0/15 * * * ? *)', '2026-03-01T10:07:00Z', 4)).toEqual([
      '2026-03-01T10:15:00.000Z',
      '2026-03-01T10:30:00.000Z',
      '2026-03-01T10:45:00.000Z',
      '2026-03-01T11:00:00.000Z',
    ]);
    expect(nextN('cron(5,35 8-9 * * ? *)', '2026-03-01T00:00:00Z', 5)).toEqual([
      '2026-03-01T08:05:00.000Z',
      '2026-03-01T08:35:00.000Z',
      '2026-03-01T09:05:00.000Z',
      '2026-03-01T09:35:00.000Z',
      '2026-03-02T08:05:00.000Z',
    ]);
    expect(nextN('cron(0 0 1 */4 ? *)', '2026-02-15T00:00:00Z', 3)).toEqual([
      '2026-05-01T00:00:00.000Z',
      '2026-09-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
  });

  it('supports weekday ranges by name and number (1 = SUN)', () => {
    // 2026-02-28 is a Saturday: weekdays skip to Monday.
    expect(nextN('cron(0 8 ? * MON-FRI *)', '2026-02-27T09:00:00Z', 2)).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-03T08:00:00.000Z',
    ]);
    expect(next('cron(0 8 ? * 1 *)', '2026-02-27T09:00:00Z')).toBe('2026-03-01T08:00:00.000Z');
    expect(next('cron(0 8 ? * sat *)', '2026-02-27T09:00:00Z')).toBe('2026-02-28T08:00:00.000Z');
  });

  it('supports month names, years and the L, W and # forms', () => {
    expect(next('cron(0 0 1 JAN-MAR ? *)', '2026-04-01T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2030)', '2026-04-01T00:00:00Z')).toBe('2030-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2030)', '2030-01-01T00:00:00Z')).toBeUndefined();
    // Last day of the month, leap years included.
    expect(nextN('cron(0 12 L * ? *)', '2028-01-31T13:00:00Z', 2)).toEqual([
      '2028-02-29T12:00:00.000Z',
      '2028-03-31T12:00:00.000Z',
    ]);
    // 2026-08-01 is a Saturday: the weekday nearest the 1st is Monday the 3rd (never July 31).
    expect(next('cron(0 9 1W * ? *)', '2026-07-31T00:00:00Z')).toBe('2026-08-03T09:00:00.000Z');
    // 2026-05-31 is a Sunday: the last weekday of May is Friday the 29th.
    expect(next('cron(0 9 LW * ? *)', '2026-05-01T00:00:00Z')).toBe('2026-05-29T09:00:00.000Z');
    // First Monday of March 2026 is the 2nd; last Friday of November 2026 is the 27th.
    expect(next('cron(0 10 ? * 2#1 *)', '2026-03-01T00:00:00Z')).toBe('2026-03-02T10:00:00.000Z');
    expect(next('cron(0 10 ? * 6L *)', '2026-11-01T00:00:00Z')).toBe('2026-11-27T10:00:00.000Z');
    expect(next('cron(0 10 ? * FRIL *)', '2026-11-01T00:00:00Z')).toBe('2026-11-27T10:00:00.000Z');
  });
});

describe('previousOccurrence (what the scheduler fires after a clock jump)', () => {
  const daily = parseScheduleExpression('cron(0 7 * * ? *)');

  it('returns the latest slot in (after, atOrBefore], once for several missed days', () => {
    expect(previousOccurrence(daily, d('2026-03-06T12:00:00Z'), d('2026-03-01T08:00:00Z'))?.toISOString()).toBe(
      '2026-03-06T07:00:00.000Z',
    );
    expect(previousOccurrence(daily, d('2026-03-06T06:00:00Z'), d('2026-03-01T08:00:00Z'))?.toISOString()).toBe(
      '2026-03-05T07:00:00.000Z',
    );
    // A slot exactly at the check time counts; one exactly at the previous check does not.
    expect(previousOccurrence(daily, d('2026-03-01T07:00:00Z'), d('2026-03-01T06:59:00Z'))?.toISOString()).toBe(
      '2026-03-01T07:00:00.000Z',
    );
    expect(previousOccurrence(daily, d('2026-03-01T08:00:00Z'), d('2026-03-01T07:00:00Z'))).toBeUndefined();
  });

  it('agrees with nextOccurrence for any time', () => {
    const expressions = ['cron(0 7 * * ? *)', 'cron(0/20 9-17 ? * MON-FRI *)', 'cron(30 2 L * ? *)', 'cron(0 10 ? * 6L *)'];
    fc.assert(
      fc.property(
        fc.constantFrom(...expressions),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (expr, ms) => {
          const s = parseScheduleExpression(expr);
          const after = new Date(ms);
          const slot = nextOccurrence(s, after)!;
          expect(slot.getTime()).toBeGreaterThan(ms);
          expect(slot.getUTCSeconds()).toBe(0);
          // Nothing between `after` and the next slot, and the slot is the latest up to itself.
          expect(previousOccurrence(s, new Date(slot.getTime() - 1), after)).toBeUndefined();
          expect(previousOccurrence(s, slot, after)?.getTime()).toBe(slot.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('rate and at', () => {
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

  it('runs an at() schedule once', () => {
    const s = parseScheduleExpression('at(2026-03-01T07:30:00)');
    expect(nextOccurrence(s, d('2026-03-01T00:00:00Z'))?.toISOString()).toBe('2026-03-01T07:30:00.000Z');
    expect(nextOccurrence(s, d('2026-03-01T07:30:00Z'))).toBeUndefined();
    expect(previousOccurrence(s, d('2026-03-09T00:00:00Z'), d('2026-03-01T00:00:00Z'))?.toISOString()).toBe(
      '2026-03-01T07:30:00.000Z',
    );
  });
});
