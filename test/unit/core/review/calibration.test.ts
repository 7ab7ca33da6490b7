import { describe, expect, it } from 'vitest';
import { calibrate, type CalibrationReview } from '#core/review/calibration.ts';

describe('reviewer calibration', () => {
  // Ranks: beginning 1, developing 2, meeting 3, excelling 4.
  // app1 c1: r1 3, r2 4, r3 1  -> r1 3-(4+1)/2 = +0.5, r2 4-(3+1)/2 = +2, r3 1-(3+4)/2 = -2.5
  // app1 c2: r1 2, r2 2        -> 0, 0
  // app2 c1: r1 3, r2 2        -> r1 +1, r2 -1
  // app2 c2: r1 only           -> no comparison
  // app3 c3: r4 only           -> no comparison
  const reviews: CalibrationReview[] = [
    {
      applicationId: 'app1',
      reviewerId: 'r1',
      scores: [
        { criterionId: 'c1', level: 'meeting' },
        { criterionId: 'c2', level: 'developing' },
      ],
    },
    {
      applicationId: 'app1',
      reviewerId: 'r2',
      scores: [
        { criterionId: 'c1', level: 'excelling' },
        { criterionId: 'c2', level: 'developing' },
      ],
    },
    { applicationId: 'app1', reviewerId: 'r3', scores: [{ criterionId: 'c1', level: 'beginning' }] },
    {
      applicationId: 'app2',
      reviewerId: 'r1',
      scores: [
        { criterionId: 'c1', level: 'meeting' },
        { criterionId: 'c2', level: 'excelling' },
      ],
    },
    { applicationId: 'app2', reviewerId: 'r2', scores: [{ criterionId: 'c1', level: 'developing' }] },
    { applicationId: 'app3', reviewerId: 'r4', scores: [{ criterionId: 'c3', level: 'meeting' }] },
  ];

  it('computes each reviewer’s signed and absolute deviation from co-reviewers', () => {
    const { reviewers } = calibrate(reviews);
    expect(reviewers).toEqual([
      { reviewerId: 'r1', comparisons: 3, meanSignedDeviation: 0.5, meanAbsoluteDeviation: 0.5 },
      { reviewerId: 'r2', comparisons: 3, meanSignedDeviation: expect.closeTo(1 / 3, 12), meanAbsoluteDeviation: 1 },
      { reviewerId: 'r3', comparisons: 1, meanSignedDeviation: -2.5, meanAbsoluteDeviation: 2.5 },
      { reviewerId: 'r4', comparisons: 0, meanSignedDeviation: null, meanAbsoluteDeviation: null },
    ]);
  });

  it('computes per-criterion disagreement rates over applications with two or more scores', () => {
    const { criteria } = calibrate(reviews);
    expect(criteria).toEqual([
      { criterionId: 'c1', applications: 2, differedBy1: 2, differedBy2: 1, rateDifferBy1OrMore: 1, rateDifferBy2OrMore: 0.5 },
      { criterionId: 'c2', applications: 1, differedBy1: 0, differedBy2: 0, rateDifferBy1OrMore: 0, rateDifferBy2OrMore: 0 },
      { criterionId: 'c3', applications: 0, differedBy1: 0, differedBy2: 0, rateDifferBy1OrMore: null, rateDifferBy2OrMore: null },
    ]);
  });

  it('marks a consistently strict reviewer negative, and the others positive in balance', () => {
    const strict: CalibrationReview[] = ['a1', 'a2', 'a3', 'a4'].flatMap((applicationId) => [
      { applicationId, reviewerId: 'strict', scores: [{ criterionId: 'c', level: 'developing' as const }] },
      { applicationId, reviewerId: 'x', scores: [{ criterionId: 'c', level: 'meeting' as const }] },
    ]);
    const { reviewers, criteria } = calibrate(strict);
    expect(reviewers.find((r) => r.reviewerId === 'strict')).toMatchObject({ comparisons: 4, meanSignedDeviation: -1 });
    expect(reviewers.find((r) => r.reviewerId === 'x')).toMatchObject({ comparisons: 4, meanSignedDeviation: 1 });
    expect(criteria[0]).toMatchObject({ rateDifferBy1OrMore: 1, rateDifferBy2OrMore: 0 });
  });

  it('uses the scale of each review’s framework version', () => {
    const { reviewers } = calibrate([
      { applicationId: 'a', reviewerId: 'r1', scale: ['low', 'high'], scores: [{ criterionId: 'c', level: 'low' }] },
      { applicationId: 'a', reviewerId: 'r2', scale: ['low', 'high'], scores: [{ criterionId: 'c', level: 'high' }] },
    ]);
    expect(reviewers.map((r) => r.meanSignedDeviation)).toEqual([-1, 1]);
  });

  it('rejects a reviewer scoring the same criterion of an application twice', () => {
    expect(() =>
      calibrate([
        { applicationId: 'a', reviewerId: 'r1', scores: [{ criterionId: 'c', level: 'meeting' }] },
        { applicationId: 'a', reviewerId: 'r1', scores: [{ criterionId: 'c', level: 'developing' }] },
      ]),
    ).toThrow(/twice/);
  });
});
