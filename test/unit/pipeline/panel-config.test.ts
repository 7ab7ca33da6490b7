/**
 * REVIEWERS_PER_LEVEL, the configurable panel size per target level (issue 5: "the number
 * per target level is configurable (default two; one lead)"): parsed strictly, so a typo
 * fails the assignment task visibly instead of seating a panel of a size nobody chose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reviewersNeeded } from '#core/review/assignment.ts';
import { assignmentConfig } from '#pipeline/panel.ts';

const saved = process.env.REVIEWERS_PER_LEVEL;
afterEach(() => {
  if (saved === undefined) delete process.env.REVIEWERS_PER_LEVEL;
  else process.env.REVIEWERS_PER_LEVEL = saved;
});

const withValue = (value: string | undefined) => {
  if (value === undefined) delete process.env.REVIEWERS_PER_LEVEL;
  else process.env.REVIEWERS_PER_LEVEL = value;
  return assignmentConfig();
};

describe('REVIEWERS_PER_LEVEL', () => {
  it('is two reviewers at every level when absent or blank', () => {
    for (const value of [undefined, '', '  ']) {
      const config = withValue(value);
      for (const level of ['candidacy', 'silver', 'gold'] as const) expect(reviewersNeeded(level, config)).toBe(2);
    }
  });

  it('sets the levels it names, the others keep the default', () => {
    const config = withValue(' candidacy=1, gold = 3');
    expect(config).toEqual({ reviewersPerLevel: { candidacy: 1, gold: 3 } });
    expect(reviewersNeeded('candidacy', config)).toBe(1);
    expect(reviewersNeeded('silver', config)).toBe(2);
    expect(reviewersNeeded('gold', config)).toBe(3);
  });

  it.each(['gold=0', 'gold=-1', 'gold=two', 'gold=2.5', 'gold=6', 'platinum=2', 'gold', 'gold=2,gold=3', 'silver=2,,gold=3'])(
    'refuses %s, naming the variable',
    (value) => {
      expect(() => withValue(value)).toThrow(/REVIEWERS_PER_LEVEL/);
    },
  );
});
