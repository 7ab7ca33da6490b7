/**
 * Staff resources: exemplars and templates every signed-in person may read, each tagged
 * to criteria. Items (`RESOURCE#<r>` / `ITEM`) and their versions (`V#<000001>`) follow
 * the evidence library exactly (evidence.ts): the same declared -> available |
 * quarantined | expired versions, the same upload form and verifier; only the keys
 * (pending/resources/, resources/) and the listing (pattern 32) differ.
 */
import type { CheckedDeclaration } from '#core/evidence/file-types.ts';
import { resourceKinds, type ResourceKind } from '#core/evidence/resources.ts';
import { newId } from '#core/ids.ts';
import { nowIso } from '#lib/clock.ts';
import { deleteItem, getItem, putNew, queryAll, queryPage, stripKeys, transact, type Item, type Page, type TransactItem } from './db.ts';
import {
  expireOverdue,
  setItemFields,
  versionItem,
  type Actor,
  type EvidenceUpload,
  type Owner,
  type StoredVersion,
  type VersionSummary,
} from './evidence.ts';
import { declareNextVersion, newItemFields, prepareUpload } from './evidence-uploads.ts';
import { partitions } from './keys.ts';
import * as keys from './keys.ts';

export { resourceKinds, type ResourceKind };

export interface StoredResource {
  resourceId: string;
  kind: ResourceKind;
  title: string;
  description?: string;
  criterionIds: string[];
  createdBy: string;
  createdByName?: string;
  createdAt: string;
  updatedAt: string;
  revision: number;
  latestVersion: number;
  current?: VersionSummary;
}

const asResource = (i: Item) => stripKeys(i) as unknown as StoredResource;
const asVersion = (i: Item) => stripKeys(i) as unknown as StoredVersion;
export const resourceOwner = (resourceId: string): Owner => ({ kind: 'resource', resourceId });

export interface NewResourceInput {
  kind: ResourceKind;
  title: string;
  description?: string;
  criterionIds: string[];
  declaration: CheckedDeclaration;
  actor: Actor;
}

export async function declareResource(
  i: NewResourceInput,
  extra: (r: StoredResource, v: StoredVersion, upload: EvidenceUpload) => TransactItem[] = () => [],
): Promise<{ resource: StoredResource; version: StoredVersion; upload: EvidenceUpload }> {
  const resourceId = newId('resource');
  const owner = resourceOwner(resourceId);
  const { version, upload } = await prepareUpload({ owner, version: 1, declaration: i.declaration, actor: i.actor });
  const resource: StoredResource = {
    resourceId,
    kind: i.kind,
    ...newItemFields(i, version),
  };
  await transact([
    putNew({ ...keys.resourceItem(resourceId), ...keys.resourceIndexes(resource), _type: 'resource', ...resource }),
    putNew(versionItem(owner, version)),
    ...extra(resource, version, upload),
  ]);
  return { resource, version, upload };
}

export const declareResourceVersion = (
  r: StoredResource,
  declaration: CheckedDeclaration,
  actor: Actor,
  extra?: (v: StoredVersion, u: EvidenceUpload) => TransactItem[],
) => declareNextVersion(resourceOwner(r.resourceId), r.latestVersion, declaration, actor, extra);

export async function getResource(resourceId: string, consistent = false): Promise<StoredResource | undefined> {
  const item = await getItem(keys.resourceItem(resourceId), consistent);
  return item ? asResource(item) : undefined;
}

export async function getResourceWithVersions(
  resourceId: string,
): Promise<{ resource: StoredResource; versions: StoredVersion[] } | undefined> {
  const all = await queryAll(keys.resourcePartition(resourceId));
  const head = all.find((i) => i.SK === 'ITEM');
  if (!head) return undefined;
  const versions = await expireOverdue(
    resourceOwner(resourceId),
    all.filter((i) => String(i.SK).startsWith(keys.versionPrefix)).map(asVersion),
  );
  return { resource: asResource(head), versions: versions.sort((a, b) => b.version - a.version) };
}

export interface ResourceFilter {
  kind?: ResourceKind;
  criterionId?: string;
}

/** Resources by title (pattern 32). Only items with an available version are listed to non-staff callers. */
export async function listResources(
  f: ResourceFilter & { availableOnly: boolean },
  limit?: number,
  cursor?: string,
): Promise<Page<StoredResource>> {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (f.kind) {
    parts.push('#k = :k');
    names['#k'] = 'kind';
    values[':k'] = f.kind;
  }
  if (f.criterionId) {
    parts.push('contains(#c, :c)');
    names['#c'] = 'criterionIds';
    values[':c'] = f.criterionId;
  }
  if (f.availableOnly) {
    parts.push('attribute_exists(#cur)');
    names['#cur'] = 'current';
  }
  const page = await queryPage({
    partition: partitions.resources,
    limit,
    cursor,
    ...(parts.length ? { filter: { expression: parts.join(' AND '), names, ...(Object.keys(values).length ? { values } : {}) } } : {}),
  });
  return { items: page.items.map(asResource), nextCursor: page.nextCursor };
}

export type ResourceChanges = Partial<Pick<StoredResource, 'title' | 'description' | 'criterionIds' | 'kind'>>;

export async function updateResource(r: StoredResource, expectedRevision: number, changes: ResourceChanges): Promise<StoredResource> {
  const at = nowIso();
  const after: StoredResource = { ...r, ...changes, revision: expectedRevision + 1, updatedAt: at };
  const set: Record<string, unknown> = { ...changes, updatedAt: at };
  if (changes.title !== undefined) Object.assign(set, keys.resourceIndexes(after));
  await setItemFields(keys.resourceItem(r.resourceId), expectedRevision, set, [], 'resource');
  return after;
}

/** Removes the item and its version records; the caller removes the objects. */
export async function deleteResource(r: StoredResource, versions: readonly StoredVersion[]): Promise<void> {
  const all = [
    deleteItem(keys.resourceItem(r.resourceId), { expression: 'revision = :r', values: { ':r': r.revision } }),
    ...versions.map((v) => deleteItem(keys.resourceVersion(r.resourceId, v.version))),
  ];
  for (let i = 0; i < all.length; i += 100) await transact(all.slice(i, i + 100));
}
