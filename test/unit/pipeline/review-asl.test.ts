/**
 * statemachines/review.asl.json as a definition: valid ASL (asl-validator), JSONPath only,
 * Lambda tasks only (what the local runtime and CDK accept), every task retried on
 * transient errors with backoff and every failure routed to RecordFailure, each task
 * naming a pipeline function of the catalog, and a certification cycle that stays within
 * 40 state transitions on its longest ordinary path.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { functionCatalog } from '../../../functions/catalog.ts';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (d: unknown, o?: object) => { isValid: boolean; errorsText?: (s?: string) => string };

type State = Record<string, any>;
const text = readFileSync('statemachines/review.asl.json', 'utf8');
const machine = JSON.parse(text) as { StartAt: string; States: Record<string, State> };

function all(m: { States: Record<string, State> }, out: [string, State, boolean][] = [], nested = false): [string, State, boolean][] {
  for (const [name, state] of Object.entries(m.States)) {
    out.push([name, state, nested]);
    if (state.ItemProcessor) all(state.ItemProcessor, out, true);
  }
  return out;
}
const states = all(machine);
const tasks = states.filter(([, s]) => s.Type === 'Task');
const fnOf = (s: State) => /\$\{Function_([^}]+)\}/.exec(JSON.stringify(s.Parameters))?.[1];

describe('the review state machine definition', () => {
  it('is valid ASL', () => {
    const r = aslValidator(structuredClone(machine), { checkPaths: true, checkArn: true });
    expect(r.errorsText?.('\n') ?? '').toBe('');
    expect(r.isValid).toBe(true);
  });

  it('uses JSONPath only: no JSONata, no Assign, no $$.State', () => {
    expect(text).not.toMatch(/JSONata|"Assign"|\$\$\.State/);
  });

  it('runs Lambda tasks only, each naming a pipeline function of the catalog', () => {
    const catalog = functionCatalog as Record<string, { trigger: string }>;
    for (const [name, s] of tasks) {
      expect(s.Resource, name).toMatch(/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/);
      const fn = fnOf(s);
      expect(fn, name).toBeDefined();
      expect(catalog[fn!]?.trigger, `${name} -> ${fn}`).toBe('pipeline');
    }
  });

  it('passes the task token to every callback task, and waits without a timeout (due dates are the schedule\u2019s job)', () => {
    const callbacks = tasks.filter(([, s]) => s.Resource.endsWith('.waitForTaskToken'));
    expect(callbacks.map(([n]) => n).sort()).toEqual(['AwaitAdjudication', 'AwaitDecision', 'AwaitReview']);
    for (const [name, s] of callbacks) {
      expect(s.Parameters.Payload['taskToken.$'], name).toBe('$$.Task.Token');
      expect(s.TimeoutSeconds, name).toBeUndefined();
    }
  });

  it('retries transient errors with backoff in every task', () => {
    for (const [name, s] of tasks) {
      const retry = (s.Retry ?? []) as { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number }[];
      const transient = retry.find((r) => r.ErrorEquals.includes('TransientError'));
      expect(transient, name).toBeDefined();
      for (const e of ['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException']) {
        expect(transient!.ErrorEquals, `${name} ${e}`).toContain(e);
      }
      expect(transient!.BackoffRate, name).toBeGreaterThan(1);
      expect(transient!.MaxAttempts, name).toBeGreaterThanOrEqual(3);
      // Never retried: a permanent failure must reach RecordFailure, not spin.
      expect(retry.flatMap((r) => r.ErrorEquals), name).not.toContain('States.ALL');
    }
  });

  it('catches everything else into RecordFailure, which fails the execution', () => {
    for (const [name, s, nested] of states) {
      if (nested || name === 'RecordFailure' || !['Task', 'Map'].includes(s.Type)) continue;
      expect(s.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailure' }]);
    }
    expect(machine.States.RecordFailure!.Next).toBe('Failed');
    expect(machine.States.Failed!.Type).toBe('Fail');
    // Seat waits inside the Map have no Catch of their own: the Map's catches them.
    for (const [name, s, nested] of states) if (nested && s.Type === 'Task') expect(s.Catch, name).toBeUndefined();
  });

  it('loops each seat until its review is submitted (recusal and reassignment wait again)', () => {
    const map = machine.States.Reviews!;
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.seats');
    const inner = map.ItemProcessor.States as Record<string, State>;
    expect(inner.AwaitReview!.Next).toBe('SeatOutcome');
    expect(inner.SeatOutcome!.Default).toBe('AwaitReview');
    expect(inner.SeatOutcome!.Choices.map((c: State) => [c.StringEquals, c.Next])).toEqual([
      ['submitted', 'SeatDone'],
      ['closed', 'SeatDone'],
    ]);
  });

  it('stays within 40 transitions per cycle with two reviewers, adjudication and one recusal', () => {
    // The longest ordinary path, walked state by state.
    const seat = ['AwaitReview', 'SeatOutcome', 'SeatDone'];
    const recusal = ['AwaitReview', 'SeatOutcome'];
    const path = [
      'Prepare',
      'Phase',
      'AssignReviewers',
      'Reviews',
      ...seat,
      ...recusal,
      ...seat,
      'Aggregate',
      'AfterAggregate',
      'AwaitAdjudication',
      'Aggregate',
      'AfterAggregate',
      'AwaitDecision',
      'ApplyDecision',
    ];
    const names = new Set(states.map(([n]) => n));
    for (const n of path) expect(names.has(n), n).toBe(true);
    expect(path.length).toBeLessThanOrEqual(40);
  });

  it('names every pipeline function of the catalog', () => {
    const used = new Set(tasks.map(([, s]) => fnOf(s)));
    const pipeline = Object.entries(functionCatalog as Record<string, { trigger: string }>).filter(([, f]) => f.trigger === 'pipeline').map(([n]) => n);
    for (const n of pipeline) expect(used.has(n), n).toBe(true);
  });
});
