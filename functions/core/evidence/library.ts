/**
 * A pathway's evidence library: items (title, description, criteria they support) with
 * numbered versions. A new upload of an item is a new version; older versions stay
 * readable; the item's current version is its latest *available* one (a newer upload
 * still being verified, or one that failed, does not displace it).
 *
 * A version's life: declared -> available | quarantined | expired. All three outcomes are
 * final. Upload notifications can arrive twice or late, so a verification result for a
 * version that is already final changes nothing, and results are per version: a result
 * for version n still applies when n+1 exists. The store applies a transition with a
 * condition on the state it read; a lost race surfaces as a no-op on re-read.
 *
 * Submitting an application freezes links to exact versions (freezeLinks); renewal
 * carries the previous cycle's links forward, saying which now have newer versions
 * (carryForward).
 */
import { evidenceKey, MAX_VERSION } from './object-keys.ts';
import type { VerifyResult } from './verify.ts';

export type VersionState = 'declared' | 'available' | 'quarantined' | 'expired';

export const versionTransitions: Readonly<Record<VersionState, readonly VersionState[]>> = {
  declared: ['available', 'quarantined', 'expired'],
  available: [],
  quarantined: [],
  expired: [],
};

export function canTransition(from: VersionState, to: VersionState): boolean {
  return versionTransitions[from].includes(to);
}

export function isFinal(state: VersionState): boolean {
  return versionTransitions[state].length === 0;
}

export interface EvidenceItem {
  evidenceId: string;
  pathwayId: string;
  title: string;
  description?: string;
  /** The criteria this item is tagged as supporting. */
  criterionIds: string[];
  createdBy: string;
  createdAt: string;
}

export interface EvidenceVersion {
  evidenceId: string;
  pathwayId: string;
  version: number;
  state: VersionState;
  fileName: string;
  contentType: string;
  size: number;
  /** The SHA-256 the uploader declared, if any. */
  declaredSha256?: string;
  declaredBy: string;
  declaredAt: string;
  /** A declared version whose upload has not been verified by then expires. */
  expiresAt: string;
  /** Set when available: the SHA-256 computed from the stored bytes. */
  sha256?: string;
  /** The S3 version id of the readable object, when the bucket is versioned. */
  objectVersionId?: string;
  verifiedAt?: string;
  quarantine?: { reason: string; message: string; at: string };
  expiredAt?: string;
}

/**
 * How long after its upload policy expires a declaration waits for its object: S3
 * notifications can be late, and verifying a large file takes a while.
 */
export const DECLARATION_GRACE_SECONDS = 3600;

export function declarationExpiresAt(declaredAt: Date, uploadExpirySeconds: number): Date {
  return new Date(declaredAt.getTime() + (uploadExpirySeconds + DECLARATION_GRACE_SECONDS) * 1000);
}

/** The number for the next upload of an item: one past the highest ever declared. */
export function nextVersionNumber(versions: readonly { version: number }[]): number {
  const next = versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
  if (next > MAX_VERSION) throw new RangeError(`an item cannot have more than ${MAX_VERSION} versions`);
  return next;
}

/** The latest available version, or undefined when none is available yet. */
export function currentVersion<V extends Pick<EvidenceVersion, 'version' | 'state'>>(versions: readonly V[]): V | undefined {
  let best: V | undefined;
  for (const v of versions) if (v.state === 'available' && (!best || v.version > best.version)) best = v;
  return best;
}

// ---------------------------------------------------------------------------- transitions

export type VersionEvent =
  | { type: 'verified'; sha256: string; size: number; objectVersionId?: string; at: string }
  | { type: 'rejected'; reason: string; message: string; at: string }
  | { type: 'expired'; at: string };

/**
 * What the caller must do to storage after applying an event:
 * - promote: copy pending -> evidence, then delete the pending object;
 * - quarantine: copy pending -> quarantine, delete the pending object, tell the uploader;
 * - discard_pending: an object sits under pending/ for a version already decided (a
 *   duplicate notification, or a second POST with a still-valid policy): delete it;
 * - none.
 */
export type StorageEffect = 'promote' | 'quarantine' | 'discard_pending' | 'none';

export type ApplyResult =
  | { changed: true; version: EvidenceVersion; effect: StorageEffect }
  | { changed: false; version: EvidenceVersion; effect: StorageEffect; reason: 'already_final' | 'not_due' };

/** Applies an event to a version; idempotent, and a no-op on a final version. */
export function applyVersionEvent(version: EvidenceVersion, event: VersionEvent): ApplyResult {
  if (isFinal(version.state)) {
    // Only object notifications can leave an object under pending/; an expiry sweep cannot.
    const effect: StorageEffect = event.type === 'expired' ? 'none' : 'discard_pending';
    return { changed: false, version, effect, reason: 'already_final' };
  }
  switch (event.type) {
    case 'verified':
      return {
        changed: true,
        effect: 'promote',
        version: {
          ...version,
          state: 'available',
          sha256: event.sha256,
          size: event.size,
          verifiedAt: event.at,
          ...(event.objectVersionId !== undefined ? { objectVersionId: event.objectVersionId } : {}),
        },
      };
    case 'rejected':
      return {
        changed: true,
        effect: 'quarantine',
        version: { ...version, state: 'quarantined', quarantine: { reason: event.reason, message: event.message, at: event.at } },
      };
    case 'expired':
      // An upload verified after the deadline but before the sweep still counts: only the
      // sweep expires, and only what is overdue.
      if (Date.parse(event.at) < Date.parse(version.expiresAt)) return { changed: false, version, effect: 'none', reason: 'not_due' };
      return { changed: true, effect: 'none', version: { ...version, state: 'expired', expiredAt: event.at } };
  }
}

/** The event a verification result stands for. */
export function verificationEvent(result: VerifyResult, at: string, objectVersionId?: string): VersionEvent {
  if (result.ok) {
    return {
      type: 'verified',
      sha256: result.sha256,
      size: result.size,
      at,
      ...(objectVersionId !== undefined ? { objectVersionId } : {}),
    };
  }
  return { type: 'rejected', reason: result.reason, message: result.message, at };
}

// ---------------------------------------------------------------------------- links

export interface EvidenceLink {
  criterionId: string;
  evidenceId: string;
  version: number;
}

export type CarryStatus = 'unchanged' | 'newer_version_available' | 'removed';

export interface CarriedLink extends EvidenceLink {
  status: CarryStatus;
  /** The item's latest available version, when it still has one. */
  latestVersion?: number;
}

/**
 * The previous cycle's links, as they stand now. Links keep the version they pointed at
 * (older versions stay readable); the status tells the team what changed since:
 * 'newer_version_available' when the item has a later available version, 'removed' when
 * the item is gone or has no available version no older than the link's.
 */
export function carryForward(previousLinks: readonly EvidenceLink[], currentVersions: ReadonlyMap<string, number>): CarriedLink[] {
  return previousLinks.map((link) => {
    const latest = currentVersions.get(link.evidenceId);
    if (latest === undefined) return { ...link, status: 'removed' };
    if (latest > link.version) return { ...link, status: 'newer_version_available', latestVersion: latest };
    if (latest === link.version) return { ...link, status: 'unchanged', latestVersion: latest };
    // The item's newest available version is older than the one linked: the linked
    // version is no longer there (it cannot have stopped being available otherwise).
    return { ...link, status: 'removed', latestVersion: latest };
  });
}

/** Links for every criterion each item is tagged with, to the item's current version. */
export function linksFromTags(items: readonly EvidenceItem[], versions: readonly EvidenceVersion[]): EvidenceLink[] {
  const links: EvidenceLink[] = [];
  for (const item of items) {
    const current = currentVersion(versions.filter((v) => v.evidenceId === item.evidenceId));
    if (!current) continue;
    for (const criterionId of item.criterionIds) links.push({ criterionId, evidenceId: item.evidenceId, version: current.version });
  }
  return links;
}

export interface FrozenLink extends EvidenceLink {
  /** The readable object holding exactly these bytes. */
  objectKey: string;
  objectVersionId?: string;
  sha256: string;
  size: number;
}

export type FreezeErrorCode = 'unknown_item' | 'other_pathway' | 'version_not_available' | 'no_available_version' | 'duplicate_link';

export interface FreezeError {
  /** Position of the offending link in the input. */
  index: number;
  evidenceId: string;
  code: FreezeErrorCode;
  message: string;
}

export type FreezeResult = { ok: true; links: FrozenLink[] } | { ok: false; errors: FreezeError[] };

/**
 * Pins an application's evidence links to exact, verified object versions at submission.
 * A link without a version takes the item's current version. `versions` are the versions
 * of the items referenced (looked up by id, so possibly of another pathway: that is an
 * error, never a silent inclusion). All errors are reported, not just the first.
 */
export function freezeLinks(
  links: readonly (Omit<EvidenceLink, 'version'> & { version?: number })[],
  context: { pathwayId: string; versions: readonly EvidenceVersion[] },
): FreezeResult {
  const byItem = new Map<string, EvidenceVersion[]>();
  for (const v of context.versions) {
    const list = byItem.get(v.evidenceId) ?? [];
    list.push(v);
    byItem.set(v.evidenceId, list);
  }

  const frozen: FrozenLink[] = [];
  const errors: FreezeError[] = [];
  const seen = new Set<string>();
  links.forEach((link, index) => {
    const err = (code: FreezeErrorCode, message: string) => errors.push({ index, evidenceId: link.evidenceId, code, message });
    const pair = `${link.criterionId}\u0000${link.evidenceId}`;
    if (seen.has(pair)) return err('duplicate_link', 'This item is linked to the same criterion twice.');
    seen.add(pair);

    const versions = byItem.get(link.evidenceId);
    if (!versions || versions.length === 0) return err('unknown_item', 'No such evidence item.');
    if (versions.some((v) => v.pathwayId !== context.pathwayId)) {
      return err('other_pathway', 'The evidence item belongs to another pathway.');
    }
    let chosen: EvidenceVersion | undefined;
    if (link.version === undefined) {
      chosen = currentVersion(versions);
      if (!chosen) return err('no_available_version', 'The evidence item has no verified version yet.');
    } else {
      chosen = versions.find((v) => v.version === link.version);
      if (!chosen || chosen.state !== 'available') {
        return err('version_not_available', `Version ${link.version} of the evidence item is not available.`);
      }
    }
    if (chosen.sha256 === undefined) return err('version_not_available', `Version ${chosen.version} has not been verified.`);
    frozen.push({
      criterionId: link.criterionId,
      evidenceId: link.evidenceId,
      version: chosen.version,
      objectKey: evidenceKey(chosen.pathwayId, chosen.evidenceId, chosen.version),
      ...(chosen.objectVersionId !== undefined ? { objectVersionId: chosen.objectVersionId } : {}),
      sha256: chosen.sha256,
      size: chosen.size,
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, links: frozen };
}
