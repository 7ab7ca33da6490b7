/**
 * The OpenAPI document the API serves: Redocly's recommended rules pass with no error and
 * no warning (the CLI runs offline on the generated file), every example validates against
 * its schema, and no operation is left with an unknown answer. Whether real answers match
 * it is checked on every integration and e2e answer (test/support/contract.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '#api/routes.ts';
import { API_VERSION, openApiDocument } from '#lib/openapi.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;
type Json = Record<string, any>;
const doc = openApiDocument(apiRoutes) as Json; // eslint-disable-line @typescript-eslint/no-unnecessary-type-assertion -- any: the test walks the document freely
const repoRoot = path.resolve(import.meta.dirname, '../../..');

const operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([p, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${p}`, op })),
);

describe('the OpenAPI document', () => {
  it('passes Redocly lint (recommended rules) with 0 errors and 0 warnings, offline', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pathcert-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const { stdout } = await promisify(execFile)(path.join(repoRoot, 'node_modules/.bin/redocly'), ['lint', file, '--format=json'], {
        cwd: repoRoot,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 60_000,
      }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: unknown[] };
      expect(report.problems, JSON.stringify(report.problems, null, 1).slice(0, 4000)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has a version, servers and named schemas with examples for the main resources', () => {
    expect(doc.info.version).toBe(API_VERSION);
    expect(doc.servers.length).toBeGreaterThan(0);
    const schemas = doc.components.schemas as Record<string, Json>;
    for (const name of [
      'District',
      'School',
      'Pathway',
      'Application',
      'CriterionResponse',
      'Evidence',
      'Review',
      'ReviewRound',
      'Decision',
      'Certification',
      'Notification',
      'OutcomeReport',
      'Problem',
    ]) {
      expect(schemas[name], name).toBeDefined();
    }
    for (const name of [
      'District',
      'School',
      'Pathway',
      'Application',
      'CriterionResponse',
      'Evidence',
      'Review',
      'Decision',
      'Certification',
      'Notification',
      'OutcomeReport',
      'Problem',
    ]) {
      expect(schemas[name]!.examples?.length, `${name} has an example`).toBeGreaterThan(0);
    }
  });

  it('every example validates against its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: 'https://pathcert.local/openapi.json' });
    for (const [name, schema] of Object.entries(doc.components.schemas as Record<string, Json>)) {
      for (const example of (schema.examples ?? []) as unknown[]) {
        const validate = ajv.compile({ $ref: `https://pathcert.local/openapi.json#/components/schemas/${name}` });
        expect(validate(example), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it('every operation documents a success and its problems, and each JSON answer has a real schema', () => {
    for (const { key, op } of operations) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith('2')),
        key,
      ).toBe(true);
      expect(statuses, key).toContain('400');
      if ((op.security as unknown[]).length) expect(statuses, key).toEqual(expect.arrayContaining(['401', '403', '404']));
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        const json = response.content?.['application/json']?.schema as Json | undefined;
        if (status.startsWith('4') || status.startsWith('5')) {
          expect(response.content?.['application/problem+json']?.schema, `${key} ${status}`).toEqual({
            $ref: '#/components/schemas/Problem',
          });
        } else if (json) {
          // `{}` or a bare record says nothing a client could use.
          const says = json.$ref || json.properties || json.items || json.anyOf || json.oneOf;
          expect(says, `${key} ${status} has a schema with properties`).toBeTruthy();
        }
      }
    }
  });

  it('declares the precondition and idempotency headers the API reads, and numeric query values as numbers', () => {
    const headerOf = (op: Json, name: string) => (op.parameters as Json[]).some((p) => p.in === 'header' && p.name === name);
    for (const spec of apiRoutes) {
      const op = doc.paths[spec.path][spec.method.toLowerCase()] as Json;
      if (spec.ifMatch) expect(headerOf(op, 'If-Match'), spec.id).toBe(true);
      if (spec.ifNoneMatch) expect(headerOf(op, 'If-None-Match'), spec.id).toBe(true);
      if (spec.idempotent) expect(headerOf(op, 'Idempotency-Key'), spec.id).toBe(true);
      const limit = (op.parameters as Json[]).find((p) => p.in === 'query' && p.name === 'limit');
      if (limit) expect(limit.schema, spec.id).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    }
  });
});
