/**
 * Where `npm run test:deployed` points: a deployed stack's outputs and a token to call it
 * with. Outputs come from the file `npm run deploy` writes (`cdk deploy --outputs-file`:
 * `{ "<stack>": { "ApiUrl": …, … } }`), or, when there is none, from CloudFormation
 * (`aws cloudformation describe-stacks`). The token comes from PATHCERT_SMOKE_TOKEN (an ID
 * token of a staff user, however obtained), or is signed in for PATHCERT_SMOKE_USER /
 * PATHCERT_SMOKE_PASSWORD through the stack's smoke-test app client (deployed with
 * `-c smokeTestClient=true`) with ADMIN_USER_PASSWORD_AUTH (AWS SDK), which takes the
 * operator's AWS credentials. docs/deploy.md, *Smoke test*, says how to create that user.
 *
 * Environment: PATHCERT_STAGE (dev), PATHCERT_STACK (pathcert-<stage>), PATHCERT_OUTPUTS
 * (.deploy/<stack>.outputs.json), PATHCERT_SMOKE_TOKEN | PATHCERT_SMOKE_USER +
 * PATHCERT_SMOKE_PASSWORD, and the AWS CLI's own (AWS_PROFILE, AWS_REGION).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { AdminInitiateAuthCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

export interface SmokeTarget {
  stackName: string;
  apiUrl: string;
  /** The JWT issuer the API trusts (IssuerUrl output); the token's `iss` must be it. */
  issuerUrl: string;
  /** An ID token of a staff user. */
  token: string;
  /** Where the outputs came from, for failure messages. */
  source: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function stackNameOf(env: Env): string {
  return env.PATHCERT_STACK ?? `pathcert-${env.PATHCERT_STAGE ?? 'dev'}`;
}

/** The outputs of one stack in a `cdk deploy --outputs-file` file. */
export function outputsFromFile(json: unknown, stackName: string): Record<string, string> {
  const all = json as Record<string, Record<string, string>> | null;
  const outputs = all?.[stackName];
  if (!outputs) throw new Error(`no stack ${stackName} in the outputs file (it has ${Object.keys(all ?? {}).join(', ') || 'none'})`);
  return outputs;
}

/** The outputs of `aws cloudformation describe-stacks --stack-name <stack>`. */
export function outputsFromDescribeStacks(json: unknown): Record<string, string> {
  const stack = (json as { Stacks?: { Outputs?: { OutputKey: string; OutputValue: string }[] }[] }).Stacks?.[0];
  if (!stack) throw new Error('describe-stacks returned no stack');
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
}

function required(outputs: Record<string, string>, key: string, source: string): string {
  const value = outputs[key];
  if (!value) throw new Error(`output ${key} missing from ${source}`);
  return value;
}

function awsCli(args: string[]): string {
  try {
    const env = { ...process.env, AWS_PAGER: '', AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION ?? process.env.AWS_REGION };
    return execFileSync('aws', [...args, '--output', 'json'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`aws ${args.slice(0, 2).join(' ')} failed: ${stderr || (error as Error).message}`, { cause: error });
  }
}

/** The ID token of the smoke-test user, signed in through the smoke-test client (AWS SDK, the operator's credentials). */
async function signIn(outputs: Record<string, string>, user: string, password: string, source: string): Promise<string> {
  const clientId = outputs.SmokeTestClientId;
  if (!clientId) {
    throw new Error(
      `${source} has no SmokeTestClientId: deploy with -c smokeTestClient=true, or set PATHCERT_SMOKE_TOKEN (docs/deploy.md, Smoke test)`,
    );
  }
  const userPoolId = required(outputs, 'UserPoolId', source);
  const client = new CognitoIdentityProviderClient({ region: userPoolId.split('_')[0] || process.env.AWS_REGION });
  let answer;
  try {
    answer = await client.send(
      new AdminInitiateAuthCommand({
        UserPoolId: userPoolId,
        ClientId: clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: user, PASSWORD: password },
      }),
    );
  } catch (error) {
    throw new Error(`sign-in of ${user} through the smoke-test client failed: ${(error as Error).name}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    client.destroy();
  }
  const token = answer.AuthenticationResult?.IdToken;
  if (!token)
    throw new Error(
      `sign-in of ${user} answered ${answer.ChallengeName ?? 'no token'} (a new user must set a permanent password first: docs/deploy.md)`,
    );
  return token;
}

export interface StackOutputs {
  stackName: string;
  outputs: Record<string, string>;
  /** Where they came from, for failure messages. */
  source: string;
}

/** The stack's outputs: the outputs file when there is one, else CloudFormation. */
export function readOutputs(env: Env = process.env): StackOutputs {
  const stackName = stackNameOf(env);
  const file = env.PATHCERT_OUTPUTS ?? `.deploy/${stackName}.outputs.json`;
  if (existsSync(file)) return { stackName, outputs: outputsFromFile(JSON.parse(readFileSync(file, 'utf8')), stackName), source: file };
  if (env.PATHCERT_OUTPUTS) throw new Error(`PATHCERT_OUTPUTS=${file} does not exist`);
  const outputs = outputsFromDescribeStacks(JSON.parse(awsCli(['cloudformation', 'describe-stacks', '--stack-name', stackName])));
  return { stackName, outputs, source: `CloudFormation stack ${stackName}` };
}

export async function resolveTarget(env: Env = process.env): Promise<SmokeTarget> {
  const { stackName, outputs, source } = readOutputs(env);
  const token =
    env.PATHCERT_SMOKE_TOKEN ??
    (env.PATHCERT_SMOKE_USER && env.PATHCERT_SMOKE_PASSWORD
      ? await signIn(outputs, env.PATHCERT_SMOKE_USER, env.PATHCERT_SMOKE_PASSWORD, source)
      : undefined);
  if (!token)
    throw new Error('no token: set PATHCERT_SMOKE_TOKEN, or PATHCERT_SMOKE_USER and PATHCERT_SMOKE_PASSWORD (docs/deploy.md, Smoke test)');
  return {
    stackName,
    apiUrl: required(outputs, 'ApiUrl', source).replace(/\/$/, ''),
    issuerUrl: required(outputs, 'IssuerUrl', source),
    token,
    source,
  };
}

/** What the journey mode (journey-suite.ts) needs: the outputs, and who plays each role. */
export interface JourneyTarget {
  stackName: string;
  stage: string;
  apiUrl: string;
  issuerUrl: string;
  userPoolId: string;
  /** The smoke-test app client (ADMIN_USER_PASSWORD_AUTH). */
  clientId: string;
  /** The smoke users' addresses: `{role}` replaced by staff, lead, reviewer1, reviewer2, … */
  emailPattern: string;
  /** How many smoke reviewers take the review seats (PATHCERT_SMOKE_REVIEWERS, default 2). */
  reviewers: number;
  /** A framework id to apply under (PATHCERT_SMOKE_FRAMEWORK); default the newest published. */
  frameworkId?: string;
  source: string;
}

export const journeyEnabled = (env: Env = process.env): boolean =>
  env.PATHCERT_SMOKE_JOURNEY === '1' || env.PATHCERT_SMOKE_JOURNEY === 'true';

/** The stage a stack serves: PATHCERT_STAGE, or the `<stage>` of `pathcert-<stage>`. */
export function stageOf(env: Env, stackName: string): string {
  return env.PATHCERT_STAGE ?? /^pathcert-(.+)$/.exec(stackName)?.[1] ?? stackName;
}

/**
 * The journey mode's target. Refused on stage prod unless PATHCERT_SMOKE_FORCE_PROD=1: it
 * writes (a district, a pathway per run, users, reviewer profiles, a candidacy certification).
 */
export function resolveJourneyTarget(env: Env = process.env): JourneyTarget {
  const { stackName, outputs, source } = readOutputs(env);
  const stage = stageOf(env, stackName);
  if (stage === 'prod' && env.PATHCERT_SMOKE_FORCE_PROD !== '1') {
    throw new Error(
      'journey mode refused on stage prod: it creates a smoke-test district, a pathway per run, smoke users and reviewer profiles, and certifies the pathway (candidacy). ' +
        'Set PATHCERT_SMOKE_FORCE_PROD=1 to run it there anyway (docs/deploy.md, Smoke test).',
    );
  }
  const clientId = outputs.SmokeTestClientId;
  if (!clientId)
    throw new Error(
      `${source} has no SmokeTestClientId: journey mode signs its users in through the smoke-test client; deploy with -c smokeTestClient=true`,
    );
  const reviewers = Number(env.PATHCERT_SMOKE_REVIEWERS ?? 2);
  if (!Number.isInteger(reviewers) || reviewers < 1 || reviewers > 5)
    throw new Error(
      `PATHCERT_SMOKE_REVIEWERS must be 1 to 5 (the review seats of a candidacy application), not ${env.PATHCERT_SMOKE_REVIEWERS}`,
    );
  const emailPattern = env.PATHCERT_SMOKE_EMAIL ?? `success+pathcert-${stage}-{role}@simulator.amazonses.com`;
  if (!emailPattern.includes('{role}') || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(emailPattern.replace('{role}', 'x'))) {
    throw new Error(
      `PATHCERT_SMOKE_EMAIL must be an address with {role} in it, e.g. smoke+{role}@district.example.org, not ${emailPattern}`,
    );
  }
  return {
    stackName,
    stage,
    apiUrl: required(outputs, 'ApiUrl', source).replace(/\/$/, ''),
    issuerUrl: required(outputs, 'IssuerUrl', source),
    userPoolId: required(outputs, 'UserPoolId', source),
    clientId,
    emailPattern,
    reviewers,
    ...(env.PATHCERT_SMOKE_FRAMEWORK ? { frameworkId: env.PATHCERT_SMOKE_FRAMEWORK } : {}),
    source,
  };
}
