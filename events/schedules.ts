/**
 * Recurring jobs, as data: EventBridge Scheduler schedules that invoke a catalog function
 * with a fixed input. The CDK app creates one schedule per entry; the local EventBridge
 * server ticks the same list against the dev clock (infra/local/eventbridge/scheduler.ts).
 *
 * Targets are catalog function names typed as strings, like rule targets (events/rules.ts):
 * the sweep and reminder functions are written later; the local platform skips schedules
 * whose function does not exist yet.
 *
 * The target receives `input` as its event, exactly (Scheduler adds no envelope). String
 * values may use Scheduler's context attributes, replaced on every run:
 * `<aws.scheduler.scheduled-time>` (ISO time of the slot), `<aws.scheduler.execution-id>`,
 * `<aws.scheduler.schedule-arn>`, `<aws.scheduler.attempt-number>`.
 */
import { nowIso } from '#lib/clock.ts';
import type { RetryPolicy } from './rules.ts';

export interface ScheduleSpec {
  /** Unique; the deployed schedule is `pathcert-<stage>-<name>`. */
  name: string;
  description: string;
  /**
   * EventBridge syntax: `cron(minutes hours day-of-month month day-of-week year)` (one of
   * day-of-month/day-of-week is `?`), `rate(n unit)` or `at(yyyy-mm-ddThh:mm:ss)`.
   */
  expression: string;
  /** Time zone of the expression (IANA name). Only UTC is evaluated locally. */
  timezone: 'UTC';
  target: { function: string };
  input: Record<string, unknown>;
  /** OFF: the job runs at the slot, not somewhere in a window after it. */
  flexibleTimeWindow: 'OFF';
  retryPolicy: RetryPolicy;
  deadLetterQueue: boolean;
}

/** What a scheduled function receives (from the inputs below). */
export interface ScheduledInput {
  job: string;
  /** The slot this run is for (ISO 8601): the function computes "today" from it, not from its own clock. */
  scheduledTime: string;
}

/**
 * The instant a scheduled run is for (ISO 8601): its slot, so a retried or late run judges
 * the time it was meant for; the clock's now when the input has no usable slot (a manual run).
 */
export function scheduledInstant(input: { scheduledTime?: string | undefined }): string {
  const t = input.scheduledTime ? Date.parse(input.scheduledTime) : NaN;
  return Number.isNaN(t) ? nowIso() : new Date(t).toISOString();
}

export const schedules: readonly ScheduleSpec[] = [
  {
    name: 'recertification-sweep',
    description: 'Daily: finds certifications due for a reminder, whose renewal window opens or that expire, and publishes the events',
    expression: 'cron(0 7 * * ? *)',
    timezone: 'UTC',
    target: { function: 'recertificationSweep' },
    input: { job: 'recertification-sweep', scheduledTime: '<aws.scheduler.scheduled-time>' },
    flexibleTimeWindow: 'OFF',
    // The sweep is idempotent per day, so a retried or repeated run does no harm.
    retryPolicy: { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 },
    deadLetterQueue: true,
  },
  {
    name: 'review-reminders',
    description: 'Daily: reminds reviewers of reviews due soon or overdue',
    // 16:00 UTC is early morning in California, where most reviewers are.
    expression: 'cron(0 16 * * ? *)',
    timezone: 'UTC',
    target: { function: 'reviewReminders' },
    input: { job: 'review-reminders', scheduledTime: '<aws.scheduler.scheduled-time>' },
    flexibleTimeWindow: 'OFF',
    retryPolicy: { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 },
    deadLetterQueue: true,
  },
  {
    name: 'network-progress',
    description: "Daily, after the sweep: recomputes the network's progress totals (enrollment edits, lapsed certifications)",
    expression: 'cron(30 7 * * ? *)',
    timezone: 'UTC',
    target: { function: 'networkProgress' },
    input: { job: 'network-progress', scheduledTime: '<aws.scheduler.scheduled-time>' },
    flexibleTimeWindow: 'OFF',
    // A full recompute: repeating it is harmless.
    retryPolicy: { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 },
    deadLetterQueue: true,
  },
  {
    name: 'upload-expiry',
    description: 'Hourly: evidence and resource uploads that were declared but never arrived become expired',
    expression: 'cron(15 * * * ? *)',
    timezone: 'UTC',
    target: { function: 'expireUploads' },
    input: { job: 'upload-expiry', scheduledTime: '<aws.scheduler.scheduled-time>' },
    flexibleTimeWindow: 'OFF',
    // Idempotent: each expiry is conditional on the version still waiting.
    retryPolicy: { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 2 },
    deadLetterQueue: true,
  },
  {
    name: 'message-emails',
    description: 'Every minute: sends the message email of each thread window that has closed (one email per thread and person)',
    // Minutely so an email follows its window's end by at most a minute; see
    // functions/notifications/message-emails.ts for why a schedule rather than a delay queue.
    expression: 'rate(1 minute)',
    timezone: 'UTC',
    target: { function: 'notifier' },
    input: { job: 'message-emails', scheduledTime: '<aws.scheduler.scheduled-time>' },
    flexibleTimeWindow: 'OFF',
    // The next run is a minute away and does whatever a failed run left (the windows stay
    // until sent): no retries, and no dead-letter queue of its own (fewer resources).
    retryPolicy: { maximumEventAgeSeconds: 60, maximumRetryAttempts: 0 },
    deadLetterQueue: false,
  },
];

/** Every catalog function a schedule targets. */
export function scheduleTargets(list: readonly ScheduleSpec[] = schedules): string[] {
  return [...new Set(list.map((s) => s.target.function))];
}
