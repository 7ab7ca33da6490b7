/**
 * The post-deploy smoke test, proven against the local platform: its outputs are written in
 * the shape `cdk deploy --outputs-file` writes (`{ "<stack>": { "ApiUrl": …, "IssuerUrl": …,
 * "UserPoolId": …, "SmokeTestClientId": … } }`) and target.ts resolves them exactly as
 * `npm run test:deployed` does.
 *
 * - The read-only suite (test/deployed/smoke-suite.ts) with a staff token in PATHCERT_SMOKE_TOKEN.
 * - The journey mode (test/deployed/journey-suite.ts), as `PATHCERT_SMOKE_JOURNEY=1` runs it:
 *   its users are created and signed in through the local Cognito server with the same SDK
 *   calls (AdminCreateUser, AdminSetUserPassword, AdminInitiateAuth) the smoke-test client
 *   takes in AWS, and the review workflow runs on the local Step Functions. The stage's
 *   published framework is stood in for by a small one published here first. The suite runs
 *   twice, as reruns against a stack do: the second run reuses the district, school, users and
 *   reviewer profiles.
 *
 * Every answer is also checked against the OpenAPI document (contract-setup).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ISSUER } from '../../infra/local/dev-issuer.ts';
import { AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { defineJourneySuite } from '../deployed/journey-suite.ts';
import { groupsOf, randomPassword, SmokeUsers } from '../deployed/smoke-users.ts';
import { defineSmokeSuite } from '../deployed/smoke-suite.ts';
import {
  outputsFromDescribeStacks,
  outputsFromFile,
  resolveJourneyTarget,
  resolveTarget,
  stackNameOf,
  stageOf,
} from '../deployed/target.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let env: Record<string, string>;
let outputs: Record<string, string>;

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true, stepFunctionsWaitTimeScale: 0 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pathcert-smoke-'));
  const file = path.join(dir, 'outputs.json');
  outputs = {
    ApiUrl: `${t.platform.apiUrl}/`,
    IssuerUrl: DEV_ISSUER,
    TableName: t.platform.tableName,
    EvidenceBucketName: t.platform.bucketName,
    UserPoolId: t.platform.cognito.userPoolId,
    UserPoolClientId: t.platform.cognito.clientId,
    // The local pool has one client, which also takes ADMIN_USER_PASSWORD_AUTH.
    SmokeTestClientId: t.platform.cognito.clientId,
  };
  writeFileSync(file, JSON.stringify({ 'pathcert-local': outputs }));
  env = {
    PATHCERT_STACK: 'pathcert-local',
    PATHCERT_OUTPUTS: file,
    PATHCERT_SMOKE_TOKEN: await t.platform.issuer.issueToken({
      email: 'smoke-test@pathcert.example',
      groups: ['staff'],
      name: 'Smoke Test',
      expiresIn: '1h',
    }),
  };
});
afterAll(() => t?.stop());

defineSmokeSuite(() => resolveTarget(env));

/** The stage's published framework, stood in for: two criteria at candidacy, one with required evidence. */
async function publishFramework(): Promise<void> {
  const staff = await t.token('staff');
  const rubric = ['beginning', 'developing', 'meeting', 'excelling'].map((level) => ({ level, descriptor: `The ${level} descriptor.` }));
  const created = await t.api<{ id: string; revision: number }>('POST', '/frameworks', {
    token: staff,
    body: {
      version: `2098.${Date.now() % 100000}`,
      title: 'Smoke standards',
      components: [
        {
          id: 'RA',
          title: 'Rigorous academics',
          description: 'Academics.',
          standards: [
            {
              id: 'RA-1',
              title: 'Sequence',
              criteria: [
                {
                  id: 'RA-1.1',
                  text: 'A course sequence.',
                  levels: ['candidacy', 'silver'],
                  evidence: [
                    { kind: 'syllabus', description: 'Syllabi', required: true },
                    { kind: 'master_schedule', description: 'The schedule', required: true },
                  ],
                  rubric,
                },
                { id: 'RA-1.2', text: 'Gold only.', levels: ['gold'], evidence: [], rubric },
              ],
            },
          ],
        },
        {
          id: 'WBL',
          title: 'Work-based learning',
          description: 'WBL.',
          standards: [
            {
              id: 'WBL-1',
              title: 'Continuum',
              criteria: [{ id: 'WBL-1.1', text: 'Career awareness.', levels: ['candidacy'], evidence: [], rubric }],
            },
          ],
        },
      ],
    },
  });
  expect(created.status, created.text).toBe(201);
  const published = await t.api('POST', `/frameworks/${created.json.id}/publish`, {
    token: staff,
    headers: { 'if-match': `"${created.json.revision}"` },
  });
  expect(published.status, published.text).toBe(200);
}

describe('journey mode against the local platform', () => {
  let journeyEnv: Record<string, string>;
  const realReviewers: string[] = [];
  beforeAll(async () => {
    await publishFramework();
    // The stage's own reviewers, in the smoke pathway's sector and free: the workflow may seat
    // them on the smoke application, and the suite must give those seats to its own reviewers.
    const staff = await t.token('staff');
    for (const name of ['Real Reviewer A', 'Real Reviewer B']) {
      const email = `${name.toLowerCase().replaceAll(' ', '.')}@reviewers.example.org`;
      const me = await t.api<{ sub: string }>('GET', '/me', {
        token: await t.platform.issuer.issueToken({ email, name, groups: ['reviewer'] }),
      });
      const put = await t.api('PUT', `/reviewers/${me.json.sub}`, {
        token: staff,
        headers: { 'if-none-match': '*' },
        body: {
          name,
          email,
          sectors: ['information_communication_technologies'],
          conflicts: { districtIds: [], pathwayIds: [] },
          available: true,
          unavailable: [],
          maxOpenAssignments: 5,
          leadEligible: true,
          active: true,
        },
      });
      expect(put.status, put.text).toBe(201);
      realReviewers.push(me.json.sub);
    }
    journeyEnv = { ...env, PATHCERT_SMOKE_JOURNEY: '1' };
    delete journeyEnv.PATHCERT_SMOKE_TOKEN;
  });

  // A first run creates the district, school, users and reviewer profiles; a rerun reuses them.
  describe('first run', () => defineJourneySuite(() => resolveJourneyTarget(journeyEnv)));
  describe('rerun', () => defineJourneySuite(() => resolveJourneyTarget(journeyEnv)));

  it('reran on the same smoke district and users, with a new pathway and a certification each', async () => {
    const staff = await t.token('staff');
    const districts = await t.api<{ items: { id: string; name: string }[] }>('GET', '/districts?limit=100', { token: staff });
    const smoke = districts.json.items.filter((d) => d.name.startsWith('Smoke Test District'));
    expect(smoke).toHaveLength(1);
    const pathways = await t.api<{ items: { id: string; name: string; status: string; certificationLevel: string | null }[] }>(
      'GET',
      `/districts/${smoke[0]!.id}/pathways?limit=100`,
      { token: staff },
    );
    expect(pathways.json.items).toHaveLength(2);
    for (const p of pathways.json.items) expect(p).toMatchObject({ status: 'inactive', certificationLevel: 'candidacy' });
    // Reviewed by the smoke reviewers only, whatever the workflow seated first.
    for (const p of pathways.json.items) {
      const apps = await t.api<{ items: { id: string }[] }>('GET', `/pathways/${p.id}/applications`, { token: staff });
      expect(apps.json.items).toHaveLength(1);
      const round = await t.api<{ seats: { review: { reviewerSub: string; status: string } | null }[] }>(
        'GET',
        `/applications/${apps.json.items[0]!.id}/review-round`,
        { token: staff },
      );
      const subs = round.json.seats.map((s) => s.review?.reviewerSub);
      expect(subs.filter((s) => s && realReviewers.includes(s))).toEqual([]);
    }
    // The smoke reviewers are left unavailable, so no real application seats them between runs.
    const reviewers = await t.api<{ items: { email?: string; available: boolean }[] }>('GET', '/reviewers?limit=100', { token: staff });
    const smokeReviewers = reviewers.json.items.filter((r) => r.email?.includes('pathcert-local-reviewer'));
    expect(smokeReviewers).toHaveLength(2);
    for (const r of smokeReviewers) expect(r.available).toBe(false);
    // The users went through the pre-sign-up trigger (AdminCreateUser) and hold the groups the API gave them.
    expect(t.platform.cognito.user('success+pathcert-local-lead@simulator.amazonses.com')?.groups).toEqual(['pathway']);
    expect(t.platform.cognito.user('success+pathcert-local-reviewer1@simulator.amazonses.com')?.groups).toEqual(['reviewer']);
  });

  it('is opt-in, refused on prod unless forced, and says what is missing', () => {
    expect(stageOf({}, 'pathcert-prod')).toBe('prod');
    expect(stageOf({ PATHCERT_STAGE: 'staging' }, 'pathcert-prod')).toBe('staging');
    expect(() => resolveJourneyTarget({ ...journeyEnv, PATHCERT_STAGE: 'prod' })).toThrow(
      /refused on stage prod.*PATHCERT_SMOKE_FORCE_PROD=1/,
    );
    expect(resolveJourneyTarget({ ...journeyEnv, PATHCERT_STAGE: 'prod', PATHCERT_SMOKE_FORCE_PROD: '1' }).stage).toBe('prod');
    expect(() => resolveJourneyTarget({ ...journeyEnv, PATHCERT_SMOKE_REVIEWERS: '0' })).toThrow(/PATHCERT_SMOKE_REVIEWERS must be 1 to 5/);
    expect(() => resolveJourneyTarget({ ...journeyEnv, PATHCERT_SMOKE_EMAIL: 'smoke@example.org' })).toThrow(/\{role\}/);
    expect(resolveJourneyTarget({ ...journeyEnv, PATHCERT_SMOKE_EMAIL: 'ops+{role}@example.org' }).emailPattern).toBe(
      'ops+{role}@example.org',
    );
  });
});

describe('finding a deployed stack', () => {
  it('reads the outputs file cdk writes, or describe-stacks, and names the stack by stage', () => {
    expect(stackNameOf({})).toBe('pathcert-dev');
    expect(stackNameOf({ PATHCERT_STAGE: 'prod' })).toBe('pathcert-prod');
    expect(outputsFromFile({ 'pathcert-prod': { ApiUrl: 'https://x' } }, 'pathcert-prod')).toEqual({ ApiUrl: 'https://x' });
    expect(() => outputsFromFile({ 'pathcert-dev': {} }, 'pathcert-prod')).toThrow(/no stack pathcert-prod .*pathcert-dev/);
    expect(outputsFromDescribeStacks({ Stacks: [{ Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'https://x' }] }] })).toEqual({
      ApiUrl: 'https://x',
    });
  });

  it('says what is missing: a token, or the smoke-test client to sign in with', async () => {
    const { PATHCERT_SMOKE_TOKEN: _token, ...noToken } = env;
    await expect(resolveTarget(noToken)).rejects.toThrow(/PATHCERT_SMOKE_TOKEN/);
    const { SmokeTestClientId: _client, ...withoutClient } = outputs;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pathcert-smoke-')), 'outputs.json');
    writeFileSync(file, JSON.stringify({ 'pathcert-local': withoutClient }));
    await expect(
      resolveTarget({ ...noToken, PATHCERT_OUTPUTS: file, PATHCERT_SMOKE_USER: 'u@example.org', PATHCERT_SMOKE_PASSWORD: 'p' }),
    ).rejects.toThrow(/smokeTestClient=true/);
    await expect(resolveTarget({ ...env, PATHCERT_OUTPUTS: '/nonexistent/outputs.json' })).rejects.toThrow(/does not exist/);
  });

  it('signs a smoke-test user in through the smoke-test client (ADMIN_USER_PASSWORD_AUTH)', async () => {
    const { PATHCERT_SMOKE_TOKEN: _token, ...noToken } = env;
    const users = new SmokeUsers(outputs.UserPoolId!, outputs.SmokeTestClientId!);
    const user = await users.ensure('smoke-test@pathcert.example', 'Smoke Test (automated)');
    await users.addToGroup(user.email, 'staff');
    // The password a person would keep; ensure() set its own, so set a known one.
    const password = randomPassword();
    await new CognitoIdentityProviderClient({ region: 'us-east-1' }).send(
      new AdminSetUserPasswordCommand({ UserPoolId: outputs.UserPoolId!, Username: user.email, Password: password, Permanent: true }),
    );
    const target = await resolveTarget({ ...noToken, PATHCERT_SMOKE_USER: user.email, PATHCERT_SMOKE_PASSWORD: password });
    expect(groupsOf(target.token)).toEqual(['staff']);
    const me = await fetch(`${target.apiUrl}/me`, { headers: { authorization: `Bearer ${target.token}` } });
    expect(me.status).toBe(200);
    await expect(
      resolveTarget({ ...noToken, PATHCERT_SMOKE_USER: user.email, PATHCERT_SMOKE_PASSWORD: 'Wrong-passw0rd!' }),
    ).rejects.toThrow(/NotAuthorizedException/);
  });
});
