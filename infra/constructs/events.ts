/**
 * The stage's EventBridge bus, and what is wired to it from events/: one rule per entry of
 * events/rules.ts and one EventBridge Scheduler schedule per entry of events/schedules.ts,
 * each targeting its catalog function by name, with the definition's retry policy and a
 * dead-letter queue of its own. Domain events (application submitted, certification
 * expiring...) are put on the bus so consumers can be added without touching producers.
 * Rules for events AWS services publish (SES bounces and complaints: events/rules.ts
 * `sesFeedbackRule`) go on the account's default bus, the only one SES publishes to.
 *
 * Decisions:
 * - The retry policy applies twice, as events/rules.ts describes: on the target (delivery
 *   to Lambda) and on the function's asynchronous invocation (a handler error), since both
 *   EventBridge and Scheduler invoke Lambda asynchronously. A function's failed async
 *   invocations go to the dead-letter queue of the first rule or schedule naming it.
 * - One dead-letter queue per rule/schedule: an alarm on its depth says which job failed.
 *   SQS-managed encryption (EventBridge and Scheduler can write to it without a key
 *   policy), TLS only, 14 days' retention.
 * - A definition whose target is not in the catalog is skipped with an info annotation
 *   (targets may be declared before their function; test/unit/events/definitions.test.ts
 *   keeps that list honest).
 */
import { Annotations, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { EventBus, Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cdkEventPattern, eventRules, sesFeedbackRule, type EventRule, type RetryPolicy } from '#events/rules.ts';
import { schedules as allSchedules, type ScheduleSpec } from '#events/schedules.ts';
import type { StageConfig } from '../stage-config.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import type { PathcertFunction } from './function-defaults.ts';
import { acknowledgeWildcardResource } from './nag.ts';

export interface EventsProps {
  config: StageConfig;
}

export interface ConnectOptions {
  rules?: readonly EventRule[];
  schedules?: readonly ScheduleSpec[];
  /** Rules on the account's default bus (where AWS services such as SES publish). */
  defaultBusRules?: readonly EventRule[];
}

export class Events extends Construct {
  readonly bus: EventBus;
  /** Dead-letter queue of each rule and schedule, by its name in events/. */
  readonly deadLetterQueues = new Map<string, Queue>();
  private readonly config: StageConfig;
  private readonly asyncConfigured = new Set<string>();

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.config = props.config;
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: props.config.prefix,
      description: `pathcert ${props.config.stage} domain events`,
    });
  }

  /** Creates the rules and schedules of events/ whose target function exists. */
  connect(functions: ReadonlyMap<string, PathcertFunction>, options: ConnectOptions = {}): void {
    for (const rule of options.rules ?? eventRules) this.rule(rule, this.bus, functions);
    const defaultBusRules = options.defaultBusRules ?? [sesFeedbackRule];
    if (defaultBusRules.length > 0) {
      const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
      for (const rule of defaultBusRules) this.rule(rule, defaultBus, functions);
    }

    for (const spec of options.schedules ?? allSchedules) {
      const fn = functions.get(spec.target.function);
      if (!fn) {
        this.skipped('schedule', spec.name, spec.target.function);
        continue;
      }
      const dlq = spec.deadLetterQueue ? this.deadLetterQueue(`schedule-${spec.name}`) : undefined;
      // A role per schedule, trusted by Scheduler for this account only (confused-deputy guard).
      const role = new Role(this, `SchedulerRole-${spec.name}`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        description: `EventBridge Scheduler: invokes ${fn.functionName} for ${spec.name}`,
      });
      acknowledgeWildcardResource(
        role,
        `${fn.function.functionArn}:*`,
        "Lambda's grantInvoke also names the function's versions and aliases (<arn>:*); the schedule invokes only this function.",
      );
      new Schedule(this, `Schedule-${spec.name}`, {
        scheduleName: `${this.config.prefix}-${spec.name}`,
        description: spec.description,
        schedule: ScheduleExpression.expression(spec.expression, TimeZone.ETC_UTC),
        timeWindow: TimeWindow.off(),
        target: new LambdaInvoke(fn.function, {
          role,
          // The context attributes (<aws.scheduler.scheduled-time>) stay literal: Scheduler fills them in on every run.
          input: ScheduleTargetInput.fromObject(spec.input),
          ...retry(spec.retryPolicy),
          ...(dlq ? { deadLetterQueue: dlq } : {}),
        }),
      });
      this.configureAsync(fn, spec.retryPolicy, dlq);
    }
  }

  private rule(rule: EventRule, bus: IEventBus, functions: ReadonlyMap<string, PathcertFunction>): void {
    const fn = functions.get(rule.target.function);
    if (!fn) return this.skipped('rule', rule.name, rule.target.function);
    const dlq = rule.deadLetterQueue ? this.deadLetterQueue(`rule-${rule.name}`) : undefined;
    const created = new Rule(this, `Rule-${rule.name}`, {
      ruleName: `${this.config.prefix}-${rule.name}`,
      description: rule.description,
      eventBus: bus,
      eventPattern: cdkEventPattern(rule.eventPattern),
    });
    created.addTarget(new LambdaFunction(fn.function, { ...retry(rule.retryPolicy), ...(dlq ? { deadLetterQueue: dlq } : {}) }));
    this.configureAsync(fn, rule.retryPolicy, dlq);
  }

  private deadLetterQueue(name: string): Queue {
    const queue = deadLetterQueue(
      this,
      name,
      this.config,
      'This queue is itself a dead-letter queue (of an EventBridge rule or schedule target and its function); it has none of its own.',
    );
    this.deadLetterQueues.set(name, queue);
    return queue;
  }

  private configureAsync(fn: PathcertFunction, policy: RetryPolicy, dlq: Queue | undefined): void {
    if (this.asyncConfigured.has(fn.catalogName)) return;
    this.asyncConfigured.add(fn.catalogName);
    fn.function.configureAsyncInvoke({
      ...retry(policy),
      ...(dlq ? { onFailure: new SqsDestination(dlq) } : {}),
    });
  }

  private skipped(kind: 'rule' | 'schedule', name: string, target: string): void {
    Annotations.of(this).addInfo(`${kind} ${name} not created: its target ${target} is not in functions/catalog.ts yet`);
  }
}

function retry(policy: RetryPolicy) {
  return { maxEventAge: Duration.seconds(policy.maximumEventAgeSeconds), retryAttempts: policy.maximumRetryAttempts };
}
