/**
 * The CDK app: `npx cdk synth|deploy -c stage=dev|prod [-c allowedOrigins=...] [-c senderEmail=...]`.
 * Region and account come from the CLI's environment (CDK_DEFAULT_REGION/ACCOUNT), never
 * from code. cdk-nag's AwsSolutions pack validates every synth; any unacknowledged finding
 * fails it.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PathcertStack, type PathcertStackProps } from './stack.ts';
import { resolveStageConfig } from './stage-config.ts';

export type BuildOptions = Omit<PathcertStackProps, 'config' | 'env'>;

/** Adds the stack for the stage named in the app's context, and the nag checks. */
export function buildApp(app: App, options: BuildOptions = {}): PathcertStack {
  const config = resolveStageConfig(app);
  const stack = new PathcertStack(app, config.prefix, {
    ...options,
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: `pathcert ${config.stage}: Linked Learning pathway certification backend`,
    tags: { project: 'pathcert', stage: config.stage },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

function isEntryPoint(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const app = new App();
  buildApp(app);
  app.synth();
}
