import * as z from 'zod/mini';
import { route } from '../../lib/route.ts';

export const health = route({
  id: 'getHealth',
  method: 'GET',
  path: '/health',
  fn: 'system',
  auth: 'public',
  summary: 'Liveness check',
  tags: ['System'],
  response: z.object({ status: z.literal('ok'), stage: z.string(), time: z.string() }),
});

export const openapi = route({
  id: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  fn: 'system',
  auth: 'public',
  summary: 'This API as an OpenAPI 3.1 document, generated from the route schemas',
  tags: ['System'],
});

export const docs = route({
  id: 'getDocs',
  method: 'GET',
  path: '/docs',
  fn: 'system',
  auth: 'public',
  summary: 'Browsable API reference',
  tags: ['System'],
  produces: 'text/html',
});

export const systemRoutes = [health, openapi, docs];
