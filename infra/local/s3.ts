/**
 * Local S3: s3rver on localhost with the evidence bucket (CORS as in AWS, from
 * infra/evidence-cors.ts), and its object-created events turned into real S3 notification
 * records for the functions S3 triggers.
 *
 * Known gaps against AWS, so real checks must also happen after upload:
 * - no bucket versioning (GET/PUT ?versioning are NotImplemented), so records carry no
 *   `versionId` and objects have a single version;
 * - SigV4 signatures and presigned POST policy conditions (content-length-range,
 *   starts-with, expiry) are not verified;
 * - s3rver itself does not filter events by prefix; `notifications` below does it, the
 *   way a bucket notification configuration's prefix filter does in AWS.
 *
 * One difference is closed here rather than documented: s3rver stores an object as files
 * named by its key, so `pending/A/../../evidence/B/E/1` would write (or read, or delete)
 * `evidence/B/E/1`. AWS keeps keys literal, so locally any key with a `.` or `..` segment
 * (or an encoded one) is refused with an S3 XML error; see refuseDotSegments.
 */
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import S3rver, { type S3rverEvent } from 's3rver';
import s3rverAccount from 's3rver/lib/models/account.js';
import S3Error from 's3rver/lib/models/error.js';
import { hasDotSegment } from '#core/evidence/object-keys.ts';
import { evidenceCorsRule } from '../evidence-cors.ts';
import { LOCAL_REGION } from './lambda.ts';

export interface LocalS3Options {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Where objects are stored; absent means a temporary directory removed on stop. */
  directory?: string;
  bucketName: string;
  /** Origins of the bucket's CORS rule. */
  allowedOrigins: readonly string[];
  /** Receives each ObjectCreated notification, shaped and encoded like AWS's. */
  onObjectCreated?: (event: S3Event) => Promise<void>;
  /**
   * Bucket notification configurations: each receives only the ObjectCreated records whose
   * (decoded) key starts with its prefix, as S3 delivers them to a Lambda destination.
   */
  notifications?: readonly LocalS3Notification[];
  log?: (line: string) => void;
}

export interface LocalS3Notification {
  /** Plain key prefix (no wildcards); absent: every key. */
  prefix?: string;
  deliver: (event: S3Event) => Promise<unknown>;
}

/** The records of an event a notification with this prefix receives, or null for none. */
export function filterByPrefix(event: S3Event, prefix: string | undefined): S3Event | null {
  if (!prefix) return event;
  const records = event.Records.filter((r) => decodeS3EventKey(r.s3.object.key).startsWith(prefix));
  return records.length > 0 ? { Records: records } : null;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  bucketName: string;
  directory: string;
  /** Resolves when every notification delivered so far has been handled. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * S3 notifications carry the key URL-encoded the way a form is (space as `+`, `/` kept),
 * s3rver sends it raw; encode it so handlers decode the same way in both places.
 */
export function awsEncodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/gi, '/')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The inverse, as a handler must apply it to `record.s3.object.key`. */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** What a notification record tells beyond the bucket, key, size and time (the local S3 fills these in from s3rver). */
interface S3RecordDetails {
  eventName?: S3EventRecord['eventName'];
  sourceIPAddress?: string;
  requestId?: string;
  id2?: string;
  ownerPrincipalId?: string;
  eTag?: string;
  sequencer?: string;
}

/**
 * The ObjectCreated record S3 sends for the object `key` (given raw: it is encoded here as
 * S3 encodes it), as the local S3 delivers it. Handlers read only the event time, bucket,
 * key and size; the other fields default to a browser's form POST.
 */
function s3ObjectCreatedRecord(bucket: string, key: string, size: number, eventTime: string, details: S3RecordDetails = {}): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: LOCAL_REGION,
    eventTime,
    eventName: details.eventName ?? 'ObjectCreated:Post',
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: details.sourceIPAddress ?? '127.0.0.1' },
    responseElements: { 'x-amz-request-id': details.requestId ?? '', 'x-amz-id-2': details.id2 ?? '' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'pathcert-local',
      bucket: { name: bucket, ownerIdentity: { principalId: details.ownerPrincipalId ?? 'local' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: awsEncodeS3Key(key), size, eTag: details.eTag ?? '', sequencer: details.sequencer ?? '0' },
    },
  };
}

/** The ObjectCreated:Post notification for one object, to deliver by hand (a replayed or duplicate delivery, a bench's invocation). */
export function s3ObjectCreatedEvent(bucket: string, key: string, size: number, eventTime = new Date().toISOString()): S3Event {
  return { Records: [s3ObjectCreatedRecord(bucket, key, size, eventTime)] };
}

function toAwsRecord(raw: S3rverEvent['Records'][number]): S3EventRecord {
  return s3ObjectCreatedRecord(raw.s3.bucket.name, raw.s3.object.key, raw.s3.object.size ?? 0, raw.eventTime, {
    eventName: raw.eventName,
    sourceIPAddress: raw.requestParameters.sourceIPAddress,
    requestId: raw.responseElements['x-amz-request-id'],
    id2: raw.responseElements['x-amz-id-2'],
    ownerPrincipalId: raw.s3.bucket.ownerIdentity.principalId,
    eTag: raw.s3.object.eTag,
    sequencer: raw.s3.object.sequencer,
  });
}

/** Turns an s3rver event into the S3Event AWS would deliver, or null for events S3 would not send to our functions. */
export function toS3Event(raw: S3rverEvent): S3Event | null {
  const records = raw.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map(toAwsRecord);
  return records.length > 0 ? { Records: records } : null;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** s3rver only accepts access keys it knows; teach it the local ones. */
function registerLocalCredentials(): void {
  s3rverAccount.DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);
}

async function createBucket(endpoint: string, bucketName: string, allowedOrigins: readonly string[]): Promise<void> {
  const client = new S3Client({ endpoint, region: LOCAL_REGION, forcePathStyle: true, credentials: LOCAL_CREDENTIALS });
  try {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucketName }));
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    }
    const rule = evidenceCorsRule(allowedOrigins);
    await client.send(
      new PutBucketCorsCommand({
        Bucket: bucketName,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedMethods: rule.allowedMethods,
              AllowedOrigins: rule.allowedOrigins,
              AllowedHeaders: rule.allowedHeaders,
              ExposeHeaders: rule.exposedHeaders,
              MaxAgeSeconds: rule.maxAgeSeconds,
            },
          ],
        },
      }),
    );
  } finally {
    client.destroy();
  }
}

/**
 * s3rver removes a key's parent folders once they are empty after a delete. A PUT into the
 * same folder at that moment fails inside s3rver with an unhandled ENOENT that kills the
 * process (seen when two export markers or two uploads share a prefix). Real S3 has no
 * folders, so deleting only the object's files loses nothing: listings walk object files.
 */
function keepDirectoriesOnDelete(server: S3rver): void {
  const store = (
    server as unknown as { store: { getResourcePath(bucket: string, key: string, type: string): string; deleteObject: unknown } }
  ).store;
  store.deleteObject = async (bucket: string, key: string): Promise<void> => {
    await Promise.all(
      ['object', 'object.md5', 'metadata.json'].map((type) =>
        unlink(store.getResourcePath(bucket, key, type)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        }),
      ),
    );
  };
}

/** The S3 error for a key with a `.` or `..` segment (400 InvalidArgument, as S3 answers a key it will not take). */
function dotSegmentError(key: string): S3Error {
  return new S3Error(
    'InvalidArgument',
    'The local S3 refuses object keys with a "." or ".." segment: it would resolve them to another key.',
    {
      ArgumentName: 'key',
      ArgumentValue: key,
    },
  );
}

/** The object key a path-style request path names (`/<bucket>/<key>`), raw and decoded; none for bucket and service requests. */
function keysOfPath(rawPath: string): string[] {
  const match = /^\/[^/]+\/(.+)$/s.exec(rawPath);
  if (!match) return [];
  try {
    return [match[1]!, decodeURIComponent(match[1]!)];
  } catch {
    return [match[1]!];
  }
}

/**
 * Refuses keys with `.` or `..` segments twice over: in front of s3rver, for the key in the
 * URL (PUT, GET, HEAD, DELETE, multipart) and the copy source; and where s3rver turns any
 * key into a file path, for keys that arrive in a body (a POST form's `key` field, the
 * multi-object delete), so nothing reaches the file system however it came in.
 */
function refuseDotSegments(server: S3rver): void {
  server.middleware.unshift(async (ctx, next) => {
    const copySource = ctx.get('x-amz-copy-source').split('?')[0]!; // without ?versionId=
    for (const key of [...keysOfPath(ctx.path), ...keysOfPath(copySource.startsWith('/') ? copySource : `/${copySource}`)]) {
      if (hasDotSegment(key)) throw dotSegmentError(key);
    }
    await next();
  });
  const store = (server as unknown as { store: { getResourcePath(bucket: string, key: string | undefined, type: string): string } }).store;
  const resolve = store.getResourcePath.bind(store);
  store.getResourcePath = (bucket, key, type) => {
    if (key && hasDotSegment(key)) throw dotSegmentError(key);
    return resolve(bucket, key, type);
  };
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  const temporary = !options.directory;
  const directory = options.directory ?? (await mkdtemp(path.join(os.tmpdir(), 'pathcert-s3-')));
  registerLocalCredentials();

  const server = new S3rver({ address: host, port: options.port ?? 0, directory, silent: true, vhostBuckets: false });
  keepDirectoriesOnDelete(server);
  refuseDotSegments(server);
  const pending = new Set<Promise<void>>();

  const subscribers: LocalS3Notification[] = [
    ...(options.onObjectCreated ? [{ deliver: options.onObjectCreated }] : []),
    ...(options.notifications ?? []),
  ];
  server.on('event', (raw: S3rverEvent) => {
    const event = toS3Event(raw);
    if (!event) return;
    for (const subscriber of subscribers) {
      const matching = filterByPrefix(event, subscriber.prefix);
      if (!matching) continue;
      // Like S3, deliver after the request, never inside it; a failing consumer does not fail the upload.
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => subscriber.deliver(matching))
        .then(() => undefined)
        .catch((error: unknown) => {
          options.log?.(
            `S3 notification for ${String(matching.Records[0]?.s3.object.key)} failed: ${(error as Error).stack ?? String(error)}`,
          );
        })
        .finally(() => pending.delete(delivery));
      pending.add(delivery);
    }
  });

  let address;
  try {
    address = await server.run();
  } catch (error) {
    if (temporary) await rm(directory, { recursive: true, force: true });
    throw new Error(`Local S3 could not listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`, { cause: error });
  }
  const endpoint = `http://${host}:${address.port}`;

  const settled = async () => {
    while (pending.size > 0) await Promise.all([...pending]);
  };

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await settled();
      server.httpServer?.closeAllConnections();
      await server.close();
      if (temporary) await rm(directory, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await createBucket(endpoint, options.bucketName, options.allowedOrigins);
  } catch (error) {
    await stop();
    throw new Error(`Could not create the local bucket ${options.bucketName}: ${(error as Error).message}`, { cause: error });
  }
  options.log?.(`S3 (s3rver) listening on ${endpoint}, bucket ${options.bucketName}, data in ${directory}`);

  return { endpoint, port: address.port, bucketName: options.bucketName, directory, settled, stop };
}
