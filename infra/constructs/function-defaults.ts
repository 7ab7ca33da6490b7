/**
 * `PathcertFunction`: one Lambda function of functions/catalog.ts with every default the
 * project has agreed on, so no call site repeats (or forgets) one:
 *
 * - Node.js 24 on arm64 (cheaper per GB-second than x86, and these functions are I/O bound);
 * - an ESM bundle built by the local esbuild from infra/bundling.ts (no Docker), minified,
 *   the AWS SDK bundled and its credential chain reduced to environment credentials;
 * - memory and timeout from the catalog entry;
 * - its own log group with the stage's retention (created by the stack, so retention and
 *   removal are declared, not left to Lambda's implicit never-expiring group), JSON logs;
 * - X-Ray active tracing for the review pipeline's tasks (or every function with
 *   `-c tracing=all`; see StageConfig.tracing): the others record none and get no X-Ray rights;
 * - its own role that may write to its log group and nothing else: every further right is
 *   added by grants.ts from the catalog entry;
 * - the common environment: POWERTOOLS_SERVICE_NAME, PATHCERT_STAGE, ALLOWED_ORIGINS.
 */
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '#catalog';
import { nodejsBundling, repoRoot } from '../bundling.ts';
import type { StageConfig } from '../stage-config.ts';
import { acknowledge } from './nag.ts';

/** The newest Node.js runtime aws-cdk-lib knows (cdk-nag's AwsSolutions-L1 wants the newest). */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;
export const FUNCTION_ARCHITECTURE = Architecture.ARM_64;

/** Whether a function records its own X-Ray traces (Lambda's fixed sampling, ~every request at our rate). */
export function tracesActively(spec: Pick<FunctionSpec, 'trigger'>, config: Pick<StageConfig, 'tracing'>): boolean {
  return config.tracing === 'all' || spec.trigger === 'pipeline';
}

export interface PathcertFunctionProps {
  /** The catalog name; the deployed function is `pathcert-<stage>-<name>`. */
  name: string;
  spec: FunctionSpec;
  config: StageConfig;
}

export class PathcertFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly catalogName: string;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: PathcertFunctionProps) {
    super(scope, id);
    const { name, spec, config } = props;
    this.catalogName = name;
    this.functionName = `${config.prefix}-${name}`;

    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.functionName}; rights come from functions/catalog.ts`,
    });
    // CreateLogGroup is not needed: the group above exists before the function runs.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'pathcert',
      PATHCERT_STAGE: config.stage,
      ALLOWED_ORIGINS: config.allowedOrigins.join(','),
    };
    if (config.appBaseUrl) environment.APP_BASE_URL = config.appBaseUrl;

    this.function = new NodejsFunction(this, 'Function', {
      functionName: this.functionName,
      description: spec.description,
      entry: path.join(repoRoot, spec.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: tracesActively(spec, config) ? Tracing.ACTIVE : Tracing.DISABLED,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment,
      bundling: nodejsBundling(spec.files),
    });

    if (tracesActively(spec, config))
      acknowledge(
        this.role,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (IAM requires Resource "*").',
      );
  }

  /** Sets an environment variable on the function (used by grants.ts). */
  addEnvironment(key: string, value: string): void {
    this.function.addEnvironment(key, value);
  }
}
