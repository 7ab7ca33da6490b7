/**
 * nextSweepDay keys the sweep's index: the sweep reads a certification only from that day
 * on, so it must never be later than a day with an accepted action (a notice, the renewal,
 * the expiry would be missed), and should not be earlier than needed (cost).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySweepAction, nextSweepDay, sweepActions, type SweepCertification, type SweepConfig } from '#core/recertification/notices.ts';
import { addDaysTo } from '#core/recertification/validity.ts';

const EXPIRES = '2027-01-01';

/** What the sweep would do on `today`: the actions the recorded state accepts, in order. */
function accepted(cert: SweepCertification, today: string, config: SweepConfig): number {
  let state = cert;
  let n = 0;
  for (const a of sweepActions({ certification: cert, today, config })) {
    const next = applySweepAction(state, a);
    if (next) {
      n++;
      state = next;
    }
  }
  return n;
}

describe('nextSweepDay', () => {
  it('is the renewal window and first notice for a new certification, then each next notice, then the expiry', () => {
    const cert: SweepCertification = {
      id: 'c',
      level: 'silver',
      expiresOn: EXPIRES,
      status: 'active',
      noticesSent: [],
      renewalOpened: false,
      expiredApplied: false,
    };
    expect(nextSweepDay(cert)).toBe(addDaysTo(EXPIRES, -180));
    expect(nextSweepDay({ ...cert, renewalOpened: true, noticesSent: [180] })).toBe(addDaysTo(EXPIRES, -90));
    expect(nextSweepDay({ ...cert, renewalOpened: true, noticesSent: [180, 90, 30, 7] })).toBe(EXPIRES);
    expect(nextSweepDay({ ...cert, level: 'candidacy' }, { noticeDaysBefore: [30] })).toBe(addDaysTo(EXPIRES, -30));
    expect(nextSweepDay({ ...cert, status: 'expired', expiredApplied: true })).toBeNull();
    expect(nextSweepDay({ ...cert, status: 'renewed' })).toBeNull();
  });

  it('is never later than a day with an accepted action, and that day has one', () => {
    const thresholds = fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 0, maxLength: 5 });
    fc.assert(
      fc.property(
        thresholds,
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom<SweepCertification['level']>('candidacy', 'silver', 'gold'),
        fc.boolean(),
        fc.subarray([400, 180, 90, 30, 7, 1]),
        fc.integer({ min: -30, max: 500 }),
        (noticeDaysBefore, renewalWindowDays, level, renewalOpened, noticesSent, startBefore) => {
          const config: SweepConfig = { noticeDaysBefore, certification: { renewalWindowDays } };
          const cert: SweepCertification = {
            id: 'c',
            level,
            expiresOn: EXPIRES,
            status: 'active',
            noticesSent,
            renewalOpened,
            expiredApplied: false,
          };
          const next = nextSweepDay(cert, config)!;
          expect(next <= EXPIRES).toBe(true);
          // Any day before `next` (from some start) has nothing; `next` itself has something.
          const start = addDaysTo(EXPIRES, -startBefore);
          for (let d = start; d < next; d = addDaysTo(d, 1)) expect(accepted(cert, d, config), d).toBe(0);
          expect(accepted(cert, next, config)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
