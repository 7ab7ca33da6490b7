import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CONFLICT_CODES,
  conflictReasons,
  assignReviewers,
  inRange,
  reviewersNeeded,
  stableHash,
  validateManualAssignment,
  type AssignmentApplication,
  type AssignmentInput,
  type ReviewerCandidate,
  type UnavailableRange,
} from '#core/review/assignment.ts';

const NOW = '2026-03-10T12:00:00.000Z';

const app: AssignmentApplication = {
  id: 'app_1',
  pathwayId: 'pw_home',
  districtId: 'dst_home',
  sector: 'health',
  targetLevel: 'silver',
};

function reviewer(id: string, over: Partial<ReviewerCandidate> = {}): ReviewerCandidate {
  return {
    id,
    districtId: `dst_of_${id}`,
    pathwayIds: [`pw_of_${id}`],
    maxOpenAssignments: 3,
    openAssignments: 0,
    leadEligible: true,
    ...over,
  };
}

describe('reviewer assignment rules', () => {
  it('excludes pathway members, same-district reviewers and declared conflicts, with every reason', () => {
    const result = assignReviewers({
      application: app,
      now: NOW,
      candidates: [
        reviewer('member', { pathwayIds: ['pw_home'] }),
        reviewer('neighbour', { districtId: 'dst_home' }),
        reviewer('declared-d', { conflicts: { districtIds: ['dst_home'] } }),
        reviewer('declared-p', { conflicts: { pathwayIds: ['pw_home'] } }),
        reviewer('both', { pathwayIds: ['pw_home'], districtId: 'dst_home', openAssignments: 3 }),
        reviewer('ok1'),
        reviewer('ok2'),
      ],
    });
    expect(result.status).toBe('complete');
    expect(result.panel.map((p) => p.reviewerId).sort()).toEqual(['ok1', 'ok2']);
    const reasons = Object.fromEntries(result.excluded.map((e) => [e.reviewerId, e.reasons.map((r) => r.code)]));
    expect(reasons).toEqual({
      both: ['pathway-member', 'same-district', 'at-capacity'],
      'declared-d': ['declared-district-conflict'],
      'declared-p': ['declared-pathway-conflict'],
      member: ['pathway-member'],
      neighbour: ['same-district'],
    });
  });

  it('respects availability (switch and date ranges) and capacity', () => {
    const result = assignReviewers({
      application: app,
      now: NOW,
      candidates: [
        reviewer('off', { available: false }),
        reviewer('away', { unavailable: [{ from: '2026-03-01', to: '2026-03-10' }] }),
        reviewer('back', { unavailable: [{ from: '2026-03-01', to: '2026-03-09' }] }),
        reviewer('later', { unavailable: [{ from: '2026-03-10T13:00:00Z', to: '2026-04-01' }] }),
        reviewer('full', { openAssignments: 2, maxOpenAssignments: 2 }),
      ],
    });
    expect(result.panel.map((p) => p.reviewerId).sort()).toEqual(['back', 'later']);
    expect(result.excluded.map((e) => [e.reviewerId, e.reasons[0]!.code])).toEqual([
      ['away', 'unavailable'],
      ['full', 'at-capacity'],
      ['off', 'unavailable'],
    ]);
  });

  it('treats a date-only end of an absence as inclusive of that whole UTC day', () => {
    expect(inRange({ from: '2026-03-01', to: '2026-03-10' }, '2026-03-10T23:59:59.999Z')).toBe(true);
    expect(inRange({ from: '2026-03-01', to: '2026-03-10' }, '2026-03-11T00:00:00.000Z')).toBe(false);
    expect(inRange({ from: '2026-03-01T08:00:00Z', to: '2026-03-10T08:00:00Z' }, '2026-03-01T07:59:59Z')).toBe(false);
  });

  it('prefers lighter load, then sector expertise, then the stable hash', () => {
    const result = assignReviewers({
      application: app,
      now: NOW,
      config: { defaultReviewers: 3 },
      candidates: [
        reviewer('busy-expert', { openAssignments: 2, sectors: ['health'] }),
        reviewer('idle-generalist', { openAssignments: 0 }),
        reviewer('light-expert', { openAssignments: 1, sectors: ['health'] }),
        reviewer('light-generalist', { openAssignments: 1, sectors: ['finance'] }),
      ],
    });
    expect(result.added.map((a) => a.reviewerId)).toEqual(['idle-generalist', 'light-expert', 'light-generalist']);
    expect(result.added[0]!.role).toBe('lead');
  });

  it('breaks ties by a hash of application and reviewer, so ties do not always favour the same person', () => {
    const candidates = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((id) => reviewer(id));
    const firstPicks = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = assignReviewers({ application: { ...app, id: `app_${i}` }, candidates, now: NOW });
      firstPicks.add(r.panel[0]!.reviewerId);
      const expected = [...candidates].sort(
        (a, b) => stableHash(`\u0000app_${i}\u0000${a.id}`) - stableHash(`\u0000app_${i}\u0000${b.id}`),
      );
      expect(r.panel.map((p) => p.reviewerId)).toEqual([expected[0]!.id, expected[1]!.id]);
    }
    expect(firstPicks.size).toBeGreaterThan(1);
  });

  it('gives the lead seat to the best lead-eligible candidate', () => {
    const result = assignReviewers({
      application: app,
      now: NOW,
      candidates: [reviewer('novice', { leadEligible: false }), reviewer('veteran', { openAssignments: 2 })],
    });
    expect(result.panel).toEqual([
      { reviewerId: 'veteran', role: 'lead', kept: false },
      { reviewerId: 'novice', role: 'co-reviewer', kept: false },
    ]);
  });

  it('keeps the current panel, never brings back a recused reviewer, and fills only the empty seat', () => {
    const result = assignReviewers({
      application: app,
      now: NOW,
      current: [{ reviewerId: 'co', role: 'co-reviewer' }],
      formerReviewerIds: ['gone'],
      candidates: [reviewer('gone'), reviewer('co'), reviewer('new', { openAssignments: 1 })],
    });
    expect(result.status).toBe('complete');
    expect(result.panel).toEqual([
      { reviewerId: 'new', role: 'lead', kept: false },
      { reviewerId: 'co', role: 'co-reviewer', kept: true },
    ]);
    expect(result.added).toEqual([{ reviewerId: 'new', role: 'lead', kept: false }]);
    expect(result.excluded).toEqual([{ reviewerId: 'gone', reasons: [expect.objectContaining({ code: 'previously-recused' })] }]);
  });

  it('promotes a kept lead-eligible co-reviewer when no newcomer can lead', () => {
    const result = assignReviewers({
      application: app,
      now: NOW,
      current: [{ reviewerId: 'co', role: 'co-reviewer' }],
      candidates: [reviewer('co'), reviewer('new', { leadEligible: false })],
    });
    expect(result.status).toBe('complete');
    expect(result.panel).toEqual([
      { reviewerId: 'co', role: 'lead', kept: true, promoted: true },
      { reviewerId: 'new', role: 'co-reviewer', kept: false },
    ]);
  });

  it('returns a partial panel and what is missing when too few qualify', () => {
    const result = assignReviewers({
      application: app,
      now: NOW,
      config: { reviewersPerLevel: { gold: 3 } },
      candidates: [reviewer('a', { leadEligible: false }), reviewer('b', { districtId: 'dst_home' })],
    });
    expect(reviewersNeeded('gold', { reviewersPerLevel: { gold: 3 } })).toBe(3);
    expect(result.status).toBe('needs-manual-assignment'); // silver needs the default 2
    if (result.status !== 'needs-manual-assignment') throw new Error('unreachable');
    expect(result.needed).toBe(2);
    expect(result.missing).toBe(1);
    expect(result.missingLead).toBe(true);
    expect(result.panel).toEqual([{ reviewerId: 'a', role: 'co-reviewer', kept: false }]);
    expect(result.excluded[0]!.reviewerId).toBe('b');
  });

  it('rejects duplicate candidates and a non-positive panel size', () => {
    expect(() => assignReviewers({ application: app, now: NOW, candidates: [reviewer('a'), reviewer('a')] })).toThrow(/duplicate/);
    expect(() => reviewersNeeded('silver', { defaultReviewers: 0 })).toThrow(RangeError);
  });
});

describe('manual assignment check', () => {
  it('never lets staff override a conflict', () => {
    const check = validateManualAssignment({
      application: app,
      reviewer: reviewer('x', { districtId: 'dst_home', openAssignments: 5 }),
      role: 'co-reviewer',
      now: NOW,
      override: { load: true, availability: true },
    });
    expect(check.ok).toBe(false);
    expect(check.reasons.map((r) => r.code)).toEqual(['same-district']);
    expect(check.overridden.map((r) => r.code)).toEqual(['at-capacity']);
  });

  it('allows going past load or a recorded absence only with the matching explicit flag', () => {
    const busy = reviewer('x', { openAssignments: 3, unavailable: [{ from: '2026-03-01', to: '2026-03-31' }] });
    const base = { application: app, reviewer: busy, role: 'co-reviewer' as const, now: NOW };
    expect(validateManualAssignment(base).reasons.map((r) => r.code)).toEqual(['unavailable', 'at-capacity']);
    expect(validateManualAssignment({ ...base, override: { load: true } }).reasons.map((r) => r.code)).toEqual(['unavailable']);
    const both = validateManualAssignment({ ...base, override: { load: true, availability: true } });
    expect(both).toEqual({
      ok: true,
      reasons: [],
      overridden: [expect.objectContaining({ code: 'unavailable' }), expect.objectContaining({ code: 'at-capacity' })],
    });
  });

  it('checks the lead seat and recusals', () => {
    const check = validateManualAssignment({
      application: app,
      reviewer: reviewer('x', { leadEligible: false }),
      role: 'lead',
      current: [{ reviewerId: 'boss', role: 'lead' }],
      formerReviewerIds: ['x'],
      now: NOW,
    });
    expect(check.reasons.map((r) => r.code)).toEqual(['previously-recused', 'not-lead-eligible', 'lead-already-assigned']);
  });
});

// ---- properties -------------------------------------------------------------------------

const districts = ['dst_home', 'dst_a', 'dst_b', 'dst_c'];
const pathways = ['pw_home', 'pw_a', 'pw_b', 'pw_c'];
const sectors = ['health', 'engineering', 'finance'];

// Weighted so that about half the candidates qualify: a pool where almost nobody qualifies
// would leave the ranking and the lead rule untested.
const rarely = <T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: unusual });

const candidateArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    districtId: rarely(fc.option(fc.constantFrom('dst_a', 'dst_b', 'dst_c'), { nil: undefined }), fc.constant('dst_home')),
    pathwayIds: rarely(fc.subarray(['pw_a', 'pw_b', 'pw_c']), fc.subarray(pathways)),
    conflicts: rarely(fc.constant(undefined), fc.record({ districtIds: fc.subarray(districts), pathwayIds: fc.subarray(pathways) })),
    sectors: fc.subarray(sectors),
    available: rarely(fc.constantFrom(undefined, true), fc.constant(false)),
    unavailable: rarely<UnavailableRange[]>(
      fc.constant([]),
      fc.array(
        fc.constantFrom(
          { from: '2026-03-01', to: '2026-03-09' },
          { from: '2026-03-10', to: '2026-03-10' },
          { from: '2026-03-11', to: '2026-04-01' },
        ),
        { maxLength: 2 },
      ),
    ),
    maxOpenAssignments: fc.integer({ min: 0, max: 5 }),
    openAssignments: rarely(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 6 })),
    leadEligible: fc.boolean(),
  });

const inputArb: fc.Arbitrary<AssignmentInput> = fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 14 }).chain((ids) =>
  fc.record({
    application: fc.record({
      id: fc.constantFrom('app_1', 'app_2', 'app_3'),
      pathwayId: fc.constant('pw_home'),
      districtId: fc.constant('dst_home'),
      sector: fc.constantFrom(...sectors),
      targetLevel: fc.constantFrom('candidacy' as const, 'silver' as const, 'gold' as const),
    }),
    candidates: fc.tuple(...ids.map((i) => candidateArb(`r${i}`))),
    formerReviewerIds: rarely<string[]>(fc.constant([]), fc.subarray(ids.map((i) => `r${i}`))),
    now: fc.constant(NOW),
    config: fc.record({
      reviewersPerLevel: fc.record({ gold: fc.integer({ min: 1, max: 4 }) }),
      defaultReviewers: fc.integer({ min: 1, max: 3 }),
    }),
    seed: fc.constantFrom('', 'round-2'),
  }),
);

function qualifies(c: ReviewerCandidate, input: AssignmentInput): boolean {
  const a = input.application;
  return (
    !c.pathwayIds.includes(a.pathwayId) &&
    c.districtId !== a.districtId &&
    !c.conflicts?.districtIds?.includes(a.districtId) &&
    !c.conflicts?.pathwayIds?.includes(a.pathwayId) &&
    !(input.formerReviewerIds ?? []).includes(c.id) &&
    c.available !== false &&
    !(c.unavailable ?? []).some((r) => inRange(r, input.now)) &&
    c.openAssignments < c.maxOpenAssignments
  );
}

// The same inputs with a panel already in place (some seats taken, maybe by the lead).
const withPanelArb: fc.Arbitrary<AssignmentInput> = inputArb.chain((input) =>
  fc
    .tuple(fc.subarray(input.candidates.map((c) => c.id).filter((id) => !(input.formerReviewerIds ?? []).includes(id))), fc.boolean())
    .map(([ids, firstLeads]) => [ids.slice(0, 4), firstLeads] as const)
    .map(([ids, firstLeads]) => ({
      ...input,
      current: ids.map((reviewerId, i) => ({ reviewerId, role: i === 0 && firstLeads ? ('lead' as const) : ('co-reviewer' as const) })),
    })),
);

describe('reviewer assignment properties', () => {
  const params = { seed: 20260310, numRuns: 300 };

  it('generates pools that exercise both full and short panels', () => {
    const samples = fc.sample(inputArb, { seed: params.seed, numRuns: 300 });
    const complete = samples.filter((i) => assignReviewers(i).status === 'complete').length / samples.length;
    const share =
      samples.flatMap((i) => i.candidates.map((c) => qualifies(c, i))).filter(Boolean).length / samples.flatMap((i) => i.candidates).length;
    expect(complete).toBeGreaterThan(0.3);
    expect(complete).toBeLessThan(0.95);
    expect(share).toBeGreaterThan(0.3);
  });

  it('never assigns a conflicted, unavailable or full reviewer, nor more than needed', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = assignReviewers(input);
        const byId = new Map(input.candidates.map((c) => [c.id, c]));
        expect(result.added.length).toBeLessThanOrEqual(result.needed);
        expect(result.panel.filter((p) => p.role === 'lead').length).toBeLessThanOrEqual(1);
        for (const a of result.added) {
          const c = byId.get(a.reviewerId)!;
          expect(qualifies(c, input)).toBe(true);
          // Load after the assignment stays within the reviewer's maximum.
          expect(c.openAssignments + 1).toBeLessThanOrEqual(c.maxOpenAssignments);
          if (a.role === 'lead') expect(c.leadEligible).toBe(true);
        }
        for (const e of result.excluded) {
          expect(qualifies(byId.get(e.reviewerId)!, input)).toBe(false);
          expect(e.reasons.length).toBeGreaterThan(0);
        }
      }),
      params,
    );
  });

  it('keeps the current panel and only fills empty seats', () => {
    fc.assert(
      fc.property(withPanelArb, (input) => {
        const result = assignReviewers(input);
        const current = input.current ?? [];
        const byId = new Map(input.candidates.map((c) => [c.id, c]));
        expect(result.added.length).toBeLessThanOrEqual(Math.max(0, result.needed - current.length));
        for (const c of current) expect(result.panel.some((p) => p.reviewerId === c.reviewerId && p.kept)).toBe(true);
        for (const a of result.added) expect(qualifies(byId.get(a.reviewerId)!, input)).toBe(true);
        expect(result.panel.filter((p) => p.role === 'lead').length).toBeLessThanOrEqual(1);
        expect(new Set(result.panel.map((p) => p.reviewerId)).size).toBe(result.panel.length);
        if (result.status === 'complete') expect(result.panel.filter((p) => p.role === 'lead')).toHaveLength(1);
      }),
      params,
    );
  });

  it('is deterministic and independent of candidate order', () => {
    fc.assert(
      fc.property(withPanelArb, fc.integer(), (input, shuffleSeed) => {
        const shuffled = [...input.candidates]
          .map((c, i) => ({ c, k: stableHash(`${shuffleSeed}:${i}`) }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.c);
        const a = assignReviewers(input);
        expect(assignReviewers(input)).toEqual(a);
        expect(assignReviewers({ ...input, candidates: shuffled })).toEqual(a);
      }),
      params,
    );
  });

  it('assigns exactly the number needed with one lead whenever enough qualify', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = assignReviewers(input);
        const qualified = input.candidates.filter((c) => qualifies(c, input));
        const enough = qualified.length >= result.needed && qualified.some((c) => c.leadEligible);
        if (enough) {
          expect(result.status).toBe('complete');
          expect(result.panel).toHaveLength(result.needed);
          expect(result.panel.filter((p) => p.role === 'lead')).toHaveLength(1);
          expect(result.panel[0]!.role).toBe('lead');
        } else {
          expect(result.status).toBe('needs-manual-assignment');
          if (result.status === 'needs-manual-assignment') {
            expect(result.missing).toBe(result.needed - result.panel.length);
            expect(result.panel.length).toBe(Math.min(qualified.length, result.needed));
          }
        }
      }),
      params,
    );
  });

  it('manual check agrees with automatic eligibility and never lets a conflict through', () => {
    fc.assert(
      fc.property(inputArb, fc.boolean(), fc.boolean(), (input, load, availability) => {
        for (const c of input.candidates) {
          const check = validateManualAssignment({
            application: input.application,
            reviewer: c,
            role: 'co-reviewer',
            formerReviewerIds: input.formerReviewerIds ?? [],
            now: input.now,
            override: { load, availability },
          });
          if (!load && !availability) expect(check.ok).toBe(qualifies(c, input));
          const a = input.application;
          const conflicted =
            c.pathwayIds.includes(a.pathwayId) ||
            c.districtId === a.districtId ||
            !!c.conflicts?.districtIds?.includes(a.districtId) ||
            !!c.conflicts?.pathwayIds?.includes(a.pathwayId) ||
            (input.formerReviewerIds ?? []).includes(c.id);
          if (conflicted) expect(check.ok).toBe(false);
          expect(check.overridden.every((r) => !CONFLICT_CODES.has(r.code))).toBe(true);
        }
      }),
      params,
    );
  });
});

describe('conflicts of interest at any moment', () => {
  const none = { pathwayIds: [] as string[] };

  it('finds none for an unrelated person', () => {
    expect(conflictReasons(none, app)).toEqual([]);
    expect(
      conflictReasons({ pathwayIds: ['pw_other'], districtId: 'd_other', conflicts: { districtIds: ['d_x'], pathwayIds: ['pw_x'] } }, app),
    ).toEqual([]);
  });

  it('names each way a person conflicts with the pathway: member, same district, declared district, declared pathway', () => {
    expect(conflictReasons({ pathwayIds: [app.pathwayId] }, app).map((r) => r.code)).toEqual(['pathway-member']);
    expect(conflictReasons({ ...none, districtId: app.districtId }, app).map((r) => r.code)).toEqual(['same-district']);
    expect(conflictReasons({ ...none, conflicts: { districtIds: [app.districtId] } }, app).map((r) => r.code)).toEqual([
      'declared-district-conflict',
    ]);
    expect(conflictReasons({ ...none, conflicts: { pathwayIds: [app.pathwayId] } }, app).map((r) => r.code)).toEqual([
      'declared-pathway-conflict',
    ]);
  });

  it('agrees with assignment: a candidate is excluded for a conflict exactly when conflictReasons finds one', () => {
    fc.assert(
      fc.property(
        fc.record({
          pathwayIds: fc.subarray(['pw_home', 'pw_other']),
          districtId: fc.option(fc.constantFrom(app.districtId, 'd_other'), { nil: undefined }),
          conflicts: fc.record({ districtIds: fc.subarray([app.districtId, 'd_other']), pathwayIds: fc.subarray(['pw_home', 'pw_other']) }),
        }),
        (subject) => {
          const candidate: ReviewerCandidate = { id: 'rv_x', ...subject, maxOpenAssignments: 3, openAssignments: 0, leadEligible: true };
          const result = assignReviewers({ application: app, candidates: [candidate], now: NOW });
          const excludedFor = (result.excluded[0]?.reasons ?? []).map((r) => r.code).filter((c) => CONFLICT_CODES.has(c));
          expect(excludedFor).toEqual(conflictReasons(subject, app).map((r) => r.code));
        },
      ),
      { seed: 20261206, numRuns: 200 },
    );
  });
});
