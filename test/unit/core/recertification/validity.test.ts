import { describe, expect, it } from 'vitest';
import { isValidAt } from '#core/levels.ts';
import {
  addDaysTo,
  addMonthsTo,
  calendarDateOf,
  dayNumber,
  daysBetween,
  expiresOn,
  fromDayNumber,
  isValidOn,
  levelHeldOn,
  renewalTerm,
  validUntilInstant,
  type DatedCertification,
} from '#core/recertification/validity.ts';

describe('calendar dates', () => {
  it('round-trips day numbers and rejects dates that do not exist', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(fromDayNumber(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(dayNumber('0000-01-01')).toBeLessThan(dayNumber('0001-01-01'));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-1', '2024-04-31', '']) expect(() => dayNumber(bad)).toThrow(RangeError);
  });

  it('adds days across month, year and leap boundaries', () => {
    expect(addDaysTo('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDaysTo('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(calendarDateOf('2026-03-10T23:59:59.999Z')).toBe('2026-03-10');
  });

  it('clamps a month end that does not exist instead of rolling over', () => {
    expect(addMonthsTo('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsTo('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonthsTo('2024-08-31', 1)).toBe('2024-09-30');
  });
});

describe('validity', () => {
  it('silver lasts 2 years and gold 3, candidacy as configured', () => {
    expect(expiresOn('silver', '2024-06-15')).toBe('2026-06-15');
    expect(expiresOn('gold', '2024-06-15')).toBe('2027-06-15');
    expect(expiresOn('candidacy', '2024-06-15')).toBe('2026-06-15');
    expect(expiresOn('candidacy', '2024-06-15', { validityMonths: { candidacy: 12 } })).toBe('2025-06-15');
  });

  it('a term issued on Feb 29 ends on Feb 28 of a common year, and on Feb 29 of a leap year', () => {
    expect(expiresOn('silver', '2024-02-29')).toBe('2026-02-28');
    expect(expiresOn('gold', '2024-02-29')).toBe('2027-02-28');
    expect(expiresOn('silver', '2024-02-29', { validityMonths: { silver: 48 } })).toBe('2028-02-29');
  });

  it('expiresOn is the first day no longer valid, and agrees with levels.ts as an instant', () => {
    const cert: DatedCertification = { level: 'silver', validFrom: '2024-06-15', expiresOn: '2026-06-15', status: 'active' };
    expect(isValidOn(cert, '2024-06-14')).toBe(false);
    expect(isValidOn(cert, '2024-06-15')).toBe(true);
    expect(isValidOn(cert, '2026-06-14')).toBe(true);
    expect(isValidOn(cert, '2026-06-15')).toBe(false);
    expect(isValidAt(validUntilInstant('2026-06-15'), '2026-06-14T23:59:59.999Z')).toBe(true);
    expect(isValidAt(validUntilInstant('2026-06-15'), '2026-06-15T00:00:00.000Z')).toBe(false);
  });

  it('validity depends on dates and revocation only, not on whether the sweep has run', () => {
    const base: DatedCertification = { level: 'gold', validFrom: '2024-01-01', expiresOn: '2027-01-01', status: 'active' };
    expect(isValidOn({ ...base, status: 'expired' }, '2026-06-01')).toBe(true); // a premature status cannot cut a term short
    expect(isValidOn({ ...base, status: 'active' }, '2027-01-02')).toBe(false); // nor can a late sweep extend it
    expect(isValidOn({ ...base, status: 'renewed' }, '2026-06-01')).toBe(true);
    expect(isValidOn({ ...base, status: 'revoked' }, '2026-06-01')).toBe(false);
  });
});

describe('renewal', () => {
  const previous = { level: 'silver' as const, expiresOn: '2026-06-15' };

  it('renewed before expiry, the new term continues from the old expiry', () => {
    expect(renewalTerm({ previous, level: 'silver', certifiedOn: '2026-01-10' })).toEqual({
      validFrom: '2026-06-15',
      expiresOn: '2028-06-15',
      continuous: true,
    });
    expect(renewalTerm({ previous, level: 'silver', certifiedOn: '2026-06-15' })).toEqual({
      validFrom: '2026-06-15',
      expiresOn: '2028-06-15',
      continuous: true,
    });
  });

  it('renewed after expiry, the term starts fresh on the decision day', () => {
    expect(renewalTerm({ previous, level: 'silver', certifiedOn: '2026-09-01' })).toEqual({
      validFrom: '2026-09-01',
      expiresOn: '2028-09-01',
      continuous: false,
    });
  });

  it('an upgrade starts on the decision day', () => {
    expect(renewalTerm({ previous, level: 'gold', certifiedOn: '2026-01-10' })).toEqual({
      validFrom: '2026-01-10',
      expiresOn: '2029-01-10',
      continuous: true,
    });
  });

  it('a Feb 28 expiry that came from a Feb 29 issue renews to Feb 28', () => {
    expect(
      renewalTerm({ previous: { level: 'silver', expiresOn: '2026-02-28' }, level: 'silver', certifiedOn: '2025-12-01' }).expiresOn,
    ).toBe('2028-02-28');
  });

  it('the level held is the highest valid one, with no gap across an early renewal', () => {
    const history: DatedCertification[] = [
      { level: 'candidacy', validFrom: '2022-01-01', expiresOn: '2024-01-01', status: 'expired' },
      { level: 'silver', validFrom: '2023-06-01', expiresOn: '2025-06-01', status: 'renewed' },
      { level: 'silver', validFrom: '2025-06-01', expiresOn: '2027-06-01', status: 'active' },
    ];
    expect(levelHeldOn(history, '2021-12-31')).toBeNull();
    expect(levelHeldOn(history, '2023-01-01')).toBe('candidacy');
    expect(levelHeldOn(history, '2023-06-01')).toBe('silver');
    expect(levelHeldOn(history, '2025-05-31')).toBe('silver');
    expect(levelHeldOn(history, '2025-06-01')).toBe('silver');
    expect(levelHeldOn(history, '2027-06-01')).toBeNull();
  });
});
