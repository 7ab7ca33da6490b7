/**
 * OpenAPI 3.1 from the route specs: every parameter, body and response schema is the
 * zod schema the handlers validate with, converted by zod's own JSON Schema generator.
 * Schemas registered with `named()` (schemas.ts) become `components/schemas` entries.
 *
 * The test support checks every answer of the integration and e2e runs against this
 * document (test/support/contract.ts), so a status or field it does not list fails a test.
 */
import * as z from 'zod/mini';
import type { ProblemStatus, RouteSpec } from './route.ts';
import { apiSchemas, documentedAs } from './schemas.ts';

type Json = Record<string, unknown>;

/** The API contract's version (semver; see README "Versioning" and CHANGELOG.md), not the package's. */
export const API_VERSION = '1.1.0';

const noNames = z.registry<{ id?: string }>();

/** Replaces the generated JSON Schema of schemas registered with `documentAs`. */
function override(ctx: { zodSchema: unknown; jsonSchema: Json }): void {
  const replacement = documentedAs.get(ctx.zodSchema as object);
  if (!replacement) return;
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  Object.assign(ctx.jsonSchema, replacement);
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')
        ? `#/components/schemas/${value.slice('#/$defs/'.length)}`
        : rewriteRefs(value);
  }
  return out;
}

/** zod's JSON Schema of `schema`, without `$schema`; `metadata` decides which schemas are named. */
function toJson(schema: z.ZodMiniType, io: 'input' | 'output', metadata: typeof apiSchemas | typeof noNames): Json {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    metadata,
    override,
  }) as Json;
  delete out.$schema;
  return out;
}

/**
 * Collects the named schemas of responses; the same name must always mean the same
 * schema. Request bodies and parameters stay inline: what a client sends is specific to
 * each operation (and the fuzzer reads them as they are).
 */
class Components {
  readonly schemas: Record<string, Json> = {};

  response(schema: z.ZodMiniType): Json {
    const out = toJson(schema, 'output', apiSchemas);
    const defs = (out.$defs ?? {}) as Record<string, Json>;
    delete out.$defs;
    for (const [id, def] of Object.entries(defs)) {
      const body = rewriteRefs(def) as Json;
      const existing = this.schemas[id];
      if (existing && JSON.stringify(existing) !== JSON.stringify(body)) throw new Error(`openapi: two different schemas are named ${id}`);
      this.schemas[id] = body;
    }
    return rewriteRefs(out) as Json;
  }
}

/** Request bodies and parameters: what a client sends, with no named components. */
function inlineSchema(schema: z.ZodMiniType): Json {
  return toJson(schema, 'input', noNames);
}

function parameters(schema: z.ZodMiniType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const js = inlineSchema(schema);
  const props = (js.properties ?? {}) as Record<string, Json>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' ? true : required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const problemRef = { $ref: '#/components/schemas/Problem' };

/** What each problem status means, for every route that can answer it. */
const PROBLEM_MEANING: Record<ProblemStatus | 401 | 415 | 428, string> = {
  400: 'Invalid input: `errors` names each failing field (`in`, `field`, `code`)',
  401: 'Missing or invalid bearer token',
  403: 'Your role or membership does not allow this action',
  404: 'Not found, or not visible to you',
  409: 'Conflict with the current state of the resource',
  410: 'Gone',
  412: 'Stale version: the resource changed since you read it (`currentVersion`, and the `ETag` header)',
  413: 'Body too large',
  415: 'Body is not application/json',
  422: 'Well-formed, but the rules of the domain refuse it',
  428: 'If-Match required (or `version` in the body)',
  429: 'Too many requests',
  503: 'A dependency is busy; retry after `Retry-After` seconds',
};

/** `code` values any 400 may carry (zod's issue codes and the HTTP layer's own). */
const VALIDATION_CODES = [
  'invalid_type',
  'invalid_format',
  'invalid_value',
  'too_small',
  'too_big',
  'unrecognized_keys',
  'custom',
  'required',
  'malformed_json',
  'unknown_field',
  'unexpected_body',
  'ill_formed_unicode',
];

function problemResponse(description: string, codes?: readonly string[]): Json {
  return {
    description: codes?.length ? `${description}. Codes: ${codes.map((c) => `\`${c}\``).join(', ')}.` : description,
    content: { 'application/problem+json': { schema: problemRef } },
  };
}

function errorResponses(spec: RouteSpec): Record<string, Json> {
  const out: Record<string, Json> = { '400': problemResponse(PROBLEM_MEANING[400], VALIDATION_CODES) };
  if (spec.auth === 'jwt') {
    out['401'] = problemResponse(PROBLEM_MEANING[401]);
    out['403'] = problemResponse(PROBLEM_MEANING[403]);
  }
  if (spec.auth === 'jwt' || spec.params) out['404'] = problemResponse(PROBLEM_MEANING[404]);
  if (spec.body) {
    out['413'] = problemResponse(PROBLEM_MEANING[413], ['too_large']);
    out['415'] = problemResponse(PROBLEM_MEANING[415], ['content_type']);
  }
  if (spec.ifMatch) {
    out['412'] = problemResponse(PROBLEM_MEANING[412]);
    out['428'] = problemResponse(PROBLEM_MEANING[428]);
  }
  // An Idempotency-Key reused with a different body is a 422 on every route that reads one.
  const reuse = { when: 'the Idempotency-Key was already used for a different request', codes: ['idempotency_key_reused'] };
  const entries: [string, NonNullable<RouteSpec['errors']>[ProblemStatus]][] = Object.entries(spec.errors ?? {});
  if (spec.idempotent && !entries.some(([status]) => status === '422')) entries.push(['422', reuse]);
  for (const [status, entry] of entries) {
    if (!entry) continue;
    const { when, codes } = typeof entry === 'string' ? { when: entry, codes: undefined } : entry;
    const extra = Number(status) === 400 ? VALIDATION_CODES : Number(status) === 422 && spec.idempotent ? reuse.codes : [];
    const meaning = `${PROBLEM_MEANING[Number(status) as ProblemStatus] ?? 'Problem'}: ${when}`;
    out[status] = problemResponse(
      Number(status) === 422 && spec.idempotent && when !== reuse.when ? `${meaning}; or ${reuse.when}` : meaning,
      [...(codes ?? []), ...extra.filter((c) => !(codes ?? []).includes(c))],
    );
  }
  // Every route reads or writes the table, whose throttling is answered as 503 with Retry-After.
  if (spec.fn !== 'system') out['503'] = problemResponse(PROBLEM_MEANING[503]);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => Number(a) - Number(b)));
}

function headerParameters(spec: RouteSpec): Json[] {
  const out: Json[] = [];
  if (spec.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Retrying with the same key and body answers the first result instead of creating twice.',
      schema: { type: 'string', minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' },
    });
  }
  if (spec.ifMatch) {
    out.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The version you edited, as its ETag (e.g. `"3"`); or send `version` in the body.',
      schema: { type: 'string' },
    });
  }
  if (spec.ifNoneMatch) {
    out.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: '`*`: create only; answers 412 when it already exists.',
      schema: { type: 'string', const: '*' },
    });
  }
  return out;
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  System: 'Health, this document and its browsable reference.',
  Frameworks: 'The certification framework: criteria and rubrics by level, versioned and published by staff.',
  Applications: 'Applications for a certification level and their responses to each criterion.',
  Registry: 'Districts, schools and pathways.',
  People: 'Who you are, invitations and memberships.',
  Directory: 'The public directory of certified pathways.',
  Audit: 'Who changed what, per pathway, district or framework.',
  Evidence: "A pathway's evidence files and their versions.",
  Resources: 'Shared resources uploaded by staff.',
  Outcomes: 'Student outcome reports, uploads and partners.',
  Network: 'Network-wide progress, trends and exports (staff).',
  Reviews: "Reviewers' assignments, scoring and profiles.",
  'Review office': 'Staff: reviewer roster, review rounds, assignment, adjudication and decisions.',
  Threads: 'Messages, review sessions, decisions and certifications of an application.',
  Notifications: 'In-app notifications and preferences.',
};

export interface OpenApiInfo {
  version?: string;
  serverUrl?: string;
}

export function openApiDocument(routes: readonly RouteSpec[], info: OpenApiInfo = {}): Json {
  const components = new Components();
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  // Route schemas are built on first use (lib/route.ts), and building one may name a schema
  // another route uses too (`named`): build them all before rendering any, so a named
  // schema is a $ref wherever it appears, whatever the order of the routes.
  for (const spec of routes) void [spec.params, spec.query, spec.body, spec.response];
  for (const spec of routes) {
    for (const tag of spec.tags) tags.add(tag);
    // A route with both answers JSON by default and `produces` when asked (e.g. ?format=csv).
    const content: Json = {
      ...(spec.response ? { 'application/json': { schema: components.response(spec.response) } } : {}),
      ...(spec.produces ? { [spec.produces]: { schema: { type: 'string' } } } : {}),
    };
    const success: Json = Object.keys(content).length ? { content } : {};
    const successStatus = spec.successStatus ?? 200;
    const successes: Record<string, Json> = {
      [String(successStatus)]: {
        description:
          successStatus === 201 ? 'Created' : successStatus === 202 ? 'Accepted' : successStatus === 204 ? 'Done; no body' : 'Success',
        ...success,
      },
    };
    for (const [status, when] of Object.entries(spec.otherSuccess ?? {})) successes[status] = { description: when, ...success };
    const op: Json = {
      operationId: spec.id,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      security: spec.auth === 'jwt' ? [{ bearer: [] }] : [],
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query'), ...headerParameters(spec)],
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: inlineSchema(spec.body) } } } } : {}),
      responses: { ...successes, ...errorResponses(spec) },
    };
    paths[spec.path] = { ...(paths[spec.path] ?? {}), [spec.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'pathcert API',
      version: info.version ?? API_VERSION,
      description:
        'Certification of Linked Learning career pathways: candidacy, Silver, Gold and recertification.\n\n' +
        'Versioning: `info.version` follows semantic versioning. Within a major version, changes are additive only ' +
        '(new operations, new optional request fields, new response fields, new problem `code` values); clients must ignore ' +
        'response fields they do not know. Removing or renaming anything, or tightening a request, is a new major version. ' +
        'See CHANGELOG.md.\n\nLocally (`npm start`) the same API answers on http://localhost:4000.\n\nErrors are RFC 9457 `application/problem+json` (`Problem`).',
      license: { name: 'Proprietary', identifier: 'LicenseRef-pathcert-proprietary' },
    },
    servers: [
      ...(info.serverUrl ? [{ url: info.serverUrl, description: 'This deployment' }] : []),
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'A deployed stage (the HTTP API default endpoint)',
        variables: { apiId: { default: 'abc123defg', description: 'The HTTP API id' }, region: { default: 'us-east-1' } },
      },
    ],
    tags: [...tags].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        ...components.schemas,
        Problem: PROBLEM_SCHEMA,
      },
    },
  };
}

const PROBLEM_SCHEMA: Json = {
  type: 'object',
  description:
    'RFC 9457 problem details. `type` is a stable URN clients may switch on; extension members (e.g. `currentVersion` on 412) depend on the problem.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
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
  examples: [
    {
      type: 'urn:pathcert:problem:validation',
      title: 'Invalid request',
      status: 400,
      detail: 'The request has invalid fields; see errors.',
      instance: '/pathways',
      requestId: 'V+hMVA45t2Xzyg==',
      errors: [{ in: 'body', field: 'name', message: 'must be at least 2 characters', code: 'too_small' }],
    },
  ],
};
