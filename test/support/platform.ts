/**
 * The local platform for one integration test file: its own table and bucket (unique
 * names) in the run's shared DynamoDB Local, its own S3, HTTP API and issuer on random
 * ports, and helpers to mint tokens and call the API.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Role } from '#lib/principal.ts';
import type { IssueTokenInput } from '../../infra/local/dev-issuer.ts';
import { startPlatform, type Platform, type PlatformOptions } from '../../infra/local/platform.ts';
import { contractChecker } from './contract.ts';

export interface ApiCallOptions {
  token?: string;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResult<T> {
  status: number;
  headers: Headers;
  /** The parsed body when the response is JSON or problem+json; undefined otherwise. */
  json: T;
  text: string;
}

export interface TestPlatform {
  platform: Platform;
  /** A dev token; the email defaults to `<role>@example.org`, so the same role gives the same sub. */
  token(role: Role | Role[], overrides?: Partial<IssueTokenInput>): Promise<string>;
  api<T = unknown>(method: string, path: string, options?: ApiCallOptions): Promise<ApiResult<T>>;
  stop(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Request lines and start-up chatter stay quiet; failures of functions and servers are printed. */
function logFailures(line: string): void {
  if (/threw|failed|malformed|error/i.test(line)) console.error(line);
}

export async function startTestPlatform(options: Partial<PlatformOptions> = {}): Promise<TestPlatform> {
  // The functions' structured logs: warnings and errors only, unless the run asks for more.
  process.env.LOG_LEVEL ??= 'WARN';
  const contract = contractChecker();
  const platform = await startPlatform({
    log: logFailures,
    persist: false,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: uniqueName('pathcert-test'),
    bucketName: uniqueName('evidence-test'),
    // The Step Functions server is opt-in per test file until every suite needs it.
    withStepFunctions: false,
    ...options,
    // Every answer, however the test sent the request, is checked against /openapi.json.
    onApiResponse: (exchange) => {
      contract.check(exchange);
      options.onApiResponse?.(exchange);
    },
  });

  return {
    platform,
    token(role, overrides = {}) {
      const groups = Array.isArray(role) ? role : [role];
      return platform.issuer.issueToken({ email: `${groups.join('-')}@example.org`, groups, ...overrides });
    },
    async api<T>(method: string, path: string, call: ApiCallOptions = {}): Promise<ApiResult<T>> {
      const headers: Record<string, string> = { ...call.headers };
      if (call.token) headers.authorization = `Bearer ${call.token}`;
      let body: string | Buffer | undefined;
      if (typeof call.body === 'string' || Buffer.isBuffer(call.body)) body = call.body;
      else if (call.body !== undefined) {
        body = JSON.stringify(call.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${platform.apiUrl}${path}`, { method, headers, body });
      const text = await response.text();
      const broken = contract.violationsOf(response.headers.get('apigw-requestid'));
      // PATHCERT_CONTRACT=collect: only the file's afterAll fails, so one run lists every broken answer.
      if (broken.length && process.env.PATHCERT_CONTRACT !== 'collect')
        throw new Error(
          `${method} ${path}: the answer breaks the OpenAPI contract:\n${broken.map((v) => `  [${v.kind}] ${v.message}`).join('\n')}`,
        );
      const isJson = /^application\/(?:[\w.+-]+\+)?json/i.test(response.headers.get('content-type') ?? '');
      return { status: response.status, headers: response.headers, json: (isJson && text ? JSON.parse(text) : undefined) as T, text };
    },
    stop: () => platform.stop(),
  };
}
