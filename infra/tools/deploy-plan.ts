/**
 * What `npm run deploy` does, decided without touching AWS so it can be unit-tested
 * (test/unit/tools/deploy-plan.test.ts): the arguments, the stage's context (validated by
 * infra/stage-config.ts, the same rules `cdk synth` applies), the region, and the commands
 * to run once the caller's identity and the bootstrap state are known. infra/tools/deploy.ts
 * asks AWS those two things and runs the commands.
 */
import { App } from 'aws-cdk-lib';
import { resolveStageConfig, type StageConfig } from '../stage-config.ts';

export interface DeployOptions {
  stage: string;
  /** `-c key=value` pairs, in order; `stage` is never among them (it is `--stage`). */
  context: Record<string, string>;
  profile?: string;
  region?: string;
  /** Check credentials and the bootstrap state, print the commands, run none of them. */
  dryRun: boolean;
  /** Deploy without asking about security-relevant changes (`--require-approval never`). */
  yes: boolean;
  /** Where the stack outputs go; default `.deploy/pathcert-<stage>.outputs.json`. */
  outputsFile: string;
}

export const USAGE = `npm run deploy -- --stage dev|prod [-c key=value ...] [--profile name] [--region code] [--outputs-file path] [--yes] [--dry-run]

  -c allowedOrigins=https://app.example.org   browser origins (required for prod)
  -c senderEmail=certification@example.org    SES sender (required for prod)
  -c appBaseUrl=https://app.example.org       frontend URL used in emailed links
  -c cognitoPlus=true                         Cognito Plus tier (threat protection), ~$160/month at 8,000 MAU
  -c tracing=all                              X-Ray on every function, ~$9/month at the 2030 scale
  -c smokeTestClient=true                     app client for npm run test:deployed
Context values can also live in cdk.json or cdk.context.json; see docs/deploy.md.`;

export class UsageError extends Error {}

/** Parses `npm run deploy -- ...` arguments. */
export function parseDeployArgs(argv: readonly string[]): DeployOptions {
  const context: Record<string, string> = {};
  let stage: string | undefined;
  let profile: string | undefined;
  let region: string | undefined;
  let outputsFile: string | undefined;
  let dryRun = false;
  let yes = false;
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = () => inline ?? value(i++, flag);
    switch (flag) {
      case '--stage':
        stage = take();
        break;
      case '-c':
      case '--context': {
        const pair = take();
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`-c ${pair}: expected key=value`);
        const key = pair.slice(0, eq);
        if (key === 'stage') throw new UsageError('give the stage with --stage, not -c stage=');
        context[key] = pair.slice(eq + 1);
        break;
      }
      case '--profile':
        profile = take();
        break;
      case '--region':
        region = take();
        break;
      case '--outputs-file':
        outputsFile = take();
        break;
      case '--dry-run':
        dryRun = true;
        break;
      case '--yes':
        yes = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown argument ${arg}\n\n${USAGE}`);
    }
  }
  if (!stage) throw new UsageError(`--stage is required\n\n${USAGE}`);
  return { stage, context, profile, region, dryRun, yes, outputsFile: outputsFile ?? `.deploy/pathcert-${stage}.outputs.json` };
}

/**
 * The stage's configuration as the CDK app will resolve it, with cdk.json's context under
 * the command line's: the same errors `cdk deploy` would give, before any AWS call.
 */
export function resolveDeployConfig(
  options: Pick<DeployOptions, 'stage' | 'context'>,
  cdkJsonContext: Record<string, unknown> = {},
): StageConfig {
  const app = new App({ context: { ...cdkJsonContext, ...options.context, stage: options.stage } });
  return resolveStageConfig(app);
}

/** The region to deploy to: `--region`, then AWS_REGION, AWS_DEFAULT_REGION, then the profile's configured region. */
export function chooseRegion(
  options: Pick<DeployOptions, 'region'>,
  env: Readonly<Record<string, string | undefined>>,
  configured?: string,
): string {
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? configured;
  if (!region) throw new UsageError('no region: pass --region us-west-2, set AWS_REGION, or `aws configure set region us-west-2`');
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) throw new UsageError(`"${region}" is not an AWS region code (like us-west-2)`);
  return region;
}

export interface Command {
  /** What the step is for, printed before it runs. */
  why: string;
  command: string;
  args: string[];
}

export interface Identity {
  account: string;
  arn: string;
}

/** The commands to run, in order, for an identity and region, knowing whether the environment is bootstrapped. */
export function deployCommands(
  options: DeployOptions,
  config: StageConfig,
  identity: Identity,
  region: string,
  bootstrapped: boolean,
): Command[] {
  const profile = options.profile ? ['--profile', options.profile] : [];
  const commands: Command[] = [];
  if (!bootstrapped) {
    commands.push({
      why: `bootstrap CDK in aws://${identity.account}/${region} (once per account and region: an S3 bucket and roles for deployments)`,
      command: 'npx',
      args: ['cdk', 'bootstrap', `aws://${identity.account}/${region}`, ...profile],
    });
  }
  const context = Object.entries(options.context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  commands.push({
    why: `deploy stack ${config.prefix} (stage ${config.stage}) as ${identity.arn}; outputs to ${options.outputsFile}`,
    command: 'npx',
    args: [
      'cdk',
      'deploy',
      config.prefix,
      '-c',
      `stage=${config.stage}`,
      ...context,
      '--outputs-file',
      options.outputsFile,
      '--require-approval',
      options.yes ? 'never' : 'broadening',
      ...profile,
    ],
  });
  return commands;
}

/** The environment the commands run with: the chosen region for the CLI and for the CDK app. */
export function commandEnv(
  env: Readonly<Record<string, string | undefined>>,
  identity: Identity,
  region: string,
): Record<string, string | undefined> {
  return { ...env, AWS_REGION: region, AWS_DEFAULT_REGION: region, CDK_DEFAULT_REGION: region, CDK_DEFAULT_ACCOUNT: identity.account };
}
