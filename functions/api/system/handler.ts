import { config } from '../../lib/config.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import { openApiDocument } from '../../lib/openapi.ts';
import { nowIso } from '../../lib/clock.ts';
import { apiRoutes } from '../routes.ts';
import { docsPage } from './docs-page.ts';
import { docs, health, openapi } from './routes.ts';

let document: unknown;

export const handler = httpHandler([
  implement(health, async () => ({ body: { status: 'ok' as const, stage: config.stage, time: nowIso() } })),
  implement(openapi, async () => {
    document ??= openApiDocument(apiRoutes);
    return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
  }),
  implement(docs, async () => ({ body: docsPage })),
]);
