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
import { functionCatalog } from '#catalog';

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

  it('passes the task token to every callback task, and gives every wait a timeout from a clock task, caught and handled', () => {
    const callbacks = tasks.filter(([, s]) => s.Resource.endsWith('.waitForTaskToken'));
    expect(callbacks.map(([n]) => n).sort()).toEqual(['AwaitAdjudication', 'AwaitDecision', 'AwaitReview']);
    const byName = new Map(states.map(([n, s]) => [n, s]));
    const clockOf: Record<string, [string, string]> = {
      AwaitReview: ['SeatClock', 'SeatOverdue'],
      AwaitAdjudication: ['AdjudicationClock', 'AdjudicationOverdue'],
      AwaitDecision: ['DecisionClock', 'DecisionOverdue'],
    };
    for (const [name, s] of callbacks) {
      expect(s.Parameters.Payload['taskToken.$'], name).toBe('$$.Task.Token');
      // The same path reads the clock's number in the state input and in the parameters.
      expect(s.TimeoutSecondsPath, name).toBe('$.Payload.wait.seconds');
      expect(s.Parameters.Payload['wait.$'], name).toBe('$.Payload.wait');
      const [clock, overdue] = clockOf[name]!;
      expect(byName.get(clock)!.Next, clock).toBe(name);
      expect(byName.get(clock)!.ResultPath, clock).toBe('$.Payload');
      expect(byName.get(clock)!.ResultSelector.wait['seconds.$'], clock).toBe('$.Payload.seconds');
      // A timeout is a handled path: overdue task, then the clock and the wait again.
      expect(s.Catch[0], name).toEqual({
        ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'],
        ResultPath: '$.timeout',
        Next: overdue,
      });
      expect(byName.get(overdue)!.Next, overdue).toBe(clock);
      // Every wait, its clock and its overdue task know their execution, to stand down when superseded.
      for (const n of [name, clock, overdue]) expect(JSON.stringify(byName.get(n)!.Parameters), n).toContain('executionArn.$');
    }
  });

  it('ends a start at once, with a readable output, when another execution owns the round or there is nothing to review', () => {
    const phase = machine.States.Phase!;
    expect(phase.Choices.map((c: State) => [c.StringEquals, c.Next])).toEqual([
      ['review', 'AssignReviewers'],
      ['decided', 'ApplyDecision'],
      ['already-running', 'AlreadyRunning'],
    ]);
    expect(phase.Default).toBe('Ended');
    expect(machine.States.AlreadyRunning).toMatchObject({
      Type: 'Pass',
      End: true,
      Parameters: { outcome: 'already-running', 'owner.$': '$.owner' },
    });
    expect(machine.States.Ended).toMatchObject({ Type: 'Pass', End: true, Parameters: { 'outcome.$': '$.phase', 'status.$': '$.status' } });
    expect(machine.States.Prepare!.Parameters.Payload['executionArn.$']).toBe('$$.Execution.Id');
    for (const n of ['AssignReviewers', 'Aggregate', 'ApplyDecision'])
      expect(machine.States[n]!.Parameters.Payload['executionArn.$'], n).toBe('$$.Execution.Id');
    expect(machine.States.Reviews!.ItemSelector['executionArn.$']).toBe('$$.Execution.Id');
    expect(machine.States.AfterAggregate!.Choices.map((c: State) => [c.StringEquals, c.Next])).toContainEqual(['superseded', 'Superseded']);
  });

  it('retries transient errors with backoff in every task', () => {
    for (const [name, s] of tasks) {
      const retry = (s.Retry ?? []) as { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number }[];
      const transient = retry.find((r) => r.ErrorEquals.includes('TransientError'));
      expect(transient, name).toBeDefined();
      for (const e of [
        'Lambda.ServiceException',
        'Lambda.TooManyRequestsException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
      ]) {
        expect(transient!.ErrorEquals, `${name} ${e}`).toContain(e);
      }
      expect(transient!.BackoffRate, name).toBeGreaterThan(1);
      expect(transient!.MaxAttempts, name).toBeGreaterThanOrEqual(3);
      // Never retried: a permanent failure must reach RecordFailure, not spin.
      expect(
        retry.flatMap((r) => r.ErrorEquals),
        name,
      ).not.toContain('States.ALL');
    }
  });

  it('catches everything else into RecordFailure, which fails the execution', () => {
    const all = { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RecordFailure' };
    for (const [name, s, nested] of states) {
      if (nested || name === 'RecordFailure' || !['Task', 'Map'].includes(s.Type)) continue;
      // A wait's timeout is caught first (handled), everything else goes to RecordFailure.
      expect(s.Catch.at(-1), name).toEqual(all);
      expect(
        s.Catch.slice(0, -1).flatMap((c: State) => c.ErrorEquals),
        name,
      ).not.toContain('States.ALL');
    }
    expect(machine.States.RecordFailure!.Next).toBe('Failed');
    expect(machine.States.Failed!.Type).toBe('Fail');
    // Seat tasks inside the Map catch only their wait's timeout: the Map catches the rest.
    for (const [name, s, nested] of states) {
      if (nested && s.Type === 'Task')
        expect(
          (s.Catch ?? []).flatMap((c: State) => c.ErrorEquals),
          name,
        ).not.toContain('States.ALL');
    }
  });

  it('loops each seat until its review is submitted (recusal and reassignment wait again)', () => {
    const map = machine.States.Reviews!;
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.seats');
    const inner = map.ItemProcessor.States as Record<string, State>;
    expect(inner.AwaitReview!.Next).toBe('SeatOutcome');
    expect(inner.SeatOutcome!.Default).toBe('SeatClock');
    expect(inner.SeatOutcome!.Choices.map((c: State) => [c.StringEquals, c.Next])).toEqual([
      ['submitted', 'SeatDone'],
      ['closed', 'SeatDone'],
    ]);
  });

  it('stays within 40 transitions per cycle with two reviewers, adjudication and one recusal', () => {
    // The longest ordinary path, walked state by state.
    const seat = ['SeatClock', 'AwaitReview', 'SeatOutcome', 'SeatDone'];
    const recusal = ['SeatClock', 'AwaitReview', 'SeatOutcome'];
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
      'AdjudicationClock',
      'AwaitAdjudication',
      'Aggregate',
      'AfterAggregate',
      'DecisionClock',
      'AwaitDecision',
      'ApplyDecision',
    ];
    const names = new Set(states.map(([n]) => n));
    for (const n of path) expect(names.has(n), n).toBe(true);
    expect(path.length).toBeLessThanOrEqual(40);
  });

  it('names every pipeline function of the catalog', () => {
    const used = new Set(tasks.map(([, s]) => fnOf(s)));
    const pipeline = Object.entries(functionCatalog as Record<string, { trigger: string }>)
      .filter(([, f]) => f.trigger === 'pipeline')
      .map(([n]) => n);
    for (const n of pipeline) expect(used.has(n), n).toBe(true);
  });
});
