/**
 * The local runtime's data services: DynamoDB Local with pathcert's table (indexes, TTL,
 * transactions) and `npm start`'s persistence across restarts, and what --fresh wipes.
 *
 * The DynamoDB tests use explicit clients on the run's shared DynamoDB Local; the
 * persistence tests start whole platforms one after another (one per process at a time).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { tableIndexes, tableKeys, ttlAttribute } from '#store/table.ts';
import { createTable } from '../../infra/local/dynamodb.ts';
import { startPlatform, type PlatformOptions } from '../../infra/local/platform.ts';
import { uniqueName } from '../support/platform.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function clients(endpoint: string) {
  const base = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  return { base, doc: DynamoDBDocumentClient.from(base) };
}

describe('the table in DynamoDB Local', () => {
  const tableName = uniqueName('pathcert-test');
  let base: DynamoDBClient;
  let doc: DynamoDBDocumentClient;

  beforeAll(async () => {
    const endpoint = inject('dynamoEndpoint');
    await createTable(endpoint, tableName);
    await createTable(endpoint, tableName); // idempotent
    ({ base, doc } = clients(endpoint));
  });
  afterAll(() => base?.destroy());

  it('has the keys and every GSI of functions/store/table.ts, on demand, with TTL', async () => {
    const { Table } = await base.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const indexes = Object.fromEntries((Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
    expect(Object.keys(indexes).sort()).toEqual(tableIndexes.map((i) => i.name).sort());
    for (const index of tableIndexes) {
      expect(indexes[index.name]?.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
      expect(indexes[index.name]?.Projection?.ProjectionType).toBe('ALL');
    }
    const ttl = await base.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: ttlAttribute });
  });

  it('runs TransactWriteItems atomically, conditions included', async () => {
    const put = (pk: string) => ({
      Put: { TableName: tableName, Item: { PK: pk, SK: 'A', GSI1PK: 'LIST', GSI1SK: pk }, ConditionExpression: 'attribute_not_exists(PK)' },
    });
    await doc.send(new TransactWriteCommand({ TransactItems: [put('T#1'), put('T#2')] }));

    // The second write's condition fails, so neither the new item nor the update happens.
    const failed = doc.send(
      new TransactWriteCommand({
        TransactItems: [
          put('T#3'),
          put('T#1'),
          {
            Update: {
              TableName: tableName,
              Key: { PK: 'T#2', SK: 'A' },
              UpdateExpression: 'SET touched = :t',
              ExpressionAttributeValues: { ':t': true },
            },
          },
        ],
      }),
    );
    await expect(failed).rejects.toBeInstanceOf(TransactionCanceledException);
    const reasons = ((await failed.catch((e: unknown) => e)) as TransactionCanceledException).CancellationReasons?.map((r) => r.Code);
    expect(reasons).toEqual(['None', 'ConditionalCheckFailed', 'None']);

    expect((await doc.send(new GetCommand({ TableName: tableName, Key: { PK: 'T#3', SK: 'A' } }))).Item).toBeUndefined();
    expect((await doc.send(new GetCommand({ TableName: tableName, Key: { PK: 'T#2', SK: 'A' } }))).Item?.touched).toBeUndefined();
    const listed = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :p',
        ExpressionAttributeValues: { ':p': 'LIST' },
      }),
    );
    expect(listed.Items?.map((i) => i.PK)).toEqual(['T#1', 'T#2']);
  });
});

describe('npm start persistence (a platform on disk, restarted)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pathcert-local-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const options = (): PlatformOptions => ({
    persist: true,
    dataDir,
    ports: { http: 0, dynamodb: 0, s3: 0, stepFunctions: 0, eventBridge: 0, ses: 0, cognito: 0 },
    withStepFunctions: false,
  });

  it('keeps items, objects, the dev clock and the issuer key across restarts; --fresh wipes the data', async () => {
    const key = { PK: 'PERSIST#1', SK: 'A' };

    const first = await startPlatform(options());
    const a = clients(first.dynamoEndpoint);
    const s3a = new S3Client({ endpoint: first.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    await a.doc.send(
      new TransactWriteCommand({ TransactItems: [{ Put: { TableName: first.tableName, Item: { ...key, note: 'kept' } } }] }),
    );
    await s3a.send(new PutObjectCommand({ Bucket: first.bucketName, Key: 'evidence/kept.txt', Body: 'kept' }));
    first.clock.advanceDays(2);
    const token = await first.issuer.issueToken({ email: 'alice@example.org', groups: ['staff'] });
    a.base.destroy();
    s3a.destroy();
    const oldEndpoint = first.dynamoEndpoint;
    await first.stop();
    // The Java process is gone: its port no longer answers.
    const probe = new DynamoDBClient({ endpoint: oldEndpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    await expect(probe.send(new ListTablesCommand({}))).rejects.toThrow();
    probe.destroy();

    const second = await startPlatform(options());
    try {
      const b = clients(second.dynamoEndpoint);
      const s3b = new S3Client({ endpoint: second.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
      expect((await b.doc.send(new GetCommand({ TableName: second.tableName, Key: key }))).Item?.note).toBe('kept');
      const object = await s3b.send(new GetObjectCommand({ Bucket: second.bucketName, Key: 'evidence/kept.txt' }));
      expect(await object.Body!.transformToString()).toBe('kept');
      expect(second.clock.state().offsetMs).toBe(2 * 86_400_000);
      expect(process.env.PATHCERT_CLOCK_OFFSET_MS).toBe(String(2 * 86_400_000));
      await expect(second.issuer.verify(token)).resolves.toMatchObject({ email: 'alice@example.org' });
      b.base.destroy();
      s3b.destroy();
    } finally {
      await second.stop();
    }

    const fresh = await startPlatform({ ...options(), fresh: true });
    try {
      const c = clients(fresh.dynamoEndpoint);
      const s3c = new S3Client({ endpoint: fresh.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
      expect((await c.doc.send(new GetCommand({ TableName: fresh.tableName, Key: key }))).Item).toBeUndefined();
      await expect(s3c.send(new GetObjectCommand({ Bucket: fresh.bucketName, Key: 'evidence/kept.txt' }))).rejects.toMatchObject({
        name: 'NoSuchKey',
      });
      expect(fresh.clock.state().offsetMs).toBe(0);
      // Keys survive --fresh, so tokens already handed out keep working.
      await expect(fresh.issuer.verify(token)).resolves.toBeTruthy();
      c.base.destroy();
      s3c.destroy();
    } finally {
      await fresh.stop();
    }
  });
});
