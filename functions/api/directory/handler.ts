/** The public directory. Answers may be cached briefly: certification changes a few times a day at most. */
import { httpHandler, implement } from '#lib/http.ts';
import { getDirectoryProfile, listCertifiedPathways } from '#use-cases/directory/read-directory.ts';
import * as r from './routes.ts';

const cache = { 'cache-control': 'public, max-age=60' };

export const handler = httpHandler([
  implement(r.listDirectory, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return { body: await listCertifiedPathways(filter, limit, cursor), headers: cache };
  }),
  implement(r.getDirectoryEntry, async (req) => {
    return { body: await getDirectoryProfile(req.params.pathwayId), headers: cache };
  }),
]);
