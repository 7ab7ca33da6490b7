/**
 * What operators are told about, and where they look: CloudWatch alarms on the API, the
 * catalog functions (errors by area, throttles account-wide), the state machines, the
 * dead-letter queues and the daily recertification sweep, all sending to one encrypted SNS
 * topic; and one dashboard. Alarms are consolidated where one alarm per area serves: an
 * alarm is billed per metric it reads, and each is a CloudFormation resource (the root
 * stack's, which infra/placement.ts keeps at 300 or fewer); bench/cost-model.ts counts them from the synthesized template.
 *
 * Thresholds live in `alarmThresholds` so docs/operations.md and the tests read the same
 * numbers. Every alarm's description says what it means; docs/operations.md says what to do.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '#lib/metrics.ts';
import type { StageConfig } from '../stage-config.ts';
import type { PathcertFunction } from './function-defaults.ts';

/** The catalog function whose daily run the staleness alarm watches. */
export const SWEEP_FUNCTION = 'recertificationSweep';

export const alarmThresholds = {
  /** Percent of API requests answered 5xx, per 5 minutes, 2 of 3 periods. */
  api5xxPercent: 5,
  /** p99 of API Gateway's Latency, ms, per 5 minutes, 3 of 3 periods. */
  apiP99LatencyMs: 3000,
  /** Lambda Errors per 5 minutes, summed over an area's functions: 1, except pipeline tasks (see below). */
  lambdaErrors: 1,
  /**
   * Pipeline tasks throw TransientError on purpose and the state machine retries them;
   * a real failure ends the execution and raises the execution alarm, so only a burst counts.
   */
  pipelineLambdaErrors: 5,
  /**
   * The pre-sign-up trigger refuses an uninvited address by throwing (the only way Cognito
   * lets a trigger refuse), so its Errors count refusals: only a burst (probing, or a fault)
   * alarms.
   */
  signUpTriggerErrors: 20,
  /** Lambda Throttles per 5 minutes, account-wide. */
  lambdaThrottles: 1,
  /** Failed plus timed-out executions per 5 minutes. */
  executions: 1,
  /** Messages visible in the dead-letter queues (each queue's maximum over 5 minutes, summed). */
  deadLetters: 1,
  /** Hours without an invocation of the recertification sweep (it runs daily). */
  sweepSilentHours: 26,
} as const;

export interface MonitoringProps {
  config: StageConfig;
  httpApi: IHttpApi;
  /** Every catalog function, by catalog name. */
  functions: ReadonlyMap<string, PathcertFunction>;
  /** Catalog trigger of each function (pipeline tasks get a higher error threshold). */
  triggers: Readonly<Record<string, string>>;
  /** The state machines to watch, by file stem (`review`...). */
  stateMachines: ReadonlyMap<string, IStateMachine>;
  /** Dead-letter queues (EventBridge targets, schedules...); may be empty. */
  deadLetterQueues: readonly IQueue[];
}

const FIVE_MINUTES = Duration.minutes(5);

/** Metrics one alarm on a metric math expression may read: a hard CloudWatch limit. */
export const MAX_ALARM_METRICS = 10;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One metric as it is; several as the sum of their values, a missing value counting 0. */
function sumOf(metrics: IMetric[], label: string): IMetric {
  if (metrics.length === 1) return metrics[0]!;
  if (metrics.length > MAX_ALARM_METRICS) throw new Error(`an alarm reads at most ${MAX_ALARM_METRICS} metrics, not ${metrics.length}`);
  const usingMetrics = Object.fromEntries(metrics.map((m, i) => [`m${i}`, m]));
  return new MathExpression({
    expression: Object.keys(usingMetrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(' + '),
    usingMetrics,
    label,
    period: FIVE_MINUTES,
  });
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  readonly dashboard: Dashboard;
  /** Every alarm, by a stable id (`api-5xx`, `fn-<area>[-<n>]-errors`, `fn-throttles`, `sfn-review-failed`, `dlq[-<n>]`, `sweep-silent`). */
  readonly alarms = new Map<string, Alarm>();

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, httpApi, functions, triggers, stateMachines, deadLetterQueues } = props;
    const t = alarmThresholds;

    // CloudWatch can publish to an encrypted topic only with a customer managed key whose
    // policy lets CloudWatch use it (the AWS managed aws/sns key does not).
    this.key = new Key(this, 'AlarmTopicKey', {
      alias: `alias/${config.prefix}-alarms`,
      description: `Encrypts the ${config.prefix} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      topicName: `${config.prefix}-alarms`,
      displayName: `pathcert ${config.stage} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    const action = new SnsAction(this.topic);

    const add = (alarmId: string, alarm: Alarm) => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.set(alarmId, alarm);
      return alarm;
    };
    const name = (suffix: string) => `${config.prefix}-${suffix}`;

    // --- API ---------------------------------------------------------------------------
    const requests = httpApi.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' });
    const serverErrors = httpApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    const errorRate = new MathExpression({
      // No requests is no error rate, not missing data.
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: 'API 5xx %',
      period: FIVE_MINUTES,
    });
    add(
      'api-5xx',
      new Alarm(this, 'Api5xxRate', {
        alarmName: name('api-5xx-rate'),
        alarmDescription: `More than ${t.api5xxPercent}% of HTTP API requests answered 5xx in 2 of the last 3 five-minute periods. The API never answers 5xx for client input: look for a failing function or a throttled table (docs/operations.md#api-5xx-rate).`,
        metric: errorRate,
        threshold: t.api5xxPercent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    const latencyP99 = httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' });
    add(
      'api-latency',
      new Alarm(this, 'ApiLatencyP99', {
        alarmName: name('api-latency-p99'),
        alarmDescription: `p99 latency of the HTTP API above ${t.apiP99LatencyMs} ms for 15 minutes (docs/operations.md#api-p99-latency).`,
        metric: latencyP99,
        threshold: t.apiP99LatencyMs,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    // --- Functions ---------------------------------------------------------------------
    // One errors alarm per area (the catalog trigger), on the sum of its functions' Errors:
    // an alarm costs per metric it reads, so this costs what one alarm per function did, in
    // a seventh of the resources; the dashboard's "Lambda errors" graph shows which function.
    // An alarm on metric math reads at most 10 metrics, so a larger area gets several.
    const byArea = new Map<string, PathcertFunction[]>();
    for (const [catalogName, fn] of functions) {
      const area = triggers[catalogName] ?? 'other';
      byArea.set(area, [...(byArea.get(area) ?? []), fn]);
    }
    for (const [area, members] of [...byArea].sort(([a], [b]) => a.localeCompare(b))) {
      const pipeline = area === 'pipeline';
      const cognito = area === 'cognito';
      const errors = pipeline ? t.pipelineLambdaErrors : cognito ? t.signUpTriggerErrors : t.lambdaErrors;
      const groups = chunk(members, MAX_ALARM_METRICS);
      groups.forEach((group, i) => {
        const suffix = groups.length > 1 ? `-${i + 1}` : '';
        add(
          `fn-${area}${suffix}-errors`,
          new Alarm(this, `Errors-${area}${suffix}`, {
            alarmName: name(`fn-${area}${suffix}-errors`),
            alarmDescription: `Functions of the ${area} area failed ${errors} or more times in 5 minutes, together${pipeline ? ' (transient failures are retried by the state machine; this is a burst)' : cognito ? ' (each refused sign-up counts; this is a burst)' : ''}: ${group.map((fn) => fn.catalogName).join(', ')}. The dashboard's Lambda errors graph shows which (docs/operations.md#function-errors).`,
            metric: sumOf(
              group.map((fn) => fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' })),
              `${area} errors`,
            ),
            threshold: errors,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
        );
      });
    }
    // Lambda throttles a function when the account's concurrency is exhausted (no function
    // here reserves concurrency), so the account-wide metric is the one to watch: one alarm,
    // one metric, instead of one per function.
    if (functions.size > 0) {
      add(
        'fn-throttles',
        new Alarm(this, 'Throttles', {
          alarmName: name('lambda-throttles'),
          alarmDescription: `Lambda throttled invocations in this account and region (account concurrency exhausted; pathcert's functions share it) (docs/operations.md#function-throttles).`,
          metric: new Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: FIVE_MINUTES }),
          threshold: t.lambdaThrottles,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    // --- State machines ----------------------------------------------------------------
    for (const [stem, machine] of stateMachines) {
      add(
        `sfn-${stem}-failed`,
        new Alarm(this, `Failed-${stem}`, {
          alarmName: name(`sfn-${stem}-failed`),
          alarmDescription: `An execution of the ${stem} state machine failed or timed out (docs/operations.md#failed-executions).`,
          metric: sumOf(
            [
              machine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
              machine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
            ],
            `${stem} failed or timed out`,
          ),
          threshold: t.executions,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    // --- Dead letters ------------------------------------------------------------------
    // Visible messages summed over the queues (up to 10 an alarm): any dead letter is one
    // to look at, and the dashboard's graph shows which queue holds it.
    const dlqGroups = chunk([...deadLetterQueues], MAX_ALARM_METRICS);
    dlqGroups.forEach((group, i) => {
      const suffix = dlqGroups.length > 1 ? `-${i + 1}` : '';
      add(
        `dlq${suffix}`,
        new Alarm(this, `DeadLetters${suffix}`, {
          alarmName: name(`dead-letters${suffix}`),
          alarmDescription: `Messages in a dead-letter queue: an event, schedule or S3 notification was not handled after its retries. Queues: ${group.map((q) => q.node.id).join(', ')} (docs/operations.md#dead-letters).`,
          metric: sumOf(
            group.map((queue) => queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' })),
            'dead letters visible',
          ),
          threshold: t.deadLetters,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    });

    // --- The daily sweep ---------------------------------------------------------------
    const sweep = functions.get(SWEEP_FUNCTION);
    if (sweep) {
      add(
        'sweep-silent',
        new Alarm(this, 'SweepSilent', {
          alarmName: name('recertification-sweep-silent'),
          alarmDescription: `The recertification sweep (${sweep.functionName}) has not run for ${t.sweepSilentHours} hours; it is scheduled daily. No data counts as not run (docs/operations.md#sweep-silent).`,
          metric: sweep.function.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          // 26 one-hour periods, all without an invocation. Lambda publishes nothing for an
          // hour without invocations, hence missing data is breaching.
          evaluationPeriods: t.sweepSilentHours,
          datapointsToAlarm: t.sweepSilentHours,
          treatMissingData: TreatMissingData.BREACHING,
        }),
      );
    }

    // --- Dashboard ---------------------------------------------------------------------
    const fnList = [...functions.values()];
    const perFunction = (metric: (fn: PathcertFunction) => IMetric) => fnList.map(metric);
    const business = BUSINESS_METRICS.map(
      (metricName) =>
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName,
          dimensionsMap: { service: 'pathcert', stage: config.stage },
          statistic: 'Sum',
          period: Duration.days(1),
        }),
    );
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: config.prefix,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# pathcert ${config.stage}\nAlarms and what to do: docs/operations.md. Business metrics: namespace \`${METRICS_NAMESPACE}\` (functions/lib/metrics.ts).`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms.values()], width: 24, height: 6 }));
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API requests and 5xx', left: [requests], right: [serverErrors], width: 8 }),
      new GraphWidget({ title: 'API 5xx %', left: [errorRate], width: 8 }),
      new GraphWidget({
        title: 'API latency (p50, p99)',
        left: [httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }), latencyP99],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        left: perFunction((fn) => fn.function.metricErrors({ period: FIVE_MINUTES, label: fn.catalogName })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        left: perFunction((fn) => fn.function.metricThrottles({ period: FIVE_MINUTES, label: fn.catalogName })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda duration p99 (ms)',
        left: perFunction((fn) => fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: fn.catalogName })),
        width: 8,
      }),
    );
    const machines = [...stateMachines.entries()];
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Executions: started, succeeded, failed, timed out',
        left: machines.flatMap(([stem, m]) => [
          m.metricStarted({ period: FIVE_MINUTES, label: `${stem} started` }),
          m.metricSucceeded({ period: FIVE_MINUTES, label: `${stem} succeeded` }),
          m.metricFailed({ period: FIVE_MINUTES, label: `${stem} failed` }),
          m.metricTimedOut({ period: FIVE_MINUTES, label: `${stem} timed out` }),
        ]),
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead letters (visible)',
        left: deadLetterQueues.map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum', label: q.node.id }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Recertification sweep runs (per hour)',
        left: sweep ? [sweep.function.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' })] : [],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(new GraphWidget({ title: 'Business events per day', left: business, width: 24 }));
  }
}
