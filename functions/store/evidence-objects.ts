/**
 * The evidence bucket, spoken to over S3's REST API with the SDK's own SigV4 signer
 * (@smithy/signature-v4, the class every SDK v3 client signs with) and presigner
 * (@aws-sdk/s3-request-presigner's S3RequestPresigner, used without a client).
 *
 * Why not `@aws-sdk/client-s3`: its bundle is ~160 KB on top of the DynamoDB client, and
 * ~65 KB of that is the schema module (client-s3/dist-es/schemas/schemas_0.js), which
 * esbuild cannot tree-shake: every operation's schema is an array literal with a computed
 * key (`{ [_h]: [...] }`), which esbuild must keep as possibly side-effecting, and the
 * import is relative inside the package, so no bundler alias can replace it. With it, the
 * upload verifier bundles to ~395 KB and the evidence API to ~480 KB, over the 350 KB
 * budget (measured with infra/bundling.ts; see docs/benchmarks.md). This module adds ~8 KB.
 *
 * What it does, and only that: the nine operations the evidence functions use, on one
 * bucket, with retries of throttling and 5xx answers, and presigned GET and POST. The
 * presigned URL and POST form are checked equal, byte for byte, to what the SDK's
 * getSignedUrl and createPresignedPost produce (test/unit/store/evidence-objects.test.ts).
 *
 * Addressing: path-style at AWS_ENDPOINT_URL_S3 when set (the local S3), otherwise the
 * regional virtual-hosted endpoint `https://<bucket>.s3.<region>.amazonaws.com`, as the
 * SDK resolves it for a DNS-compatible bucket name (CDK-generated names are).
 *
 * Transport is node:http(s) rather than fetch: fetch transparently decompresses bodies
 * with a Content-Encoding, and the verifier must see the stored bytes exactly.
 */
import { createHash, createHmac, type Hash as NodeHash, type Hmac } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { createScope, getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import type { PresignedPostInput } from '../core/evidence/post-policy.ts';
import { now } from '../lib/clock.ts';
import { config } from '../lib/config.ts';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** The SDK's `Checksum` interface over node:crypto (SHA-256, or HMAC-SHA-256 with a secret). */
class Sha256 {
  private readonly hash: NodeHash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** S3's error answer (`<Error><Code>...`), or the status alone for bodiless answers such as HEAD. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(`${code} (${status}): ${message}`);
    this.name = 'S3Error';
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof S3Error && (error.status === 404 || error.code === 'NoSuchKey' || error.code === 'NotFound');
}

// ---------------------------------------------------------------------------- addressing

function region(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** RFC 3986 escaping, as SigV4 and S3 expect for every path segment and query value. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const escapeKey = (key: string) => key.split('/').map(escapeUri).join('/');

/** Virtual-hosted addressing needs a bucket name that is a single DNS label. */
const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

interface Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  port?: number;
  /** Already escaped. */
  path: string;
}

function target(bucket: string, key?: string): Target {
  const keyPath = key === undefined ? '' : escapeKey(key);
  const override = process.env.AWS_ENDPOINT_URL_S3;
  if (override) {
    const url = new URL(override);
    const base = url.pathname.replace(/\/+$/, '');
    return {
      protocol: url.protocol === 'http:' ? 'http:' : 'https:',
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${base}/${escapeUri(bucket)}/${keyPath}`,
    };
  }
  const r = region();
  const suffix = r.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  if (DNS_BUCKET.test(bucket)) return { protocol: 'https:', hostname: `${bucket}.s3.${r}.${suffix}`, path: `/${keyPath}` };
  return { protocol: 'https:', hostname: `s3.${r}.${suffix}`, path: `/${escapeUri(bucket)}/${keyPath}` };
}

const hostHeader = (t: Target) => (t.port !== undefined ? `${t.hostname}:${t.port}` : t.hostname);

function urlOf(t: Target, query: Record<string, string> = {}): string {
  const qs = Object.keys(query)
    .sort()
    .map((k) => (query[k] === '' ? escapeUri(k) : `${escapeUri(k)}=${escapeUri(query[k]!)}`))
    .join('&');
  return `${t.protocol}//${hostHeader(t)}${t.path}${qs ? `?${qs}` : ''}`;
}

// ---------------------------------------------------------------------------- signing

let signerInstance: SignatureV4 | undefined;
let presignerInstance: S3RequestPresigner | undefined;
let signerRegion: string | undefined;

/** Same options the S3 client gives its signer: service s3, no double escaping of the path. */
function signer(): SignatureV4 {
  if (!signerInstance || signerRegion !== region()) {
    signerRegion = region();
    const options = { service: 's3', region: signerRegion, credentials: fromEnv(), sha256: Sha256, uriEscapePath: false };
    signerInstance = new SignatureV4({ ...options, applyChecksum: true });
    presignerInstance = new S3RequestPresigner(options);
  }
  return signerInstance;
}

function presigner(): S3RequestPresigner {
  signer();
  return presignerInstance!;
}

/** Forget cached signers (tests that change region or credentials). */
export function resetEvidenceObjects(): void {
  signerInstance = undefined;
  presignerInstance = undefined;
  agents.http.destroy();
  agents.https.destroy();
  agents = newAgents();
}

// ---------------------------------------------------------------------------- transport

function newAgents() {
  return { http: new http.Agent({ keepAlive: true, maxSockets: 50 }), https: new https.Agent({ keepAlive: true, maxSockets: 50 }) };
}
let agents = newAgents();

interface Call {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

const SOCKET_TIMEOUT_MS = 60_000;

async function dispatch(call: Call): Promise<IncomingMessage> {
  const bucket = config.evidenceBucket;
  const t = target(bucket, call.key);
  const query = call.query ?? {};
  const body = call.body === undefined ? undefined : bytes(call.body);
  const signed = await signer().sign(
    {
      method: call.method,
      protocol: t.protocol,
      hostname: t.hostname,
      ...(t.port !== undefined ? { port: t.port } : {}),
      path: t.path,
      query,
      headers: { host: hostHeader(t), ...call.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      ...(body ? { body } : {}),
    },
    { signingDate: now() },
  );
  const url = urlOf(t, query);
  const transport = t.protocol === 'http:' ? http : https;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = transport.request(url, {
      method: call.method,
      headers: signed.headers,
      agent: t.protocol === 'http:' ? agents.http : agents.https,
      timeout: SOCKET_TIMEOUT_MS,
    });
    req.on('response', resolve);
    req.on('timeout', () => req.destroy(new Error(`S3 ${call.method} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}

/** The text of the first `<tag>` element of a small S3 XML answer. */
export function xmlValue(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? xmlUnescape(m[1]!) : undefined;
}

function errorFrom(status: number, text: string): S3Error {
  const code = xmlValue(text, 'Code') ?? (status === 404 ? 'NotFound' : `Http${status}`);
  return new S3Error(code, status, xmlValue(text, 'Message') ?? 'S3 request failed');
}

const retryable = (status: number, code?: string) =>
  status >= 500 || status === 429 || code === 'SlowDown' || code === 'RequestTimeout' || code === 'InternalError';

const MAX_ATTEMPTS = 4;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One call with retries: throttling, 5xx and dropped connections are retried with
 * exponential backoff and jitter; anything else is S3's answer. `stream` keeps the body
 * of a successful answer unread for the caller.
 */
async function send(call: Call, stream = false): Promise<{ res: IncomingMessage; text: string }> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) await pause(Math.random() * 50 * 2 ** attempt);
    let res: IncomingMessage;
    try {
      res = await dispatch(call);
    } catch (error) {
      lastError = error;
      continue;
    }
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      if (stream) return { res, text: '' };
      const text = await readText(res);
      // CopyObject and CompleteMultipartUpload can fail after answering 200: the error is in the body.
      if (/^\s*(<\?xml[^>]*>)?\s*<Error>/.test(text)) {
        const error = errorFrom(500, text);
        if (retryable(500, error.code)) {
          lastError = error;
          continue;
        }
        throw error;
      }
      return { res, text };
    }
    const text = call.method === 'HEAD' ? (res.resume(), '') : await readText(res);
    const error = errorFrom(status, text);
    if (!retryable(status, error.code)) throw error;
    lastError = error;
  }
  throw lastError;
}

const header = (res: IncomingMessage, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

// ---------------------------------------------------------------------------- operations

export interface StoredObject {
  size: number;
  contentType?: string;
  etag?: string;
  /** Absent when the bucket is not versioned (the local S3). */
  versionId?: string;
}

function described(res: IncomingMessage): StoredObject {
  const versionId = header(res, 'x-amz-version-id');
  return {
    size: Number(header(res, 'content-length') ?? 0),
    contentType: header(res, 'content-type'),
    etag: header(res, 'etag'),
    ...(versionId && versionId !== 'null' ? { versionId } : {}),
  };
}

/** The object's bytes as a stream; leaving a for-await early closes the connection. */
export async function getObjectStream(key: string, versionId?: string): Promise<StoredObject & { body: AsyncIterable<Uint8Array> }> {
  // `response-content-encoding=identity`: never a transformed body, whatever was stored.
  const query: Record<string, string> = { 'response-content-encoding': 'identity', ...(versionId ? { versionId } : {}) };
  const { res } = await send({ method: 'GET', key, query }, true);
  return { ...described(res), body: res };
}

/** The object's size and labels; undefined when there is no such object. */
export async function headObject(key: string): Promise<StoredObject | undefined> {
  try {
    const { res } = await send({ method: 'HEAD', key });
    return described(res);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function putObject(key: string, body: Uint8Array | string, contentType: string): Promise<StoredObject> {
  const { res } = await send({ method: 'PUT', key, body, headers: { 'content-type': contentType } });
  return described(res);
}

/** Server-side copy keeping content type and disposition (metadata directive COPY). */
export async function copyObject(sourceKey: string, destinationKey: string, sourceVersionId?: string): Promise<{ versionId?: string }> {
  const source = `/${escapeUri(config.evidenceBucket)}/${escapeKey(sourceKey)}${sourceVersionId ? `?versionId=${escapeUri(sourceVersionId)}` : ''}`;
  const { res } = await send({ method: 'PUT', key: destinationKey, headers: { 'x-amz-copy-source': source } });
  const versionId = header(res, 'x-amz-version-id');
  return versionId && versionId !== 'null' ? { versionId } : {};
}

/** Deleting what does not exist succeeds, as in S3. */
export async function deleteObject(key: string): Promise<void> {
  try {
    await send({ method: 'DELETE', key });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function createMultipartUpload(key: string, contentType: string, contentDisposition?: string): Promise<string> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (contentDisposition) headers['content-disposition'] = contentDisposition;
  const { text } = await send({ method: 'POST', key, query: { uploads: '' }, headers });
  const uploadId = xmlValue(text, 'UploadId');
  if (!uploadId) throw new S3Error('MalformedAnswer', 200, 'CreateMultipartUpload answered without an UploadId');
  return uploadId;
}

/** Uploads one part (at least 5 MiB except the last); answers its ETag. */
export async function uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
  const { res } = await send({ method: 'PUT', key, query: { partNumber: String(partNumber), uploadId }, body });
  const etag = header(res, 'etag');
  if (!etag) throw new S3Error('MalformedAnswer', 200, 'UploadPart answered without an ETag');
  return etag;
}

export async function completeMultipartUpload(
  key: string,
  uploadId: string,
  parts: readonly { partNumber: number; etag: string }[],
): Promise<{ versionId?: string }> {
  const xml =
    '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${p.etag.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</ETag></Part>`).join('') +
    '</CompleteMultipartUpload>';
  const { res } = await send({ method: 'POST', key, query: { uploadId }, body: xml, headers: { 'content-type': 'application/xml' } });
  const versionId = header(res, 'x-amz-version-id');
  return versionId && versionId !== 'null' ? { versionId } : {};
}

/** Best effort: the bucket's lifecycle rule removes incomplete multipart uploads anyway. */
export async function abortMultipartUpload(key: string, uploadId: string): Promise<void> {
  try {
    await send({ method: 'DELETE', key, query: { uploadId } });
  } catch {
    // The local S3 does not implement abort; in AWS the lifecycle rule is the backstop.
  }
}

// ---------------------------------------------------------------------------- presigning

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Content-Disposition S3 answers with (response-content-disposition). */
  contentDisposition?: string;
  contentType?: string;
  versionId?: string;
}

/** A presigned GetObject URL, as the SDK's getSignedUrl builds it (query order and `x-id` included). */
export async function presignGet(key: string, o: PresignGetOptions): Promise<string> {
  const t = target(config.evidenceBucket, key);
  const query: Record<string, string> = {
    ...(o.contentDisposition ? { 'response-content-disposition': o.contentDisposition } : {}),
    ...(o.contentType ? { 'response-content-type': o.contentType } : {}),
    ...(o.versionId ? { versionId: o.versionId } : {}),
    // The SDK asks S3 for the object's checksum headers on every GetObject; so do we.
    'x-amz-checksum-mode': 'ENABLED',
    'x-id': 'GetObject',
  };
  const signed = await presigner().presign(
    {
      method: 'GET',
      protocol: t.protocol,
      hostname: t.hostname,
      ...(t.port !== undefined ? { port: t.port } : {}),
      path: t.path,
      query,
      headers: {},
    },
    { expiresIn: o.expiresInSeconds, signingDate: now() },
  );
  return urlOf(t, signed.query as Record<string, string>);
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

const iso8601 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A presigned POST form for a policy from core/evidence/post-policy.ts: the same fields,
 * conditions and signature as @aws-sdk/s3-presigned-post's createPresignedPost.
 */
export async function presignPost(input: PresignedPostInput): Promise<PresignedPost> {
  const bucket = config.evidenceBucket;
  const at = now();
  const signingDate = iso8601(at).replace(/[-:]/g, '');
  const shortDate = signingDate.slice(0, 8);
  const r = region();
  const credentials = await fromEnv()();
  const fields: Record<string, string> = {
    ...input.Fields,
    bucket,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${createScope(shortDate, r, 's3')}`,
    'X-Amz-Date': signingDate,
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
  };
  const conditions = new Set<string>();
  for (const c of input.Conditions) conditions.add(JSON.stringify(c));
  for (const [k, v] of Object.entries(fields)) conditions.add(JSON.stringify({ [k]: v }));
  conditions.add(JSON.stringify({ key: input.Key }));
  const policy = Buffer.from(
    JSON.stringify({
      expiration: iso8601(new Date(at.getTime() + input.Expires * 1000)),
      conditions: [...conditions].map((c) => JSON.parse(c) as unknown),
    }),
    'utf8',
  ).toString('base64');
  const signingKey = await getSigningKey(Sha256, credentials, shortDate, r, 's3');
  const signature = createHmac('sha256', Buffer.from(signingKey)).update(policy, 'utf8').digest('hex');
  const t = target(bucket);
  return {
    url: `${t.protocol}//${hostHeader(t)}${t.path === '/' ? '/' : t.path.replace(/\/$/, '')}`,
    fields: { ...fields, key: input.Key, Policy: policy, 'X-Amz-Signature': signature },
  };
}
