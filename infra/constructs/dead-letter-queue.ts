/**
 * The stack's dead-letter queues, all made alike: `<prefix>-<name>-dlq`, SQS-managed
 * encryption, TLS only, kept 14 days, and acknowledged for cdk-nag as having no
 * dead-letter queue of their own (`reason` says whose queue it is).
 */
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';
import { acknowledge } from './nag.ts';

export function deadLetterQueue(
  scope: Construct,
  name: string,
  config: Pick<StageConfig, 'prefix' | 'removalPolicy'>,
  reason: string,
): Queue {
  const queue = new Queue(scope, `Dlq-${name}`, {
    queueName: `${config.prefix}-${name}-dlq`,
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: config.removalPolicy,
  });
  acknowledge(queue, 'AwsSolutions-SQS3', reason);
  return queue;
}
