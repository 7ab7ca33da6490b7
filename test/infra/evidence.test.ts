/**
 * The evidence bucket's wiring for issue 4: each catalog function with trigger 's3' is
 * notified of exactly its prefix (the same filter the local S3 applies), S3 may invoke
 * it, the lifecycle removes exports, quarantine and incomplete uploads, and the evidence
 * functions' rights follow their catalog grants by prefix.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog, type FunctionSpec } from '#catalog';
import { filterByPrefix } from '../../infra/local/s3.ts';
import { actionsOf, functionStatements, resourcesOf, synth, type Synthesized } from './support.ts';

let dev: Synthesized;
beforeAll(() => {
  dev = synth({ stage: 'dev' });
});

const s3Functions = Object.entries(functionCatalog as Record<string, FunctionSpec>).filter(([, spec]) => spec.trigger === 's3');
const logicalId = (s: Synthesized, name: string) =>
  s.stack.resolve(s.stack.getLogicalId(s.stack.functions.get(name)!.function.node.defaultChild as any)) as string;

describe('S3-triggered functions', () => {
  it('the catalog names the upload verifier and the export worker with their prefixes; every s3 function has one', () => {
    for (const [name, spec] of s3Functions) expect(spec.s3?.prefix, name).toMatch(/\/$/);
    expect(Object.fromEntries(s3Functions.map(([name, spec]) => [name, spec.s3?.prefix]))).toMatchObject({
      verifyUpload: 'pending/',
      exportEvidence: 'exports/requests/',
    });
  });

  it('the bucket notifies each of them of objects created under its prefix only', () => {
    const notifications = Object.values(dev.resources).filter((r) => r.Type === 'Custom::S3BucketNotifications');
    expect(notifications).toHaveLength(1);
    const configs = notifications[0]!.Properties!.NotificationConfiguration.LambdaFunctionConfigurations as {
      Events: string[];
      Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
      LambdaFunctionArn: unknown;
    }[];
    const bucketId = dev.stack.resolve(dev.stack.getLogicalId(dev.stack.evidence.bucket.node.defaultChild as any));
    expect(notifications[0]!.Properties!.BucketName).toEqual({ Ref: bucketId });
    expect(configs).toHaveLength(s3Functions.length);
    for (const [name, spec] of s3Functions) {
      const config = configs.find((c) => JSON.stringify(c.LambdaFunctionArn).includes(logicalId(dev, name)));
      expect(config, name).toBeDefined();
      expect(config!.Events).toEqual(['s3:ObjectCreated:*']);
      expect(config!.Filter.Key.FilterRules).toEqual([{ Name: 'prefix', Value: spec.s3!.prefix }]);
    }
  });

  it('a failed asynchronous invocation of any of them is kept in one shared, encrypted, TLS-only dead-letter queue, watched by an alarm', () => {
    const queueId = dev.stack.resolve(
      dev.stack.getLogicalId(dev.stack.evidence.failedInvocationsQueue!.node.defaultChild as any),
    ) as string;
    const queue = dev.resources[queueId]!;
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties).toMatchObject({
      QueueName: 'pathcert-dev-s3-invocations-dlq',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    const policy = Object.values(dev.resources).find(
      (r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties?.Queues).includes(queueId),
    );
    expect(policy?.Properties?.PolicyDocument?.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );

    const configs = Object.values(dev.resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    for (const [name] of s3Functions) {
      const config = configs.find((c) => JSON.stringify(c.Properties?.FunctionName).includes(logicalId(dev, name)));
      expect(config, name).toBeDefined();
      expect(config!.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 6 * 3600 });
      expect(config!.Properties!.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
      // Lambda sends to the destination with the function's role: it may send to this queue only.
      const sends = functionStatements(dev, name).filter((st) => actionsOf(st).some((a) => a.startsWith('sqs:')));
      expect(sends.flatMap(actionsOf).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
      expect(sends.flatMap(resourcesOf)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    }
    // One queue for all of them, and one alarm on its depth.
    const queuesOfS3 = Object.values(dev.resources).filter(
      (r) => r.Type === 'AWS::SQS::Queue' && String(r.Properties?.QueueName).includes('s3-'),
    );
    expect(queuesOfS3).toHaveLength(1);
    // The dead-letters alarm reads it (with the other queues, summed).
    const alarms = Object.values(dev.resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && JSON.stringify(r.Properties ?? {}).includes(queueId),
    );
    expect(alarms).toHaveLength(1);
    expect(JSON.stringify(alarms[0]!.Properties)).toContain('ApproximateNumberOfMessagesVisible');
    expect(alarms[0]!.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('lets S3 invoke them, from this bucket only', () => {
    for (const [name] of s3Functions) {
      const permissions = Object.values(dev.resources).filter(
        (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties?.FunctionName).includes(logicalId(dev, name)),
      );
      expect(permissions, name).toHaveLength(1);
      expect(permissions[0]!.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' });
      expect(JSON.stringify(permissions[0]!.Properties!.SourceArn)).toContain('EvidenceBucket');
    }
  });

  it('the local S3 delivers with the same prefix filter', () => {
    const event = (key: string) => ({ Records: [{ s3: { object: { key } } }] }) as never;
    expect(filterByPrefix(event('pending/pw_X/ev_Y/1'), 'pending/')).not.toBeNull();
    expect(filterByPrefix(event('evidence/pw_X/ev_Y/1'), 'pending/')).toBeNull();
    expect(filterByPrefix(event('exports/app_X/exp_Y.zip'), 'exports/requests/')).toBeNull();
    expect(filterByPrefix(event('exports/requests/app_X/exp_Y'), 'exports/requests/')).not.toBeNull();
  });
});

describe('lifecycle', () => {
  it('removes incomplete multipart uploads, stale pending uploads, exports and old quarantine', () => {
    const bucket = dev.resources[dev.stack.resolve(dev.stack.getLogicalId(dev.stack.evidence.bucket.node.defaultChild as any)) as string]!;
    const rules = bucket.Properties!.LifecycleConfiguration.Rules as Record<string, any>[];
    const byId = Object.fromEntries(rules.map((r) => [r.Id, r]));
    expect(byId['abort-incomplete-multipart']).toMatchObject({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    expect(byId['expire-pending-uploads']).toMatchObject({ Prefix: 'pending/', ExpirationInDays: 2 });
    expect(byId['expire-exports']).toMatchObject({ Prefix: 'exports/', ExpirationInDays: 7 });
    expect(byId['expire-quarantine']).toMatchObject({ Prefix: 'quarantine/', ExpirationInDays: 90 });
    expect(byId['expire-outcome-uploads']).toMatchObject({
      Prefix: 'outcomes/',
      ExpirationInDays: 7,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    });
  });
});

describe('evidence function rights', () => {
  const s3Grants = (name: string) =>
    functionStatements(dev, name)
      .filter((st) => actionsOf(st).some((a) => a.startsWith('s3:')))
      .map((st) => ({ actions: actionsOf(st).sort(), resources: resourcesOf(st).map((r) => JSON.stringify(r)) }));

  it('the verifier reads and deletes only pending/, and writes only the readable and quarantine prefixes', () => {
    const grants = s3Grants('verifyUpload');
    const read = grants.find((g) => g.actions.includes('s3:GetObject'))!;
    expect(read.resources.join()).toContain('/pending/*');
    expect(read.resources).toHaveLength(1);
    const del = grants.find((g) => g.actions.includes('s3:DeleteObject'))!;
    expect(del.resources.join()).toContain('/pending/*');
    expect(del.resources).toHaveLength(1);
    const write = grants.find((g) => g.actions.includes('s3:PutObject'))!;
    expect(write.resources.map((r) => /\/([a-z]+)\/\*/.exec(r)?.[1]).sort()).toEqual(['evidence', 'quarantine', 'resources']);
  });

  it('the ZIP export may abort its own multipart uploads, under exports/ only; no other function may', () => {
    const abort = s3Grants('exportEvidence').filter((g) => g.actions.includes('s3:AbortMultipartUpload'));
    expect(abort).toHaveLength(1);
    expect(abort[0]!.actions).toEqual(['s3:AbortMultipartUpload']);
    expect(abort[0]!.resources).toHaveLength(1);
    expect(abort[0]!.resources[0]).toContain('/exports/*');
    for (const name of ['evidence', 'verifyUpload', 'resources']) {
      expect(
        s3Grants(name).some((g) => g.actions.includes('s3:AbortMultipartUpload')),
        name,
      ).toBe(false);
    }
  });

  it('the evidence API may sign uploads to pending/ but never write readable evidence', () => {
    const write = s3Grants('evidence').find((g) => g.actions.includes('s3:PutObject'))!;
    expect(write.resources.join()).toContain('/pending/*');
    expect(write.resources.join()).not.toContain('/evidence/*');
  });
});
