import { describe, expect, it } from 'vitest';
import { coalitionOf, coveredByShared, headlineCellsOf, suppressForReader, withheldCellsOf } from '#core/outcomes/coalitions.ts';
import { isSuppressed } from '#core/outcomes/model.ts';
import { suppressYear } from '#core/outcomes/suppression.ts';
import { twoDistrictAttack } from './adversary.ts';

describe("a reader's coalition", () => {
  it('takes every district role and every team, in both readings', () => {
    const c = coalitionOf([
      { kind: 'district', districtId: 'd1', role: 'data' },
      { kind: 'district', districtId: 'd2', role: 'lead' },
      { kind: 'pathway', pathwayId: 'p1', role: 'member', districtId: 'd1' }, // inside a district of theirs
      { kind: 'pathway', pathwayId: 'p3', role: 'lead', districtId: 'd3' },
    ]);
    expect(c).toEqual({ narrow: ['district:d1', 'district:d2', 'pathway:p3'], wide: ['district:d1', 'district:d2', 'district:d3'] });
  });

  it('places a team without its district through the lookup, else as a unit of its own', () => {
    expect(coalitionOf([{ kind: 'pathway', pathwayId: 'p', role: 'member' }], () => 'd')).toEqual({
      narrow: ['pathway:p'],
      wide: ['district:d'],
    });
    expect(coalitionOf([{ kind: 'pathway', pathwayId: 'p', role: 'member' }])).toEqual({ narrow: ['pathway:p'], wide: ['pathway:p'] });
  });

  it('is covered by the shared pattern for one unit, or up to maxCoalition whole districts', () => {
    const of = (...ms: Parameters<typeof coalitionOf>[0]) => coveredByShared(coalitionOf(ms), 2);
    expect(of()).toBe(true); // staff, reviewers, the public
    expect(of({ kind: 'pathway', pathwayId: 'p', role: 'member', districtId: 'd' })).toBe(true);
    expect(of({ kind: 'district', districtId: 'a', role: 'data' }, { kind: 'district', districtId: 'b', role: 'data' })).toBe(true);
    expect(
      of(
        { kind: 'district', districtId: 'a', role: 'data' },
        { kind: 'district', districtId: 'b', role: 'data' },
        { kind: 'district', districtId: 'c', role: 'lead' },
      ),
    ).toBe(false);
    // A team elsewhere: its siblings need the narrow reading audited.
    expect(
      of({ kind: 'district', districtId: 'a', role: 'data' }, { kind: 'pathway', pathwayId: 'p', role: 'member', districtId: 'b' }),
    ).toBe(false);
    // Two teams of one district: siblings again.
    expect(
      of(
        { kind: 'pathway', pathwayId: 'p', role: 'member', districtId: 'd' },
        { kind: 'pathway', pathwayId: 'q', role: 'member', districtId: 'd' },
      ),
    ).toBe(false);
  });
});

describe("a reader's own pattern", () => {
  it('withholds everything the shared one does, and more when their coalition needs it', () => {
    const shared = suppressYear({ districts: twoDistrictAttack, network: true }, { maxCoalition: 1 });
    expect(isSuppressed(shared.network!.counts.enrolled!.gender_nonbinary!)).toBe(false);
    const own = suppressForReader(
      { districts: twoDistrictAttack },
      shared,
      { narrow: ['district:dst_X', 'district:dst_Y'], wide: ['district:dst_X', 'district:dst_Y'] },
      { maxCoalition: 1 },
    );
    const before = new Set(withheldCellsOf(shared));
    const after = new Set(withheldCellsOf(own));
    expect([...before].filter((c) => !after.has(c))).toEqual([]);
    expect(after.has('network|enrolled|gender_nonbinary')).toBe(true);
  });

  it('lists the shown headline cells anyone can read signed out', () => {
    const shared = suppressYear({ districts: twoDistrictAttack, network: true });
    expect(headlineCellsOf(shared)).toEqual(['pathway:pw_A|enrolled|all', 'pathway:pw_B|enrolled|all', 'pathway:pw_C|enrolled|all']);
  });
});
