import { describe, expect, it } from 'vitest';
import {
  capacityWindow,
  diffEntitlements,
  isChange,
  levelRank,
  levelsUnlocking,
  requestRefusals,
  unlockedBy,
  type BenefitRule,
} from '#core/benefits.ts';

const catalog: BenefitRule[] = [
  { id: 'mark', minLevel: 'candidacy', active: true },
  { id: 'coaching', minLevel: 'silver', active: true },
  { id: 'scholarship', minLevel: 'silver', active: true, capacity: { perPathway: 3, period: 'year' } },
  { id: 'grant', minLevel: 'gold', active: true },
  { id: 'retired', minLevel: 'candidacy', active: false },
];

describe('which level unlocks what', () => {
  it('a level unlocks every active benefit at or below it, nothing without a level', () => {
    expect(unlockedBy(null, catalog)).toEqual([]);
    expect(unlockedBy('candidacy', catalog)).toEqual(['mark']);
    expect(unlockedBy('silver', catalog)).toEqual(['mark', 'coaching', 'scholarship']);
    expect(unlockedBy('gold', catalog)).toEqual(['mark', 'coaching', 'scholarship', 'grant']);
  });

  it('ranks and the levels reaching a minimum', () => {
    expect([null, 'candidacy', 'silver', 'gold'].map((l) => levelRank(l as never))).toEqual([-1, 0, 1, 2]);
    expect(levelsUnlocking('silver')).toEqual(['silver', 'gold']);
    expect(levelsUnlocking('candidacy')).toEqual(['candidacy', 'silver', 'gold']);
  });
});

describe('the diff of entitlements between two standings', () => {
  it('an upgrade unlocks what the new level reaches', () => {
    const d = diffEntitlements(['mark', 'coaching', 'scholarship'], 'gold', catalog);
    expect(d).toMatchObject({ unlocked: ['grant'], lost: [] });
    expect(isChange(d)).toBe(true);
  });

  it('a downgrade (a later lower certification, a withdrawal of the higher one) loses what is above the new level', () => {
    expect(diffEntitlements(unlockedBy('gold', catalog), 'silver', catalog)).toMatchObject({ unlocked: [], lost: ['grant'] });
    expect(diffEntitlements(unlockedBy('gold', catalog), 'candidacy', catalog)).toMatchObject({
      unlocked: [],
      lost: ['coaching', 'scholarship', 'grant'],
    });
  });

  it('expiry or withdrawal of the only certification loses everything', () => {
    expect(diffEntitlements(unlockedBy('silver', catalog), null, catalog)).toMatchObject({
      after: [],
      lost: ['mark', 'coaching', 'scholarship'],
    });
  });

  it('a renewal at the same level changes nothing', () => {
    expect(isChange(diffEntitlements(unlockedBy('silver', catalog), 'silver', catalog))).toBe(false);
  });

  it('an entry deactivated since the last change is lost at the next one; one never held is not', () => {
    const before = ['mark', 'coaching', 'retired'];
    expect(diffEntitlements(before, 'candidacy', catalog)).toMatchObject({ unlocked: [], lost: ['coaching', 'retired'] });
  });
});

describe('requests', () => {
  const scholarship = catalog[2]!;

  it('a pathway below the level is refused, whatever else holds', () => {
    expect(requestRefusals(scholarship, 'candidacy', 1, '2027-03-01').map((r) => r.code)).toEqual(['level_too_low']);
    expect(requestRefusals(scholarship, null, 1, '2027-03-01').map((r) => r.code)).toEqual(['level_too_low']);
    expect(requestRefusals(scholarship, 'silver', 1, '2027-03-01')).toEqual([]);
    expect(requestRefusals(scholarship, 'gold', 3, '2027-03-01')).toEqual([]);
  });

  it('every reason that applies: inactive, not requestable, outside the window, too many units', () => {
    const closed: BenefitRule = { ...scholarship, active: false, availableFrom: '2027-04-01', availableUntil: '2027-05-31' };
    expect(requestRefusals(closed, 'silver', 4, '2027-03-01').map((r) => r.code)).toEqual([
      'benefit_inactive',
      'outside_window',
      'too_many_units',
    ]);
    expect(
      requestRefusals({ ...scholarship, availableFrom: '2027-04-01', availableUntil: '2027-05-31' }, 'silver', 1, '2027-05-31'),
    ).toEqual([]);
    expect(requestRefusals(catalog[1]!, 'silver', 1, '2027-03-01').map((r) => r.code)).toEqual(['not_requestable']);
  });

  it('capacity windows: the calendar year, or one for the whole life', () => {
    expect(capacityWindow('year', '2027-12-31')).toBe('2027');
    expect(capacityWindow('year', '2028-01-01')).toBe('2028');
    expect(capacityWindow('total', '2027-12-31')).toBe('ALL');
  });
});
