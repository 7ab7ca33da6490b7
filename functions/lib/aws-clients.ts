/**
 * One AWS SDK v3 client per service per process, created on first use.
 *
 * Endpoints are never hard-coded: the SDK honours `AWS_ENDPOINT_URL_<SERVICE>`, which the
 * local runtime sets to its localhost servers; in AWS the variables are absent and the
 * regional endpoints apply. Clients are created lazily so the local runtime and tests can
 * set the environment first.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { KMSClient } from '@aws-sdk/client-kms';

let dynamo: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let sfn: SFNClient | undefined;
let eventBridge: EventBridgeClient | undefined;
let ses: SESv2Client | undefined;
let cognito: CognitoIdentityProviderClient | undefined;
let kms: KMSClient | undefined;

/** Middleware hooks so fault-injection tests can wrap the real clients. */
type ClientHook = (
  client: DynamoDBClient | S3Client | SFNClient | EventBridgeClient | SESv2Client | CognitoIdentityProviderClient | KMSClient,
  service: 'dynamodb' | 's3' | 'sfn' | 'eventbridge' | 'sesv2' | 'cognito-idp' | 'kms',
) => void;
const hooks: ClientHook[] = [];

/**
 * Runs `hook` on every client created from now on. Returns the way to stop: code that
 * shares the process with other users of the clients (one bench of `npm run bench` among
 * several) removes its hook when done, or the next client would get its middleware again
 * next to theirs (the SDK refuses two middlewares of one name).
 */
export function onClientCreated(hook: ClientHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

export function dynamoClient(): DynamoDBDocumentClient {
  if (!dynamo) {
    const base = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, maxAttempts: 4 });
    hooks.forEach((h) => h(base, 'dynamodb'));
    dynamo = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }
  return dynamo;
}

export function s3Client(): S3Client {
  if (!s3) {
    s3 = new S3Client({
      endpoint: process.env.AWS_ENDPOINT_URL_S3,
      // The local S3 server only understands path-style addressing.
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      maxAttempts: 4,
    });
    hooks.forEach((h) => h(s3!, 's3'));
  }
  return s3;
}

export function sfnClient(): SFNClient {
  if (!sfn) {
    sfn = new SFNClient({ endpoint: process.env.AWS_ENDPOINT_URL_SFN });
    hooks.forEach((h) => h(sfn!, 'sfn'));
  }
  return sfn;
}

export function eventBridgeClient(): EventBridgeClient {
  if (!eventBridge) {
    eventBridge = new EventBridgeClient({ endpoint: process.env.AWS_ENDPOINT_URL_EVENTBRIDGE });
    hooks.forEach((h) => h(eventBridge!, 'eventbridge'));
  }
  return eventBridge;
}

export function sesClient(): SESv2Client {
  if (!ses) {
    ses = new SESv2Client({ endpoint: process.env.AWS_ENDPOINT_URL_SESV2 });
    hooks.forEach((h) => h(ses!, 'sesv2'));
  }
  return ses;
}

export function cognitoClient(): CognitoIdentityProviderClient {
  if (!cognito) {
    cognito = new CognitoIdentityProviderClient({ endpoint: process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, maxAttempts: 4 });
    hooks.forEach((h) => h(cognito!, 'cognito-idp'));
  }
  return cognito;
}

/** KMS: only the functions that sign credentials or publish the issuer's key use it. */
export function kmsClient(): KMSClient {
  if (!kms) {
    kms = new KMSClient({ endpoint: process.env.AWS_ENDPOINT_URL_KMS, maxAttempts: 4 });
    hooks.forEach((h) => h(kms!, 'kms'));
  }
  return kms;
}

/** Forget the S3 client alone (code that changes its region, endpoint or credentials). */
export function resetS3Client(): void {
  s3?.destroy();
  s3 = undefined;
}

/** Forget the clients (tests that change endpoints between suites). */
export function resetClients(): void {
  dynamo?.destroy();
  s3?.destroy();
  sfn?.destroy();
  eventBridge?.destroy();
  ses?.destroy();
  cognito?.destroy();
  kms?.destroy();
  dynamo = undefined;
  s3 = undefined;
  sfn = undefined;
  eventBridge = undefined;
  ses = undefined;
  cognito = undefined;
  kms = undefined;
}
