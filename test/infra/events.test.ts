/**
 * The rules and schedules of events/ in the synthesized stack: each schedule and rule
 * exists, targets its catalog function, has the definition's retry policy and an encrypted,
 * TLS-only dead-letter queue; the functions' async invocations carry the same policy; cdk-nag
 * has nothing to say.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventRules } from '#events/rules.ts';
import { schedules } from '#events/schedules.ts';
import { functionCatalog } from '#catalog';
import {
  actionsOf,
  functionResource,
  functionStatements,
  nagFindings,
  prodContext,
  resourcesOf,
  synth,
  type Synthesized,
} from './support.ts';

let s: Synthesized;
beforeAll(() => {
  s = synth(prodContext);
}, 120_000);

const inCatalog = (name: string) => Object.hasOwn(functionCatalog, name);
const ofType = (type: string) => Object.entries(s.resources).filter(([, r]) => r.Type === type);
const arnOf = (name: string) => ({ 'Fn::GetAtt': [functionResource(s, name).id, 'Arn'] });
const queueId = (ref: unknown) => (ref as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

function expectDeadLetterQueue(id: string) {
  const queue = s.resources[id];
  expect(queue?.Type).toBe('AWS::SQS::Queue');
  expect(queue?.Properties?.SqsManagedSseEnabled).toBe(true);
  expect(queue?.Properties?.MessageRetentionPeriod).toBe(14 * 86_400);
  const policies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) => JSON.stringify(p.Properties?.Queues).includes(id));
  const statements = policies.flatMap(([, p]) => p.Properties?.PolicyDocument?.Statement ?? []);
  expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
}

describe('schedules', () => {
  it('the recertification sweep runs daily at 07:00 UTC, invoking its function with the slot, retries and a dead-letter queue', () => {
    const [, sweep] = ofType('AWS::Scheduler::Schedule').find(([, r]) => r.Properties?.Name === 'pathcert-prod-recertification-sweep')!;
    const p = sweep.Properties!;
    expect(p.ScheduleExpression).toBe('cron(0 7 * * ? *)');
    expect(p.ScheduleExpressionTimezone).toBe('Etc/UTC');
    expect(p.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(p.Target.Arn).toEqual(arnOf('recertificationSweep'));
    expect(JSON.parse(p.Target.Input)).toEqual({ job: 'recertification-sweep', scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(p.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    expectDeadLetterQueue(queueId(p.Target.DeadLetterConfig.Arn));
  });

  it('every schedule whose function exists is deployed with its definition', () => {
    const deployed = ofType('AWS::Scheduler::Schedule').map(([, r]) => r.Properties!);
    const expected = schedules.filter((spec) => inCatalog(spec.target.function));
    expect(deployed).toHaveLength(expected.length);
    for (const spec of expected) {
      const p = deployed.find((d) => d.Name === `pathcert-prod-${spec.name}`)!;
      expect(p, spec.name).toBeDefined();
      expect(p.ScheduleExpression).toBe(spec.expression);
      expect(p.Target.Arn).toEqual(arnOf(spec.target.function));
      expect(p.Target.RetryPolicy).toEqual({
        MaximumEventAgeInSeconds: spec.retryPolicy.maximumEventAgeSeconds,
        MaximumRetryAttempts: spec.retryPolicy.maximumRetryAttempts,
      });
      if (spec.deadLetterQueue) expectDeadLetterQueue(queueId(p.Target.DeadLetterConfig.Arn));
      else expect(p.Target.DeadLetterConfig, spec.name).toBeUndefined();
    }
  });

  it('message emails: every minute, the notifier with its job, no retries and no queue (the next run is the retry)', () => {
    const [, schedule] = ofType('AWS::Scheduler::Schedule').find(([, r]) => r.Properties?.Name === 'pathcert-prod-message-emails')!;
    const p = schedule.Properties!;
    expect(p.ScheduleExpression).toBe('rate(1 minute)');
    expect(p.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(p.Target.Arn).toEqual(arnOf('notifier'));
    expect(JSON.parse(p.Target.Input)).toEqual({ job: 'message-emails', scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(p.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 });
    expect(p.Target.DeadLetterConfig).toBeUndefined();
    // Its role may only invoke the notifier (and its versions), and only Scheduler of this account may assume it.
    const roleId = (p.Target.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = s.resources[roleId]!;
    expect(role.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const policies = ofType('AWS::IAM::Policy').filter(
      ([, r]) => JSON.stringify(r.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    const statements = policies.flatMap(
      ([, r]) => r.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    expect(statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]))).toEqual(['lambda:InvokeFunction']);
    expect(statements.flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]))).toEqual([
      arnOf('notifier'),
      { 'Fn::Join': ['', [arnOf('notifier'), ':*']] },
    ]);
  });
});

describe('rules', () => {
  it('every rule whose function exists is on the bus, targets its function with retries and a dead-letter queue', () => {
    const deployed = ofType('AWS::Events::Rule').map(([, r]) => r.Properties!);
    const expected = eventRules.filter((rule) => inCatalog(rule.target.function));
    expect(expected.map((r) => r.name)).toContain('notify');
    for (const rule of expected) {
      const p = deployed.find((d) => d.Name === `pathcert-prod-${rule.name}`)!;
      expect(p, rule.name).toBeDefined();
      expect(p.EventBusName).toEqual({ Ref: expect.stringMatching(/^EventsBus/) });
      expect(p.EventPattern.source).toEqual(rule.eventPattern.source);
      expect(p.EventPattern['detail-type']).toEqual(rule.eventPattern['detail-type']);
      expect(p.Targets).toHaveLength(1);
      const target = p.Targets[0];
      expect(target.Arn).toEqual(arnOf(rule.target.function));
      expect(target.RetryPolicy).toEqual({
        MaximumEventAgeInSeconds: rule.retryPolicy.maximumEventAgeSeconds,
        MaximumRetryAttempts: rule.retryPolicy.maximumRetryAttempts,
      });
      expectDeadLetterQueue(queueId(target.DeadLetterConfig.Arn));
    }
  });
});

describe('review executions that end abnormally', () => {
  it('a rule on the default bus hands FAILED, TIMED_OUT and ABORTED of the review machine to reviewExecutionEnded', () => {
    const [, rule] = ofType('AWS::Events::Rule').find(([, r]) => r.Properties?.Name === 'pathcert-prod-review-execution-ended')!;
    const p = rule.Properties!;
    // Step Functions publishes status changes to the default bus only.
    expect(p.EventBusName).toBe('default');
    expect(p.EventPattern.source).toEqual(['aws.states']);
    expect(p.EventPattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect(p.EventPattern.detail.status).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    // Only the stage's review machine (its ARN built from its fixed name).
    expect(JSON.stringify(p.EventPattern.detail.stateMachineArn)).toContain(':stateMachine:pathcert-prod-review');
    expect(p.EventPattern.detail.stateMachineArn).toHaveLength(1);
    expect(p.Targets).toHaveLength(1);
    const [target] = p.Targets;
    expect(target.Arn).toEqual(arnOf('reviewExecutionEnded'));
    expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    expectDeadLetterQueue(queueId(target.DeadLetterConfig.Arn));
    const permissions = ofType('AWS::Lambda::Permission')
      .map(([, r]) => r.Properties!)
      .filter((x) => JSON.stringify(x.FunctionName) === JSON.stringify(arnOf('reviewExecutionEnded')));
    expect(permissions.map((x) => x.Principal)).toEqual(['events.amazonaws.com']);
  });

  it('reviewExecutionEnded may use the table and nothing else (no Step Functions, bus, bucket or email rights)', () => {
    // Beyond its own logs, X-Ray and its dead-letter queue (test/infra/iam.test.ts checks those for every function).
    const statements = functionStatements(s, 'reviewExecutionEnded').filter(
      (st) => !actionsOf(st).some((a) => /^(logs|xray|sqs):/.test(a)),
    );
    const actions = statements.flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action, action).toMatch(/^dynamodb:/);
    expect(actions).toContain('dynamodb:UpdateItem');
    const tableId = s.stack.resolve(s.stack.getLogicalId(s.stack.data.table.node.defaultChild as any)) as string;
    for (const st of statements) for (const r of resourcesOf(st)) expect(JSON.stringify(r)).toContain(tableId);
  });
});

describe('targets', () => {
  it('retry failed asynchronous invocations with the same policy and send them to the dead-letter queue', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties!);
    const sweep = configs.find(
      (c) => JSON.stringify(c.FunctionName) === JSON.stringify({ Ref: functionResource(s, 'recertificationSweep').id }),
    )!;
    expect(sweep).toMatchObject({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    expectDeadLetterQueue(queueId(sweep.DestinationConfig.OnFailure.Destination));
  });

  it('may be invoked by the scheduler and by the bus, and nothing else is granted', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties!);
    const sweepArn = arnOf('recertificationSweep');
    const sweepPermissions = permissions.filter((p) => JSON.stringify(p.FunctionName) === JSON.stringify(sweepArn));
    // Scheduler assumes its own role (an IAM grant), so the sweep needs no resource permission.
    expect(sweepPermissions.filter((p) => p.Principal !== 'events.amazonaws.com')).toEqual([]);
    const roles = ofType('AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    expect(roles.length).toBeGreaterThan(0);
  });

  it('leave cdk-nag silent', () => {
    expect(nagFindings(s.stack)).toEqual([]);
  });
});
