/**
 * Is an application ready to submit? Checked against the pinned framework version for the
 * target level. Every gap is returned at once so the API's 422 lists all of them and the
 * team can fix everything in one pass.
 */
import { criteriaFor, criterionIndex, isCriterionRequired, type EvidenceKind, type FrameworkContent } from './framework.ts';
import type { Level } from './levels.ts';

/** Narratives are markdown; the bound keeps one response item well inside a DynamoDB item. */
export const NARRATIVE_MAX_CHARS = 20_000;

export interface EvidenceReference {
  evidenceId: string;
  /** The referenced item's kind; filled in by the handler from the evidence item when known. */
  kind?: string;
}

export interface CriterionResponse {
  narrative?: string;
  evidence: EvidenceReference[];
}

export type Responses = Readonly<Record<string, CriterionResponse | undefined>> | ReadonlyMap<string, CriterionResponse>;

export type GapCode = 'missing_narrative' | 'missing_evidence' | 'unknown_criterion';

export interface Gap {
  criterionId: string;
  code: GapCode;
  message: string;
  /** For `missing_evidence`: the expected kind that has no reference. */
  evidenceKind?: EvidenceKind;
}

function entries(responses: Responses): [string, CriterionResponse][] {
  if (responses instanceof Map) return [...(responses as ReadonlyMap<string, CriterionResponse>).entries()];
  return Object.entries(responses).filter((e): e is [string, CriterionResponse] => e[1] !== undefined);
}

/** Whitespace alone, or markdown with no words in it, is not a narrative. */
export function hasNarrative(narrative: string | undefined): boolean {
  return typeof narrative === 'string' && /[\p{L}\p{N}]/u.test(narrative);
}

/**
 * Which required evidence expectations are not met by `refs`.
 *
 * Matching: a reference that carries a kind meets the expectation of that kind (a kind the
 * criterion does not expect adds nothing). A reference without a kind is a wildcard that
 * meets one still-unmet expectation, taken in the framework's order. References are counted
 * once per evidence id, so citing the same item twice cannot stand in for two documents.
 */
export function unmetEvidence(
  expected: readonly { kind: EvidenceKind; required: boolean }[],
  refs: readonly EvidenceReference[],
): EvidenceKind[] {
  const byId = new Map<string, EvidenceReference>();
  for (const ref of refs) if (!byId.has(ref.evidenceId)) byId.set(ref.evidenceId, ref);
  const typed = new Set<string>();
  let wildcards = 0;
  for (const ref of byId.values()) {
    if (ref.kind === undefined) wildcards++;
    else typed.add(ref.kind);
  }
  const unmet: EvidenceKind[] = [];
  for (const e of expected) {
    if (!e.required || typed.has(e.kind)) continue;
    if (wildcards > 0) wildcards--;
    else unmet.push(e.kind);
  }
  return unmet;
}

/**
 * Every gap between `responses` and what `targetLevel` requires, in framework order, then
 * responses to criteria this level does not assess (`unknown_criterion`, sorted by id).
 * Optional criteria never produce a gap.
 */
export function completenessGaps(framework: FrameworkContent, targetLevel: Level, responses: Responses): Gap[] {
  const byId = new Map(entries(responses));
  const gaps: Gap[] = [];
  const applicable = criteriaFor(framework, targetLevel);
  const applicableIds = new Set(applicable.map((c) => c.criterion.id));

  for (const { criterion } of applicable) {
    if (!isCriterionRequired(criterion)) continue;
    const response = byId.get(criterion.id);
    if (!hasNarrative(response?.narrative)) {
      gaps.push({ criterionId: criterion.id, code: 'missing_narrative', message: `${criterion.id} needs a narrative.` });
    }
    for (const kind of unmetEvidence(criterion.evidence, response?.evidence ?? [])) {
      const what = criterion.evidence.find((e) => e.kind === kind)?.description ?? kind;
      gaps.push({
        criterionId: criterion.id,
        code: 'missing_evidence',
        evidenceKind: kind,
        message: `${criterion.id} needs evidence of kind ${kind}: ${what}`,
      });
    }
  }

  const index = criterionIndex(framework);
  const unknown = [...byId.keys()].filter((id) => !applicableIds.has(id)).sort();
  for (const id of unknown) {
    gaps.push({
      criterionId: id,
      code: 'unknown_criterion',
      message: index.has(id)
        ? `${id} is not assessed at ${targetLevel} in framework version ${framework.version}.`
        : `${id} is not a criterion of framework version ${framework.version}.`,
    });
  }
  return gaps;
}

export interface CompletenessSummary {
  /** Required criteria for the level. */
  required: number;
  /** Required criteria with no gap. */
  complete: number;
  gaps: Gap[];
}

/** The gaps plus a count for progress displays ("24 of 31 criteria ready"). */
export function completenessSummary(framework: FrameworkContent, targetLevel: Level, responses: Responses): CompletenessSummary {
  const gaps = completenessGaps(framework, targetLevel, responses);
  const required = criteriaFor(framework, targetLevel).filter((c) => isCriterionRequired(c.criterion));
  const withGap = new Set(gaps.filter((g) => g.code !== 'unknown_criterion').map((g) => g.criterionId));
  return { required: required.length, complete: required.filter((c) => !withGap.has(c.criterion.id)).length, gaps };
}
