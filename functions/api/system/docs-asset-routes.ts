import * as z from 'zod/mini';
import { route } from '#lib/route.ts';

/** The files /docs loads from the API itself, so the reference needs no CDN. */
export const DOCS_ASSET_FILES = ['api-reference.js'] as const;

export const docsAsset = route({
  id: 'getDocsAsset',
  method: 'GET',
  path: '/docs/assets/{file}',
  fn: 'system',
  auth: 'public',
  summary: "A file of the API reference page (its renderer, Scalar's standalone bundle)",
  tags: ['System'],
  schemas: () => ({
    params: z.strictObject({ file: z.enum(DOCS_ASSET_FILES) }),
  }),
  produces: 'text/javascript',
});
