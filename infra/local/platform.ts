/**
 * The whole local runtime, composed: DynamoDB Local with pathcert's table, s3rver with the
 * evidence bucket and its notifications, the Step Functions server with every
 * statemachines/*.asl.json, the dev token issuer and the local HTTP API — and the process
 * environment the functions read, set before any handler is imported.
 *
 * The functions run in this process and read their configuration from process.env, so
 * one platform runs per process at a time (vitest runs each test file in its own process).
 */
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { apiRoutes } from '#api/routes.ts';
import { functionCatalog, type FunctionSpec } from '#catalog';
import { resetClients } from '#lib/aws-clients.ts';
import { roles } from '#lib/principal.ts';
import { startLocalCognito, type LocalCognito, type PreSignUpEvent } from './cognito/server.ts';
import { createDevClock, type DevClock } from './dev-clock.ts';
import { createDevIssuer, type DevIssuer } from './dev-issuer.ts';
import { createTable, startDynamoLocal, type DynamoLocal } from './dynamodb.ts';
import { startLocalHttpApi, type LocalHttpApi, type LocalHttpApiOptions } from './http-api.ts';
import { startLocalMessaging } from './eventbridge/messaging.ts';
import type { LocalEventBridge } from './eventbridge/server.ts';
import { defaultBusRules, type EventRule } from '#events/rules.ts';
import type { LocalSes } from './ses/server.ts';
import { startKmsServer, type LocalKms } from './kms/server.ts';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  LOCAL_STAGE,
  catalogNames,
  functionsWithTrigger,
  invokeFunction,
  localFunctionArn,
  repoRoot,
} from './lambda.ts';
import { startLocalS3 } from './s3.ts';
import { startStepFunctionsServer, type StepFunctionsServer } from './stepfunctions/server.ts';

export interface PlatformPorts {
  http?: number;
  dynamodb?: number;
  s3?: number;
  stepFunctions?: number;
  eventBridge?: number;
  ses?: number;
  cognito?: number;
  kms?: number;
}

export interface PlatformOptions {
  /** true for `npm start`: data on disk under dataDir, fixed default ports. false: in memory, random ports. */
  persist: boolean;
  /** Default `<repo>/.local`. */
  dataDir?: string;
  /** 0 = a free port. Defaults: 4000/8000/4569/8083 when persisting, 0 otherwise. */
  ports?: PlatformPorts;
  host?: string;
  /** Wipe the persisted data (not the dev issuer's keys) before starting. */
  fresh?: boolean;
  /** Use this already running DynamoDB Local instead of starting one. */
  dynamoEndpoint?: string;
  tableName?: string;
  bucketName?: string;
  /** Browser origins allowed by the API and the bucket; default ALLOWED_ORIGINS or `*`. */
  allowedOrigins?: string[];
  /** Default true. */
  withStepFunctions?: boolean;
  /** Scales Step Functions Wait and Retry pauses (0 skips them; tests with injected retries). Default 1. */
  stepFunctionsWaitTimeScale?: number;
  /**
   * How often the local scheduler checks the schedules against the dev clock (ms). Default
   * 1000; 0 = schedules fire only through `events.tick()` / `fireSchedule` (tests that move
   * the dev clock and invoke the scheduled functions themselves).
   */
  scheduleTickMs?: number;
  /** The bus's rules; default events/rules.ts. A test of a producer may pass [] to keep the subscribers out. */
  eventRules?: readonly EventRule[];
  /** The default bus's rules; default events/rules.ts `defaultBusRules` for the local review machine. */
  defaultBusRules?: readonly EventRule[];
  log?: (line: string) => void;
  /** Sees every answer of the HTTP API (see http-api.ts). */
  onApiResponse?: LocalHttpApiOptions['onResponse'];
}

export interface Platform {
  apiUrl: string;
  dynamoEndpoint: string;
  s3Endpoint: string;
  sfnEndpoint: string | undefined;
  tableName: string;
  bucketName: string;
  /** State machine name (file name without .asl.json) → local ARN. */
  stateMachineArns: Record<string, string>;
  issuer: DevIssuer;
  clock: DevClock;
  dataDir: string | undefined;
  /** Invokes a catalog function (catalog name, local name or ARN) with any event, as Lambda would. */
  invoke(functionArnOrName: string, event: unknown): Promise<unknown>;
  /** Resolves once every S3 notification sent so far has been handled. */
  s3Settled(): Promise<void>;
  /** The Step Functions server's own helper; undefined when it is not running. */
  waitForExecution: ((executionArn: string) => Promise<unknown>) | undefined;
  /** The EventBridge bus (rules, schedules, deliveries, `fireSchedule`). */
  events: LocalEventBridge;
  /** The SES endpoint (outbox, `sent()`, `bounces()`). */
  ses: LocalSes;
  /** The user pool endpoint (sign-up with the pre-sign-up trigger, groups, `verificationCode()`). */
  cognito: LocalCognito;
  /** The KMS endpoint with the credential issuer's key (`keyArn`). */
  kms: LocalKms;
  stop(): Promise<void>;
}

/** The ports of `npm start` (a persistent platform); tests take free ones. */
export const PERSISTENT_PORTS: Required<PlatformPorts> = {
  http: 4000,
  dynamodb: 8000,
  s3: 4569,
  stepFunctions: 8083,
  eventBridge: 4010,
  ses: 4011,
  cognito: 4012,
  kms: 4013,
};
/** The local user pool's id (Cognito's `<region>_<id>` shape). */
export const LOCAL_USER_POOL_ID = `${LOCAL_REGION}_PathcertLocal`;
const STATE_MACHINE_DIR = path.join(repoRoot, 'statemachines');
/** Data directories `fresh` removes; keys stay so tokens already handed out keep working. */
const DATA_ENTRIES = ['dynamodb', 's3', 'stepfunctions', 'clock.json', 'eventbridge', 'outbox', 'cognito'];

export function localStateMachineName(fileName: string): string {
  return `pathcert-${LOCAL_STAGE}-${fileName}`;
}

export function localStateMachineArn(fileName: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${localStateMachineName(fileName)}`;
}

/** statemachines/<name>.asl.json files, by name. */
export function stateMachineFiles(): { name: string; definitionPath: string }[] {
  if (!existsSync(STATE_MACHINE_DIR)) return [];
  return readdirSync(STATE_MACHINE_DIR)
    .filter((f) => f.endsWith('.asl.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.asl.json'.length), definitionPath: path.join(STATE_MACHINE_DIR, f) }));
}

/** The `${...}` values CDK would pass, with local values. */
export function localSubstitutions(tableName: string): Record<string, string> {
  const out: Record<string, string> = { TableName: tableName };
  for (const name of catalogNames()) out[`Function_${name}`] = localFunctionArn(name);
  return out;
}

export async function wipeLocalData(dataDir: string): Promise<void> {
  await Promise.all(DATA_ENTRIES.map((entry) => rm(path.join(dataDir, entry), { recursive: true, force: true })));
}

function setEnvironment(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) process.env[name] = value;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const log = options.log ?? (() => {});
  const persist = options.persist;
  const dataDir = persist ? path.resolve(options.dataDir ?? path.join(repoRoot, '.local')) : undefined;
  const ports = {
    ...(persist ? PERSISTENT_PORTS : { http: 0, dynamodb: 0, s3: 0, stepFunctions: 0, eventBridge: 0, ses: 0, cognito: 0, kms: 0 }),
    ...options.ports,
  };
  const host = options.host ?? '127.0.0.1';
  const tableName = options.tableName ?? 'pathcert-local';
  const bucketName = options.bucketName ?? 'pathcert-local-evidence';
  const allowedOrigins =
    options.allowedOrigins ??
    (process.env.ALLOWED_ORIGINS ?? '*')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
  const machines = stateMachineFiles();
  const stateMachineArns = Object.fromEntries(machines.map((m) => [m.name, localStateMachineArn(m.name)]));

  if (dataDir && options.fresh) {
    await wipeLocalData(dataDir);
    log(`Wiped local data in ${dataDir} (kept keys/)`);
  }

  // Before any handler is imported or any SDK client is created.
  setEnvironment({
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    PATHCERT_STAGE: LOCAL_STAGE,
    TABLE_NAME: tableName,
    EVIDENCE_BUCKET: bucketName,
    REVIEW_STATE_MACHINE_ARN: localStateMachineArn('review'),
    ALLOWED_ORIGINS: allowedOrigins.join(','),
    // Lambda runs the functions on Node 22+; the SDK's warning about the local Node 20 is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_SESSION_TOKEN;
  resetClients();

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`stopping failed: ${(error as Error).message}`);
      }
    }
    resetClients();
  };

  try {
    const s3Targets = functionsWithTrigger('s3');
    const [dynamo, s3] = await Promise.all([
      options.dynamoEndpoint
        ? Promise.resolve<DynamoLocal | undefined>(undefined)
        : startDynamoLocal({
            port: ports.dynamodb,
            host,
            dbPath: dataDir ? path.join(dataDir, 'dynamodb') : undefined,
            sharedDb: true,
            log,
          }).then((d) => {
            stops.push(() => d.stop());
            return d;
          }),
      startLocalS3({
        port: ports.s3,
        host,
        directory: dataDir ? path.join(dataDir, 's3') : undefined,
        bucketName,
        allowedOrigins,
        log,
        // Each s3-triggered function gets what its bucket notification would: its prefix only.
        notifications: s3Targets.map((fn) => ({
          prefix: (functionCatalog[fn] as FunctionSpec).s3?.prefix,
          deliver: (event) => invokeFunction(fn, event),
        })),
      }).then((s) => {
        stops.push(() => s.stop());
        return s;
      }),
    ]);
    const dynamoEndpoint = options.dynamoEndpoint ?? dynamo!.endpoint;
    await createTable(dynamoEndpoint, tableName);
    setEnvironment({ AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint, AWS_ENDPOINT_URL_S3: s3.endpoint });

    const issuer = await createDevIssuer({ keyDir: dataDir ? path.join(dataDir, 'keys') : undefined });
    const clock = createDevClock({ file: dataDir ? path.join(dataDir, 'clock.json') : undefined });

    // EventBridge and SES: after the dev clock, which the schedules follow.
    const messaging = await startLocalMessaging({
      host,
      eventBridgePort: ports.eventBridge,
      sesPort: ports.ses,
      dataDir,
      ...(options.scheduleTickMs !== undefined ? { tickMs: options.scheduleTickMs } : {}),
      ...(options.eventRules ? { rules: options.eventRules } : {}),
      defaultBusRules:
        options.defaultBusRules ?? defaultBusRules(machines.some((m) => m.name === 'review') ? localStateMachineArn('review') : undefined),
      log,
    });
    stops.push(() => messaging.stop());
    setEnvironment(messaging.env);

    // The user pool: sign-up runs the catalog's pre-sign-up trigger; its tokens come from the dev issuer.
    const cognito = await startLocalCognito({
      port: ports.cognito,
      host,
      region: LOCAL_REGION,
      userPoolId: LOCAL_USER_POOL_ID,
      clientId: issuer.audience,
      groups: roles,
      issuer,
      preSignUp: (event: PreSignUpEvent) => invokeFunction('preSignUp', event),
      dataDir: dataDir ? path.join(dataDir, 'cognito') : undefined,
      log,
    });
    stops.push(() => cognito.stop());
    setEnvironment({ AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint, USER_POOL_ID: LOCAL_USER_POOL_ID });

    // KMS with the credential issuer's key, kept with the dev issuer's key (survives --fresh).
    const kms = await startKmsServer({
      port: ports.kms,
      host,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      keyDir: dataDir ? path.join(dataDir, 'keys') : undefined,
      log,
    });
    stops.push(() => kms.stop());
    setEnvironment({ AWS_ENDPOINT_URL_KMS: kms.endpoint, CREDENTIAL_KEY_ID: kms.keyArn });

    let sfn: StepFunctionsServer | undefined;
    if (options.withStepFunctions ?? true) {
      sfn = await startStepFunctionsServer({
        port: ports.stepFunctions,
        host,
        region: LOCAL_REGION,
        accountId: LOCAL_ACCOUNT,
        stateMachines: machines.map((m) => ({
          name: localStateMachineName(m.name),
          definitionPath: m.definitionPath,
          substitutions: localSubstitutions(tableName),
        })),
        invokeFunction: (functionArnOrName, payload) => invokeFunction(functionArnOrName, payload),
        dataDir: dataDir ? path.join(dataDir, 'stepfunctions') : undefined,
        ...(options.stepFunctionsWaitTimeScale !== undefined ? { waitTimeScale: options.stepFunctionsWaitTimeScale } : {}),
        // Execution status changes reach the default bus (rule review-execution-ended), as in AWS.
        eventBridgeEndpoint: messaging.events.endpoint,
        log,
      });
      const started = sfn;
      stops.push(() => started.stop());
      setEnvironment({ AWS_ENDPOINT_URL_SFN: sfn.endpoint });
    } else {
      delete process.env.AWS_ENDPOINT_URL_SFN;
      log('Step Functions server not started');
    }

    const api: LocalHttpApi = await startLocalHttpApi({
      port: ports.http,
      host,
      routes: apiRoutes,
      invoke: (fn, event, requestId) => invokeFunction(fn, event, requestId),
      issuer,
      allowedOrigins,
      clock,
      log,
      ...(options.onApiResponse ? { onResponse: options.onApiResponse } : {}),
    });
    stops.push(() => api.stop());
    // Credentials name their issuer (did:web) and URLs after the API's public origin.
    setEnvironment({ PATHCERT_PUBLIC_BASE_URL: api.url });

    let stopping: Promise<void> | undefined;
    return {
      apiUrl: api.url,
      dynamoEndpoint,
      s3Endpoint: s3.endpoint,
      sfnEndpoint: sfn?.endpoint,
      tableName,
      bucketName,
      stateMachineArns,
      issuer,
      clock,
      dataDir,
      invoke: (functionArnOrName, event) => invokeFunction(functionArnOrName, event),
      s3Settled: () => s3.settled(),
      waitForExecution: sfn ? (arn) => sfn.waitForExecution(arn) : undefined,
      events: messaging.events,
      ses: messaging.ses,
      cognito,
      kms,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
