/**
 * The test support's contract check (test/support/contract.ts) against the real document:
 * it must catch an undocumented status, a wrong content type and a body that breaks the
 * schema, name the operation and the failing body path, and let documented answers and
 * the gateway's answers for no operation through.
 */
import { describe, expect, it } from 'vitest';
import type { ApiExchange } from '../../../infra/local/http-api.ts';
import { ContractChecker } from '../../support/contract.ts';

let n = 0;
function exchange(
  routeKey: string | undefined,
  statusCode: number,
  body: unknown,
  contentType = 'application/json',
  url?: string,
): ApiExchange {
  return {
    requestId: `req-${++n}`,
    method: routeKey?.split(' ')[0] ?? 'GET',
    url: url ?? routeKey?.split(' ')[1] ?? '/',
    routeKey,
    statusCode,
    headers: { 'content-type': contentType },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

const problem = (status: number) => ({ type: 'urn:pathcert:problem:x', title: 'X', status });
const health = { status: 'ok', stage: 'test', time: '2026-12-06T00:00:00.000Z' };

describe('the contract check', () => {
  it('lets documented answers through and counts them', () => {
    const c = ContractChecker.fromRoutes();
    c.check(exchange('GET /health', 200, health));
    c.check(exchange('GET /pathways/{pathwayId}', 404, problem(404), 'application/problem+json'));
    expect(c.violations).toEqual([]);
    expect(c.counts).toMatchObject({ responses: 2, undocumentedStatus: 0, schemaMismatch: 0 });
    expect([...c.seenOperations]).toEqual(['GET /health', 'GET /pathways/{pathwayId}']);
  });

  it('fails an undocumented status, naming the operation and the documented ones', () => {
    const c = ContractChecker.fromRoutes();
    const x = exchange('GET /health', 418, problem(418), 'application/problem+json');
    c.check(x);
    expect(c.counts.undocumentedStatus).toBe(1);
    expect(c.violationsOf(x.requestId)[0]!.message).toMatch(/^GET \/health → 418: status 418 is not documented \(documented: 200, 400\)/);
  });

  it('fails a body that breaks the schema, naming the body path', () => {
    const c = ContractChecker.fromRoutes();
    c.check(exchange('GET /health', 200, { ...health, extra: 1 }));
    c.check(exchange('GET /health', 200, { ...health, time: 5 }));
    expect(c.counts.schemaMismatch).toBe(2);
    expect(c.violations[0]!.message).toContain('must NOT have additional properties {"additionalProperty":"extra"}');
    expect(c.violations[1]!.message).toContain('body/time must be string');
  });

  it('fails a content type the document does not list, and a body where none is documented', () => {
    const c = ContractChecker.fromRoutes();
    c.check(exchange('GET /health', 200, 'ok', 'text/plain'));
    c.check(exchange('DELETE /pathways/{pathwayId}/evidence/{evidenceId}', 204, { unexpected: true }));
    expect(c.counts.contentTypeMismatch).toBe(2);
    expect(c.violations.map((v) => v.kind)).toEqual(['content type', 'content type']);
  });

  it('checks answers for no operation against the gateway problem, and skips preflights', () => {
    const c = ContractChecker.fromRoutes();
    c.check(exchange(undefined, 404, problem(404), 'application/problem+json', '/nope'));
    c.check({ ...exchange(undefined, 204, ''), method: 'OPTIONS', url: '/pathways' });
    expect(c.violations).toEqual([]);
    c.check(exchange(undefined, 200, {}, 'application/json', '/nope'));
    c.check(exchange(undefined, 404, { message: 'Not Found' }, 'application/problem+json', '/nope'));
    expect(c.counts).toMatchObject({ gateway: 3, skipped: 1, undocumentedStatus: 1, schemaMismatch: 1 });
  });
});
