/**
 * OpenAPI 3.1 from the route specs: every parameter, body and response schema is the
 * zod schema the handlers validate with, converted by zod's own JSON Schema generator.
 */
import * as z from 'zod/mini';
import type { RouteSpec } from './route.ts';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  return out;
}

function parameters(schema: z.ZodMiniType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input');
  const props = (js.properties ?? {}) as Record<string, Json>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    schema: s,
  }));
}

const problemRef = { $ref: '#/components/schemas/Problem' };

function errorResponses(spec: RouteSpec): Json {
  const out: Json = {
    '400': { description: 'Invalid input', content: { 'application/problem+json': { schema: problemRef } } },
  };
  if (spec.auth === 'jwt') {
    out['401'] = { description: 'Missing or invalid token', content: { 'application/problem+json': { schema: problemRef } } };
    out['404'] = { description: 'Not found, or not visible to you', content: { 'application/problem+json': { schema: problemRef } } };
  }
  if (spec.body) {
    out['413'] = { description: 'Body too large', content: { 'application/problem+json': { schema: problemRef } } };
    out['415'] = { description: 'Body is not JSON', content: { 'application/problem+json': { schema: problemRef } } };
  }
  if (spec.ifMatch) {
    out['412'] = { description: 'Stale version', content: { 'application/problem+json': { schema: problemRef } } };
    out['428'] = { description: 'If-Match required', content: { 'application/problem+json': { schema: problemRef } } };
  }
  return out;
}

export function openApiDocument(routes: readonly RouteSpec[], info: { version: string; serverUrl?: string }): Json {
  const paths: Record<string, Json> = {};
  for (const spec of routes) {
    const op: Json = {
      operationId: spec.id,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      security: spec.auth === 'jwt' ? [{ bearer: [] }] : [],
      parameters: [
        ...parameters(spec.params, 'path'),
        ...parameters(spec.query, 'query'),
        ...(spec.idempotent
          ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 8, maxLength: 128 } }]
          : []),
        ...(spec.ifMatch ? [{ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } }] : []),
      ],
      ...(spec.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } }
        : {}),
      responses: {
        [String(spec.successStatus ?? 200)]: {
          description: 'Success',
          ...(spec.response
            ? { content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } } }
            : spec.produces
              ? { content: { [spec.produces]: { schema: { type: 'string' } } } }
              : {}),
        },
        ...errorResponses(spec),
      },
    };
    paths[spec.path] = { ...(paths[spec.path] ?? {}), [spec.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'pathcert API',
      version: info.version,
      description: 'Certification of Linked Learning career pathways: candidacy, Silver, Gold and recertification.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['in', 'field', 'message'],
                properties: {
                  in: { enum: ['body', 'path', 'query', 'header'] },
                  field: { type: 'string' },
                  message: { type: 'string' },
                  code: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  };
}
