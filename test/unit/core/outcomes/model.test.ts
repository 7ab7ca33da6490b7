import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  METRICS,
  NUMERATOR_METRICS,
  PARTITION_FAMILIES,
  STUDENT_GROUPS,
  SUBSET_GROUPS,
  compareSchoolYears,
  denominatorOf,
  isSchoolYear,
  previousSchoolYear,
  schoolYearOf,
  schoolYearStart,
} from '#core/outcomes/codes.ts';
import { checkDistrictContainsPathways, checkOutcomeCounts, parseOutcomeReport, revealAll } from '#core/outcomes/model.ts';
import { newId } from '#core/ids.ts';
import { aggregate, shapeArb, studentArb } from './population.ts';

describe('codes', () => {
  it('reads and writes school years', () => {
    expect(schoolYearStart('2025-26')).toBe(2025);
    expect(schoolYearStart('2099-00')).toBe(2099);
    for (const bad of ['2025-27', '2025-2026', '25-26', '1999-00', '2025-26 ', '2025/26']) expect(isSchoolYear(bad), bad).toBe(false);
    expect(schoolYearOf(2009)).toBe('2009-10');
    expect(previousSchoolYear('2025-26')).toBe('2024-25');
    expect(['2025-26', '2023-24', '2024-25'].sort(compareSchoolYears)).toEqual(['2023-24', '2024-25', '2025-26']);
    fc.assert(fc.property(fc.integer({ min: 2000, max: 2099 }), (y) => schoolYearStart(schoolYearOf(y)) === y));
  });

  it('defines a denominator for every numerator, among the metrics, without cycles', () => {
    expect(NUMERATOR_METRICS).toHaveLength(METRICS.length - 2);
    for (const n of NUMERATOR_METRICS) {
      let m: string = n;
      const seen = new Set<string>();
      while ((NUMERATOR_METRICS as readonly string[]).includes(m)) {
        expect(seen.has(m)).toBe(false);
        seen.add(m);
        m = denominatorOf(m as never);
      }
      expect(['enrolled', 'cohort']).toContain(m);
    }
    expect(denominatorOf('ag_completed')).toBe('graduated_on_time');
    expect(denominatorOf('wbl_preparation')).toBe('enrolled');
  });

  it('has disjoint partition families and subsets covering every group', () => {
    const listed = [...PARTITION_FAMILIES.flatMap((f) => f.groups), ...SUBSET_GROUPS, 'all'];
    expect(new Set(listed).size).toBe(listed.length);
    expect(new Set(listed)).toEqual(new Set(STUDENT_GROUPS));
  });
});

const pathwayId = newId('pathway');

describe('report shape', () => {
  it('accepts a valid report', () => {
    const r = parseOutcomeReport({
      schoolYear: '2025-26',
      entity: { kind: 'pathway', pathwayId },
      counts: { enrolled: { all: 120, english_learner: 30 }, cohort: { all: 30 }, graduated_on_time: { all: 27 } },
    });
    expect(r.ok).toBe(true);
  });

  it('names unknown metrics and groups, bad numbers and a bad year, each with its path', () => {
    const r = parseOutcomeReport({
      schoolYear: '2025-2026',
      entity: { kind: 'pathway', pathwayId: 'nope' },
      counts: { enrolled: { all: 12.5, martians: 3, english_learner: -1 }, graduation_rate: { all: 1 } },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path.join('.'), p.code]));
    expect(byPath).toEqual({
      schoolYear: 'invalid',
      'entity.pathwayId': 'invalid',
      'counts.enrolled.all': 'invalid',
      'counts.enrolled.martians': 'unknown_group',
      'counts.enrolled.english_learner': 'invalid',
      'counts.graduation_rate': 'unknown_metric',
    });
    expect(r.problems.find((p) => p.path.join('.') === 'counts.enrolled.english_learner')!.message).toBe('must not be negative');
  });
});

describe('consistency', () => {
  it('reports every impossible count with its path', () => {
    const problems = checkOutcomeCounts({
      enrolled: { all: 100, english_learner: 101, hispanic_latino: 60, white: 30, asian: 20, gender_female: 50 },
      cohort: { all: 30, english_learner: 10 },
      graduated_on_time: { all: 31, english_learner: 8, white: 4 },
      dropped_out: { all: 5, english_learner: 3 },
      wbl_awareness: { english_learner: 4 },
    });
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['group_exceeds_total', 'counts.enrolled.english_learner'],
      ['family_exceeds_total', 'counts.enrolled.all'],
      ['missing_total', 'counts.wbl_awareness.all'],
      ['numerator_exceeds_denominator', 'counts.graduated_on_time.all'],
      ['missing_denominator', 'counts.cohort.white'],
      ['outcomes_exceed_denominator', 'counts.cohort.english_learner'],
    ]);
    expect(problems[1]!.message).toContain('add up to 110');
  });

  it('accepts every report aggregated from students (property)', () => {
    fc.assert(
      fc.property(fc.array(studentArb, { maxLength: 60 }), shapeArb, (students, shape) => {
        expect(checkOutcomeCounts(aggregate(students, shape))).toEqual([]);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('reports an empty report', () => {
    expect(checkOutcomeCounts({}).map((p) => p.code)).toEqual(['empty_report']);
  });

  it('checks that pathways fit inside their district', () => {
    const problems = checkDistrictContainsPathways({ enrolled: { all: 100, english_learner: 10 } }, [
      { pathwayId: 'a', counts: { enrolled: { all: 40, english_learner: 6 } } },
      { pathwayId: 'b', counts: { enrolled: { all: 50, english_learner: 5 } } },
    ]);
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([['pathways_exceed_district', 'counts.enrolled.english_learner']]);
  });

  it('reveals everything to staff', () => {
    expect(revealAll({ enrolled: { all: 3 } })).toEqual({ enrolled: { all: { value: 3 } } });
  });
});
