/**
 * Operations: the alarms, their topic and the dashboard of infra/constructs/monitoring.ts,
 * on the real stack (prod) and on small stacks for what the real catalog may not have yet
 * (a dead-letter queue, the recertification sweep).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog, type FunctionSpec } from '#catalog';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '#lib/metrics.ts';
import { alarmThresholds, MAX_ALARM_METRICS, Monitoring, SWEEP_FUNCTION } from '../../infra/constructs/monitoring.ts';
import { resolveStageConfig } from '../../infra/stage-config.ts';
import { nagFindings, prodContext, synth, type Synthesized } from './support.ts';

type Resource = Synthesized['resources'][string];

let prod: Synthesized;
beforeAll(() => {
  prod = synth(prodContext);
});

const alarms = (resources: Record<string, Resource>) =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .map(([id, r]) => ({ id, props: r.Properties! }));

const logicalId = (s: { stack: Stack }, construct: { node: { defaultChild?: unknown } }) =>
  s.stack.resolve(s.stack.getLogicalId(construct.node.defaultChild as any)) as string;

/** The [MetricName, Dimensions] an alarm reads: its one metric, or each metric of its math expression. */
function metricsRead(props: Record<string, any>): [string, unknown][] {
  if (props.MetricName) return [[props.MetricName, props.Dimensions]];
  return (props.Metrics as Record<string, any>[])
    .filter((q) => q.MetricStat)
    .map((q) => [q.MetricStat.Metric.MetricName, q.MetricStat.Metric.Dimensions]);
}

function alarmNamed(s: Synthesized, name: string) {
  const alarm = alarms(s.resources).find((a) => a.props.AlarmName === name);
  if (!alarm) throw new Error(`no alarm ${name}`);
  return alarm.props;
}

describe('alarm topic', () => {
  it('is encrypted with a rotated customer managed key CloudWatch may use, and refuses plain HTTP', () => {
    const keyId = logicalId(prod, prod.stack.monitoring.key);
    const topicId = logicalId(prod, prod.stack.monitoring.topic);
    expect(prod.resources[topicId]!.Properties!.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(prod.resources[keyId]!.Properties!.EnableKeyRotation).toBe(true);
    const keyStatements = prod.resources[keyId]!.Properties!.KeyPolicy.Statement as Record<string, any>[];
    expect(keyStatements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
    prod.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('points every alarm at a section of docs/operations.md that exists', () => {
    const doc = readFileSync(path.join(import.meta.dirname, '../../docs/operations.md'), 'utf8');
    const anchors = new Set(
      [...doc.matchAll(/^#{2,3} (.+)$/gm)].map(([, h]) =>
        h!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const { props } of alarms(prod.resources)) {
      const anchor = /docs\/operations\.md#([a-z0-9-]+)/.exec(String(props.AlarmDescription))?.[1];
      expect(anchors.has(anchor ?? ''), `${props.AlarmName} → #${anchor}`).toBe(true);
    }
  });

  it('receives every alarm and its recovery', () => {
    const topicId = logicalId(prod, prod.stack.monitoring.topic);
    const all = alarms(prod.resources);
    expect(all.length).toBeGreaterThan(5);
    for (const { props } of all) {
      expect(props.AlarmActions, props.AlarmName).toEqual([{ Ref: topicId }]);
      expect(props.OKActions, props.AlarmName).toEqual([{ Ref: topicId }]);
      expect(props.AlarmDescription, props.AlarmName).toMatch(/docs\/operations\.md#/);
    }
  });
});

describe('alarms', () => {
  it('watches the API 5xx rate as a percentage of requests', () => {
    const alarm = alarmNamed(prod, 'pathcert-prod-api-5xx-rate');
    expect(alarm.Threshold).toBe(alarmThresholds.api5xxPercent);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    const queries = alarm.Metrics as Record<string, any>[];
    const expression = queries.find((q) => q.Expression);
    expect(expression?.Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    const apiId = logicalId(prod, prod.stack.api.httpApi);
    const names = queries.filter((q) => q.MetricStat).map((q) => [q.Id, q.MetricStat.Metric.MetricName, q.MetricStat.Metric.Dimensions]);
    expect(names).toEqual(
      expect.arrayContaining([
        ['requests', 'Count', [{ Name: 'ApiId', Value: { Ref: apiId } }]],
        ['errors', '5xx', [{ Name: 'ApiId', Value: { Ref: apiId } }]],
      ]),
    );
  });

  it('watches the API p99 latency', () => {
    const alarm = alarmNamed(prod, 'pathcert-prod-api-latency-p99');
    expect(alarm).toMatchObject({
      MetricName: 'Latency',
      Namespace: 'AWS/ApiGateway',
      ExtendedStatistic: 'p99',
      Threshold: alarmThresholds.apiP99LatencyMs,
    });
  });

  it('reads the Errors of every catalog function in exactly one alarm of its area, at most 10 metrics an alarm', () => {
    const readers = new Map<string, string[]>();
    for (const { props } of alarms(prod.resources)) {
      for (const [metricName, dims] of metricsRead(props)) {
        if (metricName !== 'Errors') continue;
        const key = JSON.stringify(dims);
        readers.set(key, [...(readers.get(key) ?? []), String(props.AlarmName)]);
      }
      expect(metricsRead(props).length, String(props.AlarmName)).toBeLessThanOrEqual(MAX_ALARM_METRICS);
    }
    for (const [name, spec] of Object.entries(functionCatalog) as [string, FunctionSpec][]) {
      const fnId = logicalId(prod, prod.stack.functions.get(name)!.function);
      const names = readers.get(JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fnId } }])) ?? [];
      expect(names, name).toHaveLength(1);
      expect(names[0], name).toMatch(new RegExp(`^pathcert-prod-fn-${spec.trigger}(-\\d+)?-errors$`));
      expect(alarmNamed(prod, names[0]!).Threshold, name).toBe(
        spec.trigger === 'pipeline'
          ? alarmThresholds.pipelineLambdaErrors
          : spec.trigger === 'cognito'
            ? alarmThresholds.signUpTriggerErrors
            : alarmThresholds.lambdaErrors,
      );
    }
    // An area's alarm sums its functions' errors, a missing value counting 0.
    const api = alarmNamed(prod, 'pathcert-prod-fn-http-1-errors');
    const expression = (api.Metrics as Record<string, any>[]).find((q) => q.Expression)!;
    expect(expression.Expression).toBe(Array.from({ length: 10 }, (_, i) => `FILL(m${i}, 0)`).join(' + '));
    expect(expression.ReturnData ?? true).toBe(true);
  });

  it('watches throttles once, account-wide: every function shares the account concurrency', () => {
    const throttles = alarms(prod.resources).filter((a) => metricsRead(a.props).some(([m]) => m === 'Throttles'));
    expect(throttles.map((a) => a.props.AlarmName)).toEqual(['pathcert-prod-lambda-throttles']);
    expect(throttles[0]!.props).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Statistic: 'Sum',
      Threshold: alarmThresholds.lambdaThrottles,
    });
    expect(throttles[0]!.props.Dimensions).toBeUndefined();
    // No function reserves concurrency, or the account-wide metric would miss its throttles.
    for (const [, r] of Object.entries(prod.resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
      expect(r.Properties?.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('watches failed and timed-out executions of the review state machine in one alarm', () => {
    const review = prod.stack.workflows.workflows.get('review');
    expect(review).toBeDefined();
    const dims = [{ Name: 'StateMachineArn', Value: { Ref: logicalId(prod, review!.stateMachine) } }];
    const read = metricsRead(alarmNamed(prod, 'pathcert-prod-sfn-review-failed'));
    expect(read).toEqual([
      ['ExecutionsFailed', dims],
      ['ExecutionsTimedOut', dims],
    ]);
  });

  it('watches the depth of every SQS queue of the stack (all of them are dead-letter queues)', () => {
    const queues = Object.entries(prod.resources)
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
      .map(([id]) => id);
    const watched = alarms(prod.resources).flatMap((a) =>
      metricsRead(a.props)
        .filter(([m]) => m === 'ApproximateNumberOfMessagesVisible')
        .map(([, dims]) => (dims as { Value: { 'Fn::GetAtt': string[] } }[])[0]!.Value['Fn::GetAtt'][0]),
    );
    expect(watched.sort()).toEqual(queues.sort());
  });

  it('has about a dozen alarms, not one or two per function', () => {
    const names = alarms(prod.resources).map((a) => String(a.props.AlarmName));
    expect(names.length).toBeLessThanOrEqual(15);
    expect(new Set(names).size).toBe(names.length);
  });

  it(`alarms when ${SWEEP_FUNCTION} has not run for 26 hours, if the catalog has it`, () => {
    const sweep = alarms(prod.resources).find((a) => a.props.AlarmName === 'pathcert-prod-recertification-sweep-silent');
    expect(Boolean(sweep)).toBe(SWEEP_FUNCTION in functionCatalog);
  });

  it('adds no alarm to dev or prod that cdk-nag objects to', () => {
    expect(nagFindings(prod.stack).filter((f) => /\/Monitoring\//.test(f))).toEqual([]);
  });
});

describe('dashboard', () => {
  it('graphs the API, every function, the executions, and the business metrics', () => {
    const [dashboard] = Object.values(prod.resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboard?.Properties?.DashboardName).toBe('pathcert-prod');
    // The body is a string joined with resource references; the references do not matter here.
    const parts = (dashboard!.Properties!.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = parts.map((p) => (typeof p === 'string' ? p : 'REF')).join('');
    expect(() => JSON.parse(body)).not.toThrow();
    for (const metric of [
      '"5xx"',
      '"Latency"',
      '"Errors"',
      '"Throttles"',
      '"ExecutionsFailed"',
      ...BUSINESS_METRICS.map((m) => `"${m}"`),
    ]) {
      expect(body).toContain(metric);
    }
    expect(body).toContain(`"${METRICS_NAMESPACE}"`);
    for (const name of Object.keys(functionCatalog)) expect(body).toContain(`"label":"${name}"`);
    expect(body).toContain('"title":"Alarms"');
  });
});

describe('on a small stack', () => {
  const fixtureCatalog: Record<string, FunctionSpec> = {
    [SWEEP_FUNCTION]: {
      entry: 'functions/api/system/handler.ts',
      description: 'stand-in for the daily sweep',
      trigger: 'schedule',
      memoryMb: 256,
      timeoutSeconds: 60,
      grants: {},
    },
  };

  it('alarms on a silent sweep: 26 one-hour periods without an invocation, missing data breaching', () => {
    const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'pathcert-no-asl-'));
    const s = synth({ stage: 'dev' }, { catalog: fixtureCatalog, routes: [], stateMachinesDir: emptyDir });
    const fnId = logicalId(s, s.stack.functions.get(SWEEP_FUNCTION)!.function);
    expect(alarmNamed(s, 'pathcert-dev-recertification-sweep-silent')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    // No state machine, so no execution alarm; the function's area (schedule) has its own.
    // (Dead-letter queues of the function's schedule, if events/ gives it one, have theirs.)
    expect(
      alarms(s.resources)
        .map((a) => String(a.props.AlarmName))
        .filter((n) => !n.includes('-dead-letters'))
        .sort(),
    ).toEqual(
      [
        'pathcert-dev-api-5xx-rate',
        'pathcert-dev-api-latency-p99',
        'pathcert-dev-fn-schedule-errors',
        'pathcert-dev-lambda-throttles',
        'pathcert-dev-recertification-sweep-silent',
      ].sort(),
    );
  });

  it('alarms on the dead-letter queues it is given, summing their visible messages', () => {
    const app = new App({ context: { stage: 'dev' } });
    const stack = new Stack(app, 'Fixture');
    const queues = ['RuleDlq', 'ScheduleDlq'].map(
      (id) => new Queue(stack, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true }),
    );
    new Monitoring(stack, 'Monitoring', {
      config: resolveStageConfig(app),
      httpApi: new HttpApi(stack, 'Api'),
      functions: new Map(),
      triggers: {},
      stateMachines: new Map(),
      deadLetterQueues: queues,
    });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
    const dlqAlarms = alarms(resources).filter((a) => metricsRead(a.props).some(([m]) => m === 'ApproximateNumberOfMessagesVisible'));
    expect(dlqAlarms).toHaveLength(1);
    const props = dlqAlarms[0]!.props;
    const stats = (props.Metrics as Record<string, any>[]).filter((q) => q.MetricStat);
    expect(stats.map((q) => q.MetricStat.Metric.Dimensions[0].Value['Fn::GetAtt'][0]).sort()).toEqual(
      queues.map((q) => stack.resolve(stack.getLogicalId(q.node.defaultChild as any))).sort(),
    );
    for (const q of stats) expect(q.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/SQS' }, Stat: 'Maximum' });
    expect(props).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    // No sweep function in this stack: no staleness alarm.
    expect(alarms(resources).some((a) => /sweep/.test(String(a.props.AlarmName)))).toBe(false);
    expect(nagFindings(stack).filter((f) => /\/Monitoring\//.test(f))).toEqual([]);
  });
});
