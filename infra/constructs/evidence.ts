/**
 * The evidence bucket (uploaded syllabi, projects, recordings...) and the bucket that
 * receives its server access logs.
 *
 * Uploads are browser-direct with presigned URLs: the client first declares an upload,
 * which lands under `pending/`, and the upload handler moves it to its final key once
 * checked. Declared uploads that never complete are therefore garbage after two days.
 */
import { Duration } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
  StorageClass,
  type LifecycleRule,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { evidenceCorsRule } from '../evidence-cors.ts';
import type { StageConfig } from '../stage-config.ts';
import { acknowledge } from './nag.ts';

/** Key prefix of declared, not yet confirmed uploads. */
export const PENDING_PREFIX = 'pending/';

export interface EvidenceProps {
  config: StageConfig;
}

export class Evidence extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceProps) {
    super(scope, id);
    const { config } = props;

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
}
