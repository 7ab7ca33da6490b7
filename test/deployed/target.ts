/**
 * Where `npm run test:deployed` points: a deployed stack's outputs and a token to call it
 * with. Outputs come from the file `npm run deploy` writes (`cdk deploy --outputs-file`:
 * `{ "<stack>": { "ApiUrl": …, … } }`), or, when there is none, from CloudFormation
 * (`aws cloudformation describe-stacks`). The token comes from PATHCERT_SMOKE_TOKEN (an ID
 * token of a staff user, however obtained), or is signed in for PATHCERT_SMOKE_USER /
 * PATHCERT_SMOKE_PASSWORD through the stack's smoke-test app client (deployed with
 * `-c smokeTestClient=true`) with ADMIN_USER_PASSWORD_AUTH, which takes the operator's AWS
 * credentials. docs/deploy.md, *Smoke test*, says how to create that user.
 *
 * Environment: PATHCERT_STAGE (dev), PATHCERT_STACK (pathcert-<stage>), PATHCERT_OUTPUTS
 * (.deploy/<stack>.outputs.json), PATHCERT_SMOKE_TOKEN | PATHCERT_SMOKE_USER +
 * PATHCERT_SMOKE_PASSWORD, and the AWS CLI's own (AWS_PROFILE, AWS_REGION).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

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
    throw new Error(`aws ${args.slice(0, 2).join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/** The ID token of the smoke-test user, signed in through the smoke-test client. */
function signIn(outputs: Record<string, string>, user: string, password: string, source: string): string {
  const clientId = outputs.SmokeTestClientId;
  if (!clientId) {
    throw new Error(`${source} has no SmokeTestClientId: deploy with -c smokeTestClient=true, or set PATHCERT_SMOKE_TOKEN (docs/deploy.md, Smoke test)`);
  }
  const answer = JSON.parse(
    awsCli([
      'cognito-idp',
      'admin-initiate-auth',
      '--user-pool-id',
      required(outputs, 'UserPoolId', source),
      '--client-id',
      clientId,
      '--auth-flow',
      'ADMIN_USER_PASSWORD_AUTH',
      '--auth-parameters',
      `USERNAME=${user},PASSWORD=${password}`,
    ]),
  ) as { AuthenticationResult?: { IdToken?: string }; ChallengeName?: string };
  const token = answer.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`sign-in of ${user} answered ${answer.ChallengeName ?? 'no token'} (a new user must set a permanent password first: docs/deploy.md)`);
  return token;
}

export function resolveTarget(env: Env = process.env): SmokeTarget {
  const stackName = stackNameOf(env);
  const file = env.PATHCERT_OUTPUTS ?? `.deploy/${stackName}.outputs.json`;
  let outputs: Record<string, string>;
  let source: string;
  if (existsSync(file)) {
    outputs = outputsFromFile(JSON.parse(readFileSync(file, 'utf8')), stackName);
    source = file;
  } else {
    if (env.PATHCERT_OUTPUTS) throw new Error(`PATHCERT_OUTPUTS=${file} does not exist`);
    outputs = outputsFromDescribeStacks(JSON.parse(awsCli(['cloudformation', 'describe-stacks', '--stack-name', stackName])));
    source = `CloudFormation stack ${stackName}`;
  }
  const token =
    env.PATHCERT_SMOKE_TOKEN ??
    (env.PATHCERT_SMOKE_USER && env.PATHCERT_SMOKE_PASSWORD ? signIn(outputs, env.PATHCERT_SMOKE_USER, env.PATHCERT_SMOKE_PASSWORD, source) : undefined);
  if (!token) throw new Error('no token: set PATHCERT_SMOKE_TOKEN, or PATHCERT_SMOKE_USER and PATHCERT_SMOKE_PASSWORD (docs/deploy.md, Smoke test)');
  return {
    stackName,
    apiUrl: required(outputs, 'ApiUrl', source).replace(/\/$/, ''),
    issuerUrl: required(outputs, 'IssuerUrl', source),
    token,
    source,
  };
}
