/**
 * functions/store/evidence-objects.ts over the real SDK S3 client: what goes on the wire
 * (path-style at the endpoint override, the commands' methods, paths and headers, multipart
 * checksums), how S3's answers come back (NoSuchKey/NotFound, retries, errors inside a 200),
 * the multipart sink aborting on failure, and presigned GETs and POST forms signed at the
 * project's clock, including a moved local dev clock. A plain HTTP server plays S3;
 * signatures themselves are checked by the local S3 in the integration suites.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createScope, getSigningKey } from '@smithy/signature-v4';
import { buildUploadPolicy } from '#core/evidence/post-policy.ts';
import { contentDisposition } from '#core/evidence/file-name.ts';
import { newId } from '#core/ids.ts';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  copyObject,
  copySource,
  createMultipartUpload,
  deleteObject,
  getObjectStream,
  headObject,
  isNotFound,
  presignGet,
  presignPost,
  putObject,
  resetEvidenceObjects,
  uploadPart,
} from '#store/evidence-objects.ts';
import { MultipartSink } from '#uploads/multipart.ts';

const saved = { ...process.env };
const bucket = 'pathcert-dev-evidencebucket-1x2y3z';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

function environment(endpoint: string | undefined, options: { sessionToken?: string; clockOffsetMs?: number } = {}) {
  process.env.EVIDENCE_BUCKET = bucket;
  process.env.AWS_REGION = 'us-west-2';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  if (options.sessionToken) process.env.AWS_SESSION_TOKEN = options.sessionToken;
  else delete process.env.AWS_SESSION_TOKEN;
  if (endpoint) process.env.AWS_ENDPOINT_URL_S3 = endpoint;
  else delete process.env.AWS_ENDPOINT_URL_S3;
  if (options.clockOffsetMs !== undefined) {
    process.env.PATHCERT_STAGE = 'local';
    process.env.PATHCERT_CLOCK_OFFSET_MS = String(options.clockOffsetMs);
  } else {
    delete process.env.PATHCERT_STAGE;
    delete process.env.PATHCERT_CLOCK_OFFSET_MS;
  }
  resetEvidenceObjects();
  // An independent client, configured by hand, as the reference.
  return new S3Client({
    region: 'us-west-2',
    credentials: {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: SECRET,
      ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    },
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

/** The SDK's Checksum interface over node:crypto (HMAC-SHA-256 when given a secret). */
type Source = string | ArrayBuffer | ArrayBufferView;
const asBuffer = (d: Source) =>
  typeof d === 'string' ? Buffer.from(d) : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);
class NodeSha256 {
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

const FROZEN = new Date('2025-03-04T05:06:07.000Z');
const amzDate = (d: Date) =>
  d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

afterAll(() => {
  process.env = saved;
  resetEvidenceObjects();
});

describe('presigned GET', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: FROZEN, toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the SDK getSignedUrl for the local path-style endpoint and AWS virtual-hosted addressing', async () => {
    for (const endpoint of ['http://127.0.0.1:4569', undefined]) {
      const reference = environment(endpoint);
      const key = `evidence/${newId('pathway')}/${newId('evidence')}/3`;
      const disposition = contentDisposition('Plan d’études – 2024 (final).pdf');
      const ours = await presignGet(key, { expiresInSeconds: 120, contentDisposition: disposition, versionId: 'Wk3.n_9LzZ' });
      const sdk = await getSignedUrl(
        reference,
        new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: disposition, VersionId: 'Wk3.n_9LzZ' }),
        { expiresIn: 120 },
      );
      expect(ours).toBe(sdk);
      const url = new URL(ours);
      expect(url.host).toBe(endpoint ? '127.0.0.1:4569' : `${bucket}.s3.us-west-2.amazonaws.com`);
      expect(url.pathname).toBe(endpoint ? `/${bucket}/${key}` : `/${key}`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
      expect(url.searchParams.get('response-content-disposition')).toBe(disposition);
      reference.destroy();
    }
  });

  it('is signed at the dev clock, so moving it moves the link’s expiry', async () => {
    environment('http://127.0.0.1:4569', { clockOffsetMs: -2 * 60 * 60 * 1000 }).destroy();
    const url = new URL(await presignGet('evidence/p/e/1', { expiresInSeconds: 60 }));
    expect(url.searchParams.get('X-Amz-Date')).toBe(amzDate(new Date(FROZEN.getTime() - 2 * 60 * 60 * 1000)));
  });
});

describe('presigned POST', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: FROZEN, toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const policyInput = () =>
    buildUploadPolicy({
      pathwayId: newId('pathway'),
      evidenceId: newId('evidence'),
      version: 1,
      contentType: 'application/pdf',
      size: 4096,
      fileName: 'Advisory board minutes.pdf',
      expiresInSeconds: 300,
    });

  const cases = [
    { name: 'local path-style endpoint', endpoint: 'http://127.0.0.1:4569' },
    { name: 'AWS virtual-hosted endpoint', endpoint: undefined },
    { name: 'AWS with a session token (Lambda credentials)', endpoint: undefined, sessionToken: 'IQoJb3JpZ2luX2VjE//token+/=' },
  ];
  for (const c of cases) {
    it(`is createPresignedPost's form, carrying every condition of the policy: ${c.name}`, async () => {
      const reference = environment(c.endpoint, { ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) });
      const input = policyInput();
      const ours = await presignPost(input);
      expect(ours).toEqual(await createPresignedPost(reference, { Bucket: bucket, ...input }));
      expect(ours.url).toBe(c.endpoint ? `${c.endpoint}/${bucket}` : `https://${bucket}.s3.us-west-2.amazonaws.com/`);

      const policy = JSON.parse(Buffer.from(ours.fields.Policy!, 'base64').toString('utf8')) as {
        expiration: string;
        conditions: unknown[];
      };
      expect(policy.expiration).toBe('2025-03-04T05:11:07Z');
      expect(policy.conditions).toEqual(
        expect.arrayContaining([
          ['eq', '$key', input.Key],
          ['eq', '$Content-Type', 'application/pdf'],
          ['eq', '$Content-Disposition', ours.fields['Content-Disposition']],
          ['content-length-range', 4096, 4096],
          { bucket },
          { key: input.Key },
        ]),
      );
      expect(ours.fields.key).toBe(input.Key);
      if (c.sessionToken) expect(ours.fields['X-Amz-Security-Token']).toBe(c.sessionToken);

      // The signature is S3's: HMAC of the policy with the SigV4 key of that day, region and service.
      const shortDate = ours.fields['X-Amz-Date']!.slice(0, 8);
      expect(ours.fields['X-Amz-Credential']).toBe(`AKIDEXAMPLE/${createScope(shortDate, 'us-west-2', 's3')}`);
      const key = await getSigningKey(NodeSha256, { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }, shortDate, 'us-west-2', 's3');
      expect(ours.fields['X-Amz-Signature']).toBe(createHmac('sha256', Buffer.from(key)).update(ours.fields.Policy!).digest('hex'));
      reference.destroy();
    });
  }

  it('is dated at the dev clock: a form issued two hours in the past has already expired', async () => {
    environment('http://127.0.0.1:4569', { clockOffsetMs: -2 * 60 * 60 * 1000 }).destroy();
    const form = await presignPost(policyInput());
    const policy = JSON.parse(Buffer.from(form.fields.Policy!, 'base64').toString('utf8')) as { expiration: string };
    expect(form.fields['X-Amz-Date']).toBe(amzDate(new Date(FROZEN.getTime() - 2 * 60 * 60 * 1000)));
    expect(policy.expiration).toBe('2025-03-04T03:11:07Z');
    expect(Date.parse(policy.expiration)).toBeLessThan(Date.now());
  });
});

describe('helpers', () => {
  it('encodes a copy source per segment, the version as a query', () => {
    expect(copySource('b', 'pending/a b/ü+1', 'v/1+2')).toBe('b/pending/a%20b/%C3%BC%2B1?versionId=v%2F1%2B2');
    expect(copySource('b', 'evidence/x/y/1')).toBe('b/evidence/x/y/1');
  });

  it('recognizes S3’s not-found answers and nothing else', () => {
    expect(isNotFound(Object.assign(new Error('x'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }))).toBe(true);
    expect(isNotFound(Object.assign(new Error('x'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }))).toBe(true);
    expect(isNotFound(Object.assign(new Error('x'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))).toBe(false);
    expect(isNotFound(new Error('socket hang up'))).toBe(false);
    expect(isNotFound(undefined)).toBe(false);
  });
});

// ---------------------------------------------------------------------------- on the wire

interface Captured {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}
type Answer = { status: number; headers?: Record<string, string>; body?: string };

describe('requests on the wire', () => {
  let server: Server;
  const captured: Captured[] = [];
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
  });

  const xml = (root: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><${root}>${inner}</${root}>`;
  const s3Error = (code: string) => xml('Error', `<Code>${code}</Code><Message>${code}</Message>`);

  it('sends each operation path-style to the endpoint, signed, with the headers S3 needs', async () => {
    const key = `evidence/${newId('pathway')}/${newId('evidence')}/1`;
    answer = (c): Answer => {
      if (c.method === 'POST' && c.url.includes('uploads'))
        return { status: 200, body: xml('InitiateMultipartUploadResult', '<UploadId>up=1</UploadId>') };
      if (c.method === 'POST')
        return { status: 200, headers: { 'x-amz-version-id': 'zv1' }, body: xml('CompleteMultipartUploadResult', '<ETag>"z"</ETag>') };
      if (c.method === 'PUT' && c.url.includes('partNumber'))
        return { status: 200, headers: { etag: '"part-1"', 'x-amz-checksum-crc32': 'AAAAAA==' } };
      if (c.headers['x-amz-copy-source'])
        return { status: 200, headers: { 'x-amz-version-id': 'v2' }, body: xml('CopyObjectResult', '<ETag>"c"</ETag>') };
      if (c.method === 'HEAD')
        return { status: 200, headers: { 'content-length': '5', 'content-type': 'application/pdf', 'x-amz-version-id': 'v1' } };
      if (c.method === 'GET') return { status: 200, headers: { 'content-length': '5', 'x-amz-version-id': 'null' }, body: 'hello' };
      return { status: c.method === 'DELETE' ? 204 : 200 };
    };

    await putObject(key, 'hello', 'application/pdf');
    expect(await copyObject(key.replace('evidence/', 'pending/'), key, 'ver/1+2')).toEqual({ versionId: 'v2' });
    await deleteObject(key);
    const uploadId = await createMultipartUpload('exports/x.zip', 'application/zip', 'attachment; filename="x.zip"');
    expect(uploadId).toBe('up=1');
    const part = await uploadPart('exports/x.zip', uploadId, 1, Buffer.alloc(1000, 7));
    expect(part).toEqual({ partNumber: 1, etag: '"part-1"', checksumCrc32: 'AAAAAA==' });
    expect(await completeMultipartUpload('exports/x.zip', uploadId, [part])).toEqual({ versionId: 'zv1' });
    expect(await abortMultipartUpload('exports/x.zip', uploadId)).toBe(true);
    expect(await headObject(key)).toMatchObject({ size: 5, contentType: 'application/pdf', versionId: 'v1' });
    const got = await getObjectStream(key, 'v 1');
    expect(got.versionId).toBeUndefined();
    let text = '';
    for await (const c of got.body) text += Buffer.from(c).toString();
    expect(text).toBe('hello');

    const path = (c: Captured) => `${c.method} ${decodeURIComponent(c.url.split('?')[0]!)}`;
    expect(captured.map(path)).toEqual([
      `PUT /${bucket}/${key}`,
      `PUT /${bucket}/${key}`,
      `DELETE /${bucket}/${key}`,
      `POST /${bucket}/exports/x.zip`,
      `PUT /${bucket}/exports/x.zip`,
      `POST /${bucket}/exports/x.zip`,
      `DELETE /${bucket}/exports/x.zip`,
      `HEAD /${bucket}/${key}`,
      `GET /${bucket}/${key}`,
    ]);
    for (const c of captured)
      expect(String(c.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/s3\/aws4_request/);
    const [put, copy, , create, upload, complete, abort, , get] = captured as [
      Captured,
      Captured,
      Captured,
      Captured,
      Captured,
      Captured,
      Captured,
      Captured,
      Captured,
    ];
    expect(put.headers['content-type']).toBe('application/pdf');
    expect(put.body.toString()).toBe('hello');
    expect(copy.headers['x-amz-copy-source']).toBe(`${bucket}/${key.replace('evidence/', 'pending/')}?versionId=ver%2F1%2B2`);
    expect(copy.headers['x-amz-metadata-directive']).toBe('COPY');
    // The upload declares CRC32; each part carries it; completion lists it per part.
    expect(create.url).toContain('uploads');
    expect(create.headers['x-amz-checksum-algorithm']).toBe('CRC32');
    expect(create.headers['content-disposition']).toBe('attachment; filename="x.zip"');
    expect(upload.url).toMatch(/partNumber=1/);
    expect(upload.headers['x-amz-checksum-crc32']).toBeTruthy();
    expect(complete.body.toString()).toContain(
      '<Part><ETag>&quot;part-1&quot;</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32><PartNumber>1</PartNumber></Part>',
    );
    expect(abort.url).toContain('uploadId=up%3D1');
    expect(get.url).toContain('versionId=v%201');
  });

  it('retries throttling and 5xx, then answers', async () => {
    let calls = 0;
    answer = () => (++calls < 3 ? { status: 503, body: s3Error('SlowDown') } : { status: 200 });
    await putObject('pending/x', 'x', 'text/plain');
    expect(calls).toBe(3);
  });

  it('answers not found as S3 says it: NoSuchKey for GET, NotFound for HEAD, success for DELETE', async () => {
    answer = (c) => ({ status: 404, ...(c.method === 'HEAD' ? {} : { body: s3Error('NoSuchKey') }) });
    const error = await getObjectStream('evidence/missing').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NoSuchKey' });
    expect(isNotFound(error)).toBe(true);
    expect(await headObject('evidence/missing')).toBeUndefined();
    await expect(deleteObject('evidence/missing')).resolves.toBeUndefined();
    const copyError = await copyObject('pending/missing', 'evidence/x').catch((e: unknown) => e);
    expect(isNotFound(copyError)).toBe(true);

    answer = () => ({ status: 403, body: s3Error('AccessDenied') });
    const denied = await putObject('evidence/x', 'x', 'text/plain').catch((e: unknown) => e);
    expect(denied).toMatchObject({ name: 'AccessDenied' });
    expect(isNotFound(denied)).toBe(false);
  });

  it('treats an error inside a 200 answer (CopyObject, CompleteMultipartUpload) as the error it is', async () => {
    answer = () => ({ status: 200, body: s3Error('InvalidPart') });
    await expect(completeMultipartUpload('exports/x.zip', 'u', [{ partNumber: 1, etag: '"a"' }])).rejects.toMatchObject({
      name: 'InvalidPart',
    });
    answer = () => ({ status: 200, body: s3Error('AccessDenied') });
    await expect(copyObject('pending/a', 'evidence/a')).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('a multipart sink whose part upload fails refuses to finish, and aborts the upload it started', async () => {
    answer = (c): Answer => {
      if (c.method === 'POST' && c.url.includes('uploads'))
        return { status: 200, body: xml('InitiateMultipartUploadResult', '<UploadId>up-9</UploadId>') };
      if (c.method === 'PUT') return { status: 400, body: s3Error('EntityTooSmall') };
      return { status: 204 };
    };
    const sink = new MultipartSink('exports/y.zip', 'application/zip', undefined, 5 * 1024 * 1024);
    await sink.write(Buffer.alloc(5 * 1024 * 1024 + 10, 1));
    await expect(sink.finish()).rejects.toMatchObject({ name: 'EntityTooSmall' });
    expect(await sink.abort()).toBe(true);
    const abort = captured.find((c) => c.method === 'DELETE');
    expect(abort?.url.split('?')[0]).toBe(`/${bucket}/exports/y.zip`);
    expect(new URL(abort!.url, 'http://x').searchParams.get('uploadId')).toBe('up-9');
    // Nothing was completed.
    expect(captured.filter((c) => c.method === 'POST' && c.url.includes('uploadId='))).toEqual([]);
  });

  it('aborting reports false, without throwing, when S3 refuses (the lifecycle rule is the backstop)', async () => {
    answer = () => ({ status: 501, body: s3Error('NotImplemented') });
    expect(await abortMultipartUpload('exports/z.zip', 'u-1')).toBe(false);
  });
});
