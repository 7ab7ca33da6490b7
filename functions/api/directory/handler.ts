/** The public directory. Answers may be cached briefly: certification changes a few times a day at most. */
import { credentialUrl } from '../../core/credentials/achievement.ts';
import { config } from '../../lib/config.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import { problems } from '../../lib/problem.ts';
import { unlocks } from '../../core/benefits.ts';
import { wholeCatalog } from '../../store/benefits.ts';
import { latestHeadline } from '../../store/outcomes-headline.ts';
import { pathwayCertificationHistory, type Certification } from '../../store/certifications.ts';
import { getCredential } from '../../store/credentials.ts';
import { getDirectoryEntry, listDirectory, type DirectoryEntry } from '../../store/registry.ts';
import * as r from './routes.ts';

const cache = { 'cache-control': 'public, max-age=60' };

/** The credential of the certification the entry shows: same level, same expiry, not revoked. */
async function credentialLink(entry: DirectoryEntry, history: readonly Certification[]) {
  const shown = history.find((c) => c.level === entry.level && c.expiresOn === entry.validUntil && (c.status === 'active' || c.status === 'renewed'));
  const credential = shown ? await getCredential(shown.id) : undefined;
  if (!credential || credential.revokedAt) return null;
  const url = credentialUrl(config.publicBaseUrl, credential.id);
  return { id: credential.id, url, badge: `${url}/badge` };
}

export const handler = httpHandler([
  implement(r.listDirectory, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return { body: await listDirectory(filter, limit, cursor), headers: cache };
  }),
  implement(r.getDirectoryEntry, async (req) => {
    // The reads that need only the id at once; the headline leaves only with a listed entry,
    // and only suppressed. The credential's own read follows, once the shown certification is known.
    const id = req.params.pathwayId;
    const [entry, outcomes, catalog, history] = await Promise.all([getDirectoryEntry(id), latestHeadline(id), wholeCatalog(), pathwayCertificationHistory(id)]);
    if (!entry) throw problems.notFound('certified pathway');
    // The network benefits its level unlocks (issue 19): titles and kinds only, no capacity or requests.
    const benefits = catalog.filter((b) => unlocks(entry.level, b)).map((b) => ({ id: b.id, title: b.title, kind: b.kind }));
    return { body: { ...entry, outcomes, benefits, credential: await credentialLink(entry, history) }, headers: cache };
  }),
]);
