import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DAY_MS,
  dueAtFor,
  MAX_WAIT_SECONDS,
  reviewActionsDue,
  seatWaitEndsAt,
  secondsUntil,
  staffAlertAt,
  type AssignmentDueState,
  type ReviewDueAction,
  type ReviewDueConfig,
} from '#core/review/due-dates.ts';

const assignedAt = '2026-03-01T09:30:00.000Z';
const due = '2026-03-22T09:30:00.000Z';
const at = (daysAfterAssignment: number) => new Date(Date.parse(assignedAt) + daysAfterAssignment * DAY_MS).toISOString();
const fresh: AssignmentDueState = { assignedAt, remindersSent: [], reassignedCount: 0, escalated: false };

describe('review due dates', () => {
  it('is due 21 days after assignment by default, configurable', () => {
    expect(dueAtFor(assignedAt)).toBe(due);
    expect(dueAtFor(assignedAt, { dueDays: 14 })).toBe('2026-03-15T09:30:00.000Z');
  });

  it('reminds 7 days and 3 days before due, each once', () => {
    expect(reviewActionsDue({ assignment: fresh, now: at(13.99) })).toEqual([]);
    expect(reviewActionsDue({ assignment: fresh, now: at(14) })).toEqual([{ kind: 'remind', daysBefore: 7, dueAt: due, record: [7] }]);
    const after7 = { ...fresh, remindersSent: [7] };
    expect(reviewActionsDue({ assignment: after7, now: at(17) })).toEqual([]);
    expect(reviewActionsDue({ assignment: after7, now: at(18) })).toEqual([{ kind: 'remind', daysBefore: 3, dueAt: due, record: [3] }]);
    expect(reviewActionsDue({ assignment: { ...fresh, remindersSent: [7, 3] }, now: at(20.9) })).toEqual([]);
  });

  it('after a gap sends only the most urgent reminder and records the skipped one with it', () => {
    expect(reviewActionsDue({ assignment: fresh, now: at(19) })).toEqual([{ kind: 'remind', daysBefore: 3, dueAt: due, record: [3, 7] }]);
    // Once the 3-day reminder is recorded the 7-day one can never follow, recorded or not.
    expect(reviewActionsDue({ assignment: { ...fresh, remindersSent: [3] }, now: at(19) })).toEqual([]);
  });

  it('never reminds at or before the assignment itself, nor from the due date on', () => {
    const shortConfig: ReviewDueConfig = { dueDays: 5, reminderDaysBefore: [7, 5, 3] };
    expect(reviewActionsDue({ assignment: fresh, now: at(0), config: shortConfig })).toEqual([]);
    expect(reviewActionsDue({ assignment: fresh, now: at(2), config: shortConfig })).toEqual([
      { kind: 'remind', daysBefore: 3, dueAt: '2026-03-06T09:30:00.000Z', record: [3] },
    ]);
    expect(reviewActionsDue({ assignment: fresh, now: at(21) })).toEqual([{ kind: 'reassign', dueAt: due }]);
  });

  it('reassigns the first time a seat is late and escalates the second time, once', () => {
    expect(reviewActionsDue({ assignment: fresh, now: at(21) })).toEqual([{ kind: 'reassign', dueAt: due }]);
    const replacement: AssignmentDueState = { assignedAt: at(21), remindersSent: [], reassignedCount: 1, escalated: false };
    expect(reviewActionsDue({ assignment: replacement, now: at(42) })).toEqual([{ kind: 'escalate', dueAt: at(42) }]);
    expect(reviewActionsDue({ assignment: { ...replacement, escalated: true }, now: at(60) })).toEqual([]);
    expect(reviewActionsDue({ assignment: fresh, now: at(21), config: { maxReassignments: 0 } })).toEqual([
      { kind: 'escalate', dueAt: due },
    ]);
  });

  it('honours a recorded extension and does nothing for a closed assignment', () => {
    const extended = { ...fresh, dueAt: '2026-04-01T00:00:00.000Z' };
    expect(reviewActionsDue({ assignment: extended, now: at(21) })).toEqual([]);
    expect(reviewActionsDue({ assignment: extended, now: at(24) })).toEqual([
      { kind: 'remind', daysBefore: 7, dueAt: '2026-04-01T00:00:00.000Z', record: [7] },
    ]);
    expect(reviewActionsDue({ assignment: { ...fresh, closed: true }, now: at(30) })).toEqual([]);
  });

  it('rejects nonsense configuration', () => {
    expect(() => reviewActionsDue({ assignment: fresh, now: at(1), config: { dueDays: 0 } })).toThrow(RangeError);
    expect(() => reviewActionsDue({ assignment: fresh, now: at(1), config: { reminderDaysBefore: [-1] } })).toThrow(RangeError);
  });
});

describe('review due-date simulation', () => {
  // Checks at arbitrary moments (bursts, duplicates, long silences), each applying what it is
  // told to the recorded state, the way the scheduled handler does with conditional writes.
  it('sends each reminder at most once, before due, and reassigns then escalates exactly once', () => {
    const configArb = fc.record({
      dueDays: fc.integer({ min: 1, max: 30 }),
      reminderDaysBefore: fc.uniqueArray(fc.integer({ min: 1, max: 14 }), { maxLength: 4 }),
    });
    const checksArb = fc.array(fc.double({ min: 0, max: 80, noNaN: true }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(configArb, checksArb, (config, checkDays) => {
        const times = [...checkDays, ...checkDays.slice(0, 5)].sort((a, b) => a - b); // some exact repeats
        const seats: AssignmentDueState[] = [{ ...fresh }];
        const log: { seat: number; t: number; action: ReviewDueAction }[] = [];
        for (const t of times) {
          const seat = seats.length - 1;
          const state = seats[seat]!;
          const actions = reviewActionsDue({ assignment: state, now: at(t), config });
          // Idempotent: the same state and time give the same answer.
          expect(reviewActionsDue({ assignment: state, now: at(t), config })).toEqual(actions);
          for (const action of actions) {
            log.push({ seat, t, action });
            if (action.kind === 'remind') seats[seat] = { ...state, remindersSent: [...state.remindersSent, ...action.record] };
            if (action.kind === 'escalate') seats[seat] = { ...state, escalated: true };
            if (action.kind === 'reassign') {
              seats[seat] = { ...state, closed: true };
              seats.push({ assignedAt: at(t), remindersSent: [], reassignedCount: state.reassignedCount + 1, escalated: false });
            }
          }
          expect(actions.length).toBeLessThanOrEqual(1);
        }
        for (let seat = 0; seat < seats.length; seat++) {
          const mine = log.filter((l) => l.seat === seat);
          const reminders = mine.filter((l) => l.action.kind === 'remind');
          const sent = reminders.map((l) => (l.action as { daysBefore: number }).daysBefore);
          expect(new Set(sent).size).toBe(sent.length);
          // Each reminder sent is more urgent than the previous one.
          for (let i = 1; i < sent.length; i++) expect(sent[i]!).toBeLessThan(sent[i - 1]!);
          const dueMs = Date.parse(dueAtFor(seats[seat]!.assignedAt, config));
          for (const r of reminders) expect(Date.parse(at(r.t))).toBeLessThan(dueMs);
          expect(mine.filter((l) => l.action.kind === 'reassign').length).toBeLessThanOrEqual(1);
          expect(mine.filter((l) => l.action.kind === 'escalate').length).toBeLessThanOrEqual(1);
        }
        expect(log.filter((l) => l.action.kind === 'reassign').length).toBeLessThanOrEqual(1);
        expect(log.filter((l) => l.action.kind === 'escalate').length).toBeLessThanOrEqual(1);
        // If a check happened after the replacement was due, staff were alerted.
        const last = seats[seats.length - 1]!;
        const lastDue = Date.parse(dueAtFor(last.assignedAt, config));
        if (seats.length === 2 && times.some((t) => Date.parse(at(t)) >= lastDue)) expect(last.escalated).toBe(true);
      }),
      { seed: 321, numRuns: 300 },
    );
  });
});

describe('the workflow waits: deadlines from the due dates', () => {
  const now = '2026-03-10T00:00:00.000Z';

  it('a seat waits until its due date plus grace; a seat on staff comes back after the alert period', () => {
    const dueAt = '2026-03-22T09:30:00.000Z';
    expect(seatWaitEndsAt({ dueAt, escalated: false, open: true }, now)).toBe('2026-03-23T09:30:00.000Z');
    expect(seatWaitEndsAt({ dueAt, escalated: false, open: true }, now, { graceDays: 0 })).toBe(dueAt);
    expect(seatWaitEndsAt({ dueAt, escalated: true, open: true }, now)).toBe('2026-03-17T00:00:00.000Z');
    expect(seatWaitEndsAt(undefined, now, { staffAlertDays: 2 })).toBe('2026-03-12T00:00:00.000Z');
    expect(() => seatWaitEndsAt(undefined, now, { staffAlertDays: 0 })).toThrow(RangeError);
  });

  it('staff are alerted every period from the start of the wait', () => {
    expect(staffAlertAt(now, 0)).toBe('2026-03-17T00:00:00.000Z');
    expect(staffAlertAt(now, 2, { staffAlertDays: 3 })).toBe('2026-03-19T00:00:00.000Z');
  });

  it('a timeout is whole seconds, at least 1 (a deadline already passed) and at most MAX_WAIT_SECONDS', () => {
    expect(secondsUntil('2026-03-10T00:00:01.200Z', now)).toBe(2);
    expect(secondsUntil('2026-03-01T00:00:00.000Z', now)).toBe(1);
    expect(secondsUntil('2026-03-11T00:00:00.000Z', now)).toBe(DAY_MS / 1000);
    expect(secondsUntil('2027-03-11T00:00:00.000Z', now)).toBe(MAX_WAIT_SECONDS);
  });
});
