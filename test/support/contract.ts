/**
 * The contract check: every answer of the local HTTP API in a test run is judged against
 * the OpenAPI document the API serves (/openapi.json) — its status must be documented for
 * the operation, its content type must be one the document gives for that status, and
 * its body must validate against that schema (JSON Schema 2020-12). The local HTTP API
 * reports each answer (infra/local/http-api.ts `onResponse`), so calls through `api()`,
 * raw `fetch`, the fuzzer and a browser are all checked alike.
 *
 * Answers for no operation: a path or method the API does not have gets the gateway's
 * 404 / 405 problem (AWS answers these itself, they cannot be documented per operation);
 * they are checked as problem+json with that status against `Problem`, and counted apart.
 * CORS preflights (the gateway's own 204) and the local-only endpoints (/_local/clock,
 * /.well-known/jwks.json) are not part of the API and only counted.
 *
 * Each test file's checker writes its counts to the run's directory (global-setup.ts
 * sums and prints them) and `assertNoViolations()` fails the file when anything broke.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { apiRoutes } from '#api/routes.ts';
import { openApiDocument } from '#lib/openapi.ts';
import type { ApiExchange } from '../../infra/local/http-api.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

type Json = Record<string, any>;

export interface ContractCounts {
  /** Answers of documented operations checked against the document. */
  responses: number;
  /** Answers for no operation (gateway 404/405), checked against Problem. */
  gateway: number;
  /** CORS preflights and local-only endpoints: counted, not checked. */
  skipped: number;
  undocumentedStatus: number;
  contentTypeMismatch: number;
  schemaMismatch: number;
}

export interface ContractViolation {
  requestId: string;
  kind: 'undocumented status' | 'content type' | 'schema';
  message: string;
}

/** The media type without its parameters (`text/csv; charset=utf-8` → `text/csv`). */
const mediaType = (value: string) => value.split(';')[0]!.trim().toLowerCase();
const contentType = (x: ApiExchange) => mediaType(String(x.headers['content-type'] ?? ''));

const LOCAL_ONLY = new Set(['/_local/clock', '/.well-known/jwks.json']);
const DOC_ID = 'https://pathcert.local/openapi.json';

/** JSON Pointer escaping (RFC 6901). */
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export class ContractChecker {
  readonly counts: ContractCounts = {
    responses: 0,
    gateway: 0,
    skipped: 0,
    undocumentedStatus: 0,
    contentTypeMismatch: 0,
    schemaMismatch: 0,
  };
  readonly violations: ContractViolation[] = [];
  private readonly byRequest = new Map<string, ContractViolation[]>();
  /** The operations (route keys) this file's answers came from. */
  readonly seenOperations = new Set<string>();
  /** PATHCERT_CONTRACT_SAMPLES=1: one answer body per operation and status, kept with the counts. */
  private readonly samples: Record<string, unknown> = {};
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv: Ajv2020;

  constructor(readonly document: Json) {
    // strict: false — OpenAPI's own schema keywords (example, discriminator) are not JSON Schema.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: DOC_ID });
  }

  /** The served document, as the API would serve it. */
  static fromRoutes(): ContractChecker {
    return new ContractChecker(openApiDocument(apiRoutes));
  }

  /** Violations recorded for one answer (by its `apigw-requestid`). */
  violationsOf(requestId: string | null): ContractViolation[] {
    return (requestId && this.byRequest.get(requestId)) || [];
  }

  private validator(ref: string): ValidateFunction {
    let v = this.validators.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: `${DOC_ID}#${ref}` });
      this.validators.set(ref, v);
    }
    return v;
  }

  private fail(x: ApiExchange, kind: ContractViolation['kind'], where: string, message: string): void {
    const violation: ContractViolation = {
      requestId: x.requestId,
      kind,
      message: `${where}: ${message}\n    answer: ${x.statusCode} ${x.headers['content-type'] ?? '(no content type)'} ${x.body.toString('utf8').slice(0, 600)}`,
    };
    this.violations.push(violation);
    const list = this.byRequest.get(x.requestId) ?? [];
    list.push(violation);
    this.byRequest.set(x.requestId, list);
    if (kind === 'undocumented status') this.counts.undocumentedStatus++;
    else if (kind === 'content type') this.counts.contentTypeMismatch++;
    else this.counts.schemaMismatch++;
  }

  check(x: ApiExchange): void {
    const urlPath = x.url.split('?')[0]!;
    if (!x.routeKey) {
      const isPreflight = x.method === 'OPTIONS' && x.statusCode === 204;
      if (isPreflight || LOCAL_ONLY.has(urlPath)) {
        this.counts.skipped++;
        return;
      }
      this.counts.gateway++;
      const where = `${x.method} ${urlPath.slice(0, 200)} (no operation)`;
      // 413: the gateway refuses an oversized body before it looks for a route.
      if (x.statusCode !== 404 && x.statusCode !== 405 && x.statusCode !== 413) {
        this.fail(x, 'undocumented status', where, `the gateway answers 404, 405 or 413 for no operation, not ${x.statusCode}`);
        return;
      }
      this.checkBody(x, where, '/components/schemas/Problem', 'application/problem+json');
      return;
    }
    const space = x.routeKey.indexOf(' ');
    const method = x.routeKey.slice(0, space).toLowerCase();
    const template = x.routeKey.slice(space + 1);
    const where = `${x.routeKey} → ${x.statusCode}`;
    this.counts.responses++;
    this.seenOperations.add(x.routeKey);
    if (process.env.PATHCERT_CONTRACT_SAMPLES && /json/.test(contentType(x))) {
      this.samples[`${x.routeKey} ${x.statusCode}`] ??= JSON.parse(x.body.toString('utf8') || 'null');
    }
    const op = this.document.paths?.[template]?.[method] as Json | undefined;
    if (!op) {
      this.fail(x, 'undocumented status', where, 'the operation is not in the document');
      return;
    }
    const status = String(x.statusCode);
    const responses = (op.responses ?? {}) as Record<string, Json | undefined>;
    // The status itself, then its range (4XX), then default: the first the document gives.
    const responseKey = [status, `${status[0]}XX`, 'default'].find((key) => responses[key]);
    if (!responseKey) {
      this.fail(x, 'undocumented status', where, `status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`);
      return;
    }
    const response = responses[responseKey]!;
    const content = (response.content ?? {}) as Record<string, Json>;
    const types = Object.keys(content);
    if (types.length === 0) {
      if (x.body.length > 0) this.fail(x, 'content type', where, 'the document gives no body for this status, yet the answer has one');
      return;
    }
    const got = contentType(x);
    const type = types.find((t) => mediaType(t) === got);
    if (!type) {
      this.fail(x, 'content type', where, `content type ${got || '(none)'} is not documented (documented: ${types.join(', ')})`);
      return;
    }
    if (!content[type]!.schema) return;
    const ref = '/' + pointer('paths', template, method, 'responses', responseKey, 'content', type, 'schema');
    this.checkBody(x, where, ref, type);
  }

  private checkBody(x: ApiExchange, where: string, ref: string, type: string): void {
    const got = contentType(x);
    if (got !== mediaType(type)) {
      this.fail(x, 'content type', where, `content type ${got || '(none)'}, documented ${type}`);
      return;
    }
    if (!/json/.test(type)) return;
    let body: unknown;
    try {
      body = JSON.parse(x.body.toString('utf8'));
    } catch (error) {
      this.fail(x, 'schema', where, `the body is not JSON: ${(error as Error).message}`);
      return;
    }
    const validate = this.validator(ref);
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 8)
        .map(
          (e) =>
            `body${e.instancePath || ''} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''} (schema ${e.schemaPath})`,
        );
      this.fail(x, 'schema', where, `the body does not match the documented schema:\n      ${errors.join('\n      ')}`);
    }
  }

  /** Writes this file's counts where the run's global teardown sums them. */
  writeCounts(dir: string | undefined, name: string): void {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}-${process.pid}-${Date.now()}.json`),
      JSON.stringify({ counts: this.counts, operations: [...this.seenOperations], violations: this.violations, samples: this.samples }),
    );
  }

  /** A readable list of every violation, for a failing test. */
  report(): string {
    return `${this.violations.length} answer(s) break the OpenAPI contract:\n${this.violations.map((v, i) => `  ${i + 1}. [${v.kind}] ${v.message}`).join('\n')}`;
  }
}

const GLOBAL_KEY = Symbol.for('pathcert.contractChecker');

type WithChecker = { [GLOBAL_KEY]?: ContractChecker };

/** This process's checker (vitest runs each test file in its own process). */
export function contractChecker(): ContractChecker {
  const g = globalThis as WithChecker;
  return (g[GLOBAL_KEY] ??= ContractChecker.fromRoutes());
}

/** This process's checker if a platform made one; a file that never started one has none. */
export function existingContractChecker(): ContractChecker | undefined {
  return (globalThis as WithChecker)[GLOBAL_KEY];
}
