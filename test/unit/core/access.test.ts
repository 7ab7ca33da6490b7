import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actions,
  actionsFor,
  actionTargetKinds,
  canSee,
  decide,
  explain,
  pathwayRole,
  refusalStatus,
  type AccessContext,
  type Action,
  type Decision,
  type Membership,
  type Target,
} from '#core/access.ts';
import { evidenceExpected } from './access-evidence.expectations.ts';
import { reviewExpected } from './access-review.expectations.ts';
import { outcomesExpected } from './access-outcomes.expectations.ts';
import { benefitsExpected } from './access-benefits.expectations.ts';

/*
 * The network used by the matrix:
 *   district D1: school S1 with pathways P1 (ours) and P3 (a sibling), applications A1 (P1), A3 (P3)
 *   district D2: school S2 with pathway P2, application A2
 */
const targets = {
  NET: { kind: 'network' },
  D1: { kind: 'district', districtId: 'D1' },
  D2: { kind: 'district', districtId: 'D2' },
  S1: { kind: 'school', districtId: 'D1', schoolId: 'S1' },
  S2: { kind: 'school', districtId: 'D2', schoolId: 'S2' },
  P1: { kind: 'pathway', districtId: 'D1', schoolId: 'S1', pathwayId: 'P1' },
  P3: { kind: 'pathway', districtId: 'D1', schoolId: 'S1', pathwayId: 'P3' },
  P2: { kind: 'pathway', districtId: 'D2', schoolId: 'S2', pathwayId: 'P2' },
  A1: { kind: 'application', districtId: 'D1', schoolId: 'S1', pathwayId: 'P1', applicationId: 'A1' },
  A3: { kind: 'application', districtId: 'D1', schoolId: 'S1', pathwayId: 'P3', applicationId: 'A3' },
  A2: { kind: 'application', districtId: 'D2', schoolId: 'S2', pathwayId: 'P2', applicationId: 'A2' },
  FWP: { kind: 'framework', frameworkId: 'F1', status: 'published' },
  FWD: { kind: 'framework', frameworkId: 'F2', status: 'draft' },
  PER: { kind: 'person' },
} satisfies Record<string, Target>;
type TargetName = keyof typeof targets;
const targetNames = Object.keys(targets) as TargetName[];

const ctx = (
  groups: AccessContext['groups'],
  memberships: Membership[] = [],
  assignments: AccessContext['assignments'] = [],
): AccessContext => ({
  sub: 'someone',
  groups,
  memberships,
  assignments,
});

const personas = {
  staff: ctx(['staff']),
  districtLead: ctx(['district'], [{ kind: 'district', districtId: 'D1', role: 'lead' }]),
  districtData: ctx(['district'], [{ kind: 'district', districtId: 'D1', role: 'data' }]),
  pathwayLead: ctx(['pathway'], [{ kind: 'pathway', pathwayId: 'P1', role: 'lead', districtId: 'D1', schoolId: 'S1' }]),
  pathwayMember: ctx(['pathway'], [{ kind: 'pathway', pathwayId: 'P1', role: 'member', districtId: 'D1', schoolId: 'S1' }]),
  reviewer: ctx(
    ['reviewer'],
    [],
    [
      { applicationId: 'A1', active: true },
      { applicationId: 'A3', active: false },
    ],
  ),
  outsider: ctx([]),
} satisfies Record<string, AccessContext>;
type Persona = keyof typeof personas;

/** Every valid (action, target) cell of the matrix. */
const cells: [Action, TargetName][] = actions.flatMap((a) =>
  targetNames.filter((t) => (actionTargetKinds[a] as readonly string[]).includes(targets[t].kind)).map((t): [Action, TargetName] => [a, t]),
);

/**
 * Expected answers per persona: the cells that are 'allow' and 'deny'; every other cell is
 * 'hide'. Written out by hand from the rules, not derived from the policy.
 */
const networkDenies = ['district.create NET', 'district.list NET', 'application.queue NET', 'framework.create NET', 'audit.read NET'];
const everyoneAllows = ['framework.list NET', 'framework.read FWP'];
const everyoneDenies = [...networkDenies, 'framework.manage FWP'];

const expected: Record<Exclude<Persona, 'staff'>, { allow: string[]; deny: string[] }> = {
  districtLead: {
    allow: [
      ...everyoneAllows,
      'district.read D1',
      'district.membership.read D1',
      'school.list D1',
      'pathway.list D1',
      'school.read S1',
      'pathway.create S1',
      'pathway.list S1',
      ...['P1', 'P3'].flatMap((p) => [
        `pathway.read ${p}`,
        `pathway.update ${p}`,
        `membership.read ${p}`,
        `membership.manage ${p}`,
        `application.list ${p}`,
      ]),
      'application.read A1',
      'application.read A3',
    ],
    deny: [
      ...everyoneDenies,
      'district.update D1',
      'district.membership.manage D1',
      'school.create D1',
      'school.update S1',
      'application.open P1',
      'audit.read P1',
      'application.open P3',
      'audit.read P3',
      ...['A1', 'A3'].flatMap((a) => [
        `application.edit ${a}`,
        `application.submit ${a}`,
        `application.withdraw ${a}`,
        `application.review ${a}`,
        `application.decide ${a}`,
        `audit.read ${a}`,
      ]),
    ],
  },
  districtData: {
    allow: [
      ...everyoneAllows,
      'district.read D1',
      'school.list D1',
      'pathway.list D1',
      'school.read S1',
      'pathway.list S1',
      'pathway.read P1',
      'pathway.read P3',
    ],
    deny: [
      ...everyoneDenies,
      'district.update D1',
      'district.membership.read D1',
      'district.membership.manage D1',
      'school.create D1',
      'school.update S1',
      'pathway.create S1',
      ...['P1', 'P3'].flatMap((p) => [
        `pathway.update ${p}`,
        `membership.read ${p}`,
        `membership.manage ${p}`,
        `application.open ${p}`,
        `application.list ${p}`,
        `audit.read ${p}`,
      ]),
      // Applications stay hidden: data contacts do not see them at all.
    ],
  },
  pathwayLead: {
    allow: [
      ...everyoneAllows,
      'district.read D1',
      'school.read S1',
      'pathway.read P1',
      'pathway.update P1',
      'membership.read P1',
      'membership.manage P1',
      'application.open P1',
      'application.list P1',
      'audit.read P1',
      'application.read A1',
      'application.edit A1',
      'application.submit A1',
      'application.withdraw A1',
      'audit.read A1',
    ],
    deny: [
      ...everyoneDenies,
      'district.update D1',
      'district.membership.read D1',
      'district.membership.manage D1',
      'school.create D1',
      'school.list D1',
      'pathway.list D1',
      'school.update S1',
      'pathway.create S1',
      'pathway.list S1',
      'application.review A1',
      'application.decide A1',
    ],
  },
  pathwayMember: {
    allow: [
      ...everyoneAllows,
      'district.read D1',
      'school.read S1',
      'pathway.read P1',
      'membership.read P1',
      'application.list P1',
      'application.read A1',
      'application.edit A1',
    ],
    deny: [
      ...everyoneDenies,
      'district.update D1',
      'district.membership.read D1',
      'district.membership.manage D1',
      'school.create D1',
      'school.list D1',
      'pathway.list D1',
      'school.update S1',
      'pathway.create S1',
      'pathway.list S1',
      'pathway.update P1',
      'membership.manage P1',
      'application.open P1',
      'audit.read P1',
      'application.submit A1',
      'application.withdraw A1',
      'application.review A1',
      'application.decide A1',
      'audit.read A1',
    ],
  },
  reviewer: {
    allow: [...everyoneAllows, 'application.read A1', 'application.review A1'],
    deny: [
      ...everyoneDenies,
      'application.edit A1',
      'application.submit A1',
      'application.withdraw A1',
      'application.decide A1',
      'audit.read A1',
    ],
  },
  outsider: { allow: everyoneAllows, deny: everyoneDenies },
};

// Evidence actions (issue 4): their cells live beside their own tests.
for (const [persona, e] of Object.entries(evidenceExpected)) {
  expected[persona as keyof typeof evidenceExpected].allow.push(...e.allow);
  expected[persona as keyof typeof evidenceExpected].deny.push(...e.deny);
}
// Review pipeline actions (issue 5): likewise.
for (const [persona, e] of Object.entries(reviewExpected)) {
  expected[persona as keyof typeof reviewExpected].allow.push(...e.allow);
  expected[persona as keyof typeof reviewExpected].deny.push(...e.deny);
}
// Outcome, network and partner actions (issue 7).
for (const [persona, e] of Object.entries(outcomesExpected)) {
  expected[persona as keyof typeof outcomesExpected].allow.push(...e.allow);
  expected[persona as keyof typeof outcomesExpected].deny.push(...e.deny);
}

// Benefit and withdrawal actions (issue 19).
for (const [persona, e] of Object.entries(benefitsExpected)) {
  expected[persona as keyof typeof benefitsExpected].allow.push(...e.allow);
  expected[persona as keyof typeof benefitsExpected].deny.push(...e.deny);
}

function expectedDecision(persona: Persona, action: Action, target: TargetName): Decision {
  if (persona === 'staff') return 'allow';
  const key = `${action} ${target}`;
  const e = expected[persona];
  if (e.allow.includes(key)) return 'allow';
  if (e.deny.includes(key)) return 'deny';
  return 'hide';
}

describe('access matrix: every action x every persona x own/other resources', () => {
  it('the expectation lists name only real cells, each once', () => {
    const valid = new Set(cells.map(([a, t]) => `${a} ${t}`));
    for (const [persona, e] of Object.entries(expected)) {
      for (const key of [...e.allow, ...e.deny]) expect(valid.has(key), `${persona}: ${key}`).toBe(true);
      const all = [...e.allow, ...e.deny];
      expect(new Set(all).size, persona).toBe(all.length);
    }
  });

  it('covers every action', () => {
    expect(new Set(cells.map(([a]) => a))).toEqual(new Set(actions));
  });

  for (const persona of Object.keys(personas) as Persona[]) {
    it(`${persona}`, () => {
      const mismatches: string[] = [];
      for (const [action, target] of cells) {
        const got = decide(personas[persona], action, targets[target]);
        const want = expectedDecision(persona, action, target);
        if (got !== want) mismatches.push(`${action} ${target}: got ${got}, expected ${want}`);
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('another pathway\u2019s data answers 404, never 403, to a pathway team', () => {
    for (const persona of ['pathwayLead', 'pathwayMember'] as const) {
      for (const [action, target] of cells) {
        if (!['P2', 'P3', 'A2', 'A3'].includes(target)) continue;
        expect(refusalStatus(decide(personas[persona], action, targets[target])), `${persona} ${action} ${target}`).toBe(404);
      }
    }
  });

  it('a reviewer loses access the moment the assignment ends', () => {
    const ended = ctx(['reviewer'], [], [{ applicationId: 'A1', active: false }]);
    expect(decide(personas.reviewer, 'application.read', targets.A1)).toBe('allow');
    expect(decide(ended, 'application.read', targets.A1)).toBe('hide');
    expect(decide(ended, 'application.review', targets.A1)).toBe('hide');
  });

  it('a pathway membership without its ancestry grants nothing beyond the pathway', () => {
    const bare = ctx(['pathway'], [{ kind: 'pathway', pathwayId: 'P1', role: 'lead' }]);
    expect(decide(bare, 'pathway.read', targets.P1)).toBe('allow');
    expect(decide(bare, 'district.read', targets.D1)).toBe('hide');
    expect(decide(bare, 'school.read', targets.S1)).toBe('hide');
  });

  it('several memberships combine', () => {
    const both = ctx(
      ['pathway', 'reviewer'],
      [
        { kind: 'pathway', pathwayId: 'P1', role: 'member', districtId: 'D1', schoolId: 'S1' },
        { kind: 'pathway', pathwayId: 'P2', role: 'lead', districtId: 'D2', schoolId: 'S2' },
      ],
      [{ applicationId: 'A3', active: true }],
    );
    expect(decide(both, 'application.submit', targets.A1)).toBe('deny');
    expect(decide(both, 'application.submit', targets.A2)).toBe('allow');
    expect(decide(both, 'application.review', targets.A3)).toBe('allow');
    expect(decide(both, 'pathway.read', targets.P3)).toBe('hide');
    expect(pathwayRole(both, 'P1')).toBe('member');
    expect(pathwayRole(both, 'P2')).toBe('lead');
    expect(pathwayRole(both, 'P3')).toBeNull();
  });

  it('throws on an action used with a target kind it does not take', () => {
    expect(() => decide(personas.staff, 'application.submit', targets.P1)).toThrow(TypeError);
    expect(() => decide(personas.staff, 'nope' as Action, targets.P1)).toThrow(TypeError);
  });

  it('explains its decisions and maps refusals to HTTP statuses', () => {
    expect(explain(personas.staff, 'district.create', targets.NET)).toEqual({ decision: 'allow', reason: 'staff' });
    expect(explain(personas.pathwayMember, 'application.submit', targets.A1)).toEqual({ decision: 'deny', reason: 'not_permitted' });
    expect(explain(personas.pathwayMember, 'application.read', targets.A2)).toEqual({ decision: 'hide', reason: 'not_visible' });
    expect(refusalStatus('deny')).toBe(403);
    expect(refusalStatus('hide')).toBe(404);
    expect(refusalStatus('allow')).toBeUndefined();
    expect(actionsFor('framework').sort()).toEqual(['framework.manage', 'framework.read']);
  });
});

describe('access properties', () => {
  const ids = ['X1', 'X2', 'X3'];
  const id = fc.constantFrom(...ids);
  const membership: fc.Arbitrary<Membership> = fc.oneof(
    fc.record({
      kind: fc.constant('pathway' as const),
      pathwayId: id,
      role: fc.constantFrom('lead' as const, 'member' as const),
      districtId: id,
      schoolId: id,
    }),
    fc.record({ kind: fc.constant('district' as const), districtId: id, role: fc.constantFrom('lead' as const, 'data' as const) }),
  );
  const context = fc.record({
    sub: fc.constant('u'),
    groups: fc.subarray(['reviewer', 'district', 'pathway'] as const),
    memberships: fc.array(membership, { maxLength: 4 }),
    assignments: fc.array(fc.record({ applicationId: id, active: fc.boolean() }), { maxLength: 3 }),
  });
  const target: fc.Arbitrary<Target> = fc.oneof(
    fc.constant({ kind: 'network' as const }),
    fc.record({ kind: fc.constant('district' as const), districtId: id }),
    fc.record({ kind: fc.constant('school' as const), districtId: id, schoolId: id }),
    fc.record({ kind: fc.constant('pathway' as const), districtId: id, schoolId: id, pathwayId: id }),
    fc.record({ kind: fc.constant('application' as const), districtId: id, schoolId: id, pathwayId: id, applicationId: id }),
    fc.record({ kind: fc.constant('framework' as const), status: fc.constantFrom('draft' as const, 'published' as const) }),
    fc.constant({ kind: 'person' as const }),
  );
  const cell = target.chain((t) => fc.tuple(fc.constant(t), fc.constantFrom(...actionsFor(t.kind))));

  it('without a membership in the target\u2019s pathway or district, or an active assignment, nothing of a pathway is allowed', () => {
    fc.assert(
      fc.property(context, cell, (c, [t, action]) => {
        if (t.kind !== 'pathway' && t.kind !== 'application') return;
        const related =
          c.memberships.some((m) => (m.kind === 'pathway' ? m.pathwayId === t.pathwayId : m.districtId === t.districtId)) ||
          (t.kind === 'application' && c.assignments.some((a) => a.active && a.applicationId === t.applicationId));
        if (!related) expect(decide(c, action, t)).toBe('hide');
      }),
    );
  });

  it('allow implies visible, and hide is exactly "not visible"', () => {
    fc.assert(
      fc.property(context, cell, (c, [t, action]) => {
        const d = decide(c, action, t);
        expect(d === 'hide').toBe(!canSee(c, t));
      }),
    );
  });

  it('staff are allowed everything', () => {
    fc.assert(
      fc.property(context, cell, (c, [t, action]) => {
        expect(decide({ ...c, groups: [...c.groups, 'staff'] }, action, t)).toBe('allow');
      }),
    );
  });

  it('more memberships never take a right away', () => {
    fc.assert(
      fc.property(context, membership, cell, (c, extra, [t, action]) => {
        const rank = { hide: 0, deny: 1, allow: 2 } as const;
        const before = decide(c, action, t);
        const after = decide({ ...c, memberships: [...c.memberships, extra] }, action, t);
        expect(rank[after]).toBeGreaterThanOrEqual(rank[before]);
      }),
    );
  });

  it('only staff touch the registry\u2019s districts and schools, frameworks and decisions', () => {
    const staffOnly: Action[] = [
      'district.create',
      'district.list',
      'district.update',
      'district.membership.manage',
      'school.create',
      'school.update',
      'application.queue',
      'application.decide',
      'framework.create',
      'framework.manage',
      'person.find',
    ];
    fc.assert(
      fc.property(context, target, (c, t) => {
        for (const action of staffOnly) {
          if (!(actionTargetKinds[action] as readonly string[]).includes(t.kind)) continue;
          expect(decide(c, action, t)).not.toBe('allow');
        }
      }),
    );
  });
});
