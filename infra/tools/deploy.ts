/**
 * `npm run deploy -- --stage prod -c allowedOrigins=... -c senderEmail=... -c appBaseUrl=...`: the scriptable
 * part of docs/deploy.md. Checks the arguments and the stage's context (before any AWS
 * call), the region and the credentials (`aws sts get-caller-identity`), bootstraps CDK in
 * the account and region if it is not yet (the CDKToolkit stack), then `cdk deploy`s the
 * stage's stack writing its outputs to `.deploy/pathcert-<stage>.outputs.json`, which
 * `npm run test:deployed` reads. `--dry-run` prints the commands instead. Needs the AWS CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../bundling.ts';
import {
  chooseRegion,
  commandEnv,
  deployCommands,
  parseDeployArgs,
  resolveDeployConfig,
  UsageError,
  type Identity,
} from './deploy-plan.ts';

function aws(args: string[], profile: string | undefined, env: NodeJS.ProcessEnv): string {
  return execFileSync('aws', [...args, ...(profile ? ['--profile', profile] : []), '--output', 'json'], {
    encoding: 'utf8',
    env: { ...env, AWS_PAGER: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function main(): void {
  const options = parseDeployArgs(process.argv.slice(2));
  const cdkJson = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  let config;
  try {
    config = resolveDeployConfig(options, cdkJson.context);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  let configured: string | undefined;
  if (!options.region && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION) {
    try {
      configured =
        execFileSync('aws', ['configure', 'get', 'region', ...(options.profile ? ['--profile', options.profile] : [])], {
          encoding: 'utf8',
        }).trim() || undefined;
    } catch {
      configured = undefined;
    }
  }
  const region = chooseRegion(options, process.env, configured);
  const env = { ...process.env, AWS_REGION: region, AWS_DEFAULT_REGION: region };

  let identity: Identity;
  try {
    const who = JSON.parse(aws(['sts', 'get-caller-identity'], options.profile, env)) as { Account: string; Arn: string };
    identity = { account: who.Account, arn: who.Arn };
  } catch (error) {
    throw new UsageError(
      `no usable AWS credentials for ${options.profile ? `profile ${options.profile}` : 'the default profile'} in ${region}: ` +
        `${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}\n(docs/deploy.md, "Account, credentials and region")`,
    );
  }

  let bootstrapped = true;
  try {
    aws(['cloudformation', 'describe-stacks', '--stack-name', 'CDKToolkit'], options.profile, env);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    if (!/does not exist/.test(stderr))
      throw new Error(`cannot tell whether ${region} is bootstrapped: ${stderr.trim() || (error as Error).message}`, { cause: error });
    bootstrapped = false;
  }

  const commands = deployCommands(options, config, identity, region, bootstrapped);
  for (const step of commands) {
    console.log(`\n# ${step.why}\n${[step.command, ...step.args].join(' ')}`);
    if (options.dryRun) continue;
    const result = spawnSync(step.command, step.args, { stdio: 'inherit', cwd: repoRoot, env: commandEnv(process.env, identity, region) });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  if (!options.dryRun) {
    console.log(
      `\nDeployed ${config.prefix}. Outputs: ${options.outputsFile}. Next: docs/deploy.md, "After the first deploy", then npm run test:deployed -- --stage ${config.stage}.`,
    );
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
}
