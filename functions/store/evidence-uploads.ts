/**
 * Declaring uploads: a version record and its signed POST form (signing is local
 * computation), for new items and new versions of evidence and resources. Kept apart from
 * evidence.ts so code that only reads or links evidence (the applications function) does
 * not bundle the signer.
 */
import type { CheckedDeclaration } from '#core/evidence/file-types.ts';
import { declarationExpiresAt, nextVersionNumber } from '#core/evidence/library.ts';
import { buildUploadPolicyForKey, DEFAULT_UPLOAD_EXPIRY_SECONDS, uploadExpiresAt } from '#core/evidence/post-policy.ts';
import { newId } from '#core/ids.ts';
import { now } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '#core/errors.ts';
import { auditItem, diff } from './audit.ts';
import { getItem, putNew, transact, TransactionCancelled, type TransactItem } from './db.ts';
import {
  itemKey,
  objectKeys,
  ownerId,
  versionItem,
  type Actor,
  type EvidenceUpload,
  type Owner,
  type StoredEvidenceItem,
  type StoredVersion,
} from './evidence.ts';
import { presignPost } from './evidence-objects.ts';
import * as keys from './keys.ts';

const pathwayScope = (pathwayId: string) => ({ kind: 'pathway' as const, id: pathwayId });

export interface NewVersionInput {
  owner: Owner;
  version: number;
  declaration: CheckedDeclaration;
  actor: Actor;
  expiresInSeconds?: number;
}

/** The version record and its signed upload form (signing is local computation). */
export async function prepareUpload(i: NewVersionInput): Promise<{ version: StoredVersion; upload: EvidenceUpload }> {
  const issuedAt = now();
  const seconds = i.expiresInSeconds ?? DEFAULT_UPLOAD_EXPIRY_SECONDS;
  const keysOf = objectKeys(i.owner, i.version);
  const policy = buildUploadPolicyForKey({
    key: keysOf.pending,
    contentType: i.declaration.contentType,
    size: i.declaration.size,
    fileName: i.declaration.fileName,
    expiresInSeconds: seconds,
  });
  const version: StoredVersion = {
    owner: i.owner.kind,
    evidenceId: ownerId(i.owner),
    pathwayId: i.owner.kind === 'evidence' ? i.owner.pathwayId : '',
    version: i.version,
    state: 'declared',
    fileName: i.declaration.fileName,
    contentType: i.declaration.contentType,
    size: i.declaration.size,
    ...(i.declaration.sha256 ? { declaredSha256: i.declaration.sha256 } : {}),
    declaredBy: i.actor.sub,
    ...(i.actor.name ? { declaredByName: i.actor.name } : {}),
    declaredAt: issuedAt.toISOString(),
    uploadExpiresAt: uploadExpiresAt(issuedAt, seconds).toISOString(),
    expiresAt: declarationExpiresAt(issuedAt, seconds).toISOString(),
  };
  const post = await presignPost(policy);
  return { version, upload: { ...post, key: keysOf.pending, expiresAt: version.uploadExpiresAt } };
}

/**
 * The fields every new library item starts with, evidence or resource alike: its
 * description, who declared it, and the counters of an item with one declared version.
 */
export function newItemFields(i: { title: string; description?: string; criterionIds: string[]; actor: Actor }, first: StoredVersion) {
  return {
    title: i.title,
    ...(i.description ? { description: i.description } : {}),
    criterionIds: i.criterionIds,
    createdBy: i.actor.sub,
    ...(i.actor.name ? { createdByName: i.actor.name } : {}),
    createdAt: first.declaredAt,
    updatedAt: first.declaredAt,
    revision: 1,
    latestVersion: 1,
  };
}

export interface NewItemInput {
  pathway: { id: string; districtId: string; schoolId: string };
  title: string;
  description?: string;
  criterionIds: string[];
  declaration: CheckedDeclaration;
  actor: Actor;
  expiresInSeconds?: number;
}

/** A new library item with its first declared version; `extra` joins the transaction (idempotency record). */
export async function declareItem(
  i: NewItemInput,
  extra: (item: StoredEvidenceItem, version: StoredVersion, upload: EvidenceUpload) => TransactItem[] = () => [],
): Promise<{ item: StoredEvidenceItem; version: StoredVersion; upload: EvidenceUpload }> {
  const evidenceId = newId('evidence');
  const owner: Owner = { kind: 'evidence', evidenceId, pathwayId: i.pathway.id };
  const { version, upload } = await prepareUpload({
    owner,
    version: 1,
    declaration: i.declaration,
    actor: i.actor,
    expiresInSeconds: i.expiresInSeconds,
  });
  const item: StoredEvidenceItem = {
    evidenceId,
    pathwayId: i.pathway.id,
    districtId: i.pathway.districtId,
    schoolId: i.pathway.schoolId,
    ...newItemFields(i, version),
  };
  await transact([
    putNew({ ...keys.evidenceItem(evidenceId), ...keys.evidenceItemIndexes(item), _type: 'evidenceItem', ...item }),
    putNew(versionItem(owner, version)),
    auditItem(pathwayScope(item.pathwayId), {
      at: version.declaredAt,
      actor: i.actor,
      action: 'evidence.declared',
      entity: { kind: 'evidence', id: evidenceId },
      changes: [
        ...diff(undefined, item as unknown as Record<string, unknown>, ['title', 'description', 'criterionIds']),
        { field: 'versions.1', to: { fileName: version.fileName, contentType: version.contentType, size: version.size } },
      ],
    }),
    ...extra(item, version, upload),
  ]);
  return { item, version, upload };
}

const MAX_DECLARE_ATTEMPTS = 3;

/**
 * A new version of an existing item (evidence or resource): the next number after the
 * highest ever declared, claimed with a condition on `latestVersion`, so concurrent
 * uploads get distinct numbers.
 */
export async function declareNextVersion(
  o: Owner,
  latestVersion: number,
  declaration: CheckedDeclaration,
  actor: Actor,
  extra: (version: StoredVersion, upload: EvidenceUpload) => TransactItem[] = () => [],
  expiresInSeconds?: number,
): Promise<{ version: StoredVersion; upload: EvidenceUpload }> {
  let latest = latestVersion;
  for (let attempt = 1; attempt <= MAX_DECLARE_ATTEMPTS; attempt++) {
    let number: number;
    try {
      number = nextVersionNumber([{ version: latest }]);
    } catch {
      throw new UnprocessableError('This item has reached the maximum number of versions; create a new item.');
    }
    const { version, upload } = await prepareUpload({ owner: o, version: number, declaration, actor, expiresInSeconds });
    try {
      await transact([
        {
          Update: {
            TableName: config.tableName,
            Key: itemKey(o),
            UpdateExpression: 'SET latestVersion = :n, updatedAt = :at',
            ConditionExpression: 'latestVersion = :prev',
            ExpressionAttributeValues: { ':n': number, ':prev': latest, ':at': version.declaredAt },
          },
        },
        putNew(versionItem(o, version)),
        ...(o.kind === 'evidence'
          ? [
              auditItem(pathwayScope(o.pathwayId), {
                at: version.declaredAt,
                actor,
                action: 'evidence.version.declared',
                entity: { kind: 'evidence', id: o.evidenceId },
                changes: [
                  { field: `versions.${number}`, to: { fileName: version.fileName, contentType: version.contentType, size: version.size } },
                ],
              }),
            ]
          : []),
        ...extra(version, upload),
      ]);
      return { version, upload };
    } catch (error) {
      if (!(error instanceof TransactionCancelled) || !error.failedCondition(0)) throw error;
      const fresh = await getItem(itemKey(o), true);
      if (!fresh) throw new NotFoundError(o.kind === 'evidence' ? 'evidence item' : 'resource');
      latest = Number(fresh.latestVersion);
    }
  }
  throw new ConflictError('Several versions of this item are being uploaded at once; try again.', undefined, 1);
}
