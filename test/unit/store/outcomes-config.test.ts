import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_COALITION, DEFAULT_MIN_CONTRIBUTORS, DEFAULT_SUPPRESSION_THRESHOLD } from '#core/outcomes/suppression.ts';
import { outcomeSettings } from '#store/outcomes-config.ts';

describe('suppression settings', () => {
  afterEach(() => {
    delete process.env.PATHCERT_SUPPRESSION_THRESHOLD;
    delete process.env.PATHCERT_SUPPRESSION_MIN_CONTRIBUTORS;
    delete process.env.PATHCERT_SUPPRESSION_MAX_COALITION;
  });

  it("default to core's thresholds (10, 3 and coalitions of 2)", () => {
    expect(outcomeSettings.suppression).toEqual({
      threshold: DEFAULT_SUPPRESSION_THRESHOLD,
      minContributors: DEFAULT_MIN_CONTRIBUTORS,
      maxCoalition: DEFAULT_MAX_COALITION,
    });
    expect([DEFAULT_SUPPRESSION_THRESHOLD, DEFAULT_MIN_CONTRIBUTORS, DEFAULT_MAX_COALITION]).toEqual([10, 3, 2]);
  });

  it('read the environment and reject nonsense', () => {
    process.env.PATHCERT_SUPPRESSION_THRESHOLD = '5';
    process.env.PATHCERT_SUPPRESSION_MIN_CONTRIBUTORS = '4';
    process.env.PATHCERT_SUPPRESSION_MAX_COALITION = '3';
    expect(outcomeSettings.suppression).toEqual({ threshold: 5, minContributors: 4, maxCoalition: 3 });
    process.env.PATHCERT_SUPPRESSION_MAX_COALITION = '5';
    expect(() => outcomeSettings.suppression).toThrow(/PATHCERT_SUPPRESSION_MAX_COALITION/);
    process.env.PATHCERT_SUPPRESSION_MAX_COALITION = '2';
    process.env.PATHCERT_SUPPRESSION_MIN_CONTRIBUTORS = '0';
    expect(() => outcomeSettings.suppression).toThrow(/PATHCERT_SUPPRESSION_MIN_CONTRIBUTORS/);
  });
});
