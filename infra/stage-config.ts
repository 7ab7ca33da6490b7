/**
 * What differs between stages, resolved from CDK context (`-c stage=prod -c ...`, with
 * defaults in cdk.json). Everything stage-dependent in the stack reads this object; no
 * construct looks at context itself.
 */
import type { Construct } from 'constructs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type StageName = 'dev' | 'prod';

export interface StageConfig {
  stage: StageName;
  /** Resource name prefix: `pathcert-<stage>`. */
  prefix: string;
  isProd: boolean;
  /** Browser origins allowed by the API's CORS and the evidence bucket's CORS. */
  allowedOrigins: string[];
  /** SES sender address for notifications. */
  senderEmail: string;
  /** Frontend base URL used in links sent to people; absent means the code's default. */
  appBaseUrl?: string;
  /** Stateful resources (table, buckets, user pool) on stack deletion. */
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  /** API Gateway default-stage throttling. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Cognito Plus tier (threat protection); billed per active user. Opt-in: `-c cognitoPlus=true`. */
  cognitoPlus: boolean;
  /**
   * Which Lambda functions record X-Ray traces (`-c tracing=pipeline|all`). `pipeline`
   * (the default): the review pipeline's tasks, whose traces join the state machine's; the
   * state machine is always traced. `all`: every function, API included (about $9 a month
   * at the 2030 scale: Lambda samples 1 request a second and 5% beyond, which at this
   * traffic is nearly every request; Lambda does not honour X-Ray sampling rules).
   */
  tracing: TracingScope;
  /** An app client for `npm run test:deployed` (ADMIN_USER_PASSWORD_AUTH only). Opt-in: `-c smokeTestClient=true`. */
  smokeTestClient: boolean;
}

export type TracingScope = 'pipeline' | 'all';
export const TRACING_SCOPES: readonly TracingScope[] = ['pipeline', 'all'];

/** Used in dev when no sender is given, so synth works offline; SES rejects it on send. */
export const PLACEHOLDER_SENDER = 'no-reply@pathcert.invalid';

const STAGES: readonly StageName[] = ['dev', 'prod'];

function contextString(scope: Construct, key: string): string | undefined {
  const raw: unknown = scope.node.tryGetContext(key);
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) return raw.join(',');
  const value = String(raw).trim();
  return value === '' ? undefined : value;
}

/** A boolean context value: `true`/`false` (strings from `-c`, or JSON booleans from cdk.json). */
function contextFlag(scope: Construct, key: string): boolean {
  const value = contextString(scope, key);
  if (value === undefined) return false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`-c ${key}=${value}: use true or false`);
}

export function resolveStageConfig(scope: Construct): StageConfig {
  const stage = contextString(scope, 'stage') ?? 'dev';
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new Error(`Unknown stage "${stage}": use -c stage=${STAGES.join('|')}`);
  }
  const isProd = stage === 'prod';

  const origins = (contextString(scope, 'allowedOrigins') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length === 0 && isProd) {
    throw new Error('prod needs the browser origins: -c allowedOrigins=https://app.example.org[,https://...]');
  }
  if (origins.includes('*') && isProd) {
    throw new Error('allowedOrigins "*" is not allowed in prod; list the frontend origins');
  }
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`allowedOrigins entry "${origin}" is not an origin (scheme://host[:port], no path)`);
    }
  }

  const sender = contextString(scope, 'senderEmail');
  if (!sender && isProd) {
    throw new Error('prod needs the SES sender address: -c senderEmail=certification@example.org');
  }

  return {
    stage: stage as StageName,
    prefix: `pathcert-${stage}`,
    isProd,
    allowedOrigins: origins.length > 0 ? origins : ['*'],
    senderEmail: sender ?? PLACEHOLDER_SENDER,
    appBaseUrl: contextString(scope, 'appBaseUrl'),
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProd ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    throttle: isProd ? { rateLimit: 200, burstLimit: 400 } : { rateLimit: 50, burstLimit: 100 },
    cognitoPlus: contextFlag(scope, 'cognitoPlus'),
    tracing: tracingScope(contextString(scope, 'tracing')),
    smokeTestClient: contextFlag(scope, 'smokeTestClient'),
  };
}

function tracingScope(value: string | undefined): TracingScope {
  if (value === undefined) return 'pipeline';
  if (!(TRACING_SCOPES as readonly string[]).includes(value)) {
    throw new Error(`-c tracing=${value}: use ${TRACING_SCOPES.join('|')}`);
  }
  return value as TracingScope;
}
