/**
 * What operators are told about, and where they look: CloudWatch alarms on the API, every
 * catalog function, the state machines, the dead-letter queues and the daily
 * recertification sweep, all sending to one encrypted SNS topic; and one dashboard.
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
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../functions/lib/metrics.ts';
import type { StageConfig } from '../stage-config.ts';
import type { PathcertFunction } from './function-defaults.ts';

/** The catalog function whose daily run the staleness alarm watches. */
export const SWEEP_FUNCTION = 'recertificationSweep';

export const alarmThresholds = {
  /** Percent of API requests answered 5xx, per 5 minutes, 2 of 3 periods. */
  api5xxPercent: 5,
  /** p99 of API Gateway's Latency, ms, per 5 minutes, 3 of 3 periods. */
  apiP99LatencyMs: 3000,
  /** Lambda Errors per 5 minutes: 1 for every function, except pipeline tasks (see below). */
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
  /** Lambda Throttles per 5 minutes. */
  lambdaThrottles: 1,
  /** Failed or timed-out executions per 5 minutes. */
  executions: 1,
  /** Messages visible in a dead-letter queue (maximum over 5 minutes). */
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

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  readonly dashboard: Dashboard;
  /** Every alarm, by a stable id (`api-5xx`, `fn-<name>-errors`, `sfn-review-failed`, `dlq-<n>`, `sweep-silent`). */
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
    for (const [catalogName, fn] of functions) {
      const pipeline = triggers[catalogName] === 'pipeline';
      const cognito = triggers[catalogName] === 'cognito';
      const errors = pipeline ? t.pipelineLambdaErrors : cognito ? t.signUpTriggerErrors : t.lambdaErrors;
      add(
        `fn-${catalogName}-errors`,
        new Alarm(this, `Errors-${catalogName}`, {
          alarmName: name(`fn-${catalogName}-errors`),
          alarmDescription: `${fn.functionName} failed ${errors} or more times in 5 minutes${pipeline ? ' (transient failures are retried by the state machine; this is a burst)' : cognito ? ' (each refused sign-up counts; this is a burst)' : ''} (docs/operations.md#function-errors).`,
          metric: fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          threshold: errors,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      add(
        `fn-${catalogName}-throttles`,
        new Alarm(this, `Throttles-${catalogName}`, {
          alarmName: name(`fn-${catalogName}-throttles`),
          alarmDescription: `${fn.functionName} was throttled (account concurrency exhausted) (docs/operations.md#function-throttles).`,
          metric: fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
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
          alarmDescription: `An execution of the ${stem} state machine failed (docs/operations.md#failed-executions).`,
          metric: machine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
          threshold: t.executions,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      add(
        `sfn-${stem}-timed-out`,
        new Alarm(this, `TimedOut-${stem}`, {
          alarmName: name(`sfn-${stem}-timed-out`),
          alarmDescription: `An execution of the ${stem} state machine timed out (docs/operations.md#timed-out-executions).`,
          metric: machine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
          threshold: t.executions,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    // --- Dead letters ------------------------------------------------------------------
    deadLetterQueues.forEach((queue, i) => {
      add(
        `dlq-${i}`,
        new Alarm(this, `DeadLetters${i}`, {
          alarmName: name(`dlq-${queue.node.id.toLowerCase().replace(/^dlq-?/, '')}-${i}`),
          alarmDescription: `Messages in the dead-letter queue ${queue.node.path}: an event, schedule or S3 notification was not handled after its retries (docs/operations.md#dead-letters).`,
          metric: queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
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
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms.values()], width: 24, height: 6 }),
    );
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
      new GraphWidget({ title: 'Lambda errors', left: perFunction((fn) => fn.function.metricErrors({ period: FIVE_MINUTES, label: fn.catalogName })), width: 8 }),
      new GraphWidget({ title: 'Lambda throttles', left: perFunction((fn) => fn.function.metricThrottles({ period: FIVE_MINUTES, label: fn.catalogName })), width: 8 }),
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
        left: deadLetterQueues.map((q) => q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum', label: q.node.id })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Recertification sweep runs (per hour)',
        left: sweep ? [sweep.function.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' })] : [],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Business events per day', left: business, width: 24 }),
    );
  }
}
