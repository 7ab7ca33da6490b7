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
  /** The API's public origin (a custom domain) credentials are issued under; absent = the HTTP API's own URL. */
  publicBaseUrl?: string;
  /** Stateful resources (table, buckets, user pool) on stack deletion. */
  removalPolicy: RemovalPolicy;
  logRetention: RetentionDays;
  /** API Gateway default-stage throttling. */
  throttle: { rateLimit: number; burstLimit: number };
  /**
   * Cognito feature plan: Essentials (the first 10,000 monthly active users free) unless
   * `-c cognitoPlus=true` opts into Plus (threat protection, billed per active user).
   */
  cognitoPlus: boolean;
  /** Managed login (hosted UI) domain prefix: `<prefix>.auth.<region>.amazoncognito.com`. Default `pathcert-<stage>-<account>`. */
  authDomainPrefix?: string;
  /** Where managed login may send the browser back with a code, and after sign-out. */
  authCallbackUrls: string[];
  authLogoutUrls: string[];
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

/** Where a local frontend runs (Vite's default port), for dev's sign-in URLs when nothing else is given. */
export const DEV_FRONTEND = 'http://localhost:5173';

function contextBoolean(scope: Construct, key: string): boolean {
  const raw = contextString(scope, key);
  if (raw === undefined) return false;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Error(`-c ${key}=${raw}: use true or false`);
}

function contextList(scope: Construct, key: string): string[] | undefined {
  const raw = contextString(scope, key);
  return raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
}

/**
 * The app client's callback or sign-out URLs: from context, else from `appBaseUrl`
 * (`<appBaseUrl>/auth/callback`, `<appBaseUrl>/`), else in dev the local frontend. Cognito
 * takes only https, except http://localhost.
 */
function signInUrls(scope: Construct, key: string, isProd: boolean, appBaseUrl: string | undefined, path: string): string[] {
  const base = appBaseUrl?.replace(/\/+$/, '');
  const urls = contextList(scope, key) ?? (base ? [`${base}${path}`] : isProd ? [] : [`${DEV_FRONTEND}${path}`]);
  if (urls.length === 0)
    throw new Error(`prod needs the sign-in URLs: -c ${key}=https://app.example.org${path} (or -c appBaseUrl=https://app.example.org)`);
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${key} entry "${url}" is not a URL`);
    }
    const local = parsed.protocol === 'http:' && parsed.hostname === 'localhost';
    if (parsed.protocol !== 'https:' && !local) throw new Error(`${key} entry "${url}" must be https (http only for localhost)`);
    if (local && isProd) throw new Error(`${key} entry "${url}": prod takes no localhost URL`);
    if (parsed.hash) throw new Error(`${key} entry "${url}" must not have a fragment`);
  }
  return urls;
}

function contextString(scope: Construct, key: string): string | undefined {
  const raw: unknown = scope.node.tryGetContext(key);
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) return raw.join(',');
  const value = String(raw).trim();
  return value === '' ? undefined : value;
}

/** A boolean context value: `true`/`false` (strings from `-c`, or JSON booleans from cdk.json). */
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

  const appBaseUrl = contextString(scope, 'appBaseUrl');
  const publicBaseUrl = contextString(scope, 'publicBaseUrl');
  if (publicBaseUrl !== undefined && !/^https:\/\/[a-z0-9.-]+(?::\d+)?\/?$/i.test(publicBaseUrl)) {
    throw new Error(
      `publicBaseUrl "${publicBaseUrl}": an https origin without a path, e.g. https://api.example.org (the did:web issuer of credentials)`,
    );
  }
  const authDomainPrefix = contextString(scope, 'authDomainPrefix');
  // Cognito's rule for prefixes; it also refuses ones containing aws, amazon or cognito.
  if (
    authDomainPrefix !== undefined &&
    (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(authDomainPrefix) || /aws|amazon|cognito/.test(authDomainPrefix))
  ) {
    throw new Error(
      `authDomainPrefix "${authDomainPrefix}": lower-case letters, digits and hyphens, 1-63 characters, without aws, amazon or cognito`,
    );
  }

  return {
    stage: stage as StageName,
    prefix: `pathcert-${stage}`,
    isProd,
    allowedOrigins: origins.length > 0 ? origins : ['*'],
    senderEmail: sender ?? PLACEHOLDER_SENDER,
    appBaseUrl,
    staffInboxEmail: contextString(scope, 'staffInboxEmail'),
    ...(publicBaseUrl ? { publicBaseUrl: publicBaseUrl.replace(/\/+$/, '') } : {}),
    removalPolicy: isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: isProd ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    throttle: isProd ? { rateLimit: 200, burstLimit: 400 } : { rateLimit: 50, burstLimit: 100 },
    cognitoPlus: contextBoolean(scope, 'cognitoPlus'),
    ...(authDomainPrefix ? { authDomainPrefix } : {}),
    authCallbackUrls: signInUrls(scope, 'authCallbackUrls', isProd, appBaseUrl, '/auth/callback'),
    authLogoutUrls: signInUrls(scope, 'authLogoutUrls', isProd, appBaseUrl, '/'),
    tracing: tracingScope(contextString(scope, 'tracing')),
    smokeTestClient: contextBoolean(scope, 'smokeTestClient'),
  };
}

function tracingScope(value: string | undefined): TracingScope {
  if (value === undefined) return 'pipeline';
  if (!(TRACING_SCOPES as readonly string[]).includes(value)) {
    throw new Error(`-c tracing=${value}: use ${TRACING_SCOPES.join('|')}`);
  }
  return value as TracingScope;
}
