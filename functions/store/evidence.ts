/**
 * The evidence library in the table: items (`EVIDENCE#<e>` / `ITEM`) and their numbered
 * versions (`EVIDENCE#<e>` / `V#<000001>`) in one partition, so one Query reads an item
 * whole. The rules are core/evidence/library.ts; this module stores their outcomes.
 *
 * Decisions:
 * - A version is a slot for one upload: declared with the upload form, then decided once
 *   by the verifier (available | quarantined) or by its deadline (expired). Every decision
 *   is a conditional write on `state = declared`, so duplicate and out-of-order
 *   notifications change nothing; a lost race reads back as "already final".
 * - The item carries `latestVersion` (the highest number ever declared; the next
 *   declaration is conditional on it) and `current`, a summary of its latest available
 *   version for lists; `current` moves only forward, in the same transaction as the
 *   version that becomes available.
 * - Items have their own optimistic concurrency counter, `revision` (If-Match on PATCH):
 *   `version` means a file version throughout the evidence API.
 * - Declared versions carry a sparse GSI3 key by deadline while they wait (pattern 30);
 *   readers expire overdue declarations as they meet them (expireOverdue), an hourly
 *   schedule expires the rest (expireDeclaredUploads), and the bucket's lifecycle rule
 *   removes whatever still sits under pending/.
 * - Resources (staff exemplars and templates) reuse the same version records under
 *   `RESOURCE#<r>`; see evidence-resources.ts.
 */
import {
  applyVersionEvent,
  currentVersion,
  type EvidenceItem,
  type EvidenceVersion,
  type VersionEvent,
  type VersionState,
} from '#core/evidence/library.ts';
import {
  evidenceKey,
  pendingKey,
  pendingResourceKey,
  quarantineKey,
  quarantinedResourceKey,
  resourceKey,
} from '#core/evidence/object-keys.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { PreconditionFailedError } from '#core/errors.ts';
import { auditItem, diff, type AuditEvent } from './audit.ts';
import {
  deleteItem,
  getItem,
  addSets,
  itemsBefore,
  queryAll,
  queryPage,
  stripKeys,
  throwIfVersionFailed,
  transact,
  TransactionCancelled,
  type Item,
  type Page,
  type TransactItem,
} from './db.ts';
import type { PresignedPost } from './evidence-objects.ts';
import { partitions, type Key } from './keys.ts';
import * as keys from './keys.ts';

export type Actor = AuditEvent['actor'];

/** What a version's upload is for: a pathway's evidence item or a staff resource. */
export type Owner = { kind: 'evidence'; evidenceId: string; pathwayId: string } | { kind: 'resource'; resourceId: string };

export const ownerId = (o: Owner) => (o.kind === 'evidence' ? o.evidenceId : o.resourceId);

/** A version record: core's EvidenceVersion plus what the API and the export need. */
export interface StoredVersion extends EvidenceVersion {
  /** For resources, `evidenceId` holds the resource id and `pathwayId` is empty. */
  owner: 'evidence' | 'resource';
  declaredByName?: string;
  /** When the upload form stops working (the verifier refuses objects created later). */
  uploadExpiresAt: string;
  /** CRC-32 of the bytes, from verification: lets the export write a ZIP entry without a data descriptor. */
  crc32?: number;
}

export interface VersionSummary {
  version: number;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  verifiedAt: string;
}

export interface StoredEvidenceItem extends EvidenceItem {
  districtId: string;
  schoolId: string;
  createdByName?: string;
  /** Optimistic concurrency of the item's own fields (title, description, criteria). */
  revision: number;
  updatedAt: string;
  latestVersion: number;
  current?: VersionSummary;
}

export interface EvidenceUpload extends PresignedPost {
  /** When the form stops working (ISO). */
  expiresAt: string;
  /** The exact key the form writes (also in fields.key). */
  key: string;
}

// ---------------------------------------------------------------------------- keys and shapes

export const versionKey = (o: Owner, version: number): Key =>
  o.kind === 'evidence' ? keys.evidenceVersion(o.evidenceId, version) : keys.resourceVersion(o.resourceId, version);

export const itemKey = (o: Owner): Key => (o.kind === 'evidence' ? keys.evidenceItem(o.evidenceId) : keys.resourceItem(o.resourceId));

const partitionOf = (o: Owner) => (o.kind === 'evidence' ? keys.evidencePartition(o.evidenceId) : keys.resourcePartition(o.resourceId));

/** Where the version's bytes are in each stage of its life. */
export function objectKeys(o: Owner, version: number): { pending: string; readable: string; quarantine: string } {
  return o.kind === 'evidence'
    ? {
        pending: pendingKey(o.pathwayId, o.evidenceId, version),
        readable: evidenceKey(o.pathwayId, o.evidenceId, version),
        quarantine: quarantineKey(o.pathwayId, o.evidenceId, version),
      }
    : {
        pending: pendingResourceKey(o.resourceId, version),
        readable: resourceKey(o.resourceId, version),
        quarantine: quarantinedResourceKey(o.resourceId, version),
      };
}

export function ownerOf(v: Pick<StoredVersion, 'owner' | 'evidenceId' | 'pathwayId'>): Owner {
  return v.owner === 'resource'
    ? { kind: 'resource', resourceId: v.evidenceId }
    : { kind: 'evidence', evidenceId: v.evidenceId, pathwayId: v.pathwayId };
}

const asVersion = (i: Item) => stripKeys(i) as unknown as StoredVersion;
const asItem = (i: Item) => stripKeys(i) as unknown as StoredEvidenceItem;

export function versionItem(o: Owner, v: StoredVersion): Item {
  return {
    ...versionKey(o, v.version),
    ...(v.state === 'declared' ? keys.declaredUploadIndexes(v.expiresAt, ownerId(o), v.version) : {}),
    _type: o.kind === 'evidence' ? 'evidenceVersion' : 'resourceVersion',
    ...v,
  };
}

export function summaryOf(v: StoredVersion): VersionSummary {
  return {
    version: v.version,
    fileName: v.fileName,
    contentType: v.contentType,
    size: v.size,
    sha256: v.sha256!,
    verifiedAt: v.verifiedAt!,
  };
}

/** Sets the item's `current` to this available version's summary; refused when the item is gone or this or a newer version is already current (`current` only moves forward). */
function promoteCurrent(o: Owner, v: StoredVersion): TransactItem {
  return {
    Update: {
      TableName: config.tableName,
      Key: itemKey(o),
      UpdateExpression: 'SET #cur = :summary',
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#cur) OR #cur.#v < :v)',
      ExpressionAttributeNames: { '#cur': 'current', '#v': 'version' },
      ExpressionAttributeValues: { ':summary': summaryOf(v), ':v': v.version },
    },
  };
}

const pathwayScope = (pathwayId: string) => ({ kind: 'pathway' as const, id: pathwayId });

/**
 * Sets fields of an item (evidence or resource) if it is still at `expectedRevision`,
 * bumping the revision; `audit` joins the transaction. A stale revision is a 412 naming
 * the current one; a vanished item a 404.
 */
export async function setItemFields(
  key: Key,
  expectedRevision: number,
  set: Record<string, unknown>,
  audit: TransactItem[],
  what: string,
): Promise<void> {
  const { names, values, sets } = addSets(
    { names: { '#rev': 'revision' }, values: { ':expected': expectedRevision }, sets: [] },
    { ...set, revision: expectedRevision + 1 },
  );
  try {
    await transact([
      {
        Update: {
          TableName: config.tableName,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#rev = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      ...audit,
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled) throwIfVersionFailed(error, what, 'revision');
    throw error;
  }
}

// ---------------------------------------------------------------------------- reading

export async function getEvidenceItem(evidenceId: string, consistent = false): Promise<StoredEvidenceItem | undefined> {
  const item = await getItem(keys.evidenceItem(evidenceId), consistent);
  return item ? asItem(item) : undefined;
}

/** An item with every version, newest first; overdue declarations are expired on the way. */
export async function getEvidenceWithVersions(
  evidenceId: string,
  consistent = false,
): Promise<{ item: StoredEvidenceItem; versions: StoredVersion[] } | undefined> {
  const all = await queryAll(keys.evidencePartition(evidenceId), undefined, consistent);
  const head = all.find((i) => i.SK === 'ITEM');
  if (!head) return undefined;
  const owner: Owner = { kind: 'evidence', evidenceId, pathwayId: String(head.pathwayId) };
  const versions = await expireOverdue(owner, all.filter((i) => String(i.SK).startsWith(keys.versionPrefix)).map(asVersion));
  return { item: asItem(head), versions: versions.sort((a, b) => b.version - a.version) };
}

export async function getVersion(o: Owner, version: number, consistent = false): Promise<StoredVersion | undefined> {
  const item = await getItem(versionKey(o, version), consistent);
  return item ? asVersion(item) : undefined;
}

export async function listVersions(o: Owner, consistent = false): Promise<StoredVersion[]> {
  const items = await queryAll(partitionOf(o), keys.versionPrefix, consistent);
  return (await expireOverdue(o, items.map(asVersion))).sort((a, b) => b.version - a.version);
}

export interface LibraryFilter {
  criterionId?: string;
}

/** A pathway's library by title (pattern 29), optionally the items tagged with one criterion. */
export async function listPathwayEvidence(
  pathwayId: string,
  f: LibraryFilter,
  limit?: number,
  cursor?: string,
): Promise<Page<StoredEvidenceItem>> {
  const page = await queryPage({
    partition: partitions.pathwayEvidence(pathwayId),
    limit,
    cursor,
    ...(f.criterionId
      ? { filter: { expression: 'contains(#c, :c)', names: { '#c': 'criterionIds' }, values: { ':c': f.criterionId } } }
      : {}),
  });
  return { items: page.items.map(asItem), nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------------------- decisions

export type TransitionOutcome = { applied: true; version: StoredVersion } | { applied: false; version: StoredVersion | undefined };

/**
 * Applies a verification or expiry event to a version, as one conditional write (plus,
 * for an evidence version becoming available, the item's `current` summary when it is
 * newer). Answers applied: false when the version was already decided (or is gone).
 */
export async function applyEvent(
  o: Owner,
  before: StoredVersion,
  event: VersionEvent,
  actor: Actor,
  extras: Pick<Partial<StoredVersion>, 'crc32'> = {},
): Promise<TransitionOutcome> {
  const result = applyVersionEvent(before, event);
  if (!result.changed) return { applied: false, version: before };
  const after = { ...(result.version as StoredVersion), ...(event.type === 'verified' ? extras : {}) };
  const condition = {
    ConditionExpression: '#s = :declared',
    ExpressionAttributeNames: { '#s': 'state' },
    ExpressionAttributeValues: { ':declared': 'declared' satisfies VersionState },
  };
  const write: TransactItem = { Put: { TableName: config.tableName, Item: versionItem(o, after), ...condition } };
  const audits: TransactItem[] =
    o.kind === 'evidence'
      ? [
          auditItem(pathwayScope(o.pathwayId), {
            at: event.at,
            actor,
            action: `evidence.version.${after.state}`,
            entity: { kind: 'evidence', id: o.evidenceId },
            changes: [
              { field: `versions.${after.version}.state`, from: before.state, to: after.state },
              ...(after.quarantine ? [{ field: `versions.${after.version}.quarantine`, to: after.quarantine }] : []),
            ],
          }),
        ]
      : [];
  const promote: TransactItem[] = after.state === 'available' ? [promoteCurrent(o, after)] : [];
  try {
    await transact([write, ...audits, ...promote]);
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    if (error.failedCondition(0)) return { applied: false, version: await getVersion(o, before.version, true) };
    // Only the item's summary refused (a newer version is already current, or the item is
    // being deleted): the version's own decision still stands.
    try {
      await transact([write, ...audits]);
    } catch (retryError) {
      if (retryError instanceof TransactionCancelled && retryError.failedCondition(0)) {
        return { applied: false, version: await getVersion(o, before.version, true) };
      }
      throw retryError;
    }
  }
  return { applied: true, version: after };
}

/** Re-applies an available version's summary to its item (repairs a crash between the two writes). */
export async function refreshCurrent(o: Owner, v: StoredVersion): Promise<void> {
  if (v.state !== 'available') return;
  try {
    await transact([promoteCurrent(o, v)]);
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
  }
}

export const systemActor: Actor = { sub: 'system:evidence', name: 'Evidence verification' };

/** Declared versions past their deadline become expired (conditional, so verification may still win). */
export async function expireOverdue(o: Owner, versions: StoredVersion[]): Promise<StoredVersion[]> {
  const at = nowIso();
  return Promise.all(
    versions.map(async (v) => {
      if (v.state !== 'declared' || Date.parse(at) < Date.parse(v.expiresAt)) return v;
      const outcome = await applyEvent(o, v, { type: 'expired', at }, systemActor);
      return outcome.version ?? v;
    }),
  );
}

// ---------------------------------------------------------------------------- editing

export type ItemChanges = Partial<Pick<StoredEvidenceItem, 'title' | 'description' | 'criterionIds'>>;

export async function updateEvidenceItem(
  item: StoredEvidenceItem,
  expectedRevision: number,
  changes: ItemChanges,
  actor: Actor,
): Promise<StoredEvidenceItem> {
  if (item.revision !== expectedRevision) throw new PreconditionFailedError(item.revision);
  const at = nowIso();
  const after: StoredEvidenceItem = { ...item, ...changes, revision: item.revision + 1, updatedAt: at };
  const set: Record<string, unknown> = { ...changes, updatedAt: at };
  if (changes.title !== undefined) Object.assign(set, keys.evidenceItemIndexes(after));
  await setItemFields(
    keys.evidenceItem(item.evidenceId),
    expectedRevision,
    set,
    [
      auditItem(pathwayScope(item.pathwayId), {
        at,
        actor,
        action: 'evidence.updated',
        entity: { kind: 'evidence', id: item.evidenceId },
        changes: diff(item as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, [
          'title',
          'description',
          'criterionIds',
        ]),
      }),
    ],
    'evidence item',
  );
  return after;
}

/** Transaction items deleting an item and its versions (up to the transaction's size; the rest follow). */
export function deletionWrites(
  item: StoredEvidenceItem,
  versions: readonly StoredVersion[],
  actor: Actor,
  extra: TransactItem[] = [],
): { now: TransactItem[]; later: Key[] } {
  const at = nowIso();
  const head: TransactItem[] = [
    deleteItem(keys.evidenceItem(item.evidenceId), { expression: 'revision = :r', values: { ':r': item.revision } }),
    auditItem(pathwayScope(item.pathwayId), {
      at,
      actor,
      action: 'evidence.deleted',
      entity: { kind: 'evidence', id: item.evidenceId },
      changes: [
        { field: 'title', from: item.title },
        { field: 'versions', from: versions.map((v) => v.version) },
      ],
    }),
    ...extra,
  ];
  const room = 100 - head.length;
  const keysOfVersions = versions.map((v) => keys.evidenceVersion(item.evidenceId, v.version));
  return { now: [...head, ...keysOfVersions.slice(0, room).map((k) => deleteItem(k))], later: keysOfVersions.slice(room) };
}

export async function deleteRemaining(list: Key[]): Promise<void> {
  for (let i = 0; i < list.length; i += 100) await transact(list.slice(i, i + 100).map((k) => deleteItem(k)));
}

/** The latest available version among these (core's rule). */
export const currentOf = (versions: readonly StoredVersion[]) => currentVersion(versions);

// ---------------------------------------------------------------------------- expiry sweep

/**
 * Expires every declared version (evidence and resources) whose deadline has passed at
 * `at`, reading only the sparse index of waiting declarations (pattern 30), oldest first.
 * Idempotent: each expiry is conditional on the version still being declared, so an upload
 * verified meanwhile wins and a repeated run changes nothing.
 */
export async function expireDeclaredUploads(at: string, maxItems = 500): Promise<{ expired: number; seen: number }> {
  let expired = 0;
  let seen = 0;
  // Sort keys are `<expiresAt>#...`: everything before `at` is overdue.
  for await (const item of itemsBefore(partitions.declaredUploads, at, maxItems)) {
    seen += 1;
    const v = asVersion(item);
    const outcome = await applyEvent(ownerOf(v), v, { type: 'expired', at }, systemActor);
    if (outcome.applied) expired += 1;
  }
  return { expired, seen };
}
