/**
 * A function's rights, exactly as its functions/catalog.ts entry lists them, and the
 * environment variables that go with them (a function only learns the name of a resource
 * it may use). Every wildcard that remains (index ARNs, key prefixes, execution ARNs) is
 * acknowledged for cdk-nag with what it covers.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { FunctionGrants } from '#catalog';
import type { PathcertFunction } from './function-defaults.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { executionArnPattern } from './workflows.ts';

export interface GrantTargets {
  table: Table;
  bucket: Bucket;
  /** The review state machine; absent until statemachines/review.asl.json exists. */
  review?: { name: string; arn: string };
  /** The stage's event bus (for the `events` grant). */
  bus?: { eventBusArn: string; eventBusName: string };
  /** The stage's SES sender address (StageConfig.senderEmail), for the `email` grant. */
  sender?: string;
  /** The SES configuration set emails are sent through (infra/constructs/email.ts). */
  configurationSet?: { name: string; arn: string };
  /** The stage's user pool (for the `userGroups` grant). */
  userPool?: { userPoolArn: string; userPoolId: string };
  /** The credential issuer's KMS key (for the `credentialKey` grant). */
  credentialKey?: { keyArn: string };
}

/** KMS actions of the `credentialKey` grant, on the issuer's key only. */
export const credentialKeyActions = { sign: ['kms:Sign'], publicKey: ['kms:GetPublicKey'] } as const;

/** The index the `inviteeLookup` grant may query: where invitations wait for their address (pattern 14). */
export const INVITEE_INDEX = 'GSI2';

/** Cognito actions of the `userGroups` grant, on the stage's user pool only. */
export const userGroupActions = ['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminRemoveUserFromGroup'] as const;

/**
 * The SES identities a sender address may be verified as: the address itself, or its
 * domain. SES authorizes SendEmail against whichever identity it uses.
 */
export function senderIdentityArns(stack: Stack, sender: string): string[] {
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  return [sender, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
}

/**
 * DynamoDB actions per kind of catalog table grant: what functions/store sends (GetItem,
 * BatchGetItem, Query; Put/Update/Delete/BatchWrite, and TransactWriteItems, which IAM
 * authorizes per item as Put/Update/Delete/ConditionCheck).
 */
export const tableActions = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  readwrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
} as const;

/** Step Functions actions of the `reviewTaskResults` grant, on the machine and on its executions. */
export const reviewTaskActions = {
  machine: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
  executions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
} as const;

/** Step Functions actions of the `readReviewExecutions` grant, on the machine's executions. */
const readReviewExecutionActions = ['states:DescribeExecution'] as const;

/** S3 actions per kind of catalog bucket grant; no wildcards. */
export const bucketActions = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject'],
  delete: ['s3:DeleteObject'],
  // Multipart uploads are PutObject for IAM, except discarding an unfinished one.
  abortMultipart: ['s3:AbortMultipartUpload'],
} as const;

/** Rights a function asked for that could not be granted (missing state machine). */
export interface GrantResult {
  skipped: string[];
}

function validPrefix(prefix: string): string {
  // A prefix with wildcards or a leading slash would widen or miss the grant.
  if (!/^[A-Za-z0-9!_.'()/-]*$/.test(prefix) || prefix.startsWith('/')) {
    throw new Error(`bucket grant prefix "${prefix}" must be a plain key prefix such as "pending/"`);
  }
  return prefix;
}

export function applyGrants(fn: PathcertFunction, grants: FunctionGrants, targets: GrantTargets): GrantResult {
  const role = fn.role;
  const skipped: string[] = [];

  if (grants.table) {
    // Named actions rather than grantReadData/grantReadWriteData, which add Scan,
    // DescribeTable and the stream reads: no function uses them.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...tableActions[grants.table]],
        resources: [targets.table.tableArn, `${targets.table.tableArn}/index/*`],
      }),
    );
    fn.addEnvironment('TABLE_NAME', targets.table.tableName);
    acknowledgeWildcardResource(
      role,
      `${targets.table.tableArn}/index/*`,
      `Queries the GSIs of the single table (${grants.table} access granted by functions/catalog.ts); an index ARN pattern is how IAM names them.`,
    );
  }

  if (grants.bucket) {
    let any = false;
    for (const kind of ['read', 'write', 'delete', 'abortMultipart'] as const) {
      const prefixes = grants.bucket[kind] ?? [];
      if (prefixes.length === 0) continue;
      any = true;
      const resources = prefixes.map((p) => targets.bucket.arnForObjects(`${validPrefix(p)}*`));
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...bucketActions[kind]], resources }));
      for (const resource of resources) {
        acknowledgeWildcardResource(
          role,
          resource,
          `Evidence objects under a key prefix the catalog grants for ${kind}; object keys are generated per upload, so IAM can only name the prefix.`,
        );
      }
    }
    if (any) fn.addEnvironment('EVIDENCE_BUCKET', targets.bucket.bucketName);
  }

  if (grants.startReview || grants.reviewTaskResults || grants.readReviewExecutions) {
    const review = targets.review;
    if (!review) {
      if (grants.startReview) skipped.push('startReview');
      if (grants.reviewTaskResults) skipped.push('reviewTaskResults');
      if (grants.readReviewExecutions) skipped.push('readReviewExecutions');
    } else {
      if (grants.startReview) {
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [review.arn] }));
      }
      if (grants.reviewTaskResults) {
        role.addToPrincipalPolicy(
          new PolicyStatement({
            // No heartbeat (no task sets HeartbeatSeconds) and no ListExecutions (executions are
            // found by their names, derived from the application).
            actions: [...reviewTaskActions.machine],
            resources: [review.arn],
          }),
        );
      }
      // reviewTaskResults reads executions too (and their history); readReviewExecutions alone only describes them.
      const executionActions = grants.reviewTaskResults
        ? reviewTaskActions.executions
        : grants.readReviewExecutions
          ? readReviewExecutionActions
          : [];
      if (executionActions.length > 0) {
        const executions = executionArnPattern(role, review.name);
        role.addToPrincipalPolicy(new PolicyStatement({ actions: [...executionActions], resources: [executions] }));
        acknowledgeWildcardResource(
          role,
          executions,
          "Reads executions of the review state machine only; execution names are per application, so IAM names them by the machine's execution ARN prefix.",
        );
      }
      fn.addEnvironment('REVIEW_STATE_MACHINE_ARN', review.arn);
    }
  }

  if (grants.events) {
    if (!targets.bus) skipped.push('events');
    else {
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [targets.bus.eventBusArn] }));
      fn.addEnvironment('EVENT_BUS_NAME', targets.bus.eventBusName);
    }
  }

  if (grants.email) {
    if (!targets.sender) skipped.push('email');
    else {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          // SES authorizes a send on the configuration set it names as well as on the identity.
          resources: [
            ...senderIdentityArns(Stack.of(fn), targets.sender),
            ...(targets.configurationSet ? [targets.configurationSet.arn] : []),
          ],
          // Only as the stage's sender, whichever identity (address or domain) SES checks.
          conditions: { StringEquals: { 'ses:FromAddress': targets.sender } },
        }),
      );
      fn.addEnvironment('SES_SENDER', targets.sender);
      if (targets.configurationSet) fn.addEnvironment('SES_CONFIGURATION_SET', targets.configurationSet.name);
    }
  }

  if (grants.inviteeLookup) {
    // One index, one action: no GetItem on the table, no other index.
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${targets.table.tableArn}/index/${INVITEE_INDEX}`] }),
    );
    fn.addEnvironment('TABLE_NAME', targets.table.tableName);
  }

  if (grants.userGroups) {
    if (!targets.userPool) skipped.push('userGroups');
    else {
      role.addToPrincipalPolicy(new PolicyStatement({ actions: [...userGroupActions], resources: [targets.userPool.userPoolArn] }));
      fn.addEnvironment('USER_POOL_ID', targets.userPool.userPoolId);
    }
  }

  if (grants.credentialKey) {
    if (!targets.credentialKey) skipped.push('credentialKey');
    else {
      const actions = [
        ...(grants.credentialKey.sign ? credentialKeyActions.sign : []),
        ...(grants.credentialKey.publicKey ? credentialKeyActions.publicKey : []),
      ];
      role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [targets.credentialKey.keyArn] }));
      fn.addEnvironment('CREDENTIAL_KEY_ID', targets.credentialKey.keyArn);
    }
  }

  return { skipped };
}
