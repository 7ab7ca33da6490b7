/**
 * Evidence as applications use it: checking the references of a response, freezing the
 * exact versions at submission (`APP#<a>#EVIDENCE` / `FROZEN`, pattern 31), carrying a
 * previous cycle's links forward, and resolving an application's links to objects.
 *
 * This module takes references as plain data and never imports the applications store,
 * so the applications store can call it without an import cycle. The rules themselves
 * (what may be linked, what a frozen link holds, carry-forward statuses) are
 * core/evidence/library.ts's.
 */
import {
  carryForward,
  currentVersion,
  freezeLinks,
  type CarriedLink,
  type EvidenceLink,
  type FreezeError,
  type FreezeResult,
  type FrozenLink,
} from '#core/evidence/library.ts';
import { nowIso } from '#lib/clock.ts';
import { UnprocessableError } from '#core/errors.ts';
import { getItem, put, queryAll, stripKeys, type TransactItem } from './db.ts';
import { expireOverdue, type StoredEvidenceItem, type StoredVersion } from './evidence.ts';
import * as keys from './keys.ts';

export interface LinkRef {
  criterionId: string;
  evidenceId: string;
  /** Absent: the item's current version. */
  version?: number;
}

export interface FrozenEvidence {
  applicationId: string;
  pathwayId: string;
  frozenAt: string;
  submissionNumber?: number;
  links: FrozenLink[];
}

interface Loaded {
  item?: StoredEvidenceItem;
  versions: StoredVersion[];
}

const CONCURRENCY = 8;

/** Each item with its versions (one Query per item, a few at a time), overdue declarations expired. */
export async function loadItems(evidenceIds: Iterable<string>, consistent = true): Promise<Map<string, Loaded>> {
  const ids = [...new Set(evidenceIds)];
  const out = new Map<string, Loaded>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const all = await queryAll(keys.evidencePartition(id), undefined, consistent);
      const head = all.find((i) => i.SK === 'ITEM');
      const item = head ? (stripKeys(head) as unknown as StoredEvidenceItem) : undefined;
      let versions = all.filter((i) => String(i.SK).startsWith(keys.versionPrefix)).map((i) => stripKeys(i) as unknown as StoredVersion);
      if (item) versions = await expireOverdue({ kind: 'evidence', evidenceId: id, pathwayId: item.pathwayId }, versions);
      out.set(id, { ...(item ? { item } : {}), versions });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  return out;
}

/** The refs against the library, with core's rules: every problem, not just the first. */
export async function freezeReferences(pathwayId: string, refs: readonly LinkRef[]): Promise<FreezeResult> {
  const loaded = await loadItems(refs.map((r) => r.evidenceId));
  // A version record without its item (deleted) is no evidence.
  const versions = [...loaded.values()].flatMap((l) => (l.item ? l.versions : []));
  return freezeLinks(refs, { pathwayId, versions });
}

export type ReferenceProblem = FreezeError;

/** For response writes: what is wrong with these references (empty when all are linkable). */
export async function checkReferences(pathwayId: string, refs: readonly LinkRef[]): Promise<ReferenceProblem[]> {
  if (refs.length === 0) return [];
  const result = await freezeReferences(pathwayId, refs);
  return result.ok ? [] : result.errors;
}

export function frozenEvidenceWrite(
  application: { id: string; pathwayId: string; submissionNumber?: number },
  links: FrozenLink[],
): TransactItem {
  const frozen: FrozenEvidence = {
    applicationId: application.id,
    pathwayId: application.pathwayId,
    frozenAt: nowIso(),
    ...(application.submissionNumber !== undefined ? { submissionNumber: application.submissionNumber } : {}),
    links,
  };
  return put({ ...keys.applicationEvidence(application.id), _type: 'applicationEvidence', ...frozen });
}

export async function getFrozenEvidence(applicationId: string, consistent = false): Promise<FrozenEvidence | undefined> {
  const item = await getItem(keys.applicationEvidence(applicationId), consistent);
  return item ? (stripKeys(item) as unknown as FrozenEvidence) : undefined;
}

/**
 * The previous application's frozen links as they stand now: each keeps the version it
 * pointed at, marked unchanged, newer_version_available or removed.
 */
export async function carryForwardFrom(previousApplicationId: string): Promise<CarriedLink[]> {
  const previous = await getFrozenEvidence(previousApplicationId, true);
  if (!previous) return [];
  const loaded = await loadItems(previous.links.map((l) => l.evidenceId));
  const latest = new Map<string, number>();
  for (const [id, l] of loaded) {
    const current = l.item ? currentVersion(l.versions) : undefined;
    if (current) latest.set(id, current.version);
  }
  const plain: EvidenceLink[] = previous.links.map((l) => ({ criterionId: l.criterionId, evidenceId: l.evidenceId, version: l.version }));
  return carryForward(plain, latest);
}

/**
 * Carried links grouped by the criterion they cite, for a renewal draft's responses: only
 * the criteria the new application assesses, removed items left out, and each item at a
 * version cited once per criterion.
 */
export function refsByCriterion(
  links: readonly CarriedLink[],
  assessed: ReadonlySet<string>,
): Map<string, { evidenceId: string; version: number }[]> {
  const byCriterion = new Map<string, { evidenceId: string; version: number }[]>();
  for (const link of links) {
    if (link.status === 'removed' || !assessed.has(link.criterionId)) continue;
    const refs = byCriterion.get(link.criterionId) ?? [];
    if (!refs.some((r) => r.evidenceId === link.evidenceId && r.version === link.version))
      refs.push({ evidenceId: link.evidenceId, version: link.version });
    byCriterion.set(link.criterionId, refs);
  }
  return byCriterion;
}

export type DraftLinkStatus = 'latest' | 'unchanged' | 'newer_version_available' | 'removed';

export interface DraftLink extends LinkRef {
  status: DraftLinkStatus;
  latestVersion?: number;
}

/** A draft's links against the library now (what a renewal team needs to see to update only what changed). */
export async function draftLinks(refs: readonly LinkRef[]): Promise<{ links: DraftLink[]; loaded: Map<string, Loaded> }> {
  const loaded = await loadItems(
    refs.map((r) => r.evidenceId),
    false,
  );
  const links = refs.map((r): DraftLink => {
    const l = loaded.get(r.evidenceId);
    const current = l?.item ? currentVersion(l.versions) : undefined;
    if (!current) return { ...r, status: 'removed' };
    if (r.version === undefined) return { ...r, status: 'latest', latestVersion: current.version };
    const pinned = l!.versions.find((v) => v.version === r.version);
    if (!pinned || pinned.state !== 'available') return { ...r, status: 'removed', latestVersion: current.version };
    return { ...r, status: current.version > r.version ? 'newer_version_available' : 'unchanged', latestVersion: current.version };
  });
  return { links, loaded };
}

/** One file of an application's evidence, with everything the download and the export need. */
export interface ResolvedFile {
  evidenceId: string;
  version: number;
  criterionIds: string[];
  objectKey: string;
  objectVersionId?: string;
  title: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  crc32?: number;
  verifiedAt?: string;
}

/** Frozen links grouped by file (an item linked to several criteria is one file). */
export async function resolveFrozen(links: readonly FrozenLink[]): Promise<ResolvedFile[]> {
  const loaded = await loadItems(
    links.map((l) => l.evidenceId),
    false,
  );
  const files = new Map<string, ResolvedFile>();
  for (const link of links) {
    const id = `${link.evidenceId}@${link.version}`;
    const existing = files.get(id);
    if (existing) {
      if (!existing.criterionIds.includes(link.criterionId)) existing.criterionIds.push(link.criterionId);
      continue;
    }
    const l = loaded.get(link.evidenceId);
    const v = l?.versions.find((x) => x.version === link.version);
    files.set(id, {
      evidenceId: link.evidenceId,
      version: link.version,
      criterionIds: [link.criterionId],
      objectKey: link.objectKey,
      ...(link.objectVersionId ? { objectVersionId: link.objectVersionId } : {}),
      title: l?.item?.title ?? link.evidenceId,
      fileName: v?.fileName ?? `${link.evidenceId}-v${link.version}`,
      contentType: v?.contentType ?? 'application/octet-stream',
      size: link.size,
      sha256: link.sha256,
      ...(v?.crc32 !== undefined ? { crc32: v.crc32 } : {}),
      ...(v?.verifiedAt ? { verifiedAt: v.verifiedAt } : {}),
    });
  }
  return [...files.values()];
}

// ---------------------------------------------------------------------------- response writes

const referenceMessage: Record<ReferenceProblem['code'], string> = {
  unknown_item: 'no such evidence item',
  other_pathway: "belongs to another pathway's library",
  version_not_available: 'that version is not available (still uploading, refused or expired)',
  no_available_version: 'the item has no verified file yet; wait for its upload to be verified',
  duplicate_link: 'is cited twice',
};

/**
 * For a response write: every reference must name an item of this pathway's library with
 * an available version (the one cited, or any for "latest"). Throws a 422 listing each
 * bad reference as `evidence.<index>`; nothing is written.
 */
export async function assertLinkable(
  pathwayId: string,
  criterionId: string,
  refs: readonly { evidenceId: string; version?: number }[],
): Promise<void> {
  const problemsFound = await checkReferences(
    pathwayId,
    refs.map((r) => ({ criterionId, evidenceId: r.evidenceId, ...(r.version !== undefined ? { version: r.version } : {}) })),
  );
  if (problemsFound.length === 0) return;
  throw new UnprocessableError(
    `${problemsFound.length} evidence reference(s) cannot be linked: ${problemsFound.map((p) => `${p.evidenceId} (${referenceMessage[p.code]})`).join('; ')}.`,
    problemsFound.map((p) => ({ in: 'body' as const, field: `evidence.${p.index}`, message: referenceMessage[p.code], code: p.code })),
  );
}
