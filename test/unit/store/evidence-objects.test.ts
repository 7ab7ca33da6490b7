/**
 * The lean S3 access of functions/store/evidence-objects.ts against the SDK: a presigned
 * GET and a presigned POST must come out exactly as @aws-sdk/s3-request-presigner's
 * getSignedUrl and @aws-sdk/s3-presigned-post's createPresignedPost build them, for the
 * local path-style endpoint and for AWS's virtual-hosted one, with and without a session
 * token. Signing is local computation: nothing leaves the process.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { buildUploadPolicy } from '../../../functions/core/evidence/post-policy.ts';
import { contentDisposition } from '../../../functions/core/evidence/file-name.ts';
import { newId } from '../../../functions/core/ids.ts';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  completeMultipartUpload,
  escapeUri,
  presignGet,
  presignPost,
  resetEvidenceObjects,
  xmlValue,
  copyObject,
  deleteObject,
  getObjectStream,
  headObject,
  putObject,
  S3Error,
  uploadPart,
} from '../../../functions/store/evidence-objects.ts';

const saved = { ...process.env };
const bucket = 'pathcert-dev-evidencebucket-1x2y3z';

function environment(endpoint: string | undefined, sessionToken?: string) {
  process.env.EVIDENCE_BUCKET = bucket;
  process.env.AWS_REGION = 'us-west-2';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  if (sessionToken) process.env.AWS_SESSION_TOKEN = sessionToken;
  else delete process.env.AWS_SESSION_TOKEN;
  if (endpoint) process.env.AWS_ENDPOINT_URL_S3 = endpoint;
  else delete process.env.AWS_ENDPOINT_URL_S3;
  delete process.env.PATHCERT_STAGE;
  resetEvidenceObjects();
  return new S3Client({
    region: 'us-west-2',
    credentials: {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      ...(sessionToken ? { sessionToken } : {}),
    },
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

const sortedQuery = (url: string) => {
  const u = new URL(url);
  return { origin: u.origin, pathname: u.pathname, query: [...u.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : 1)) };
};

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2025-03-04T05:06:07.890Z'), toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(() => {
  process.env = saved;
  resetEvidenceObjects();
});

const cases = [
  { name: 'local path-style endpoint', endpoint: 'http://127.0.0.1:4569' },
  { name: 'AWS virtual-hosted endpoint', endpoint: undefined },
  { name: 'AWS with a session token (Lambda credentials)', endpoint: undefined, sessionToken: 'IQoJb3JpZ2luX2VjE//token+/=' },
];

describe('presigned GET', () => {
  for (const c of cases) {
    it(`equals the SDK's getSignedUrl: ${c.name}`, async () => {
      const client = environment(c.endpoint, c.sessionToken);
      const key = `evidence/${newId('pathway')}/${newId('evidence')}/3`;
      const disposition = contentDisposition('Plan d’études – 2024 (final).pdf');
      const ours = await presignGet(key, { expiresInSeconds: 120, contentDisposition: disposition });
      const sdk = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: disposition }), {
        expiresIn: 120,
      });
      expect(sortedQuery(ours)).toEqual(sortedQuery(sdk));
      client.destroy();
    });
  }

  it('names an S3 object version when asked', async () => {
    const client = environment(undefined);
    const key = `evidence/${newId('pathway')}/${newId('evidence')}/1`;
    const ours = await presignGet(key, { expiresInSeconds: 60, versionId: 'Wk3.n_9LzZ' });
    const sdk = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: 'Wk3.n_9LzZ' }), { expiresIn: 60 });
    expect(sortedQuery(ours)).toEqual(sortedQuery(sdk));
    client.destroy();
  });
});

describe('presigned POST', () => {
  for (const c of cases) {
    it(`equals the SDK's createPresignedPost: ${c.name}`, async () => {
      const client = environment(c.endpoint, c.sessionToken);
      const policy = buildUploadPolicy({
        pathwayId: newId('pathway'),
        evidenceId: newId('evidence'),
        version: 1,
        contentType: 'application/pdf',
        size: 4096,
        fileName: 'Advisory board minutes.pdf',
        expiresInSeconds: 300,
      });
      const ours = await presignPost(policy);
      const sdk = await createPresignedPost(client, { Bucket: bucket, ...policy });
      expect(ours).toEqual(sdk);
      client.destroy();
    });
  }
});

describe('helpers', () => {
  it('escapes as RFC 3986 (what SigV4 canonicalizes)', () => {
    expect(escapeUri("a b!'()*~é/")).toBe('a%20b%21%27%28%29%2A~%C3%A9%2F');
  });

  it('reads values out of S3 XML answers, entities decoded', () => {
    const xml = '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>No &amp; such &lt;key&gt;</Message></Error>';
    expect(xmlValue(xml, 'Code')).toBe('NoSuchKey');
    expect(xmlValue(xml, 'Message')).toBe('No & such <key>');
    expect(xmlValue(xml, 'UploadId')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------- on the wire


/** SHA-256 for the test's own signer (the SDK's Checksum interface). */
type Source = string | ArrayBuffer | ArrayBufferView;
const asBuffer = (d: Source) => (typeof d === 'string' ? Buffer.from(d) : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d));
class Sha256 {
  private readonly h;
  constructor(secret?: Source) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', asBuffer(secret));
  }
  update(data: Source) {
    this.h.update(asBuffer(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/**
 * Checks a request as S3 would: recompute its SigV4 signature from what arrived on the
 * wire (method, raw path and query, the headers it says it signed, the body's hash) with
 * the same credentials and date. A request whose URL or headers changed between signing
 * and sending fails.
 */
async function signatureHolds(c: Captured): Promise<boolean> {
  const auth = String(c.headers.authorization ?? '');
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const url = new URL(c.url, `http://${c.headers.host}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) headers[h] = String(c.headers[h]);
  const amzDate = String(c.headers['x-amz-date']);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`);
  const signer = new SignatureV4({
    service: 's3',
    region: 'us-west-2',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const again = await signer.sign(
    { method: c.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, body: c.body.length ? c.body : undefined },
    { signingDate },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(again.headers.authorization))?.[1];
  const sent = /Signature=([0-9a-f]+)/.exec(auth)?.[1];
  // S3 also checks that the body is what the signed hash says.
  const bodyHash = createHash('sha256').update(c.body).digest('hex');
  return Boolean(sent) && sent === expected && headers['x-amz-content-sha256'] === bodyHash;
}

describe('requests on the wire', () => {
  let server: Server;
  const captured: Captured[] = [];
  type Answer = { status: number; headers?: Record<string, string>; body?: string };
  let answer: (c: Captured) => Answer = () => ({ status: 200 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const c: Captured = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
        captured.push(c);
        const a = answer(c);
        res.writeHead(a.status, a.headers).end(a.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    captured.length = 0;
    answer = () => ({ status: 200 });
    environment(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).destroy();
    vi.useRealTimers();
  });

  it('signs every operation so that S3 can check it (path-style, query, headers, body hash)', async () => {
    const key = `evidence/${newId('pathway')}/${newId('evidence')}/1`;
    answer = (c): Answer =>
      c.method === 'POST' && c.url.includes('uploadId')
        ? { status: 200, body: '<CompleteMultipartUploadResult><ETag>"x"</ETag></CompleteMultipartUploadResult>' }
        : c.method === 'PUT' && c.url.includes('partNumber')
          ? { status: 200, headers: { etag: '"part-1"' } }
          : c.method === 'HEAD'
            ? { status: 200, headers: { 'content-length': '5', 'x-amz-version-id': 'v1' } }
            : { status: 200, headers: { 'x-amz-version-id': 'v2' }, body: c.method === 'GET' ? 'hello' : '' };
    await putObject(key, Buffer.from('hello'), 'application/pdf');
    expect(await copyObject(key.replace('evidence/', 'pending/'), key, 'ver/1+2')).toEqual({ versionId: 'v2' });
    await deleteObject(key);
    expect(await uploadPart('exports/x.zip', 'up=1', 1, Buffer.alloc(1000, 7))).toBe('"part-1"');
    await completeMultipartUpload('exports/x.zip', 'up=1', [{ partNumber: 1, etag: '"part-1"' }]);
    expect(await headObject(key)).toMatchObject({ size: 5, versionId: 'v1' });
    const got = await getObjectStream(key, 'v 1');
    let text = '';
    for await (const c of got.body) text += Buffer.from(c).toString();
    expect(text).toBe('hello');

    expect(captured.map((c) => `${c.method} ${c.url.split('?')[0]}`)).toEqual([
      `PUT /${bucket}/${key}`,
      `PUT /${bucket}/${key}`,
      `DELETE /${bucket}/${key}`,
      `PUT /${bucket}/exports/x.zip`,
      `POST /${bucket}/exports/x.zip`,
      `HEAD /${bucket}/${key}`,
      `GET /${bucket}/${key}`,
    ]);
    for (const c of captured) expect(await signatureHolds(c), `${c.method} ${c.url}`).toBe(true);
    // The check itself can fail: another key, another body.
    expect(await signatureHolds({ ...captured[0]!, url: captured[0]!.url.replace(/1$/, '2') })).toBe(false);
    expect(await signatureHolds({ ...captured[0]!, body: Buffer.from('hellO') })).toBe(false);
    expect(captured[1]!.headers['x-amz-copy-source']).toBe(`/${bucket}/${key.replace('evidence/', 'pending/')}?versionId=ver%2F1%2B2`);
    expect(captured[6]!.url).toContain('response-content-encoding=identity');
    expect(captured[6]!.url).toContain('versionId=v%201');
  });

  it('retries throttling and 5xx, then answers; S3 errors keep their code', async () => {
    let calls = 0;
    answer = () => (++calls < 3 ? { status: 503, body: '<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>' } : { status: 200 });
    await putObject('pending/x', 'x', 'text/plain');
    expect(calls).toBe(3);

    answer = () => ({ status: 404, body: '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>' });
    await expect(getObjectStream('evidence/missing')).rejects.toMatchObject({ name: 'S3Error', code: 'NoSuchKey', status: 404 });
    expect(await headObject('evidence/missing')).toBeUndefined();
    await expect(deleteObject('evidence/missing')).resolves.toBeUndefined();

    answer = () => ({ status: 403, body: '<Error><Code>AccessDenied</Code><Message>denied</Message></Error>' });
    await expect(putObject('evidence/x', 'x', 'text/plain')).rejects.toThrow(S3Error);
  });

  it('treats an error inside a 200 answer (CopyObject, CompleteMultipartUpload) as the error it is', async () => {
    answer = () => ({ status: 200, body: '<?xml version="1.0"?>\n<Error><Code>InvalidPart</Code><Message>bad part</Message></Error>' });
    await expect(completeMultipartUpload('exports/x.zip', 'u', [{ partNumber: 1, etag: '"a"' }])).rejects.toMatchObject({ code: 'InvalidPart' });
  });
});
