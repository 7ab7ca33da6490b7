/**
 * The rules and schedules of events/ are valid EventBridge definitions, only route domain
 * events that exist, and target catalog functions (or functions known to be coming).
 */
import { describe, expect, it } from 'vitest';
import { cdkEventPattern, defaultBusRules, eventRules, ruleTargets } from '#events/rules.ts';
import { scheduleTargets, schedules } from '#events/schedules.ts';
import { detailTypes, EVENT_SOURCE } from '#core/events.ts';
import { functionCatalog } from '#catalog';
import { parseScheduleExpression } from '../../../infra/local/eventbridge/cron.ts';
import { matchesPattern, validatePattern } from '../../../infra/local/eventbridge/pattern.ts';

/**
 * Targets written before their function. When a function lands in functions/catalog.ts,
 * this test fails until it is removed from here, so the list cannot go stale.
 */
const NOT_YET_IN_CATALOG = new Set<string>([]);

const inCatalog = (name: string) => Object.hasOwn(functionCatalog, name);

describe('event rules', () => {
  it('have unique names, valid patterns and retry policies within the Lambda async limits', () => {
    expect(new Set(eventRules.map((r) => r.name)).size).toBe(eventRules.length);
    for (const rule of eventRules) {
      expect(() => validatePattern(rule.eventPattern), rule.name).not.toThrow();
      expect(rule.retryPolicy.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
      expect(rule.retryPolicy.maximumRetryAttempts).toBeLessThanOrEqual(2);
      expect(rule.retryPolicy.maximumEventAgeSeconds).toBeGreaterThanOrEqual(60);
      expect(rule.retryPolicy.maximumEventAgeSeconds).toBeLessThanOrEqual(21_600);
    }
  });

  // The local server implements only part of EventBridge's patterns and refuses the rest;
  // a rule that needs more must fail here, not silently at run time.
  it('use only the pattern features the local EventBridge server implements, on both buses', () => {
    const reviewArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:pathcert-local-review';
    const all = [...eventRules, ...defaultBusRules(reviewArn)];
    expect(all.map((r) => r.name)).toEqual(expect.arrayContaining(['notify', 'ses-feedback', 'review-execution-ended']));
    for (const rule of all) expect(() => validatePattern(rule.eventPattern), rule.name).not.toThrow();
  });

  it('only name detail-types that have a schema, from pathcert', () => {
    for (const rule of eventRules) {
      expect(rule.eventPattern.source).toEqual([EVENT_SOURCE]);
      for (const type of (rule.eventPattern['detail-type'] ?? []) as unknown[]) {
        expect(detailTypes, `${rule.name} routes ${String(type)}`).toContain(type);
      }
    }
  });

  it('route every notifiable domain event to the notifier', () => {
    const notify = eventRules.find((r) => r.name === 'notify')!;
    for (const type of detailTypes) {
      const envelope = { source: 'pathcert', 'detail-type': type, detail: { version: 1 } };
      expect(matchesPattern(notify.eventPattern, envelope), type).toBe(true);
    }
    expect(matchesPattern(notify.eventPattern, { source: 'other', 'detail-type': 'DecisionMade', detail: {} })).toBe(false);
  });

  it('convert to the CDK pattern shape', () => {
    expect(cdkEventPattern({ source: ['pathcert'], 'detail-type': ['DecisionMade'], detail: { level: ['gold'] } })).toEqual({
      source: ['pathcert'],
      detailType: ['DecisionMade'],
      detail: { level: ['gold'] },
    });
  });
});

describe('schedules', () => {
  // parseScheduleExpression is the local scheduler's: it refuses what it does not evaluate.
  it('have unique names, use only expressions the local scheduler evaluates and keep the flexible window off', () => {
    expect(new Set(schedules.map((s) => s.name)).size).toBe(schedules.length);
    for (const s of schedules) {
      expect(() => parseScheduleExpression(s.expression), s.name).not.toThrow();
      expect(s.flexibleTimeWindow).toBe('OFF');
      expect(s.timezone).toBe('UTC');
    }
  });

  it('run the recertification sweep daily at 07:00 UTC', () => {
    const sweep = schedules.find((s) => s.name === 'recertification-sweep');
    expect(sweep?.expression).toBe('cron(0 7 * * ? *)');
    expect(sweep?.input.scheduledTime).toBe('<aws.scheduler.scheduled-time>');
  });
});

describe('targets', () => {
  it('are catalog functions, or listed as not yet written', () => {
    for (const target of [...ruleTargets(), ...scheduleTargets()]) {
      expect(inCatalog(target) || NOT_YET_IN_CATALOG.has(target), `${target} is neither in the catalog nor pending`).toBe(true);
    }
  });

  it('that exist are no longer listed as pending', () => {
    for (const pending of NOT_YET_IN_CATALOG) {
      expect(inCatalog(pending), `${pending} is in functions/catalog.ts now: remove it from NOT_YET_IN_CATALOG`).toBe(false);
    }
  });
});
