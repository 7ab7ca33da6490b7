/**
 * EventBridge rules on the stage's bus, as data: which domain events go to which catalog
 * function. The CDK app creates one rule per entry; the local EventBridge server
 * (infra/local/eventbridge) routes PutEvents with the same list.
 *
 * Targets name a function of functions/catalog.ts by its catalog name. They are typed as
 * plain strings on purpose: a rule may be written before its function exists (the
 * notifier is added later). The local platform skips (and logs) rules whose target is not
 * in the catalog yet, and a test asserts that every target exists once the functions do
 * (see test/unit/events/definitions.test.ts).
 */
import { SES_EVENT_SOURCE, SES_FEEDBACK_DETAIL_TYPES } from '#core/notifications/ses-feedback.ts';
import { ABNORMAL_END_STATUSES, EXECUTION_STATUS_CHANGE, STATES_EVENT_SOURCE } from '#core/review/execution-status.ts';
import { EVENT_SOURCE, type DetailType } from '#core/events.ts';

/**
 * A leaf value of an event pattern: exact values only. The local EventBridge server
 * (infra/local/eventbridge/pattern.ts) refuses EventBridge's content filters (prefix,
 * numeric, anything-but, ...) and `$or`; add one there, with a test, before a rule needs it.
 */
export type PatternMatcher = string | number | boolean | null;

/** An EventBridge event pattern, in its JSON form (`detail-type`, not CDK's `detailType`). */
export interface EventPattern {
  [field: string]: PatternMatcher[] | EventPattern | undefined;
}

export interface RetryPolicy {
  /**
   * Seconds an undelivered event is kept trying (EventBridge: 60–86400). For Lambda
   * targets a handler error is retried by Lambda's asynchronous invocation, whose limits
   * are tighter (≤ 21600 s, ≤ 2 retries): CDK applies this policy to both the rule target
   * and the function's async config, so keep values within Lambda's limits.
   */
  maximumEventAgeSeconds: number;
  /** Retries after the first attempt (EventBridge: 0–185; Lambda async: 0–2). */
  maximumRetryAttempts: number;
}

export interface EventRule {
  /** Unique on the bus; the deployed rule is `pathcert-<stage>-<name>`. */
  name: string;
  description: string;
  eventPattern: EventPattern;
  /** A catalog function name (see the note at the top about functions that do not exist yet). */
  target: { function: string };
  retryPolicy: RetryPolicy;
  /** Events that still fail after the retries go to a dead-letter queue (locally: a list and a file). */
  deadLetterQueue: boolean;
}

/** Domain events that tell a person something (the notifier decides who and how). */
export const notifiedDetailTypes = [
  'ApplicationSubmitted',
  'ReviewerAssigned',
  'ReviewSubmitted',
  'DecisionMade',
  'CertificationIssued',
  'CertificationExpiring',
  'CertificationExpired',
  'CertificationWithdrawn',
  'BenefitsChanged',
  'RenewalOpened',
  'MessagePosted',
  'InvitationCreated',
  'InvitationExpiring',
] as const satisfies readonly DetailType[];

export const eventRules: readonly EventRule[] = [
  {
    name: 'notify',
    description: 'Domain events people are told about (in-app notification and email) go to the notifier',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': [...notifiedDetailTypes] },
    target: { function: 'notifier' },
    // A notification is worth retrying for a while but not for days: an email about an
    // assignment that arrives a day late is worse than an alert that it failed.
    retryPolicy: { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 },
    deadLetterQueue: true,
  },
  {
    name: 'network-progress',
    description: "A certification issued, expired or withdrawn changes the network's progress: recompute the totals (issue 7)",
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': ['CertificationIssued', 'CertificationExpired', 'CertificationWithdrawn'] },
    target: { function: 'networkProgress' },
    // A full recompute: a later event or the daily run repairs a missed one.
    retryPolicy: { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 },
    deadLetterQueue: true,
  },
];

/**
 * SES's bounces and complaints (from the configuration set's event destination) to
 * emailFeedback. SES publishes only to the account's default bus, so this rule lives there,
 * not on the stage bus, and is not part of `eventRules` (the local bus carries domain events;
 * tests hand SES events to emailFeedback directly).
 */
export const sesFeedbackRule: EventRule = {
  name: 'ses-feedback',
  description: 'Bounces and complaints SES reports after sending are recorded, and that address gets no more email',
  eventPattern: { source: [SES_EVENT_SOURCE], 'detail-type': [...SES_FEEDBACK_DETAIL_TYPES] },
  target: { function: 'emailFeedback' },
  retryPolicy: { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 },
  deadLetterQueue: true,
};

/**
 * Review executions that end abnormally (failed, timed out, stopped) reach
 * reviewExecutionEnded, which marks the round failed and alerts staff. Step Functions
 * publishes status changes to the default bus only, so this rule lives there (with
 * `sesFeedbackRule`), filtered to the stage's review state machine: its ARN differs per stage
 * (CDK passes a token, the local runtime its local ARN).
 */
export function reviewExecutionEndedRule(reviewStateMachineArn: string): EventRule {
  return {
    name: 'review-execution-ended',
    description: 'A review execution that failed, timed out or was stopped marks its round failed and alerts staff',
    eventPattern: {
      source: [STATES_EVENT_SOURCE],
      'detail-type': [EXECUTION_STATUS_CHANGE],
      detail: { status: [...ABNORMAL_END_STATUSES], stateMachineArn: [reviewStateMachineArn] },
    },
    target: { function: 'reviewExecutionEnded' },
    // Idempotent per execution; a round left reviewing is worse than a late alert, so retry
    // for the hour Lambda allows at most twice, then the dead-letter queue.
    retryPolicy: { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 },
    deadLetterQueue: true,
  };
}

/** Every rule on the account's default bus (AWS services' events), for a stage's review state machine. */
export function defaultBusRules(reviewStateMachineArn: string | undefined): EventRule[] {
  return [sesFeedbackRule, ...(reviewStateMachineArn ? [reviewExecutionEndedRule(reviewStateMachineArn)] : [])];
}

/** The pattern in the shape CDK's `EventPattern` expects (`detailType` instead of `detail-type`). */
export function cdkEventPattern(pattern: EventPattern): Record<string, unknown> {
  const { 'detail-type': detailType, ...rest } = pattern;
  return detailType === undefined ? { ...rest } : { ...rest, detailType };
}

/** Every catalog function a rule targets. */
export function ruleTargets(rules: readonly EventRule[] = eventRules): string[] {
  return [...new Set(rules.map((r) => r.target.function))];
}
