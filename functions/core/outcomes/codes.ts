/**
 * The vocabulary of outcome data: school years, metrics and student groups, and the
 * arithmetic structure that ties them together (which metric is counted out of which, which
 * groups partition the whole). Validation, rates and small-cell suppression all read this
 * structure, so a new metric or group is added here once.
 *
 * Decisions (see docs/outcome-csv-template.md for the user-facing version):
 * - A school year is written `2025-26`: the fall year and the last two digits of the next.
 * - Denominators follow the California Dashboard / DataQuest conventions where one exists:
 *     graduated_on_time, dropped_out   / cohort             (four-year adjusted cohort rates)
 *     ag_completed                     / graduated_on_time  (share of graduates meeting a–g,
 *                                                             as DataQuest reports it)
 *     postsecondary_enrolled           / graduated_on_time  (college-going rate of graduates)
 *     dual_enrollment_credit,
 *     wbl_awareness/exploration/preparation,
 *     industry_credential              / enrolled           (participation during the year)
 *   enrolled and cohort are bases: they have no denominator.
 * - graduated_on_time and dropped_out are exclusive outcomes of one cohort, so together they
 *   never exceed it. Work-based-learning stages are not exclusive (a student may take part in
 *   several in one year), so no such rule ties them.
 * - Race/ethnicity uses California's reporting categories, with `not_reported`; gender uses
 *   CALPADS' female / male / non-binary and `gender_not_reported` ("missing gender" in
 *   DataQuest). Each family partitions `all` when complete. English learners, students with
 *   disabilities and socioeconomically disadvantaged students are subsets of `all`.
 */

// ---------------------------------------------------------------------------------------
// School years

export const SCHOOL_YEAR_PATTERN = /^(\d{4})-(\d{2})$/;
/** Years outside this range are almost certainly typos (e.g. 2205-06). */
export const MIN_SCHOOL_YEAR_START = 2000;
export const MAX_SCHOOL_YEAR_START = 2099;

export type SchoolYear = string;

/** The fall year of a valid school year (`2025-26` → 2025), or null when the text is not one. */
export function schoolYearStart(text: string): number | null {
  const m = SCHOOL_YEAR_PATTERN.exec(text);
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start < MIN_SCHOOL_YEAR_START || start > MAX_SCHOOL_YEAR_START) return null;
  if ((start + 1) % 100 !== end) return null;
  return start;
}

export function isSchoolYear(text: string): boolean {
  return schoolYearStart(text) !== null;
}

export function schoolYearOf(start: number): SchoolYear {
  if (!Number.isInteger(start) || start < MIN_SCHOOL_YEAR_START || start > MAX_SCHOOL_YEAR_START) {
    throw new RangeError(`no school year starts in ${start}`);
  }
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export function previousSchoolYear(year: SchoolYear): SchoolYear {
  const start = schoolYearStart(year);
  if (start === null) throw new RangeError(`not a school year: ${year}`);
  return schoolYearOf(start - 1);
}

/** Chronological order; valid school years also sort correctly as text. */
export function compareSchoolYears(a: SchoolYear, b: SchoolYear): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------
// Metrics

export const METRICS = [
  'enrolled',
  'cohort',
  'graduated_on_time',
  'dropped_out',
  'ag_completed',
  'dual_enrollment_credit',
  'wbl_awareness',
  'wbl_exploration',
  'wbl_preparation',
  'industry_credential',
  'postsecondary_enrolled',
] as const;
export type Metric = (typeof METRICS)[number];

export interface MetricDefinition {
  label: string;
  /** The metric this one is counted out of; null for bases (enrolled, cohort). */
  denominator: Metric | null;
  /** For equity flags: does a higher rate mean a better outcome? */
  higherIsBetter: boolean;
}

export const METRIC_DEFINITIONS: Readonly<Record<Metric, MetricDefinition>> = {
  enrolled: { label: 'Students enrolled', denominator: null, higherIsBetter: true },
  cohort: { label: 'Four-year adjusted cohort (graduation denominator)', denominator: null, higherIsBetter: true },
  graduated_on_time: { label: 'On-time graduates of the cohort', denominator: 'cohort', higherIsBetter: true },
  dropped_out: { label: 'Dropouts of the cohort', denominator: 'cohort', higherIsBetter: false },
  ag_completed: { label: 'Graduates who completed a–g requirements', denominator: 'graduated_on_time', higherIsBetter: true },
  dual_enrollment_credit: {
    label: 'Students who earned early-college or dual-enrollment credit',
    denominator: 'enrolled',
    higherIsBetter: true,
  },
  wbl_awareness: { label: 'Work-based learning: career awareness participants', denominator: 'enrolled', higherIsBetter: true },
  wbl_exploration: { label: 'Work-based learning: career exploration participants', denominator: 'enrolled', higherIsBetter: true },
  wbl_preparation: {
    label: 'Work-based learning: career preparation (internship) participants',
    denominator: 'enrolled',
    higherIsBetter: true,
  },
  industry_credential: { label: 'Students who earned an industry-recognized credential', denominator: 'enrolled', higherIsBetter: true },
  postsecondary_enrolled: {
    label: 'Graduates who enrolled in postsecondary education',
    denominator: 'graduated_on_time',
    higherIsBetter: true,
  },
};

export type NumeratorMetric = Exclude<Metric, 'enrolled' | 'cohort'>;

export const NUMERATOR_METRICS: readonly NumeratorMetric[] = METRICS.filter(
  (m): m is NumeratorMetric => METRIC_DEFINITIONS[m].denominator !== null,
);

export function denominatorOf(metric: NumeratorMetric): Metric {
  const d = METRIC_DEFINITIONS[metric].denominator;
  if (d === null) throw new RangeError(`${metric} has no denominator`);
  return d;
}

/**
 * Numerators that are mutually exclusive outcomes of the same denominator: together they
 * cannot exceed it, and the students in none of them form a group suppression must protect.
 */
export const EXCLUSIVE_OUTCOMES: readonly { denominator: Metric; parts: readonly NumeratorMetric[] }[] = [
  { denominator: 'cohort', parts: ['graduated_on_time', 'dropped_out'] },
];

/** The all-students rates a pathway's outcome headline shows (core/outcomes/headline.ts), in order. */
export const HEADLINE_METRICS = [
  'graduated_on_time',
  'ag_completed',
  'postsecondary_enrolled',
  'industry_credential',
  'wbl_preparation',
  'dual_enrollment_credit',
] as const satisfies readonly NumeratorMetric[];

export function isMetric(text: string): text is Metric {
  return (METRICS as readonly string[]).includes(text);
}

// ---------------------------------------------------------------------------------------
// Student groups

export const RACE_GROUPS = [
  'hispanic_latino',
  'black_african_american',
  'asian',
  'filipino',
  'american_indian_alaska_native',
  'native_hawaiian_pacific_islander',
  'white',
  'two_or_more_races',
  'not_reported',
] as const;

export const GENDER_GROUPS = ['gender_female', 'gender_male', 'gender_nonbinary', 'gender_not_reported'] as const;

export const SUBSET_GROUPS = ['english_learner', 'students_with_disabilities', 'socioeconomically_disadvantaged'] as const;

export const STUDENT_GROUPS = ['all', ...SUBSET_GROUPS, ...RACE_GROUPS, ...GENDER_GROUPS] as const;
export type StudentGroup = (typeof STUDENT_GROUPS)[number];

export const GROUP_LABELS: Readonly<Record<StudentGroup, string>> = {
  all: 'All students',
  english_learner: 'English learners',
  students_with_disabilities: 'Students with disabilities',
  socioeconomically_disadvantaged: 'Socioeconomically disadvantaged',
  hispanic_latino: 'Hispanic or Latino',
  black_african_american: 'Black or African American',
  asian: 'Asian',
  filipino: 'Filipino',
  american_indian_alaska_native: 'American Indian or Alaska Native',
  native_hawaiian_pacific_islander: 'Native Hawaiian or Pacific Islander',
  white: 'White',
  two_or_more_races: 'Two or more races',
  not_reported: 'Race/ethnicity not reported',
  gender_female: 'Female',
  gender_male: 'Male',
  gender_nonbinary: 'Non-binary',
  gender_not_reported: 'Gender not reported',
};

/** Families whose groups are disjoint and, when complete, add up to `all`. */
export const PARTITION_FAMILIES: readonly { id: 'race_ethnicity' | 'gender'; groups: readonly StudentGroup[] }[] = [
  { id: 'race_ethnicity', groups: RACE_GROUPS },
  { id: 'gender', groups: GENDER_GROUPS },
];

export function isStudentGroup(text: string): text is StudentGroup {
  return (STUDENT_GROUPS as readonly string[]).includes(text);
}

// ---------------------------------------------------------------------------------------
// Entities

export const ENTITY_TYPES = ['pathway', 'district'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];
