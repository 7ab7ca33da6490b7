/**
 * The rules and schedules of events/ in the synthesized stack: each schedule and rule
 * exists, targets its catalog function, has the definition's retry policy and an encrypted,
 * TLS-only dead-letter queue; the functions' async invocations carry the same policy; cdk-nag
 * has nothing to say.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventRules } from '../../events/rules.ts';
import { schedules } from '../../events/schedules.ts';
import { functionCatalog } from '../../functions/catalog.ts';
import { functionResource, nagFindings, prodContext, synth, type Synthesized } from './support.ts';

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
  expect(statements).toContainEqual(
    expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
  );
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
      expect(p.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: spec.retryPolicy.maximumEventAgeSeconds, MaximumRetryAttempts: spec.retryPolicy.maximumRetryAttempts });
      expectDeadLetterQueue(queueId(p.Target.DeadLetterConfig.Arn));
    }
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
      expect(target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: rule.retryPolicy.maximumEventAgeSeconds, MaximumRetryAttempts: rule.retryPolicy.maximumRetryAttempts });
      expectDeadLetterQueue(queueId(target.DeadLetterConfig.Arn));
    }
  });
});

describe('targets', () => {
  it('retry failed asynchronous invocations with the same policy and send them to the dead-letter queue', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties!);
    const sweep = configs.find((c) => JSON.stringify(c.FunctionName) === JSON.stringify({ Ref: functionResource(s, 'recertificationSweep').id }))!;
    expect(sweep).toMatchObject({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    expectDeadLetterQueue(queueId(sweep.DestinationConfig.OnFailure.Destination));
  });

  it('may be invoked by the scheduler and by the bus, and nothing else is granted', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties!);
    const sweepArn = arnOf('recertificationSweep');
    const sweepPermissions = permissions.filter((p) => JSON.stringify(p.FunctionName) === JSON.stringify(sweepArn));
    // Scheduler assumes its own role (an IAM grant), so the sweep needs no resource permission.
    expect(sweepPermissions.filter((p) => p.Principal !== 'events.amazonaws.com')).toEqual([]);
    const roles = ofType('AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'));
    expect(roles.length).toBeGreaterThan(0);
  });

  it('leave cdk-nag silent', () => {
    expect(nagFindings(s.stack)).toEqual([]);
  });
});
