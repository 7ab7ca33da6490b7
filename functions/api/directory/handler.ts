/** The public directory. Answers may be cached briefly: certification changes a few times a day at most. */
import { httpHandler, implement } from '../../lib/http.ts';
import { problems } from '../../lib/problem.ts';
import { getDirectoryEntry, listDirectory } from '../../store/registry.ts';
import * as r from './routes.ts';

const cache = { 'cache-control': 'public, max-age=60' };

export const handler = httpHandler([
  implement(r.listDirectory, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return { body: await listDirectory(filter, limit, cursor), headers: cache };
  }),
  implement(r.getDirectoryEntry, async (req) => {
    const entry = await getDirectoryEntry(req.params.pathwayId);
    if (!entry) throw problems.notFound('certified pathway');
    return { body: entry, headers: cache };
  }),
]);
