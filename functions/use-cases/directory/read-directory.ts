/**
 * The public directory: certified pathways, and one pathway's profile with its outcome
 * headline, the network benefits its level unlocks and its credential. No caller: the
 * directory is public.
 */
import { unlocks } from '#core/benefits.ts';
import { credentialUrl } from '#core/credentials/achievement.ts';
import { NotFoundError } from '#core/errors.ts';
import { config } from '#lib/config.ts';
import { wholeCatalog } from '#store/benefits.ts';
import { pathwayCertificationHistory, type Certification } from '#store/certifications.ts';
import { getCredential } from '#store/credentials.ts';
import type { Page } from '#store/db.ts';
import { latestHeadline } from '#store/outcomes-headline.ts';
import { getDirectoryEntry, listDirectory, type DirectoryEntry, type PathwayFilter } from '#store/registry.ts';

export function listCertifiedPathways(filter: PathwayFilter, limit?: number, cursor?: string): Promise<Page<DirectoryEntry>> {
  return listDirectory(filter, limit, cursor);
}

/** The credential of the certification the entry shows: same level, same expiry, not revoked. */
async function credentialLink(entry: DirectoryEntry, history: readonly Certification[]) {
  const shown = history.find(
    (c) => c.level === entry.level && c.expiresOn === entry.validUntil && (c.status === 'active' || c.status === 'renewed'),
  );
  const credential = shown ? await getCredential(shown.id) : undefined;
  if (!credential || credential.revokedAt) return null;
  const url = credentialUrl(config.publicBaseUrl, credential.id);
  return { id: credential.id, url, badge: `${url}/badge` };
}

export async function getDirectoryProfile(pathwayId: string) {
  // The reads that need only the id at once; the headline leaves only with a listed entry,
  // and only suppressed. The credential's own read follows, once the shown certification is known.
  const [entry, outcomes, catalog, history] = await Promise.all([
    getDirectoryEntry(pathwayId),
    latestHeadline(pathwayId),
    wholeCatalog(),
    pathwayCertificationHistory(pathwayId),
  ]);
  if (!entry) throw new NotFoundError('certified pathway');
  // The network benefits its level unlocks (issue 19): titles and kinds only, no capacity or requests.
  const benefits = catalog.filter((b) => unlocks(entry.level, b)).map((b) => ({ id: b.id, title: b.title, kind: b.kind }));
  return { ...entry, outcomes, benefits, credential: await credentialLink(entry, history) };
}
