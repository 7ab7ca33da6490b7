import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_THRESHOLDS,
  aggregateScores,
  lowerMedian,
  requiredCount,
  rubricRank,
  scoringCriteriaFor,
  thresholdFor,
  validateReviewScores,
  type Adjudication,
  type RubricCriterion,
  type RubricLevel,
  type SubmittedReview,
} from '#core/review/scoring.ts';
import { defaultRubricScale, type FrameworkContent } from '#core/framework.ts';

const criteria: RubricCriterion[] = [
  { id: 'RA-1.1', componentId: 'RA' },
  { id: 'RA-1.2', componentId: 'RA' },
  { id: 'WBL-1.1', componentId: 'WBL' },
];

const review = (reviewerId: string, levels: Record<string, RubricLevel>): SubmittedReview => ({
  reviewerId,
  scores: Object.entries(levels).map(([criterionId, level]) => ({ criterionId, level, comment: 'why' })),
});

describe('score validation', () => {
  it('lists missing, unknown, duplicated and off-scale scores', () => {
    const v = validateReviewScores(criteria, [
      { criterionId: 'RA-1.1', level: 'meeting' },
      { criterionId: 'RA-1.1', level: 'excelling' },
      { criterionId: 'XX-9.9', level: 'meeting' },
      { criterionId: 'WBL-1.1', level: 'superb' },
    ]);
    expect(v).toEqual({ ok: false, missing: ['RA-1.2'], unknown: ['XX-9.9'], duplicated: ['RA-1.1'], invalidLevel: ['WBL-1.1'] });
    expect(
      validateReviewScores(
        criteria,
        criteria.map((c) => ({ criterionId: c.id, level: 'developing' })),
      ),
    ).toEqual({ ok: true, missing: [], unknown: [], duplicated: [], invalidLevel: [] });
  });
});

describe('consensus and disagreement', () => {
  it('takes the lower median', () => {
    expect(lowerMedian([3])).toBe(3);
    expect(lowerMedian([4, 2])).toBe(2);
    expect(lowerMedian([4, 1, 3])).toBe(3);
    expect(lowerMedian([4, 4, 1, 2])).toBe(2);
  });

  it('flags a two-level spread for adjudication until staff decide', () => {
    const reviews = [
      review('r1', { 'RA-1.1': 'developing', 'RA-1.2': 'meeting', 'WBL-1.1': 'meeting' }),
      review('r2', { 'RA-1.1': 'excelling', 'RA-1.2': 'excelling', 'WBL-1.1': 'meeting' }),
    ];
    const before = aggregateScores({ targetLevel: 'silver', criteria, reviews });
    expect(before.needsAdjudication).toEqual(['RA-1.1']);
    expect(before.criteria.map((c) => [c.criterionId, c.consensus, c.spread, c.disagreement])).toEqual([
      ['RA-1.1', 'developing', 2, true],
      ['RA-1.2', 'meeting', 1, false],
      ['WBL-1.1', 'meeting', 0, false],
    ]);
    // RA is undecided (its pending criterion could still tip the 60% share), WBL meets.
    expect(before.components.map((c) => [c.componentId, c.meets])).toEqual([
      ['RA', null],
      ['WBL', true],
    ]);
    expect(before.recommendation).toBe('pending');

    const after = aggregateScores({
      targetLevel: 'silver',
      criteria,
      reviews,
      adjudications: { 'RA-1.1': { level: 'meeting', reason: 'the syllabi show it' } },
    });
    expect(after.needsAdjudication).toEqual([]);
    expect(after.criteria[0]).toMatchObject({ consensus: 'meeting', source: 'adjudication', disagreement: true, needsAdjudication: false });
    expect(after.recommendation).toBe('meets');
  });

  it('reports criteria nobody scored and keeps the recommendation pending', () => {
    const result = aggregateScores({
      targetLevel: 'candidacy',
      criteria,
      reviews: [review('r1', { 'RA-1.1': 'developing', 'RA-1.2': 'developing' })],
    });
    expect(result.unscored).toEqual(['WBL-1.1']);
    expect(result.components.find((c) => c.componentId === 'WBL')!.meets).toBeNull();
    expect(result.recommendation).toBe('pending');
  });

  it('says does-not-meet early when settled criteria already fail the floor', () => {
    const result = aggregateScores({
      targetLevel: 'gold',
      criteria,
      reviews: [
        review('r1', { 'RA-1.1': 'developing', 'RA-1.2': 'beginning', 'WBL-1.1': 'excelling' }),
        review('r2', { 'RA-1.1': 'developing', 'RA-1.2': 'meeting', 'WBL-1.1': 'excelling' }),
      ],
    });
    expect(result.needsAdjudication).toEqual(['RA-1.2']);
    expect(result.components.find((c) => c.componentId === 'RA')).toMatchObject({ meets: false, belowFloor: ['RA-1.1', 'RA-1.2'] });
    expect(result.recommendation).toBe('does-not-meet');
  });
});

describe('level thresholds', () => {
  const four: RubricCriterion[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, componentId: 'C' }));
  const consensusOf = (levels: RubricLevel[], targetLevel: 'candidacy' | 'silver' | 'gold') =>
    aggregateScores({
      targetLevel,
      criteria: four,
      reviews: [review('r1', Object.fromEntries(four.map((c, i) => [c.id, levels[i]!])))],
    }).components[0]!;

  it('candidacy: every criterion at least developing', () => {
    expect(consensusOf(['developing', 'developing', 'developing', 'developing'], 'candidacy').meets).toBe(true);
    expect(consensusOf(['beginning', 'excelling', 'excelling', 'excelling'], 'candidacy').meets).toBe(false);
  });

  it('silver: at least developing and 60% meeting or above (3 of 4, rounding up)', () => {
    expect(requiredCount(0.6, 4)).toBe(3);
    expect(consensusOf(['developing', 'meeting', 'meeting', 'excelling'], 'silver')).toMatchObject({
      meets: true,
      atShareLevel: 3,
      requiredAtShareLevel: 3,
    });
    expect(consensusOf(['developing', 'developing', 'meeting', 'excelling'], 'silver').meets).toBe(false);
  });

  it('gold: at least meeting and 30% excelling (2 of 4)', () => {
    expect(requiredCount(0.3, 10)).toBe(3);
    expect(consensusOf(['meeting', 'meeting', 'excelling', 'excelling'], 'gold').meets).toBe(true);
    expect(consensusOf(['meeting', 'meeting', 'meeting', 'excelling'], 'gold').meets).toBe(false);
    expect(consensusOf(['developing', 'excelling', 'excelling', 'excelling'], 'gold')).toMatchObject({ meets: false, belowFloor: ['a'] });
  });

  it('is configurable, including for a framework with its own scale', () => {
    const scale = ['emerging', 'established', 'exemplary'];
    expect(() => thresholdFor('silver', {}, scale)).toThrow(/not on the rubric scale/);
    const result = aggregateScores({
      targetLevel: 'silver',
      criteria: four,
      scale,
      config: { thresholds: { silver: { floor: 'established' } }, disagreementSpread: 1 },
      reviews: [
        review('r1', { a: 'established', b: 'exemplary', c: 'established', d: 'established' }),
        review('r2', { a: 'established', b: 'established', c: 'established', d: 'exemplary' }),
      ],
      adjudications: new Map([['b', { level: 'exemplary', reason: 'agreed' }]]),
    });
    expect(result.needsAdjudication).toEqual(['d']);
    expect(result.criteria.map((c) => c.consensus)).toEqual(['established', 'exemplary', 'established', 'established']);
    expect(DEFAULT_THRESHOLDS.gold.floor).toBe('meeting');
  });

  it('derives the scored criteria from a framework version', () => {
    const fw = {
      version: '2026.1',
      title: 't',
      components: [
        {
          id: 'RA',
          title: 'r',
          description: 'd',
          standards: [
            {
              id: 'RA-1',
              title: 's',
              criteria: [
                { id: 'RA-1.1', text: 'x', levels: ['silver', 'gold'], evidence: [], rubric: [] },
                { id: 'RA-1.2', text: 'y', levels: ['gold'], evidence: [], rubric: [] },
              ],
            },
          ],
        },
      ],
    } satisfies FrameworkContent;
    expect(scoringCriteriaFor(fw, 'silver')).toEqual([{ id: 'RA-1.1', componentId: 'RA' }]);
    expect(scoringCriteriaFor(fw, 'gold')).toHaveLength(2);
  });
});

// ---- properties -------------------------------------------------------------------------

const levelArb = fc.constantFrom(...defaultRubricScale);
const criterionIds = ['A-1.1', 'A-1.2', 'A-2.1', 'B-1.1', 'B-1.2', 'C-1.1'];
const propCriteria: RubricCriterion[] = criterionIds.map((id) => ({ id, componentId: id.slice(0, 1) }));

const reviewsArb = fc.uniqueArray(fc.constantFrom('r1', 'r2', 'r3', 'r4'), { minLength: 1, maxLength: 4 }).chain((ids) =>
  fc.tuple(
    ...ids.map((reviewerId) =>
      fc.record({
        reviewerId: fc.constant(reviewerId),
        scores: fc.tuple(...criterionIds.map((criterionId) => fc.record({ criterionId: fc.constant(criterionId), level: levelArb }))),
      }),
    ),
  ),
);
const adjudicationsArb = fc.dictionary(fc.constantFrom(...criterionIds), fc.record({ level: levelArb, reason: fc.constant('staff') }));
const targetArb = fc.constantFrom('candidacy' as const, 'silver' as const, 'gold' as const);

describe('scoring properties', () => {
  const params = { seed: 4242, numRuns: 400 };

  it('consensus lies between the lowest and highest score', () => {
    fc.assert(
      fc.property(reviewsArb, targetArb, (reviews, targetLevel) => {
        for (const c of aggregateScores({ targetLevel, criteria: propCriteria, reviews }).criteria) {
          const ranks = c.scores.map((s) => rubricRank(s.level));
          const r = rubricRank(c.consensus!);
          expect(r).toBeGreaterThanOrEqual(Math.min(...ranks));
          expect(r).toBeLessThanOrEqual(Math.max(...ranks));
        }
      }),
      params,
    );
  });

  it('an adjudication always wins and is never asked for again', () => {
    fc.assert(
      fc.property(reviewsArb, adjudicationsArb, targetArb, (reviews, adjudications, targetLevel) => {
        const result = aggregateScores({ targetLevel, criteria: propCriteria, reviews, adjudications });
        for (const c of result.criteria) {
          const adj = adjudications[c.criterionId];
          if (adj) {
            expect(c.consensus).toBe(adj.level);
            expect(c.source).toBe('adjudication');
            expect(result.needsAdjudication).not.toContain(c.criterionId);
          }
        }
      }),
      params,
    );
  });

  it('no disagreement when all scores are within one level; always one at two or more', () => {
    fc.assert(
      fc.property(reviewsArb, targetArb, (reviews, targetLevel) => {
        for (const c of aggregateScores({ targetLevel, criteria: propCriteria, reviews }).criteria) {
          const ranks = c.scores.map((s) => rubricRank(s.level));
          expect(c.disagreement).toBe(Math.max(...ranks) - Math.min(...ranks) >= 2);
        }
      }),
      params,
    );
  });

  it('recommends meets exactly when, with everything settled, every component passes its threshold', () => {
    fc.assert(
      fc.property(reviewsArb, adjudicationsArb, targetArb, (reviews, adjudications, targetLevel) => {
        const result = aggregateScores({ targetLevel, criteria: propCriteria, reviews, adjudications });
        const t = DEFAULT_THRESHOLDS[targetLevel];
        const passes = ['A', 'B', 'C'].every((comp) => {
          const own = result.criteria.filter((c) => c.componentId === comp);
          const ranks = own.map((c) => rubricRank(c.consensus!));
          const floorOk = ranks.every((r) => r >= rubricRank(t.floor));
          const shareOk =
            !t.share || ranks.filter((r) => r >= rubricRank(t.share!.atLeast)).length / ranks.length >= t.share.fraction - 1e-9;
          return floorOk && shareOk;
        });
        if (result.needsAdjudication.length === 0) expect(result.recommendation).toBe(passes ? 'meets' : 'does-not-meet');
        else expect(result.recommendation).not.toBe('meets');
        // 'does-not-meet' before adjudication is final: even the best staff decision on every
        // pending criterion (excelling) cannot turn it around.
        if (result.recommendation === 'does-not-meet') {
          const bestCase: Record<string, Adjudication> = { ...adjudications };
          for (const id of result.needsAdjudication) bestCase[id] = { level: 'excelling', reason: 'best case' };
          expect(aggregateScores({ targetLevel, criteria: propCriteria, reviews, adjudications: bestCase }).recommendation).toBe(
            'does-not-meet',
          );
        }
      }),
      params,
    );
  });
});
