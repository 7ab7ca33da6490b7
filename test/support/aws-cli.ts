/**
 * Debian's AWS CLI pointed at a local endpoint, as staff would run it. Local credentials
 * and no config files, so whatever is in the developer's ~/.aws cannot leak in.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const cliEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_PAGER: '',
};

/**
 * Why the CLI cannot run here, or undefined when it can. CI installs it (.ci/run), so there
 * a missing CLI is a failure, not a reason to skip.
 */
export async function awsCliUnavailable(): Promise<string | undefined> {
  const version = await run('aws', ['--version'], { env: cliEnv }).catch((error: Error) => error);
  if (!(version instanceof Error)) return undefined;
  if (process.env.CI) throw new Error(`The AWS CLI must be installed in CI (.ci/run does it): ${version.message}`);
  return `AWS CLI not usable here (${version.message.split('\n')[0]}); install Debian's awscli to run this test`;
}

/** Runs `aws <args> --endpoint-url <endpoint> --output json` and parses what it prints. */
export function awsCli(endpoint: () => string) {
  return async (...args: string[]): Promise<Record<string, unknown>> =>
    JSON.parse((await run('aws', [...args, '--endpoint-url', endpoint(), '--output', 'json'], { env: cliEnv })).stdout) as Record<
      string,
      unknown
    >;
}
