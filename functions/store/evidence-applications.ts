/**
 * The bridge between applications and the evidence library: what an application's
 * evidence is, as files. A submitted application's evidence is what it froze at
 * submission; a draft's is what its responses reference now (each reference that can
 * be resolved; the rest are the team's to fix before submitting).
 */
import { isEditable } from '#core/application-status.ts';
import { config } from '#lib/config.ts';
import { ConflictError, UnprocessableError } from '#core/errors.ts';
import type { CarriedLink } from '#core/evidence/library.ts';
import type { Actor, ResponseRecord } from './applications.ts';
import type { Application } from './application-reads.ts';
import { getApplicationWithResponses, listPathwayApplications, writeResponse } from './applications.ts';
import { conditionCheck, getItem, TransactionCancelled, type TransactItem } from './db.ts';
import type { StoredEvidenceItem } from './evidence.ts';
import {
  carryForwardFrom,
  freezeReferences,
  frozenEvidenceWrite,
  getFrozenEvidence,
  refsByCriterion,
  resolveFrozen,
  type LinkRef,
  type ResolvedFile,
} from './evidence-links.ts';
import * as keys from './keys.ts';

export function referencesOf(responses: readonly Pick<ResponseRecord, 'criterionId' | 'evidence'>[]): LinkRef[] {
  return responses.flatMap((r) =>
    (r.evidence ?? []).map((e) => ({
      criterionId: r.criterionId,
      evidenceId: e.evidenceId,
      ...(e.version !== undefined ? { version: e.version } : {}),
    })),
  );
}

export interface ApplicationEvidence {
  frozen: boolean;
  frozenAt?: string;
  files: ResolvedFile[];
}

export async function applicationFiles(app: Pick<Application, 'id' | 'pathwayId'>): Promise<ApplicationEvidence> {
  const frozen = await getFrozenEvidence(app.id, true);
  if (frozen) return { frozen: true, frozenAt: frozen.frozenAt, files: await resolveFrozen(frozen.links) };
  const whole = await getApplicationWithResponses(app.id);
  const refs = referencesOf(whole?.responses ?? []);
  let result = await freezeReferences(app.pathwayId, refs);
  if (!result.ok) {
    const broken = new Set(result.errors.map((e) => e.index));
    result = await freezeReferences(
      app.pathwayId,
      refs.filter((_, i) => !broken.has(i)),
    );
  }
  return { frozen: false, files: result.ok ? await resolveFrozen(result.links) : [] };
}

// ---------------------------------------------------------------------------- deletion guard

/**
 * What deleting an item must check and write so that it can never remove evidence a
 * submitted application references, whatever runs concurrently:
 * - any application whose frozen evidence references the item refuses the deletion (409);
 * - every open (editable) application's header is condition-checked at the version read,
 *   so a submission committed meanwhile cancels the deletion;
 * - the pathway's evidence epoch is bumped, and a submission conditions on the epoch it
 *   froze against (evidenceEpochCheck), so a deletion committed meanwhile cancels the
 *   submission.
 */
export async function deletionGuard(item: Pick<StoredEvidenceItem, 'evidenceId' | 'pathwayId' | 'title'>): Promise<{
  conditions: TransactItem[];
  commit: <T>(write: () => Promise<T>) => Promise<T>;
}> {
  const applications: Application[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPathwayApplications(item.pathwayId, {}, 100, cursor);
    applications.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);

  const blocking: string[] = [];
  const conditions: TransactItem[] = [epochBump(item.pathwayId)];
  for (const app of applications) {
    const frozen = await getFrozenEvidence(app.id, true);
    if (frozen?.links.some((l) => l.evidenceId === item.evidenceId)) blocking.push(app.id);
    else if (isEditable(app.status)) {
      conditions.push(conditionCheck(keys.application(app.id), '#v = :v', { '#v': 'version' }, { ':v': app.version }));
    }
  }
  if (blocking.length > 0) {
    throw new ConflictError(
      `"${item.title}" is evidence of a submitted application (${blocking.join(', ')}); reviewers read exactly what was submitted, so it cannot be deleted. Upload a new version instead, or remove it from your draft's responses.`,
      { applications: blocking },
    );
  }
  return {
    conditions,
    commit: async (write) => {
      try {
        return await write();
      } catch (error) {
        if (error instanceof TransactionCancelled) {
          throw new ConflictError(
            'An application of this pathway was submitted or the item changed while it was being deleted; reload and try again.',
          );
        }
        throw error;
      }
    },
  };
}

function epochBump(pathwayId: string): TransactItem {
  return {
    Update: {
      TableName: config.tableName,
      Key: keys.evidenceEpoch(pathwayId),
      UpdateExpression: 'ADD #n :one',
      ExpressionAttributeNames: { '#n': 'deletions' },
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}

/** The pathway's evidence epoch now (read before freezing references). */
export async function readEvidenceEpoch(pathwayId: string): Promise<number> {
  const item = await getItem(keys.evidenceEpoch(pathwayId), true);
  return Number(item?.deletions ?? 0);
}

/** For the submission's transaction: no evidence of the pathway was deleted since `seen` was read. */
export function evidenceEpochCheck(pathwayId: string, seen: number): TransactItem {
  return seen === 0
    ? conditionCheck(keys.evidenceEpoch(pathwayId), 'attribute_not_exists(PK) OR #n = :seen', { '#n': 'deletions' }, { ':seen': 0 })
    : conditionCheck(keys.evidenceEpoch(pathwayId), '#n = :seen', { '#n': 'deletions' }, { ':seen': seen });
}

// ---------------------------------------------------------------------------- submission

/**
 * What a submission adds to its transaction for evidence: the exact versions its
 * responses reference, frozen (core's freezeLinks: every reference must resolve to an
 * available version of this pathway's library), and a check that no evidence of the
 * pathway was deleted since they were read. A reference that cannot be frozen makes the
 * submission a 422 listing each one as `responses.<criterionId>.evidence.<n>`.
 */
export async function freezeForSubmission(
  app: Pick<Application, 'id' | 'pathwayId' | 'submissionNumber'>,
  responses: readonly Pick<ResponseRecord, 'criterionId' | 'evidence'>[],
): Promise<TransactItem[]> {
  const epoch = await readEvidenceEpoch(app.pathwayId);
  const refs = referencesOf(responses);
  const result = await freezeReferences(app.pathwayId, refs);
  if (!result.ok) {
    // Where each reference sits in its response, for the error's field.
    const position = refs.map((r, i) => refs.slice(0, i).filter((x) => x.criterionId === r.criterionId).length);
    throw new UnprocessableError(
      `${result.errors.length} evidence reference(s) cannot be submitted; fix them and submit again.`,
      result.errors.map((e) => ({
        in: 'body' as const,
        field: `responses.${refs[e.index]!.criterionId}.evidence.${position[e.index]}`,
        message: e.message,
        code: e.code,
      })),
    );
  }
  return [frozenEvidenceWrite(app, result.links), evidenceEpochCheck(app.pathwayId, epoch)];
}

// ---------------------------------------------------------------------------- renewal

/** The application a renewal carries evidence from: the pathway's latest certified one with frozen evidence. */
export async function previousCycle(pathwayId: string, excludeId: string): Promise<Application | undefined> {
  let cursor: string | undefined;
  do {
    const page = await listPathwayApplications(pathwayId, { status: 'certified' }, 25, cursor);
    for (const a of page.items) {
      if (a.id !== excludeId && (await getFrozenEvidence(a.id, true))) return a;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}

export interface CarriedForward {
  fromApplicationId: string;
  links: CarriedLink[];
}

/**
 * Starts a renewal draft with the previous cycle's links: for each criterion the new
 * application assesses, a response citing the items it cited then, at the versions
 * submitted then (so the draft's evidence list shows each as unchanged or
 * newer_version_available). Items no longer available are left out. Narratives start
 * empty: they describe the new cycle.
 */
export async function carryForwardInto(app: Application, assessed: ReadonlySet<string>, actor: Actor): Promise<CarriedForward | undefined> {
  const previous = await previousCycle(app.pathwayId, app.id);
  if (!previous) return undefined;
  const links = await carryForwardFrom(previous.id);
  const entries = [...refsByCriterion(links, assessed).entries()];
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const [criterionId, evidence] = entries[next++]!;
      await writeResponse({ application: app, criterionId, narrative: '', evidence, expectedVersion: 0, before: undefined, actor });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, entries.length) }, worker));
  return { fromApplicationId: previous.id, links };
}
