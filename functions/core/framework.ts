/**
 * The standards framework: components -> standards -> criteria, versioned. A published
 * version is immutable and applications pin the version they started on, so a criterion id
 * always means the same text for every application that answered it.
 */
import { lazy } from './lazy.ts';
import * as z from 'zod/mini';
import { idPattern } from './ids.ts';
import { levels, type Level } from './levels.ts';

/**
 * The evidence vocabulary. Evidence should be a natural by-product of running a pathway,
 * so the kinds name documents a team already has rather than forms written for review.
 * One closed list is shared by frameworks and evidence items, so a criterion's expectation
 * and an uploaded item can be matched by kind, and a typo in a framework fails validation.
 */
export const evidenceKinds = [
  'pathway_plan',
  'master_schedule',
  'team_meeting_notes',
  'professional_learning',
  'advisory_board_minutes',
  'partner_list',
  'improvement_plan',
  'policy_document',
  'budget',
  'course_sequence',
  'syllabus',
  'integrated_project',
  'student_work',
  'assessment_rubric',
  'articulation_agreement',
  'wbl_continuum_plan',
  'wbl_agreement',
  'wbl_records',
  'student_support_plan',
  'recruitment_materials',
  'outcome_data',
  'survey_results',
  'other',
] as const;
export type EvidenceKind = (typeof evidenceKinds)[number];

export function isEvidenceKind(value: unknown): value is EvidenceKind {
  return typeof value === 'string' && (evidenceKinds as readonly string[]).includes(value);
}

/** The usual four-level scale, lowest first. A version may declare another scale. */
export const defaultRubricScale = ['beginning', 'developing', 'meeting', 'excelling'] as const;
export type DefaultRubricLevel = (typeof defaultRubricScale)[number];
/** A level name of the framework's scale (the default scale's names unless the version says otherwise). */
export type RubricLevel = string;

export interface ExpectedEvidence {
  kind: EvidenceKind;
  description: string;
  /** Submission is incomplete without a reference of this kind (see completeness.ts). */
  required: boolean;
}

export interface RubricDescriptor {
  level: RubricLevel;
  descriptor: string;
}

export interface Criterion {
  /** Stable and readable: `<standard id>.<n>`, e.g. `RA-1.2`. */
  id: string;
  text: string;
  /** The certification levels this criterion is assessed at. */
  levels: Level[];
  evidence: ExpectedEvidence[];
  /** One descriptor per level of the framework's rubric scale, lowest first. */
  rubric: RubricDescriptor[];
  /** Optional criteria are answered if the team wishes but never block submission. Default true. */
  required?: boolean;
}

export interface Standard {
  /** `<component id>-<n>`, e.g. `RA-1`. */
  id: string;
  title: string;
  description?: string;
  criteria: Criterion[];
}

export interface FrameworkComponent {
  /** Two to five capital letters, e.g. `RA`, `WBL`. */
  id: string;
  title: string;
  description: string;
  standards: Standard[];
}

/** What staff author: everything but identity and publication state. */
export interface FrameworkContent {
  /** Dotted numbers, e.g. `2026.1`; compared numerically segment by segment. */
  version: string;
  title: string;
  description?: string;
  /** Lowest first; `defaultRubricScale` when absent. */
  rubricScale?: RubricLevel[];
  components: FrameworkComponent[];
}

export type FrameworkStatus = 'draft' | 'published';

export interface Framework extends FrameworkContent {
  id: string;
  status: FrameworkStatus;
  /** ISO timestamp; present exactly when published. */
  publishedAt?: string;
}

export const frameworkLimits = {
  title: 200,
  description: 2000,
  criterionText: 1000,
  evidenceDescription: 500,
  descriptor: 1000,
  components: 20,
  standardsPerComponent: 20,
  criteriaPerStandard: 30,
  criteriaTotal: 200,
  evidencePerCriterion: 10,
} as const;

const COMPONENT_ID = /^[A-Z]{2,5}$/;
const STANDARD_ID = /^([A-Z]{2,5})-([1-9][0-9]?)$/;
const CRITERION_ID = /^([A-Z]{2,5}-[1-9][0-9]?)\.([1-9][0-9]?)$/;
const VERSION = /^[0-9]{1,6}(\.[0-9]{1,6}){0,2}$/;
const SCALE_LEVEL = /^[a-z][a-z_]{0,29}$/;

const bounded = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

const criterionSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    id: z.string().check(z.regex(CRITERION_ID, { error: 'must look like RA-1.2' })),
    text: bounded(frameworkLimits.criterionText),
    levels: z.array(z.enum(levels)).check(z.minLength(1)),
    evidence: z
      .array(
        z.strictObject({
          kind: z.enum(evidenceKinds),
          description: bounded(frameworkLimits.evidenceDescription),
          required: z.boolean(),
        }),
      )
      .check(z.maxLength(frameworkLimits.evidencePerCriterion)),
    rubric: z.array(z.strictObject({ level: z.string().check(z.regex(SCALE_LEVEL)), descriptor: bounded(frameworkLimits.descriptor) })),
    required: z.optional(z.boolean()),
  }),
);

const standardSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    id: z.string().check(z.regex(STANDARD_ID, { error: 'must look like RA-1' })),
    title: bounded(frameworkLimits.title),
    description: z.optional(bounded(frameworkLimits.description)),
    criteria: z.array(criterionSchema()).check(z.minLength(1), z.maxLength(frameworkLimits.criteriaPerStandard)),
  }),
);

const componentSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    id: z.string().check(z.regex(COMPONENT_ID, { error: 'must be 2 to 5 capital letters' })),
    title: bounded(frameworkLimits.title),
    description: bounded(frameworkLimits.description),
    standards: z.array(standardSchema()).check(z.minLength(1), z.maxLength(frameworkLimits.standardsPerComponent)),
  }),
);

const contentShape = /* @__PURE__ */ lazy(() => ({
  version: z.string().check(z.regex(VERSION, { error: 'must be dotted numbers such as 2026.1' })),
  title: bounded(frameworkLimits.title),
  description: z.optional(bounded(frameworkLimits.description)),
  rubricScale: z.optional(z.array(z.string().check(z.regex(SCALE_LEVEL))).check(z.minLength(2), z.maxLength(6))),
  components: z.array(componentSchema()).check(z.minLength(1), z.maxLength(frameworkLimits.components)),
}));

export interface StructureIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Rules a per-field schema cannot state: ids unique across the whole framework (so a
 * criterion id alone identifies it in responses, scores and exports), ids nested under
 * their parent's id, no repeated level or evidence kind, and every rubric listing the
 * scale's levels exactly once, in order (scoring reads a level's position as its value).
 */
export function structureIssues(content: FrameworkContent): StructureIssue[] {
  const issues: StructureIssue[] = [];
  const scale = content.rubricScale ?? [...defaultRubricScale];
  if (new Set(scale).size !== scale.length) issues.push({ path: ['rubricScale'], message: 'rubric levels must be unique' });
  const seen = new Map<string, string>();
  const claim = (id: string, path: (string | number)[]) => {
    const where = path.join('.');
    const first = seen.get(id);
    if (first !== undefined) issues.push({ path: [...path, 'id'], message: `duplicate id ${id} (first used at ${first})` });
    else seen.set(id, where);
  };
  let total = 0;
  content.components.forEach((component, ci) => {
    const cPath = ['components', ci];
    claim(component.id, cPath);
    component.standards.forEach((standard, si) => {
      const sPath = [...cPath, 'standards', si];
      claim(standard.id, sPath);
      const sMatch = STANDARD_ID.exec(standard.id);
      if (sMatch && sMatch[1] !== component.id) {
        issues.push({ path: [...sPath, 'id'], message: `standard ${standard.id} must start with its component id ${component.id}-` });
      }
      standard.criteria.forEach((criterion, ki) => {
        total++;
        const kPath = [...sPath, 'criteria', ki];
        claim(criterion.id, kPath);
        const kMatch = CRITERION_ID.exec(criterion.id);
        if (kMatch && kMatch[1] !== standard.id) {
          issues.push({ path: [...kPath, 'id'], message: `criterion ${criterion.id} must start with its standard id ${standard.id}.` });
        }
        if (new Set(criterion.levels).size !== criterion.levels.length) {
          issues.push({ path: [...kPath, 'levels'], message: 'levels must not repeat' });
        }
        const kinds = criterion.evidence.map((e) => e.kind);
        if (new Set(kinds).size !== kinds.length) {
          issues.push({ path: [...kPath, 'evidence'], message: 'each evidence kind may be expected once per criterion' });
        }
        const rubricLevels = criterion.rubric.map((r) => r.level);
        if (rubricLevels.length !== scale.length || rubricLevels.some((l, i) => l !== scale[i])) {
          issues.push({ path: [...kPath, 'rubric'], message: `rubric must describe ${scale.join(', ')} in that order` });
        }
      });
    });
  });
  if (total > frameworkLimits.criteriaTotal) {
    issues.push({ path: ['components'], message: `at most ${frameworkLimits.criteriaTotal} criteria` });
  }
  return issues;
}

const structureCheck = /* @__PURE__ */ lazy(() =>
  z.superRefine<FrameworkContent>((value, ctx) => {
    for (const issue of structureIssues(value)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
  }),
);

/** A framework version as staff write it (create or replace a draft). */
export const frameworkContentSchema = /* @__PURE__ */ lazy(() => z.strictObject(contentShape()).check(structureCheck()));

/** A stored framework, draft or published. */
export const frameworkSchema = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      ...contentShape(),
      id: z.string().check(z.regex(idPattern('framework'), { error: 'must be a framework id' })),
      status: z.enum(['draft', 'published']),
      publishedAt: z.optional(z.string().check(z.iso.datetime())),
    })
    .check(
      structureCheck(),
      z.superRefine((value, ctx) => {
        if ((value.status === 'published') !== (value.publishedAt !== undefined)) {
          ctx.addIssue({
            code: 'custom',
            message: 'publishedAt is set exactly when the framework is published',
            path: ['publishedAt'],
            input: value,
          });
        }
      }),
    ),
);

// Keep the hand-written types and the schemas in step: each must be assignable to the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _contentMatches: Same<z.infer<ReturnType<typeof frameworkContentSchema>>, FrameworkContent> = true;
const _frameworkMatches: Same<z.infer<ReturnType<typeof frameworkSchema>>, Framework> = true;
void _contentMatches;
void _frameworkMatches;

export function rubricScaleOf(framework: Pick<FrameworkContent, 'rubricScale'>): readonly RubricLevel[] {
  return framework.rubricScale ?? defaultRubricScale;
}

/** Numeric, segment by segment: `2026.10` is newer than `2026.9`, and `2026` equals `2026.0`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const isCriterionRequired = (c: Criterion): boolean => c.required !== false;

/** A criterion together with where it sits, in framework order. */
export interface LocatedCriterion {
  criterion: Criterion;
  component: FrameworkComponent;
  standard: Standard;
}

function* walk(framework: FrameworkContent): Generator<LocatedCriterion> {
  for (const component of framework.components) {
    for (const standard of component.standards) {
      for (const criterion of standard.criteria) yield { criterion, component, standard };
    }
  }
}

export function allCriteria(framework: FrameworkContent): LocatedCriterion[] {
  return [...walk(framework)];
}

/** The criteria an application for `level` answers, in framework order. */
export function criteriaFor(framework: FrameworkContent, level: Level): LocatedCriterion[] {
  return allCriteria(framework).filter((c) => c.criterion.levels.includes(level));
}

export function criterionIndex(framework: FrameworkContent): Map<string, LocatedCriterion> {
  return new Map(allCriteria(framework).map((c) => [c.criterion.id, c]));
}

/** The levels at least one criterion applies to. */
export function levelsCovered(framework: FrameworkContent): Level[] {
  const covered = new Set(allCriteria(framework).flatMap((c) => c.criterion.levels));
  return levels.filter((l) => covered.has(l));
}

export function isEditableFramework(framework: Pick<Framework, 'status'>): boolean {
  return framework.status === 'draft';
}

export type PublishResult =
  { ok: true; framework: Framework } | { ok: false; reason: 'already_published' | 'invalid'; issues: StructureIssue[] };

/**
 * Publishing freezes a draft: the result is a new object and carries `publishedAt`. A
 * published version is never edited again; changes go into a new version, so answers
 * already written against it keep their meaning.
 */
export function publishFramework(framework: Framework, at: string): PublishResult {
  if (framework.status === 'published') return { ok: false, reason: 'already_published', issues: [] };
  const parsed = frameworkSchema().safeParse({ ...framework, status: 'published', publishedAt: at });
  if (!parsed.success) {
    return {
      ok: false,
      reason: 'invalid',
      issues: parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message })),
    };
  }
  return { ok: true, framework: parsed.data };
}
