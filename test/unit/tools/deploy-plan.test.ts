/**
 * infra/tools/deploy-plan.ts: what `npm run deploy` decides before and without deploying.
 */
import { describe, expect, it } from 'vitest';
import {
  chooseRegion,
  commandEnv,
  deployCommands,
  parseDeployArgs,
  resolveDeployConfig,
  UsageError,
} from '../../../infra/tools/deploy-plan.ts';

const prodArgs = [
  '--stage',
  'prod',
  '-c',
  'allowedOrigins=https://app.district.example',
  '-c',
  'senderEmail=cert@district.example',
  '-c',
  'appBaseUrl=https://app.district.example',
];
const identity = { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/it-admin' };

describe('parseDeployArgs', () => {
  it('reads the stage, context pairs in order, profile, region and flags', () => {
    const o = parseDeployArgs([
      ...prodArgs,
      '--profile',
      'district',
      '--region=us-west-2',
      '--context',
      'tracing=all',
      '--yes',
      '--dry-run',
    ]);
    expect(o).toEqual({
      stage: 'prod',
      context: {
        allowedOrigins: 'https://app.district.example',
        senderEmail: 'cert@district.example',
        appBaseUrl: 'https://app.district.example',
        tracing: 'all',
      },
      profile: 'district',
      region: 'us-west-2',
      dryRun: true,
      yes: true,
      outputsFile: '.deploy/pathcert-prod.outputs.json',
    });
    // A value may itself contain "=" (a URL with a query would; the first "=" splits).
    expect(parseDeployArgs(['--stage', 'dev', '-c', 'appBaseUrl=https://a.example/?x=1']).context).toEqual({
      appBaseUrl: 'https://a.example/?x=1',
    });
    expect(parseDeployArgs(['--stage', 'dev', '--outputs-file', 'out.json']).outputsFile).toBe('out.json');
  });

  it('refuses a missing stage, a stage given as context, a malformed pair, an unknown flag, a flag without value', () => {
    expect(() => parseDeployArgs([])).toThrow(/--stage is required/);
    expect(() => parseDeployArgs(['--stage', 'dev', '-c', 'stage=prod'])).toThrow(/with --stage/);
    expect(() => parseDeployArgs(['--stage', 'dev', '-c', 'noequals'])).toThrow(/key=value/);
    expect(() => parseDeployArgs(['--stage', 'dev', '--force'])).toThrow(/unknown argument --force/);
    expect(() => parseDeployArgs(['--stage', 'dev', '--profile'])).toThrow(/--profile needs a value/);
    expect(() => parseDeployArgs(['--stage', '--yes'])).toThrow(/--stage needs a value/);
    expect(() => parseDeployArgs(['--help'])).toThrow(UsageError);
  });
});

describe('resolveDeployConfig', () => {
  it("applies the stack's own stage rules before any AWS call", () => {
    expect(() => resolveDeployConfig(parseDeployArgs(['--stage', 'prod']))).toThrow(/allowedOrigins/);
    expect(() => resolveDeployConfig(parseDeployArgs(['--stage', 'qa']))).toThrow(/Unknown stage/);
    expect(() => resolveDeployConfig(parseDeployArgs([...prodArgs, '-c', 'tracing=some']))).toThrow(/tracing=some/);
    expect(() => resolveDeployConfig(parseDeployArgs([...prodArgs, '-c', 'cognitoPlus=yes']))).toThrow(/true or false/);
    const config = resolveDeployConfig(parseDeployArgs(prodArgs));
    expect(config).toMatchObject({ prefix: 'pathcert-prod', cognitoPlus: false, tracing: 'pipeline', smokeTestClient: false });
    expect(resolveDeployConfig(parseDeployArgs([...prodArgs, '-c', 'cognitoPlus=true', '-c', 'tracing=all']))).toMatchObject({
      cognitoPlus: true,
      tracing: 'all',
    });
  });

  it("takes cdk.json's context under the command line's, and --stage over cdk.json's stage", () => {
    const fromJson = {
      stage: 'dev',
      allowedOrigins: 'https://json.example',
      senderEmail: 'json@example.org',
      appBaseUrl: 'https://json.example',
    };
    const config = resolveDeployConfig(parseDeployArgs(['--stage', 'prod', '-c', 'senderEmail=cli@example.org']), fromJson);
    expect(config).toMatchObject({ stage: 'prod', allowedOrigins: ['https://json.example'], senderEmail: 'cli@example.org' });
  });
});

describe('chooseRegion', () => {
  it('prefers --region, then AWS_REGION, AWS_DEFAULT_REGION, then the configured one', () => {
    expect(chooseRegion({ region: 'eu-west-1' }, { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(chooseRegion({}, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' })).toBe('us-east-1');
    expect(chooseRegion({}, { AWS_DEFAULT_REGION: 'us-west-2' }, 'ca-central-1')).toBe('us-west-2');
    expect(chooseRegion({}, {}, 'ca-central-1')).toBe('ca-central-1');
    expect(chooseRegion({}, {}, 'us-gov-west-1')).toBe('us-gov-west-1');
    expect(() => chooseRegion({}, {})).toThrow(/no region/);
    expect(() => chooseRegion({ region: 'Oregon' }, {})).toThrow(/not an AWS region/);
  });
});

describe('deployCommands', () => {
  it('bootstraps first when the account and region are not, then deploys the stage with its context and outputs file', () => {
    const options = parseDeployArgs([...prodArgs, '--profile', 'district']);
    const config = resolveDeployConfig(options);
    const commands = deployCommands(options, config, identity, 'us-west-2', false);
    expect(commands.map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'npx cdk bootstrap aws://123456789012/us-west-2 --profile district',
      'npx cdk deploy pathcert-prod -c stage=prod -c allowedOrigins=https://app.district.example -c senderEmail=cert@district.example -c appBaseUrl=https://app.district.example ' +
        '--outputs-file .deploy/pathcert-prod.outputs.json --require-approval broadening --profile district',
    ]);
  });

  it('skips the bootstrap when it exists, and asks for no approval with --yes', () => {
    const options = parseDeployArgs(['--stage', 'dev', '--yes']);
    const commands = deployCommands(options, resolveDeployConfig(options), identity, 'us-east-1', true);
    expect(commands).toHaveLength(1);
    expect(commands[0]!.args).toEqual([
      'cdk',
      'deploy',
      'pathcert-dev',
      '-c',
      'stage=dev',
      '--outputs-file',
      '.deploy/pathcert-dev.outputs.json',
      '--require-approval',
      'never',
    ]);
  });

  it('runs them with the chosen region and account for the CLI and the CDK app', () => {
    expect(commandEnv({ PATH: '/bin', AWS_REGION: 'eu-west-1' }, identity, 'us-west-2')).toEqual({
      PATH: '/bin',
      AWS_REGION: 'us-west-2',
      AWS_DEFAULT_REGION: 'us-west-2',
      CDK_DEFAULT_REGION: 'us-west-2',
      CDK_DEFAULT_ACCOUNT: '123456789012',
    });
  });
});
