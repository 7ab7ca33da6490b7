/** The public directory. Answers may be cached briefly: certification changes a few times a day at most. */
import { httpHandler, implement } from '../../lib/http.ts';
import { problems } from '../../lib/problem.ts';
import { unlockedBy } from '../../core/benefits.ts';
import { wholeCatalog } from '../../store/benefits.ts';
import { latestHeadline } from '../../store/outcomes-headline.ts';
import { getDirectoryEntry, listDirectory } from '../../store/registry.ts';
import * as r from './routes.ts';

const cache = { 'cache-control': 'public, max-age=60' };

export const handler = httpHandler([
  implement(r.listDirectory, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return { body: await listDirectory(filter, limit, cursor), headers: cache };
  }),
  implement(r.getDirectoryEntry, async (req) => {
    // Both reads at once; the headline leaves only with a listed entry, and only suppressed.
    const [entry, outcomes, catalog] = await Promise.all([getDirectoryEntry(req.params.pathwayId), latestHeadline(req.params.pathwayId), wholeCatalog()]);
    if (!entry) throw problems.notFound('certified pathway');
    // The network benefits its level unlocks (issue 19): titles and kinds only, no capacity or requests.
    const ids = new Set(unlockedBy(entry.level, catalog));
    const benefits = catalog.filter((b) => ids.has(b.id)).map((b) => ({ id: b.id, title: b.title, kind: b.kind }));
    return { body: { ...entry, outcomes, benefits }, headers: cache };
  }),
]);
