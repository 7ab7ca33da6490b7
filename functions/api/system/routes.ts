import * as z from 'zod/mini';
import { route } from '#lib/route.ts';
import { named } from '#lib/schemas.ts';

export const health = route({
  id: 'getHealth',
  method: 'GET',
  path: '/health',
  fn: 'system',
  auth: 'public',
  summary: 'Liveness check',
  tags: ['System'],
  schemas: () => ({
    response: named(z.object({ status: z.literal('ok'), stage: z.string(), time: z.string() }), 'Health', {
      status: 'ok',
      stage: 'dev',
      time: '2026-12-06T04:00:00.000Z',
    }),
  }),
});

export const openapi = route({
  id: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  fn: 'system',
  auth: 'public',
  summary: 'This API as an OpenAPI 3.1 document, generated from the route schemas',
  tags: ['System'],
  schemas: () => ({
    response: z.looseObject({
      openapi: z.literal('3.1.0'),
      info: z.looseObject({ title: z.string(), version: z.string() }),
      paths: z.record(z.string(), z.unknown()),
      components: z.record(z.string(), z.unknown()),
    }),
  }),
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
