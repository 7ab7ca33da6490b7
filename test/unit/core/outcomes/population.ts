/**
 * Test data: synthetic students aggregated into counts, so every generated report is
 * consistent by construction (the counts of real students always are).
 */
import fc from 'fast-check';
import {
  GENDER_GROUPS,
  METRICS,
  NUMERATOR_METRICS,
  RACE_GROUPS,
  STUDENT_GROUPS,
  denominatorOf,
  type Metric,
  type StudentGroup,
} from '#core/outcomes/codes.ts';
import type { OutcomeCounts } from '#core/outcomes/model.ts';

export interface Student {
  race: (typeof RACE_GROUPS)[number] | null; // null: not in any race row (uncounted)
  gender: (typeof GENDER_GROUPS)[number] | null;
  el: boolean;
  swd: boolean;
  sed: boolean;
  cohort: boolean;
  outcome: 'graduated' | 'dropped' | 'other';
  ag: boolean;
  postsecondary: boolean;
  dual: boolean;
  wbl: [boolean, boolean, boolean];
  credential: boolean;
}

function inMetric(s: Student, m: Metric): boolean {
  switch (m) {
    case 'enrolled':
      return true;
    case 'cohort':
      return s.cohort;
    case 'graduated_on_time':
      return s.cohort && s.outcome === 'graduated';
    case 'dropped_out':
      return s.cohort && s.outcome === 'dropped';
    case 'ag_completed':
      return s.cohort && s.outcome === 'graduated' && s.ag;
    case 'postsecondary_enrolled':
      return s.cohort && s.outcome === 'graduated' && s.postsecondary;
    case 'dual_enrollment_credit':
      return s.dual;
    case 'wbl_awareness':
      return s.wbl[0];
    case 'wbl_exploration':
      return s.wbl[1];
    case 'wbl_preparation':
      return s.wbl[2];
    case 'industry_credential':
      return s.credential;
  }
}

function inGroup(s: Student, g: StudentGroup): boolean {
  if (g === 'all') return true;
  if (g === 'english_learner') return s.el;
  if (g === 'students_with_disabilities') return s.swd;
  if (g === 'socioeconomically_disadvantaged') return s.sed;
  return s.race === g || s.gender === g;
}

/** What an entity reports: which metrics, and per metric which groups (a numerator's ⊆ its denominator's). */
export interface Shape {
  metrics: Metric[];
  groups: Partial<Record<Metric, StudentGroup[]>>;
}

export function aggregate(students: readonly Student[], shape: Shape): OutcomeCounts {
  const counts: OutcomeCounts = {};
  for (const m of shape.metrics) {
    const groups: { [G in StudentGroup]?: number } = {};
    for (const g of shape.groups[m] ?? ['all']) groups[g] = students.filter((s) => inMetric(s, m) && inGroup(s, g)).length;
    counts[m] = groups;
  }
  return counts;
}

const bool = (pTrue: number) => fc.integer({ min: 0, max: 99 }).map((x) => x < pTrue * 100);

export const studentArb: fc.Arbitrary<Student> = fc.record({
  race: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...RACE_GROUPS.slice(0, 4), 'white' as const) },
    { weight: 2, arbitrary: fc.constantFrom(...RACE_GROUPS) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  gender: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('gender_female' as const, 'gender_male' as const) },
    { weight: 1, arbitrary: fc.constantFrom(...GENDER_GROUPS) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  el: bool(0.25),
  swd: bool(0.12),
  sed: bool(0.6),
  cohort: bool(0.5),
  outcome: fc.constantFrom('graduated', 'graduated', 'graduated', 'graduated', 'dropped', 'other'),
  ag: bool(0.5),
  postsecondary: bool(0.6),
  dual: bool(0.3),
  wbl: fc.tuple(bool(0.8), bool(0.5), bool(0.2)),
  credential: bool(0.15),
});

/** A shape with few metrics and groups, small enough for brute-force checks. */
export const shapeArb: fc.Arbitrary<Shape> = fc
  .record({
    numerators: fc.subarray([...NUMERATOR_METRICS], { minLength: 0, maxLength: 3 }),
    bases: fc.subarray(['enrolled', 'cohort'] as Metric[], { minLength: 0, maxLength: 2 }),
    groups: fc.subarray(
      STUDENT_GROUPS.filter((g) => g !== 'all'),
      { minLength: 0, maxLength: 6 },
    ),
    drops: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  })
  .map(({ numerators, bases, groups, drops }) => {
    const wanted = new Set<Metric>([...numerators, ...bases]);
    // Close under denominators (a numerator needs its denominator).
    for (let changed = true; changed;) {
      changed = false;
      for (const n of NUMERATOR_METRICS) {
        if (wanted.has(n) && !wanted.has(denominatorOf(n))) {
          wanted.add(denominatorOf(n));
          changed = true;
        }
      }
    }
    if (wanted.size === 0) wanted.add('enrolled');
    const metrics = METRICS.filter((m) => wanted.has(m)); // denominators come first in METRICS
    const shape: Shape = { metrics, groups: {} };
    metrics.forEach((m, i) => {
      const d = (NUMERATOR_METRICS as readonly Metric[]).includes(m) ? denominatorOf(m as never) : null;
      const from = d ? (shape.groups[d] ?? ['all']) : (['all', ...groups] as StudentGroup[]);
      // Numerators sometimes report fewer groups than their denominator.
      const drop = drops[i % drops.length]!;
      shape.groups[m] = from.filter((g, j) => g === 'all' || (drop >> j) % 4 !== 0);
    });
    return shape;
  });

export interface DistrictYear {
  districtId: string;
  district: OutcomeCounts | undefined;
  pathways: { pathwayId: string; counts: OutcomeCounts }[];
}

/** A district with up to `maxPathways` disjoint pathways and students outside them. */
export const districtYearArb = (maxPathways = 2, maxStudents = 40): fc.Arbitrary<DistrictYear> =>
  fc
    .record({
      shape: shapeArb,
      pathwayStudents: fc.array(fc.array(studentArb, { maxLength: maxStudents }), { minLength: 1, maxLength: maxPathways }),
      others: fc.array(studentArb, { maxLength: maxStudents }),
      withDistrict: fc.boolean(),
    })
    .map(({ shape, pathwayStudents, others, withDistrict }) => ({
      districtId: 'dst_TEST',
      district: withDistrict ? aggregate([...pathwayStudents.flat(), ...others], shape) : undefined,
      pathways: pathwayStudents.map((students, i) => ({ pathwayId: `pw_${i}`, counts: aggregate(students, shape) })),
    }));
