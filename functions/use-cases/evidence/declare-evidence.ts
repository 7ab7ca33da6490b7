/**
 * Declaring a file for a pathway's library: a new item with its first version, or the next
 * version of an item. Each answers with a presigned POST form; the bytes go to S3 directly
 * and the upload verifier takes it from there. Both are idempotent creations: `answer`
 * renders what was declared, and that answer is stored in the same transaction.
 */
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { EvidenceUpload, StoredEvidenceItem, StoredVersion } from '#store/evidence.ts';
import { declareItem, declareNextVersion } from '#store/evidence-uploads.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import type { StoredPathway } from '#store/registry.ts';
import type { Deferred } from '../deferred.ts';
import { checkedDeclaration, type FileDeclaration } from './declaration.ts';
import { itemOf } from './library-access.ts';
import { pathwayFor } from '../targets.ts';

export interface DeclaredEvidence {
  pathway: StoredPathway;
  item: StoredEvidenceItem;
  version: StoredVersion;
  upload: EvidenceUpload;
}

export interface NewEvidence {
  pathwayId: string;
  title: string;
  description?: string;
  criterionIds: string[];
  file: FileDeclaration;
}

export async function declareEvidence(
  principal: Principal,
  input: NewEvidence,
  idempotency: Deferred<IdempotencyContext>,
  answer: (declared: DeclaredEvidence) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'evidence.upload');
  const declaration = checkedDeclaration(input.file);
  return idempotent(idempotency(), async (record) => {
    let result: RecordedAnswer = {};
    await declareItem(
      {
        pathway,
        title: input.title,
        ...(input.description ? { description: input.description } : {}),
        criterionIds: input.criterionIds,
        declaration,
        actor: actorOf(principal),
      },
      (item, version, upload) => record((result = answer({ pathway, item, version, upload }))),
    );
    return result;
  });
}

/** The next version of an item; `item` in the answer already counts it (latestVersion, updatedAt). */
export async function declareEvidenceVersion(
  principal: Principal,
  input: { pathwayId: string; evidenceId: string; file: FileDeclaration },
  idempotency: Deferred<IdempotencyContext>,
  answer: (declared: DeclaredEvidence) => RecordedAnswer,
): Promise<RecordedAnswer> {
  const { pathway } = await pathwayFor(principal, input.pathwayId, 'evidence.upload');
  const { item } = await itemOf(pathway, input.evidenceId, true);
  const declaration = checkedDeclaration(input.file);
  return idempotent(idempotency(), async (record) => {
    let result: RecordedAnswer = {};
    await declareNextVersion(
      { kind: 'evidence', evidenceId: item.evidenceId, pathwayId: item.pathwayId },
      item.latestVersion,
      declaration,
      actorOf(principal),
      (version, upload) =>
        record(
          (result = answer({ pathway, item: { ...item, latestVersion: version.version, updatedAt: version.declaredAt }, version, upload })),
        ),
    );
    return result;
  });
}
