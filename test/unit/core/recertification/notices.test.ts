import { describe, expect, it } from 'vitest';
import { applySweepAction, needsSweep, sweepActions, type SweepCertification } from '#core/recertification/notices.ts';
import { addDaysTo } from '#core/recertification/validity.ts';

const EXPIRES = '2027-01-01';
const before = (days: number) => addDaysTo(EXPIRES, -days);
const silver: SweepCertification = {
  id: 'cert_1',
  level: 'silver',
  expiresOn: EXPIRES,
  status: 'active',
  noticesSent: [],
  renewalOpened: false,
  expiredApplied: false,
};
const sweep = (cert: SweepCertification, today: string) => sweepActions({ certification: cert, today });

describe('sweep actions', () => {
  it('opens the renewal and sends the first notice 180 days before expiry, not a day earlier', () => {
    expect(sweep(silver, before(181))).toEqual([]);
    expect(sweep(silver, before(180))).toEqual([
      { kind: 'open-renewal', expiresOn: EXPIRES },
      { kind: 'notice', daysBefore: 180, daysLeft: 180, expiresOn: EXPIRES, superseded: [] },
    ]);
  });

  it('sends each later notice on its day and nothing in between', () => {
    const after180 = { ...silver, renewalOpened: true, noticesSent: [180] };
    expect(sweep(after180, before(179))).toEqual([]);
    expect(sweep(after180, before(91))).toEqual([]);
    expect(sweep(after180, before(90))).toEqual([{ kind: 'notice', daysBefore: 90, daysLeft: 90, expiresOn: EXPIRES, superseded: [] }]);
    const after30 = { ...after180, noticesSent: [180, 90, 30] };
    expect(sweep(after30, before(7))).toEqual([{ kind: 'notice', daysBefore: 7, daysLeft: 7, expiresOn: EXPIRES, superseded: [] }]);
    expect(sweep({ ...after30, noticesSent: [180, 90, 30, 7] }, before(1))).toEqual([]);
  });

  it('after a gap sends only the most urgent crossed notice and supersedes the skipped ones', () => {
    const state = { ...silver, renewalOpened: true, noticesSent: [180] };
    const actions = sweep(state, before(20));
    expect(actions).toEqual([{ kind: 'notice', daysBefore: 30, daysLeft: 20, expiresOn: EXPIRES, superseded: [90] }]);
    const recorded = applySweepAction(state, actions[0]!)!;
    expect([...recorded.noticesSent].sort((a, b) => a - b)).toEqual([30, 90, 180]);
    expect(sweep(recorded, before(19))).toEqual([]);
  });

  it('expires on the expiry date, opening the renewal first if a gap missed it, and then goes quiet', () => {
    const done = { ...silver, renewalOpened: true, noticesSent: [180, 90, 30, 7] };
    expect(sweep(done, before(1))).toEqual([]);
    expect(sweep(done, EXPIRES)).toEqual([{ kind: 'expire', expiresOn: EXPIRES }]);
    expect(sweep(silver, addDaysTo(EXPIRES, 40))).toEqual([
      { kind: 'open-renewal', expiresOn: EXPIRES },
      { kind: 'expire', expiresOn: EXPIRES },
    ]);
    const expired = applySweepAction(done, { kind: 'expire', expiresOn: EXPIRES })!;
    expect(expired).toMatchObject({ status: 'expired', expiredApplied: true });
    expect(needsSweep(expired)).toBe(false);
    expect(sweep(expired, addDaysTo(EXPIRES, 1))).toEqual([]);
  });

  it('does not open a renewal for candidacy, and ignores renewed or revoked certifications', () => {
    const candidacy = { ...silver, level: 'candidacy' as const };
    expect(sweep(candidacy, before(180)).map((a) => a.kind)).toEqual(['notice']);
    expect(sweep({ ...silver, status: 'renewed' }, before(7))).toEqual([]);
    expect(sweep({ ...silver, status: 'revoked' }, EXPIRES)).toEqual([]);
  });

  it('follows configured thresholds and renewal window', () => {
    const config = { noticeDaysBefore: [60, 14], certification: { renewalWindowDays: 90 } };
    expect(sweepActions({ certification: silver, today: before(91), config })).toEqual([]);
    expect(sweepActions({ certification: silver, today: before(90), config }).map((a) => a.kind)).toEqual(['open-renewal']);
    expect(sweepActions({ certification: silver, today: before(60), config })).toEqual([
      { kind: 'open-renewal', expiresOn: EXPIRES },
      { kind: 'notice', daysBefore: 60, daysLeft: 60, expiresOn: EXPIRES, superseded: [] },
    ]);
    expect(() => sweepActions({ certification: silver, today: before(1), config: { noticeDaysBefore: [0] } })).toThrow(RangeError);
  });
});

describe('applying actions', () => {
  it('refuses stale actions so a concurrent or repeated sweep performs nothing twice', () => {
    const a = sweep(silver, before(180));
    let state = silver;
    for (const action of a) state = applySweepAction(state, action)!;
    for (const action of a) expect(applySweepAction(state, action)).toBeNull();
    // A notice computed before a more urgent one was recorded is stale too.
    const old = { kind: 'notice' as const, daysBefore: 90, daysLeft: 90, expiresOn: EXPIRES, superseded: [] };
    expect(applySweepAction({ ...state, noticesSent: [180, 30] }, old)).toBeNull();
    // An action for a term that was since replaced (renewed: new expiry) does not apply.
    expect(applySweepAction({ ...state, expiresOn: '2029-01-01' }, { kind: 'expire', expiresOn: EXPIRES })).toBeNull();
    const expired = applySweepAction(state, { kind: 'expire', expiresOn: EXPIRES })!;
    expect(applySweepAction(expired, { kind: 'expire', expiresOn: EXPIRES })).toBeNull();
  });
});
