import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allCriteria,
  compareVersions,
  criteriaFor,
  criterionIndex,
  defaultRubricScale,
  evidenceKinds,
  frameworkContentSchema,
  frameworkSchema,
  isEditableFramework,
  levelsCovered,
  publishFramework,
  rubricScaleOf,
  structureIssues,
  type Framework,
  type FrameworkContent,
} from '#core/framework.ts';
import { isId } from '#core/ids.ts';
import { levels } from '#core/levels.ts';
import { SEED_FRAMEWORK_ID, SEED_FRAMEWORK_VERSION, seedFramework } from '#core/seed-framework.ts';

const clone = <T>(v: T): T => structuredClone(v);
const rubric = (scale: readonly string[] = defaultRubricScale) => scale.map((level) => ({ level, descriptor: `${level} descriptor` }));

function small(): FrameworkContent {
  return {
    version: '1.0',
    title: 'Small',
    components: [
      {
        id: 'RA',
        title: 'Rigorous academics',
        description: 'Academics',
        standards: [
          {
            id: 'RA-1',
            title: 'Course of study',
            criteria: [
              { id: 'RA-1.1', text: 'Sequence', levels: ['candidacy', 'silver'], evidence: [], rubric: rubric() },
              {
                id: 'RA-1.2',
                text: 'Syllabi',
                levels: ['gold'],
                evidence: [{ kind: 'syllabus', description: 'Syllabi', required: true }],
                rubric: rubric(),
              },
            ],
          },
        ],
      },
    ],
  };
}

function messages(
  input: unknown,
  schema: ReturnType<typeof frameworkContentSchema> | ReturnType<typeof frameworkSchema> = frameworkContentSchema(),
): string[] {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('framework schema', () => {
  it('accepts a well-formed framework', () => {
    expect(messages(small())).toEqual([]);
  });

  it('rejects duplicate ids anywhere in the framework', () => {
    const f = small();
    f.components[0]!.standards[0]!.criteria[1]!.id = 'RA-1.1';
    expect(messages(f)).toEqual([expect.stringMatching(/^components\.0\.standards\.0\.criteria\.1\.id: duplicate id RA-1\.1/)]);
    const g = small();
    g.components.push(clone(g.components[0]!));
    expect(messages(g).length).toBe(4); // the component, its standard and both criteria
  });

  it('requires ids nested under their parent', () => {
    const f = small();
    f.components[0]!.standards[0]!.criteria[0]!.id = 'RA-2.1';
    expect(messages(f)).toEqual([expect.stringContaining('must start with its standard id RA-1.')]);
    const g = small();
    g.components[0]!.standards[0]!.id = 'WBL-1';
    expect(messages(g)).toContainEqual(expect.stringContaining('must start with its component id RA-'));
    const h = small();
    h.components[0]!.standards[0]!.criteria[0]!.id = 'ra-1-1';
    expect(messages(h)).toContainEqual(expect.stringContaining('must look like RA-1.2'));
  });

  it('requires a rubric with the four default levels in order', () => {
    const f = small();
    f.components[0]!.standards[0]!.criteria[0]!.rubric.reverse();
    expect(messages(f)).toEqual([expect.stringContaining('rubric must describe beginning, developing, meeting, excelling')]);
    const g = small();
    g.components[0]!.standards[0]!.criteria[0]!.rubric.pop();
    expect(messages(g)).toHaveLength(1);
  });

  it('accepts another scale when the version declares one', () => {
    const f = small();
    f.rubricScale = ['emerging', 'established', 'exemplary'];
    for (const c of f.components[0]!.standards[0]!.criteria) c.rubric = rubric(f.rubricScale);
    expect(messages(f)).toEqual([]);
    expect(rubricScaleOf(f)).toEqual(['emerging', 'established', 'exemplary']);
    expect(rubricScaleOf(small())).toEqual(defaultRubricScale);
    f.rubricScale = ['a', 'a'];
    expect(messages(f)).toContainEqual('rubricScale: rubric levels must be unique');
  });

  it('rejects empty structures, unknown levels and kinds, repeated levels, long text and unknown fields', () => {
    expect(messages({ ...small(), components: [] })).not.toEqual([]);
    const noCriteria = small();
    noCriteria.components[0]!.standards[0]!.criteria = [];
    expect(messages(noCriteria)).not.toEqual([]);
    const badLevel = small() as unknown as { components: { standards: { criteria: { levels: string[] }[] }[] }[] };
    badLevel.components[0]!.standards[0]!.criteria[0]!.levels = ['platinum'];
    expect(messages(badLevel)).not.toEqual([]);
    const repeated = small();
    repeated.components[0]!.standards[0]!.criteria[0]!.levels = ['gold', 'gold'];
    expect(messages(repeated)).toContainEqual(expect.stringContaining('levels must not repeat'));
    const noLevels = small();
    noLevels.components[0]!.standards[0]!.criteria[0]!.levels = [];
    expect(messages(noLevels)).not.toEqual([]);
    const badKind = clone(small()) as unknown as { components: { standards: { criteria: { evidence: { kind: string }[] }[] }[] }[] };
    badKind.components[0]!.standards[0]!.criteria[1]!.evidence[0]!.kind = 'selfie';
    expect(messages(badKind)).not.toEqual([]);
    const twiceKind = small();
    const ev = twiceKind.components[0]!.standards[0]!.criteria[1]!.evidence;
    ev.push({ ...ev[0]! });
    expect(messages(twiceKind)).toContainEqual(expect.stringContaining('each evidence kind may be expected once'));
    const long = small();
    long.components[0]!.standards[0]!.criteria[0]!.text = 'x'.repeat(1001);
    expect(messages(long)).not.toEqual([]);
    const blank = small();
    blank.title = '   ';
    expect(messages(blank)).not.toEqual([]);
    expect(messages({ ...small(), extra: true })).not.toEqual([]);
    expect(messages({ ...small(), version: 'v1' })).not.toEqual([]);
  });

  it('checks identity and publication state of a stored framework', () => {
    const stored: Framework = { ...small(), id: SEED_FRAMEWORK_ID, status: 'draft' };
    expect(messages(stored, frameworkSchema())).toEqual([]);
    expect(messages({ ...stored, status: 'published' }, frameworkSchema())).toContainEqual(expect.stringContaining('publishedAt'));
    expect(messages({ ...stored, publishedAt: '2026-01-01T00:00:00.000Z' }, frameworkSchema())).not.toEqual([]);
    expect(messages({ ...stored, id: 'app_01KDVDNA000000000000000000' }, frameworkSchema())).not.toEqual([]);
  });
});

describe('framework queries', () => {
  it('lists criteria for a level in framework order and indexes them by id', () => {
    expect(criteriaFor(small(), 'candidacy').map((c) => c.criterion.id)).toEqual(['RA-1.1']);
    expect(criteriaFor(small(), 'gold').map((c) => c.criterion.id)).toEqual(['RA-1.2']);
    const index = criterionIndex(small());
    expect(index.get('RA-1.2')?.standard.id).toBe('RA-1');
    expect(index.get('RA-1.2')?.component.id).toBe('RA');
    expect(index.has('RA-9.9')).toBe(false);
    expect(levelsCovered(small())).toEqual(['candidacy', 'silver', 'gold']);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2026.10', '2026.9')).toBeGreaterThan(0);
    expect(compareVersions('2026', '2026.0')).toBe(0);
    expect(compareVersions('2025.3', '2026.1')).toBeLessThan(0);
  });

  it('property: criteriaFor returns exactly the criteria listing the level, in order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...levels), (level) => {
        const all = allCriteria(seedFramework).map((c) => c.criterion);
        expect(criteriaFor(seedFramework, level).map((c) => c.criterion)).toEqual(all.filter((c) => c.levels.includes(level)));
      }),
    );
  });
});

describe('publishing', () => {
  const draft: Framework = { ...small(), id: SEED_FRAMEWORK_ID, status: 'draft' };

  it('publishes a valid draft as a new object and leaves the draft untouched', () => {
    const r = publishFramework(draft, '2026-02-01T00:00:00.000Z');
    expect(r.ok && r.framework.status).toBe('published');
    expect(r.ok && r.framework.publishedAt).toBe('2026-02-01T00:00:00.000Z');
    expect(draft.status).toBe('draft');
    expect(isEditableFramework(draft)).toBe(true);
    expect(r.ok && isEditableFramework(r.framework)).toBe(false);
  });

  it('never republishes, and refuses an invalid draft with its issues', () => {
    expect(publishFramework(seedFramework, '2026-02-01T00:00:00.000Z')).toEqual({ ok: false, reason: 'already_published', issues: [] });
    const bad = clone(draft);
    bad.components[0]!.standards[0]!.criteria[1]!.id = 'RA-1.1';
    const r = publishFramework(bad, '2026-02-01T00:00:00.000Z');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe('invalid');
    expect(!r.ok && r.issues[0]?.path).toEqual(['components', 0, 'standards', 0, 'criteria', 1, 'id']);
  });
});

describe('seed framework', () => {
  const located = allCriteria(seedFramework);

  it('is a valid, published framework with a stable id', () => {
    expect(messages(seedFramework, frameworkSchema())).toEqual([]);
    expect(structureIssues(seedFramework)).toEqual([]);
    expect(isId('framework', SEED_FRAMEWORK_ID)).toBe(true);
    expect(seedFramework.version).toBe(SEED_FRAMEWORK_VERSION);
    expect(seedFramework.title).toBe('Linked Learning Certification Standards');
    expect(seedFramework.status).toBe('published');
  });

  it('has 30 to 40 criteria across the four components plus design/leadership and equity/outcomes', () => {
    expect(located.length).toBeGreaterThanOrEqual(30);
    expect(located.length).toBeLessThanOrEqual(40);
    expect(seedFramework.components.map((c) => c.title)).toEqual([
      'Pathway Design and Leadership',
      'Rigorous Academics',
      'Career-Technical Education',
      'Work-Based Learning',
      'Comprehensive Student Supports',
      'Equity and Outcomes',
    ]);
    for (const component of seedFramework.components) {
      const own = located.filter((c) => c.component.id === component.id);
      expect(own.length, component.id).toBeGreaterThanOrEqual(4);
      // Every component is assessed at silver and gold.
      expect(
        own.some((c) => c.criterion.levels.includes('silver')),
        component.id,
      ).toBe(true);
      expect(
        own.some((c) => c.criterion.levels.includes('gold')),
        component.id,
      ).toBe(true);
    }
  });

  it('keeps candidacy to a few foundational criteria and makes gold the most demanding', () => {
    const candidacy = criteriaFor(seedFramework, 'candidacy');
    const silver = criteriaFor(seedFramework, 'silver');
    const gold = criteriaFor(seedFramework, 'gold');
    expect(candidacy.length).toBeGreaterThanOrEqual(5);
    expect(candidacy.length).toBeLessThanOrEqual(12);
    expect(silver.length).toBeGreaterThan(candidacy.length);
    expect(gold.length).toBeGreaterThan(silver.length);
    // Outcome equity is a gold matter.
    expect(criterionIndex(seedFramework).get('EO-2.2')?.criterion.levels).toEqual(['gold']);
  });

  it('gives every criterion readable ids, four rubric descriptors and at least one evidence expectation', () => {
    for (const { criterion } of located) {
      expect(criterion.id).toMatch(/^[A-Z]{2,5}-\d+\.\d+$/);
      expect(criterion.rubric.map((r) => r.level)).toEqual([...defaultRubricScale]);
      expect(new Set(criterion.rubric.map((r) => r.descriptor)).size).toBe(4);
      expect(criterion.evidence.length).toBeGreaterThan(0);
      for (const e of criterion.evidence) expect(evidenceKinds).toContain(e.kind);
      if (criterion.required !== false)
        expect(
          criterion.evidence.some((e) => e.required),
          criterion.id,
        ).toBe(true);
    }
  });
});
