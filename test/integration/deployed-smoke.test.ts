/**
 * The post-deploy smoke test (test/deployed/smoke-suite.ts), proven against the local
 * platform: its outputs are written in the shape `cdk deploy --outputs-file` writes
 * (`{ "<stack>": { "ApiUrl": …, "IssuerUrl": … } }`), a staff token goes in
 * PATHCERT_SMOKE_TOKEN, and target.ts resolves them exactly as `npm run test:deployed` does.
 * Every answer is also checked against the OpenAPI document (contract-setup).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ISSUER } from '../../infra/local/dev-issuer.ts';
import { defineSmokeSuite } from '../deployed/smoke-suite.ts';
import { outputsFromDescribeStacks, outputsFromFile, resolveTarget, stackNameOf } from '../deployed/target.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let env: Record<string, string>;

beforeAll(async () => {
  t = await startTestPlatform();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pathcert-smoke-'));
  const file = path.join(dir, 'outputs.json');
  writeFileSync(
    file,
    JSON.stringify({
      'pathcert-local': {
        ApiUrl: `${t.platform.apiUrl}/`,
        IssuerUrl: DEV_ISSUER,
        TableName: t.platform.tableName,
        EvidenceBucketName: t.platform.bucketName,
        UserPoolId: 'local',
        UserPoolClientId: 'local',
      },
    }),
  );
  env = {
    PATHCERT_STACK: 'pathcert-local',
    PATHCERT_OUTPUTS: file,
    PATHCERT_SMOKE_TOKEN: await t.platform.issuer.issueToken({ email: 'smoke-test@pathcert.example', groups: ['staff'], name: 'Smoke Test', expiresIn: '1h' }),
  };
});
afterAll(() => t?.stop());

defineSmokeSuite(() => resolveTarget(env));

describe('finding a deployed stack', () => {
  it('reads the outputs file cdk writes, or describe-stacks, and names the stack by stage', () => {
    expect(stackNameOf({})).toBe('pathcert-dev');
    expect(stackNameOf({ PATHCERT_STAGE: 'prod' })).toBe('pathcert-prod');
    expect(outputsFromFile({ 'pathcert-prod': { ApiUrl: 'https://x' } }, 'pathcert-prod')).toEqual({ ApiUrl: 'https://x' });
    expect(() => outputsFromFile({ 'pathcert-dev': {} }, 'pathcert-prod')).toThrow(/no stack pathcert-prod .*pathcert-dev/);
    expect(outputsFromDescribeStacks({ Stacks: [{ Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'https://x' }] }] })).toEqual({ ApiUrl: 'https://x' });
  });

  it('says what is missing: a token, or the smoke-test client to sign in with', () => {
    expect(() => resolveTarget({ ...env, PATHCERT_SMOKE_TOKEN: undefined as never })).toThrow(/PATHCERT_SMOKE_TOKEN/);
    expect(() => resolveTarget({ ...env, PATHCERT_SMOKE_TOKEN: undefined as never, PATHCERT_SMOKE_USER: 'u', PATHCERT_SMOKE_PASSWORD: 'p' })).toThrow(/smokeTestClient=true/);
    expect(() => resolveTarget({ ...env, PATHCERT_OUTPUTS: '/nonexistent/outputs.json' })).toThrow(/does not exist/);
  });
});
