import { config } from '#lib/config.ts';
import { httpHandler, implement } from '#lib/http.ts';
import { openApiDocument } from '#lib/openapi.ts';
import { nowIso } from '#lib/clock.ts';
import { apiRoutes } from '../routes.ts';
import { docsAsset } from './docs-asset-routes.ts';
import { rendererScript } from './docs-assets.ts';
import { docsPage } from './docs-page.ts';
import { docs, health, openapi } from './routes.ts';

let document: unknown;

export const handler = httpHandler([
  implement(health, () => ({ body: { status: 'ok' as const, stage: config.stage, time: nowIso() } })),
  implement(openapi, () => {
    document ??= openApiDocument(apiRoutes);
    return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
  }),
  implement(docs, () => ({ body: docsPage })),
  // A day: the file changes only with a deployment that updates the package.
  implement(docsAsset, () => ({ body: rendererScript(), headers: { 'cache-control': 'public, max-age=86400' } })),
]);
