/**
 * Security review, least privilege: every catalog function's role may do exactly what its
 * catalog entry grants, on exactly the resources it names, and nothing else. The expected
 * actions are written out here (not imported from infra/constructs/grants.ts), so a grant
 * that widens fails this file even if grants.ts and the catalog agree.
 *
 * test/infra/stack.test.ts already asserts "no wildcard action anywhere" and cdk-nag; this
 * file adds the per-function equality and the list of `Resource: "*"` AWS requires.
 */
import { Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog, type FunctionSpec } from '#catalog';
import { tracesActively } from '../../infra/constructs/function-defaults.ts';
import { senderIdentityArns } from '../../infra/constructs/grants.ts';
import { executionArnPattern, stateMachineArn, stateMachineName } from '../../infra/constructs/workflows.ts';
import {
  actionsOf,
  allStatements,
  functionResource,
  functionStatements,
  prodContext,
  resourcesOf,
  synth,
  type Statement,
  type Synthesized,
} from './support.ts';

let prod: Synthesized;
beforeAll(() => {
  prod = synth(prodContext);
});

const TABLE_READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const TABLE_WRITE = [
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];
const BUCKET = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject'],
  delete: ['s3:DeleteObject'],
  abortMultipart: ['s3:AbortMultipartUpload'],
} as const;

/**
 * Every `Resource: "*"` in the stack's IAM policies, and why AWS requires it: these APIs
 * have no resource-level permissions.
 */
const REQUIRED_STAR: Record<string, string> = {
  'xray:PutTraceSegments': 'X-Ray active tracing (pipeline functions and state machine)',
  'xray:PutTelemetryRecords': 'X-Ray active tracing (pipeline functions and state machine)',
  'xray:GetSamplingRules': 'X-Ray tracing of the state machine',
  'xray:GetSamplingTargets': 'X-Ray tracing of the state machine',
  'logs:CreateLogDelivery': 'Step Functions logging to CloudWatch Logs (vended log delivery)',
  'logs:GetLogDelivery': 'Step Functions logging',
  'logs:UpdateLogDelivery': 'Step Functions logging',
  'logs:DeleteLogDelivery': 'Step Functions logging',
  'logs:ListLogDeliveries': 'Step Functions logging',
  'logs:PutResourcePolicy': 'Step Functions logging',
  'logs:DescribeResourcePolicies': 'Step Functions logging',
  'logs:DescribeLogGroups': 'Step Functions logging',
};

/**
 * One line per (resource, action) a function's role allows, with the resource named by what
 * it is (`table`, `indexes`, `bucket:<prefix>`, `review`, ...); anything the test does not
 * recognise is `UNKNOWN <json>`, which no expectation contains.
 */
function rights(s: Synthesized, name: string): string[] {
  const stack = s.stack;
  const fn = stack.functions.get(name)!;
  const spec = (functionCatalog as Record<string, FunctionSpec>)[name]!;
  const known = new Map<string, string>();
  const name_ = (label: string, value: unknown) => known.set(JSON.stringify(stack.resolve(value)), label);
  name_('table', stack.data.table.tableArn);
  name_('indexes', `${stack.data.table.tableArn}/index/*`);
  name_('own log group', fn.logGroup.logGroupArn);
  name_('bus', stack.events.bus.eventBusArn);
  const review = stateMachineName(stack.config, 'review');
  name_('review', stateMachineArn(stack, review));
  name_('review executions', executionArnPattern(stack, review));
  for (const arn of senderIdentityArns(stack, stack.config.senderEmail)) name_('sender identity', arn);
  name_('configuration set', stack.email.configurationSetArn);
  name_('invitee index', `${stack.data.table.tableArn}/index/GSI2`);
  name_('user pool', stack.auth.userPool.userPoolArn);
  name_('credential key', stack.credentials.key.keyArn);
  // Only the catalog's own prefixes are named; any other object ARN stays unknown.
  for (const prefix of Object.values(spec.grants.bucket ?? {}).flat())
    name_(`bucket:${prefix}`, stack.evidence.bucket.arnForObjects(`${prefix}*`));
  known.set('"*"', '*');
  for (const queue of ownDeadLetterQueues(s, name)) known.set(JSON.stringify(queue), 'own dead-letter queue');

  const out: string[] = [];
  for (const st of functionStatements(s, name)) {
    expect(st.Effect).toBe('Allow');
    for (const resource of resourcesOf(st)) {
      const key = JSON.stringify(resource);
      const label = known.get(key) ?? `UNKNOWN ${key}`;
      for (const action of actionsOf(st)) out.push(`${label} ${action}${st.Condition ? ` if ${JSON.stringify(st.Condition)}` : ''}`);
    }
  }
  return out.sort();
}

/**
 * The queues this function's asynchronous invocations fail over to (its
 * AWS::Lambda::EventInvokeConfig's OnFailure destination), as template values.
 */
function ownDeadLetterQueues(s: Synthesized, name: string): unknown[] {
  const fnId = functionResource(s, name).id;
  return Object.values(s.resources)
    .filter(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r.Properties?.FunctionName) === JSON.stringify({ Ref: fnId }),
    )
    .map((r) => r.Properties?.DestinationConfig?.OnFailure?.Destination)
    .filter((d) => d !== undefined);
}

/** What the catalog entry allows, written out independently of grants.ts. */
function expectedRights(s: Synthesized, spec: FunctionSpec, name: string): string[] {
  const g = spec.grants;
  const out = ['own log group logs:CreateLogStream', 'own log group logs:PutLogEvents'];
  // X-Ray's two write actions only for the functions that trace (the pipeline's, by default).
  if (tracesActively(spec, s.stack.config)) out.push('* xray:PutTraceSegments', '* xray:PutTelemetryRecords');
  // Lambda's SqsDestination grant: send its failed asynchronous events to its own queue.
  for (const _queue of ownDeadLetterQueues(s, name)) {
    out.push(
      'own dead-letter queue sqs:SendMessage',
      'own dead-letter queue sqs:GetQueueAttributes',
      'own dead-letter queue sqs:GetQueueUrl',
    );
  }
  if (g.table) {
    const actions = g.table === 'read' ? TABLE_READ : [...TABLE_READ, ...TABLE_WRITE];
    for (const resource of ['table', 'indexes']) out.push(...actions.map((a) => `${resource} ${a}`));
  }
  for (const kind of ['read', 'write', 'delete', 'abortMultipart'] as const) {
    for (const prefix of g.bucket?.[kind] ?? []) out.push(...BUCKET[kind].map((a) => `bucket:${prefix} ${a}`));
  }
  if (g.startReview) out.push('review states:StartExecution');
  if (g.readReviewExecutions && !g.reviewTaskResults) out.push('review executions states:DescribeExecution');
  if (g.reviewTaskResults) {
    out.push('review states:SendTaskSuccess', 'review states:SendTaskFailure');
    out.push('review executions states:DescribeExecution', 'review executions states:GetExecutionHistory');
  }
  if (g.events) out.push('bus events:PutEvents');
  // The pre-sign-up trigger: Query on the index where invitations wait for their address, nothing else.
  if (g.inviteeLookup) out.push('invitee index dynamodb:Query');
  // The credential issuer's KMS key: Sign to issue and sign status lists, GetPublicKey to publish.
  if (g.credentialKey?.sign) out.push('credential key kms:Sign');
  if (g.credentialKey?.publicKey) out.push('credential key kms:GetPublicKey');
  if (g.userGroups) out.push('user pool cognito-idp:AdminAddUserToGroup', 'user pool cognito-idp:AdminRemoveUserFromGroup');
  if (g.email) {
    const condition = JSON.stringify({ StringEquals: { 'ses:FromAddress': s.stack.config.senderEmail } });
    out.push(
      `sender identity ses:SendEmail if ${condition}`,
      `sender identity ses:SendEmail if ${condition}`,
      `configuration set ses:SendEmail if ${condition}`,
    );
  }
  return out.sort();
}

describe('every catalog function', () => {
  const names = Object.keys(functionCatalog);

  // Equality also rules out a wildcard action, Resource "*" beyond X-Ray's two actions and
  // another function's log group: each would be a line no expectation holds.
  it.each(names)('%s may do exactly what its catalog entry grants, on the resources it names', (name) => {
    const spec = (functionCatalog as Record<string, FunctionSpec>)[name]!;
    expect(rights(prod, name)).toEqual(expectedRights(prod, spec, name));
  });

  it('sends failed asynchronous events of scheduled, event-driven and S3-invoked functions only to their own queue', () => {
    const s3Queue = {
      'Fn::GetAtt': [
        prod.stack.resolve(prod.stack.getLogicalId(prod.stack.evidence.failedInvocationsQueue!.node.defaultChild as any)),
        'Arn',
      ],
    };
    for (const name of names) {
      const trigger = (functionCatalog as Record<string, FunctionSpec>)[name]!.trigger;
      // The S3-invoked functions share one queue (infra/constructs/evidence.ts).
      if (trigger === 's3') expect(ownDeadLetterQueues(prod, name), name).toEqual([s3Queue]);
      else if (!['schedule', 'event'].includes(trigger)) expect(ownDeadLetterQueues(prod, name), name).toEqual([]);
    }
  });

  it('gives the read-only functions (directory, audit) no write action', () => {
    for (const name of ['directory', 'audit']) {
      const actions = functionStatements(prod, name).flatMap(actionsOf);
      expect(
        actions.filter((a) => /^(dynamodb|s3):/.test(a) && /Put|Update|Delete|Write|ConditionCheck/.test(a)),
        name,
      ).toEqual([]);
      expect(actions, name).toContain('dynamodb:Query');
    }
  });
});

describe('the whole stack', () => {
  it('uses Resource "*" only for the APIs listed above (no resource-level permissions in AWS)', () => {
    const starred = new Set<string>();
    for (const st of allStatements(prod)) {
      if (st.Effect === 'Allow' && resourcesOf(st).includes('*')) actionsOf(st).forEach((a) => starred.add(a));
    }
    const unexplained = [...starred].filter((a) => !(a in REQUIRED_STAR));
    expect(unexplained).toEqual([]);
  });

  it('has no service-wide action (service:*) or "*" in any Allow statement', () => {
    const wild = allStatements(prod)
      .filter((st: Statement) => st.Effect === 'Allow')
      .flatMap(actionsOf)
      .filter((a) => a === '*' || /^[a-z0-9-]+:\*$/.test(a) || a.includes('*'));
    expect(wild).toEqual([]);
  });

  it('lets the review state machine invoke only the functions its definition names', () => {
    const review = prod.stack.workflows.workflows.get('review')!;
    const policy = review.stateMachine.role.node.findChild('DefaultPolicy').node.defaultChild as unknown as { logicalId: string };
    const statements: Statement[] = prod.resources[prod.stack.resolve(policy.logicalId) as string]!.Properties!.PolicyDocument.Statement;
    const invoked = statements.filter((st) => actionsOf(st).includes('lambda:InvokeFunction')).flatMap(resourcesOf);
    // Resolved in the function's own stack: the flat template's GetAtt, not the root's nested-stack output.
    const expected = review.invokes.map((n) => {
      const fn = prod.stack.functions.get(n)!.function;
      return Stack.of(fn).resolve(fn.functionArn);
    });
    expect(invoked).toHaveLength(expected.length);
    expect(invoked).toEqual(expect.arrayContaining(expected));
  });
});
