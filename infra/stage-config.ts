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
  /** The shared staff inbox's address, for message emails to staff; absent = staff get them in-app only. */
  staffInboxEmail?: string;
  /** Stateful resources (table, buckets, user pool) on stack deletion. */
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  /** API Gateway default-stage throttling. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Cognito Plus tier (threat protection); billed per active user. */
  cognitoPlus: boolean;
}

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
    staffInboxEmail: contextString(scope, 'staffInboxEmail'),
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProd ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    throttle: isProd ? { rateLimit: 200, burstLimit: 400 } : { rateLimit: 50, burstLimit: 100 },
    cognitoPlus: isProd,
  };
}
