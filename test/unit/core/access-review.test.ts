/**
 * The review pipeline's rules of the access policy, beyond the matrix cells
 * (access-review.expectations.ts, checked in access.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { decide, type AccessContext, type Target } from '#core/access.ts';

const A1: Target = { kind: 'application', districtId: 'D1', schoolId: 'S1', pathwayId: 'P1', applicationId: 'A1' };
const A2: Target = { kind: 'application', districtId: 'D2', schoolId: 'S2', pathwayId: 'P2', applicationId: 'A2' };
const NET: Target = { kind: 'network' };
const person = (over: Partial<AccessContext>): AccessContext => ({ sub: 's', groups: [], memberships: [], assignments: [], ...over });
const reviewer = (active: boolean) => person({ groups: ['reviewer'], assignments: [{ applicationId: 'A1', active }] });
const member = person({
  groups: ['pathway'],
  memberships: [{ kind: 'pathway', pathwayId: 'P1', role: 'member', districtId: 'D1', schoolId: 'S1' }],
});
const districtLead = person({ groups: ['district'], memberships: [{ kind: 'district', districtId: 'D1', role: 'lead' }] });

describe('review pipeline access', () => {
  it('the thread belongs to the team and the panel; it closes for a reviewer whose assignment ended', () => {
    for (const action of ['application.thread.read', 'application.thread.post'] as const) {
      expect(decide(member, action, A1), action).toBe('allow');
      expect(decide(reviewer(true), action, A1), action).toBe('allow');
      expect(decide(reviewer(false), action, A1), action).toBe('hide');
      expect(decide(districtLead, action, A1), action).toBe('deny');
      expect(decide(member, action, A2), action).toBe('hide');
    }
  });

  it('the decision letter is the team\u2019s and its district lead\u2019s, not the panel\u2019s', () => {
    expect(decide(member, 'application.decision.read', A1)).toBe('allow');
    expect(decide(districtLead, 'application.decision.read', A1)).toBe('allow');
    expect(decide(reviewer(true), 'application.decision.read', A1)).toBe('deny');
  });

  it('running the review is staff work, whoever else sees the application', () => {
    for (const action of ['application.assign', 'application.adjudicate', 'application.workflow', 'application.decide'] as const) {
      for (const who of [member, reviewer(true), districtLead]) expect(decide(who, action, A1), action).toBe('deny');
      expect(decide(person({ groups: ['staff'] }), action, A1), action).toBe('allow');
    }
    for (const action of ['review.queue', 'reviewer.manage'] as const) {
      for (const who of [member, reviewer(true), districtLead]) expect(decide(who, action, NET), action).toBe('deny');
    }
    // A reviewer group claim alone gives nothing: reviewing needs an active assignment.
    expect(decide(person({ groups: ['reviewer'] }), 'application.review', A1)).toBe('hide');
  });
});
