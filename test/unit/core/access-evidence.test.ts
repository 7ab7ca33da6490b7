/**
 * The evidence rules of the access policy, beyond the matrix cells
 * (access-evidence.expectations.ts, checked in access.test.ts): who may read a library,
 * who sees an application's evidence, and that refusals keep another pathway hidden.
 */
import { describe, expect, it } from 'vitest';
import { decide, explain, type AccessContext, type Target } from '#core/access.ts';

const P1: Target = { kind: 'pathway', districtId: 'D1', schoolId: 'S1', pathwayId: 'P1' };
const P2: Target = { kind: 'pathway', districtId: 'D2', schoolId: 'S2', pathwayId: 'P2' };
const A1: Target = { kind: 'application', districtId: 'D1', schoolId: 'S1', pathwayId: 'P1', applicationId: 'A1' };
const NET: Target = { kind: 'network' };

const person = (over: Partial<AccessContext>): AccessContext => ({ sub: 's', groups: [], memberships: [], assignments: [], ...over });
const member = (role: 'lead' | 'member', pathwayId = 'P1') =>
  person({ groups: ['pathway'], memberships: [{ kind: 'pathway', pathwayId, role, districtId: 'D1', schoolId: 'S1' }] });
const reviewer = (active: boolean) => person({ groups: ['reviewer'], assignments: [{ applicationId: 'A1', active }] });

describe('evidence access', () => {
  it('team members upload, tag and read their library; only the lead deletes items', () => {
    for (const action of ['evidence.list', 'evidence.read', 'evidence.upload', 'evidence.update'] as const) {
      expect(decide(member('member'), action, P1), action).toBe('allow');
      expect(decide(member('lead'), action, P1), action).toBe('allow');
    }
    expect(decide(member('lead'), 'evidence.delete', P1)).toBe('allow');
    expect(explain(member('member'), 'evidence.delete', P1)).toEqual({ decision: 'deny', reason: 'not_permitted' });
  });

  it("another pathway's library is hidden (404), not forbidden", () => {
    for (const action of ['evidence.list', 'evidence.read', 'evidence.upload', 'evidence.update', 'evidence.delete'] as const) {
      expect(decide(member('lead'), action, P2), action).toBe('hide');
    }
  });

  it('a reviewer reads evidence only through an active assignment, never a library', () => {
    expect(decide(reviewer(true), 'evidence.read', A1)).toBe('allow');
    expect(decide(reviewer(true), 'export.request', A1)).toBe('allow');
    expect(decide(reviewer(true), 'evidence.read', P1)).toBe('hide');
    expect(decide(reviewer(true), 'evidence.list', P1)).toBe('hide');
    // The assignment ended: the application disappears with its evidence.
    expect(decide(reviewer(false), 'evidence.read', A1)).toBe('hide');
    expect(decide(reviewer(false), 'export.request', A1)).toBe('hide');
  });

  it('district data contacts see the pathway but not its evidence (403)', () => {
    const data = person({ groups: ['district'], memberships: [{ kind: 'district', districtId: 'D1', role: 'data' }] });
    expect(decide(data, 'pathway.read', P1)).toBe('allow');
    expect(decide(data, 'evidence.list', P1)).toBe('deny');
    expect(decide(data, 'evidence.read', A1)).toBe('hide');
  });

  it('teams do not bulk-export (their library is theirs to read); staff do everything', () => {
    expect(decide(member('lead'), 'export.request', A1)).toBe('deny');
    const staff = person({ groups: ['staff'] });
    for (const action of ['evidence.upload', 'evidence.delete', 'evidence.list'] as const) expect(decide(staff, action, P2)).toBe('allow');
    expect(decide(staff, 'resource.manage', NET)).toBe('allow');
  });

  it('every signed-in person reads resources; only staff manage them', () => {
    for (const ctx of [member('member'), reviewer(true), person({})]) {
      expect(decide(ctx, 'resource.read', NET)).toBe('allow');
      expect(decide(ctx, 'resource.manage', NET)).toBe('deny');
    }
  });
});
