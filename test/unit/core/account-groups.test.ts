import { describe, expect, it } from 'vitest';
import { groupForMembership, groupsForMemberships, membershipGroups, needsGroup } from '#core/account-groups.ts';
import { roles } from '#lib/principal.ts';

describe('account groups', () => {
  it('a team membership needs the pathway group, a district membership the district group', () => {
    expect(groupForMembership('pathway')).toBe('pathway');
    expect(groupForMembership('district')).toBe('district');
    expect(groupsForMemberships([{ kind: 'district' }, { kind: 'pathway' }, { kind: 'pathway' }])).toEqual(['pathway', 'district']);
    expect(groupsForMemberships([])).toEqual([]);
  });

  it('a group is needed while at least one membership of its kind remains', () => {
    expect(needsGroup([{ kind: 'pathway' }, { kind: 'pathway' }], 'pathway')).toBe(true);
    expect(needsGroup([{ kind: 'district' }], 'pathway')).toBe(false);
    expect(needsGroup([], 'district')).toBe(false);
  });

  it('manages only pool groups, and never staff or reviewer', () => {
    for (const g of membershipGroups) expect(roles).toContain(g);
    expect(membershipGroups).not.toContain('staff');
    expect(membershipGroups).not.toContain('reviewer');
  });
});
