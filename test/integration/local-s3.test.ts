/**
 * Local S3 with the real SDK: objects, presigned GET and POST (a real multipart form),
 * the bucket's CORS rule, and S3 notifications delivered AWS-shaped to a handler.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Event } from 'aws-lambda';
import { evidenceCorsRule } from '../../infra/evidence-cors.ts';
import { awsEncodeS3Key, decodeS3EventKey, startLocalS3, type LocalS3 } from '../../infra/local/s3.ts';
import { uniqueName } from '../support/platform.ts';

describe('local S3', () => {
  const bucket = uniqueName('evidence-test');
  const received: S3Event[] = [];
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startLocalS3({
      bucketName: bucket,
      allowedOrigins: ['http://localhost:5173'],
      // Stands in for a catalog function with trigger 's3': it is called with the notification.
      onObjectCreated: async (event) => {
        received.push(event);
      },
    });
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });
  beforeEach(() => {
    received.length = 0;
  });

  it('stores and returns objects through the SDK', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'evidence/a.txt', Body: 'hello', ContentType: 'text/plain' }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'evidence/a.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello');
    expect(got.ContentType).toBe('text/plain');
    expect(got.ETag).toBe(`"${createHash('md5').update('hello').digest('hex')}"`);
  });

  it('serves presigned GET URLs', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'evidence/b.txt', Body: 'presigned' }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: 'evidence/b.txt' }), { expiresIn: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('presigned');
  });

  it('accepts a presigned POST as a real multipart form and notifies the handler with an AWS-encoded key', async () => {
    const key = 'uploads/pw 1/report+final (v2).pdf';
    const content = '%PDF-1.7 local test';
    const post = await createPresignedPost(client, {
      Bucket: bucket,
      Key: key,
      Conditions: [['content-length-range', 1, 1024 * 1024]],
      Fields: { 'Content-Type': 'application/pdf' },
      Expires: 300,
    });
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append('file', new Blob([content], { type: 'application/pdf' }), 'report.pdf');

    const res = await fetch(post.url, { method: 'POST', body: form });
    expect(res.status).toBe(204);

    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ContentLength).toBe(content.length);

    await s3.settled();
    expect(received).toHaveLength(1);
    const record = received[0]!.Records[0]!;
    expect(record.eventSource).toBe('aws:s3');
    expect(record.eventName).toBe('ObjectCreated:Post');
    expect(record.awsRegion).toBe('us-east-1');
    expect(record.s3.bucket).toMatchObject({ name: bucket, arn: `arn:aws:s3:::${bucket}` });
    expect(record.s3.object.key).toBe('uploads/pw+1/report%2Bfinal+%28v2%29.pdf');
    expect(decodeS3EventKey(record.s3.object.key)).toBe(key);
    expect(record.s3.object.size).toBe(content.length);
    expect(record.s3.object.eTag).toBe(createHash('md5').update(content).digest('hex'));
  });

  it('notifies on PUT and not on DELETE', async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'evidence/c d.txt', Body: 'x' }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'evidence/c d.txt' }));
    await s3.settled();
    expect(received.map((e) => e.Records[0]!.eventName)).toEqual(['ObjectCreated:Put']);
    expect(received[0]!.Records[0]!.s3.object.key).toBe('evidence/c+d.txt');
  });

  it('configures the bucket CORS rule from infra/evidence-cors.ts and answers browser preflights', async () => {
    const cors = await client.send(new GetBucketCorsCommand({ Bucket: bucket }));
    const rule = evidenceCorsRule(['http://localhost:5173']);
    expect(cors.CORSRules).toEqual([
      {
        AllowedMethods: rule.allowedMethods,
        AllowedOrigins: rule.allowedOrigins,
        AllowedHeaders: rule.allowedHeaders,
        ExposeHeaders: rule.exposedHeaders,
        MaxAgeSeconds: rule.maxAgeSeconds,
      },
    ]);
    const preflight = await fetch(`${s3.endpoint}/${bucket}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const denied = await fetch(`${s3.endpoint}/${bucket}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(denied.status).toBe(403);
  });

  it('refuses keys with . or .. segments (also encoded) for POST forms, PUT, GET, HEAD, DELETE and copy, with an S3 XML error', async () => {
    const victim = 'evidence/pw_B/ev_1/1';
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: victim, Body: 'verified original' }));
    await s3.settled();
    received.length = 0;
    const traversals = [
      'pending/pw_A/../../evidence/pw_B/ev_1/1',
      'pending/./evidence/x',
      'pending/pw_A/%2e%2E/../evidence/pw_B/ev_1/1',
      'a/.%2e/b',
      '../x',
    ];
    const original = async () => (await client.send(new GetObjectCommand({ Bucket: bucket, Key: victim }))).Body!.transformToString();
    const refused = async (send: () => Promise<unknown>) => {
      const error = (await send().then(
        () => undefined,
        (e: unknown) => e,
      )) as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
      expect(error?.name).toBe('InvalidArgument');
      expect(error?.$metadata?.httpStatusCode).toBe(400);
    };
    for (const key of traversals) {
      const post = await createPresignedPost(client, { Bucket: bucket, Key: key, Expires: 300 });
      const form = new FormData();
      for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
      form.append('file', new Blob(['overwritten']), 'x.pdf');
      const res = await fetch(post.url, { method: 'POST', body: form });
      expect(res.status, key).toBe(400);
      const xml = await res.text();
      expect(xml).toMatch(/^<\?xml/);
      expect(xml).toContain('<Code>InvalidArgument</Code>');

      await refused(() => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'overwritten' })));
      await refused(() => client.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
      await refused(() => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
      await refused(() => client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })));
      await refused(() => client.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/${victim}` })));
      await refused(() =>
        client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'evidence/copy', CopySource: `${bucket}/${encodeURI(key)}` })),
      );
    }
    // HEAD has no body; its status says it. The raw request keeps the dots exactly as sent.
    const head = await new Promise<number>((resolve, reject) => {
      const url = new URL(s3.endpoint);
      request({ host: url.hostname, port: url.port, method: 'HEAD', path: `/${bucket}/pending/pw_A/../../${victim}` }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(head).toBe(400);
    expect(await original()).toBe('verified original');
    await s3.settled();
    expect(received).toEqual([]);
    // Dots inside a segment are ordinary characters.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'evidence/..hidden/a..b/.x', Body: 'ok' }));
  });

  it('encodes event keys the way S3 does', () => {
    expect(awsEncodeS3Key('a/b c/ü=1&x*y.pdf')).toBe('a/b+c/%C3%BC%3D1%26x*y.pdf');
    expect(decodeS3EventKey(awsEncodeS3Key("it's (1) ~ok!"))).toBe("it's (1) ~ok!");
  });

  it('removes its temporary directory on stop', async () => {
    const other = await startLocalS3({ bucketName: uniqueName('tmp'), allowedOrigins: ['*'] });
    expect(existsSync(other.directory)).toBe(true);
    await other.stop();
    expect(existsSync(other.directory)).toBe(false);
  });
});
