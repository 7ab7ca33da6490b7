/**
 * The evidence bucket (uploaded syllabi, projects, recordings...) and the bucket that
 * receives its server access logs.
 *
 * Uploads are browser-direct with presigned URLs: the client first declares an upload,
 * which lands under `pending/`, and the upload handler moves it to its final key once
 * checked. Declared uploads that never complete are therefore garbage after two days.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  HttpMethods,
  ObjectOwnership,
  StorageClass,
  type LifecycleRule,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { S3Trigger } from '#catalog';
import { OUTCOME_UPLOAD_PREFIX } from '#core/outcomes/object-keys.ts';
import { evidenceCorsRule } from '../evidence-cors.ts';
import type { StageConfig } from '../stage-config.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { acknowledge } from './nag.ts';

/** Key prefix of declared, not yet confirmed uploads. */
export const PENDING_PREFIX = 'pending/';
/** Bulk exports and their requests (functions/store/evidence-exports.ts). */
export const EXPORTS_PREFIX = 'exports/';
export const EXPORT_RETENTION_DAYS = 7;
/** Uploads that failed verification (functions/uploads/verify.ts). */
export const QUARANTINE_PREFIX = 'quarantine/';

export interface EvidenceProps {
  config: StageConfig;
}

export class Evidence extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceProps) {
    super(scope, id);
    const { config } = props;
    this.config = config;

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Server access log delivery supports SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(config.isProd ? 365 : 90) }],
      removalPolicy: config.removalPolicy,
    });
    acknowledge(
      this.accessLogs,
      'AwsSolutions-S1',
      'This is the server access log destination of the evidence bucket; logging its own access would recurse.',
    );

    const noncurrentDays = config.isProd ? 365 : 30;
    const lifecycleRules: LifecycleRule[] = [
      { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      {
        id: 'expire-pending-uploads',
        prefix: PENDING_PREFIX,
        expiration: Duration.days(2),
        noncurrentVersionExpiration: Duration.days(1),
      },
      {
        // Replaced or deleted evidence stays restorable for a while, then goes.
        id: 'noncurrent-versions',
        noncurrentVersionTransitions: config.isProd
          ? [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }]
          : [],
        noncurrentVersionExpiration: Duration.days(noncurrentDays),
      },
      { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      // Bulk ZIP exports are rebuilt on request; their requests are consumed at once.
      {
        id: 'expire-exports',
        prefix: EXPORTS_PREFIX,
        expiration: Duration.days(EXPORT_RETENTION_DAYS),
        noncurrentVersionExpiration: Duration.days(1),
      },
      // Outcome CSVs are inputs: a stored file lives on as report items in the table, an invalid
      // one as its recorded errors, and a declared one that never arrived expires in the table.
      {
        id: 'expire-outcome-uploads',
        prefix: OUTCOME_UPLOAD_PREFIX,
        expiration: Duration.days(7),
        noncurrentVersionExpiration: Duration.days(1),
      },
      // Refused uploads stay for staff to investigate for a while, never for good.
      { id: 'expire-quarantine', prefix: QUARANTINE_PREFIX, expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(1) },
    ];

    const cors = evidenceCorsRule(config.allowedOrigins);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      cors: [
        {
          allowedOrigins: cors.allowedOrigins,
          allowedMethods: cors.allowedMethods.map((m) => HttpMethods[m]),
          allowedHeaders: cors.allowedHeaders,
          exposedHeaders: cors.exposedHeaders,
          maxAge: cors.maxAgeSeconds,
        },
      ],
      lifecycleRules,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'evidence/',
      // No autoDeleteObjects: it needs a custom-resource Lambda with broad delete rights. A dev
      // stack whose bucket still holds objects must be emptied before it can be destroyed.
      removalPolicy: config.removalPolicy,
    });
  }

  /**
   * Invokes `fn` for each object created under the trigger's prefix: the S3 event the
   * local runtime delivers from its local S3 (infra/local/s3.ts) with the same filter.
   */
  notify(fn: IFunction, trigger: S3Trigger): void {
    if (!/^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*\/$/.test(trigger.prefix)) {
      throw new Error(`S3 trigger prefix "${trigger.prefix}" must be a plain key prefix ending in "/"`);
    }
    for (const event of trigger.events) {
      if (event !== 's3:ObjectCreated:*') throw new Error(`unsupported S3 trigger event ${String(event)}`);
      this.bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(fn), { prefix: trigger.prefix });
    }
    // Lambda's defaults (2 retries, 6 hours), made explicit; then the shared dead-letter queue.
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.asyncFailures()) });
    // CDK's bucket-notifications custom resource (one per stack) writes the configuration.
    const handler = Stack.of(this).node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (handler && !this.acknowledgedHandler) {
      this.acknowledgedHandler = true;
      acknowledge(
        handler,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's bucket-notifications custom resource uses AWSLambdaBasicExecutionRole to write its own logs; it runs only at deployment.",
      );
      acknowledge(
        handler,
        'AwsSolutions-IAM5[Resource::*]',
        'CDK\'s bucket-notifications custom resource needs s3:PutBucketNotification, which IAM grants only on "*"; it runs only at deployment.',
      );
    }
  }

  /**
   * S3 invokes its functions asynchronously: an invocation that still fails after Lambda's
   * retries would be dropped. One dead-letter queue (an on-failure destination) serves every
   * S3-invoked function, since one queue and one alarm cost 2 of the stack's 500 resources
   * where three would cost 6; each message names its function (requestContext.functionArn).
   */
  private asyncFailures(): Queue {
    this.failedInvocations ??= deadLetterQueue(
      this,
      's3-invocations',
      this.config,
      'This queue is itself the dead-letter queue (on-failure destination) of the S3-invoked functions; it has none of its own.',
    );
    return this.failedInvocations;
  }

  private acknowledgedHandler = false;
  private failedInvocations: Queue | undefined;

  /** The S3-invoked functions' dead-letter queue, once a function was wired (for monitoring). */
  get failedInvocationsQueue(): Queue | undefined {
    return this.failedInvocations;
  }
  private readonly config: StageConfig;
}
