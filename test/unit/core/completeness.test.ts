import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completenessGaps, completenessSummary, hasNarrative, unmetEvidence, type CriterionResponse } from '#core/completeness.ts';
import { criteriaFor, isCriterionRequired, type FrameworkContent } from '#core/framework.ts';
import { levels, type Level } from '#core/levels.ts';
import { seedFramework } from '#core/seed-framework.ts';

const rubric = ['beginning', 'developing', 'meeting', 'excelling'].map((level) => ({ level, descriptor: level }));

const fw: FrameworkContent = {
  version: '1.0',
  title: 'Test',
  components: [
    {
      id: 'WBL',
      title: 'Work-based learning',
      description: 'WBL',
      standards: [
        {
          id: 'WBL-1',
          title: 'Continuum',
          criteria: [
            {
              id: 'WBL-1.1',
              text: 'Plan',
              levels: ['candidacy', 'silver'],
              evidence: [{ kind: 'wbl_continuum_plan', description: 'The plan', required: true }],
              rubric,
            },
            {
              id: 'WBL-1.2',
              text: 'Agreements and records',
              levels: ['silver', 'gold'],
              evidence: [
                { kind: 'wbl_agreement', description: 'Agreements', required: true },
                { kind: 'wbl_records', description: 'Records', required: true },
                { kind: 'partner_list', description: 'Partners', required: false },
              ],
              rubric,
            },
            { id: 'WBL-1.3', text: 'Narrative only', levels: ['silver'], evidence: [], rubric },
            {
              id: 'WBL-1.4',
              text: 'Optional',
              levels: ['silver'],
              evidence: [{ kind: 'survey_results', description: 'Surveys', required: true }],
              rubric,
              required: false,
            },
          ],
        },
      ],
    },
  ],
};

const ref = (evidenceId: string, kind?: string) => (kind ? { evidenceId, kind } : { evidenceId });

/** A response set that satisfies every required criterion of `level`, with typed references. */
function complete(framework: FrameworkContent, level: Level): Record<string, CriterionResponse> {
  const out: Record<string, CriterionResponse> = {};
  for (const { criterion } of criteriaFor(framework, level)) {
    out[criterion.id] = {
      narrative: `How we meet ${criterion.id}.`,
      evidence: criterion.evidence.map((e, i) => ref(`ev_${criterion.id}_${i}`, e.kind)),
    };
  }
  return out;
}

describe('completenessGaps', () => {
  it('lists every missing narrative and every missing required evidence kind, in framework order', () => {
    expect(completenessGaps(fw, 'silver', {})).toEqual([
      { criterionId: 'WBL-1.1', code: 'missing_narrative', message: 'WBL-1.1 needs a narrative.' },
      {
        criterionId: 'WBL-1.1',
        code: 'missing_evidence',
        evidenceKind: 'wbl_continuum_plan',
        message: 'WBL-1.1 needs evidence of kind wbl_continuum_plan: The plan',
      },
      { criterionId: 'WBL-1.2', code: 'missing_narrative', message: 'WBL-1.2 needs a narrative.' },
      { criterionId: 'WBL-1.2', code: 'missing_evidence', evidenceKind: 'wbl_agreement', message: expect.any(String) },
      { criterionId: 'WBL-1.2', code: 'missing_evidence', evidenceKind: 'wbl_records', message: expect.any(String) },
      { criterionId: 'WBL-1.3', code: 'missing_narrative', message: 'WBL-1.3 needs a narrative.' },
    ]);
  });

  it('checks only the criteria of the target level', () => {
    expect(completenessGaps(fw, 'candidacy', {}).map((g) => g.criterionId)).toEqual(['WBL-1.1', 'WBL-1.1']);
    expect(completenessGaps(fw, 'candidacy', complete(fw, 'candidacy'))).toEqual([]);
  });

  it('never reports a gap on an optional criterion', () => {
    const r = complete(fw, 'silver');
    delete r['WBL-1.4'];
    expect(completenessGaps(fw, 'silver', r)).toEqual([]);
    expect(completenessGaps(fw, 'silver', { ...r, 'WBL-1.4': { narrative: '', evidence: [] } })).toEqual([]);
  });

  it('treats whitespace or punctuation-only markdown as no narrative', () => {
    expect(hasNarrative('   \n ')).toBe(false);
    expect(hasNarrative('## \n- *')).toBe(false);
    expect(hasNarrative('Tenemos un plan.')).toBe(true);
    const r = complete(fw, 'candidacy');
    r['WBL-1.1']!.narrative = ' \n\t';
    expect(completenessGaps(fw, 'candidacy', r)).toEqual([
      { criterionId: 'WBL-1.1', code: 'missing_narrative', message: 'WBL-1.1 needs a narrative.' },
    ]);
  });

  it('flags responses to criteria the level does not assess or the framework does not have', () => {
    const r = { ...complete(fw, 'gold'), 'WBL-1.1': { narrative: 'x', evidence: [] }, 'RA-9.9': { narrative: 'x', evidence: [] } };
    const gaps = completenessGaps(fw, 'gold', r);
    expect(gaps.map((g) => [g.criterionId, g.code])).toEqual([
      ['RA-9.9', 'unknown_criterion'],
      ['WBL-1.1', 'unknown_criterion'],
    ]);
    expect(gaps[0]?.message).toMatch(/not a criterion of framework version 1\.0/);
    expect(gaps[1]?.message).toMatch(/not assessed at gold/);
  });

  it('accepts a Map of responses and ignores undefined entries', () => {
    expect(completenessGaps(fw, 'candidacy', new Map(Object.entries(complete(fw, 'candidacy'))))).toEqual([]);
    expect(completenessGaps(fw, 'candidacy', { ...complete(fw, 'candidacy'), 'RA-1.1': undefined })).toEqual([]);
  });
});

describe('evidence matching', () => {
  const expected = [
    { kind: 'wbl_agreement' as const, required: true },
    { kind: 'wbl_records' as const, required: true },
    { kind: 'partner_list' as const, required: false },
  ];

  it('matches typed references by kind; a kind not expected adds nothing', () => {
    expect(unmetEvidence(expected, [ref('a', 'wbl_agreement'), ref('b', 'wbl_records')])).toEqual([]);
    expect(unmetEvidence(expected, [ref('a', 'wbl_agreement'), ref('b', 'syllabus')])).toEqual(['wbl_records']);
    expect(unmetEvidence(expected, [ref('a', 'partner_list')])).toEqual(['wbl_agreement', 'wbl_records']);
  });

  it('lets each untyped reference meet one unmet expectation, in framework order', () => {
    expect(unmetEvidence(expected, [ref('a')])).toEqual(['wbl_records']);
    expect(unmetEvidence(expected, [ref('a'), ref('b')])).toEqual([]);
    expect(unmetEvidence(expected, [ref('a', 'wbl_records'), ref('b')])).toEqual([]);
  });

  it('counts an evidence item once however often it is cited', () => {
    expect(unmetEvidence(expected, [ref('a'), ref('a')])).toEqual(['wbl_records']);
    expect(unmetEvidence(expected, [ref('a', 'wbl_agreement'), ref('a')])).toEqual(['wbl_records']);
  });
});

describe('completeness properties (seed framework)', () => {
  const level = fc.constantFrom(...levels);

  it('a response set that satisfies every criterion has no gaps, with extra, shuffled and untyped references', () => {
    fc.assert(
      fc.property(level, fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.nat(), (lvl, untyped, extras, seed) => {
        const responses = complete(seedFramework, lvl);
        for (const r of Object.values(responses)) {
          if (untyped) r.evidence = r.evidence.map((e) => ({ evidenceId: e.evidenceId }));
          for (let i = 0; i < extras; i++) r.evidence.push(ref(`extra_${i}`, 'other'));
          r.evidence.sort((a, b) => ((a.evidenceId.length * 31 + seed) % 7) - ((b.evidenceId.length * 31 + seed) % 7));
        }
        expect(completenessGaps(seedFramework, lvl, responses)).toEqual([]);
        const s = completenessSummary(seedFramework, lvl, responses);
        expect(s.complete).toBe(s.required);
      }),
    );
  });

  it('removing one required criterion\u2019s narrative or one required reference yields exactly that gap', () => {
    const required = (lvl: Level) => criteriaFor(seedFramework, lvl).filter((c) => isCriterionRequired(c.criterion));
    fc.assert(
      fc.property(
        level.chain((lvl) => fc.tuple(fc.constant(lvl), fc.constantFrom(...required(lvl)))),
        fc.boolean(),
        ([lvl, { criterion }], dropNarrative) => {
          const responses = complete(seedFramework, lvl);
          const r = responses[criterion.id]!;
          const requiredKinds = criterion.evidence.filter((e) => e.required).map((e) => e.kind);
          if (dropNarrative || requiredKinds.length === 0) {
            r.narrative = undefined;
            expect(completenessGaps(seedFramework, lvl, responses)).toEqual([
              { criterionId: criterion.id, code: 'missing_narrative', message: `${criterion.id} needs a narrative.` },
            ]);
          } else {
            const kind = requiredKinds[0]!;
            r.evidence = r.evidence.filter((e) => e.kind !== kind);
            const gaps = completenessGaps(seedFramework, lvl, responses);
            expect(gaps.map((g) => [g.criterionId, g.code, g.evidenceKind])).toEqual([[criterion.id, 'missing_evidence', kind]]);
          }
          const s = completenessSummary(seedFramework, lvl, responses);
          expect(s.complete).toBe(s.required - 1);
        },
      ),
    );
  });

  it('an empty draft has a narrative gap for every required criterion of the level', () => {
    fc.assert(
      fc.property(level, (lvl) => {
        const gaps = completenessGaps(seedFramework, lvl, {});
        const required = criteriaFor(seedFramework, lvl).filter((c) => isCriterionRequired(c.criterion));
        expect(gaps.filter((g) => g.code === 'missing_narrative').map((g) => g.criterionId)).toEqual(required.map((c) => c.criterion.id));
        expect(gaps.filter((g) => g.code === 'missing_evidence').length).toBe(
          required.reduce((n, c) => n + c.criterion.evidence.filter((e) => e.required).length, 0),
        );
        expect(completenessSummary(seedFramework, lvl, {}).complete).toBe(0);
      }),
    );
  });
});
