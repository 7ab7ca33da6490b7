/**
 * bench/cost-model.ts: the bill's arithmetic, on inputs small enough to check by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  awsDurationMs,
  cognitoMonthly,
  footprintOf,
  gbSeconds,
  lambdaSampledTraces,
  itemBytes,
  monthlyCost,
  PRICES,
  SCALE_2030,
  TARGET_CATEGORIES,
  transitionsAlong,
  USAGE,
  type CostInputs,
  type EndpointMeasure,
  type Footprint,
} from '../../bench/cost-model.ts';
import review from '../../statemachines/review.asl.json' with { type: 'json' };

const endpoint = (over: Partial<EndpointMeasure> = {}): EndpointMeasure => ({
  name: 'GET /x',
  memoryMb: 1024,
  handlerMs: 10,
  dynamoRequests: 2,
  readUnits: 1,
  writeUnits: 0,
  share: 1,
  ...over,
});

/** A stack that bills nothing by itself. */
const bare: Footprint = {
  alarmMetrics: 0,
  alarms: 0,
  compositeAlarms: 0,
  dashboards: 0,
  kmsKeys: 0,
  cognitoTier: 'ESSENTIALS',
  tracedTriggers: [],
  tracedStateMachines: 0,
  logRetentionDays: 30,
  customMetrics: 0,
  resources: 0,
};

/** 12,000 signed-in calls a year = 1,000 a month; everything else off. */
const tiny = (over: Partial<CostInputs> = {}): CostInputs => ({
  scale: { students: 0, pathways: 0, reviewCyclesPerYear: 0, activePeoplePerYear: 12, evidenceGb: 0 },
  usage: { ...USAGE, apiCallsPerPersonPerYear: 1_000, coldStartShare: 0, awsMsPerDynamoRequest: 5 },
  endpoints: [endpoint()],
  directory: endpoint({ name: 'GET /directory' }),
  transitionsPerCycle: 14,
  pipelineTaskGbSeconds: 0,
  pipelineReadUnitsPerCycle: 0,
  pipelineWriteUnitsPerCycle: 0,
  scheduled: [],
  verifyGbSecondsPerUpload: 0,
  tableGb: 0,
  footprint: bare,
  ...over,
});

const line = (b: ReturnType<typeof monthlyCost>, prefix: string) => {
  const found = b.items.find((i) => i.service.startsWith(prefix));
  if (!found) throw new Error(`no line ${prefix}`);
  return found;
};

describe('monthlyCost', () => {
  it('prices API calls: GB-seconds from memory and AWS duration, requests, read units', () => {
    const b = monthlyCost(tiny());
    // 10 ms + 2 requests × 5 ms = 20 ms at 1 GB: 0.02 GB-s a call, 1,000 calls.
    expect(line(b, 'Lambda: API').quantity).toBeCloseTo(20, 10);
    expect(line(b, 'Lambda: API').monthly).toBeCloseTo(20 * PRICES.lambdaArmPerGbSecond, 12);
    expect(line(b, 'API Gateway').quantity).toBe(1_000);
    expect(line(b, 'API Gateway').monthly).toBeCloseTo(0.001, 12);
    expect(line(b, 'DynamoDB on-demand: read').quantity).toBe(1_000);
    expect(line(b, 'DynamoDB on-demand: read').monthly).toBeCloseTo(1_000 * 0.125e-6, 12);
    expect(line(b, 'Step Functions').quantity).toBe(0);
  });

  it('splits signed-in traffic by share and prices workflow per review cycle', () => {
    const b = monthlyCost(
      tiny({
        endpoints: [endpoint({ share: 0.75, readUnits: 2 }), endpoint({ name: 'PATCH', share: 0.25, readUnits: 0, writeUnits: 4 })],
        scale: { students: 0, pathways: 0, reviewCyclesPerYear: 1_200, activePeoplePerYear: 12, evidenceGb: 0 },
      }),
    );
    expect(line(b, 'DynamoDB on-demand: read').quantity).toBe(1_500);
    expect(line(b, 'DynamoDB on-demand: write').quantity).toBe(1_000);
    // 100 cycles a month × 14 transitions at $0.025 per 1,000.
    expect(line(b, 'Step Functions').quantity).toBe(1_400);
    expect(line(b, 'Step Functions').monthly).toBeCloseTo(0.035, 12);
  });

  it('prices storage per GB-month and sums categories into the target total', () => {
    const b = monthlyCost(
      tiny({ scale: { students: 0, pathways: 0, reviewCyclesPerYear: 0, activePeoplePerYear: 12, evidenceGb: 500 }, tableGb: 2 }),
    );
    expect(line(b, 'S3 Standard').monthly).toBeCloseTo(11.5, 10);
    expect(line(b, 'DynamoDB: storage').monthly).toBeCloseTo(0.5, 10);
    expect(line(b, 'DynamoDB: point-in-time').monthly).toBeCloseTo(0.4, 10);
    const sum = b.items.reduce((s, i) => s + i.monthly, 0);
    expect(b.total).toBeCloseTo(sum, 10);
    expect(b.targetTotal).toBeCloseTo(
      TARGET_CATEGORIES.reduce((s, c) => s + b.byCategory[c], 0),
      10,
    );
    expect(b.targetTotal).toBeLessThan(b.total);
  });

  it('stays under the $100 target at the 2030 scale with plausible measures (a regression guard)', () => {
    const b = monthlyCost({
      ...tiny(),
      scale: { ...SCALE_2030 },
      usage: { ...USAGE },
      endpoints: [endpoint({ memoryMb: 512, handlerMs: 30, dynamoRequests: 3, readUnits: 2, writeUnits: 0.2 })],
      directory: endpoint({ memoryMb: 512, handlerMs: 20, dynamoRequests: 1, readUnits: 3 }),
      tableGb: 10,
    });
    expect(b.targetTotal).toBeLessThan(100);
    expect(b.byCategory.storage).toBeGreaterThan(11.5);
  });
});

describe('all in: what the stack bills besides traffic', () => {
  it('prices alarms per metric read, dashboards, keys and composite alarms from the footprint', () => {
    const b = monthlyCost(tiny({ footprint: { ...bare, alarms: 2, alarmMetrics: 12, dashboards: 1, kmsKeys: 1, compositeAlarms: 1 } }));
    expect(line(b, 'CloudWatch: alarms').quantity).toBe(12);
    expect(line(b, 'CloudWatch: alarms').monthly).toBeCloseTo(1.2, 10);
    expect(line(b, 'CloudWatch: dashboards').monthly).toBe(3);
    expect(line(b, 'KMS').monthly).toBe(1);
    expect(line(b, 'CloudWatch: composite').monthly).toBe(0.5);
  });

  it('bills Cognito Essentials beyond 10,000 monthly active users, Plus for every one', () => {
    expect(cognitoMonthly('ESSENTIALS', 8_000, PRICES)).toEqual({ billedMau: 0, unitPrice: PRICES.cognitoEssentialsPerMau });
    expect(cognitoMonthly('ESSENTIALS', 12_000, PRICES).billedMau).toBe(2_000);
    expect(cognitoMonthly('PLUS', 8_000, PRICES)).toEqual({ billedMau: 8_000, unitPrice: 0.02 });
    // 20,000 active people a year, 40% of them in a month.
    const scale = { ...SCALE_2030, students: 0, pathways: 0, reviewCyclesPerYear: 0, evidenceGb: 0 };
    expect(line(monthlyCost(tiny({ scale })), 'Cognito').monthly).toBe(0);
    expect(line(monthlyCost(tiny({ scale, footprint: { ...bare, cognitoTier: 'PLUS' } })), 'Cognito').monthly).toBeCloseTo(160, 10);
  });

  it("records X-Ray traces only for the traced triggers, with Lambda's fixed sampling", () => {
    expect(lambdaSampledTraces(1_000)).toBe(1_000);
    // Beyond one a second all month, 5% of the rest.
    expect(lambdaSampledTraces(2_628_000 + 1_000_000)).toBeCloseTo(2_628_000 + 50_000, 6);
    const scale = { students: 0, pathways: 0, reviewCyclesPerYear: 1_200, activePeoplePerYear: 12, evidenceGb: 0 };
    const pipelineOnly = monthlyCost(tiny({ scale, footprint: { ...bare, tracedTriggers: ['pipeline'], tracedStateMachines: 1 } }));
    // 100 cycles × 7 task invocations, plus one trace per execution; no API request.
    expect(line(pipelineOnly, 'X-Ray').quantity).toBe(700 + 100);
    const all = monthlyCost(tiny({ scale, footprint: { ...bare, tracedTriggers: ['http', 'pipeline'], tracedStateMachines: 1 } }));
    expect(line(all, 'X-Ray').quantity).toBe(1_000 + 700 + 100);
  });

  it('keeps logs for the retention the template sets, and prices data transfer out', () => {
    const month = monthlyCost(tiny({ footprint: { ...bare, logRetentionDays: 30 } }));
    const year = monthlyCost(tiny({ footprint: { ...bare, logRetentionDays: 360 } }));
    expect(line(year, 'CloudWatch Logs: storage').quantity).toBeCloseTo(12 * line(month, 'CloudWatch Logs: storage').quantity, 10);
    // 1,000 answers of 4,000 bytes.
    expect(line(month, 'Data transfer').quantity).toBeCloseTo(0.004, 10);
  });

  it('reads the footprint from a template: alarm metrics, tracing by trigger, tier, retention', () => {
    const fp = footprintOf(
      {
        A: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
        B: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Metrics: [
              { Id: 'e', Expression: 'FILL(m0,0) + FILL(m1,0)' },
              { Id: 'm0', MetricStat: {} },
              { Id: 'm1', MetricStat: {} },
            ],
          },
        },
        D: { Type: 'AWS::CloudWatch::Dashboard' },
        K: { Type: 'AWS::KMS::Key' },
        P: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolTier: 'PLUS' } },
        F1: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'p-a', TracingConfig: { Mode: 'Active' } } },
        F2: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'p-b' } },
        L1: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/p-a', RetentionInDays: 365 } },
        L2: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/apigateway/p/access', RetentionInDays: 3653 } },
        S: { Type: 'AWS::StepFunctions::StateMachine', Properties: { TracingConfiguration: { Enabled: true } } },
      },
      { triggers: { 'p-a': 'pipeline', 'p-b': 'http' }, customMetrics: 4 },
    );
    expect(fp).toEqual({
      alarmMetrics: 3,
      alarms: 2,
      compositeAlarms: 0,
      dashboards: 1,
      kmsKeys: 1,
      cognitoTier: 'PLUS',
      tracedTriggers: ['pipeline'],
      tracedStateMachines: 1,
      logRetentionDays: 365,
      customMetrics: 4,
      resources: 10,
    });
  });
});

describe('helpers', () => {
  it('rounds AWS duration up to the millisecond', () => {
    expect(awsDurationMs({ handlerMs: 3.2, dynamoRequests: 1 }, { awsMsPerDynamoRequest: 5 })).toBe(9);
    expect(gbSeconds(512, 1_000)).toBe(0.5);
  });

  it('measures item sizes as DynamoDB does', () => {
    expect(itemBytes({ PK: 'ab' })).toBe(4);
    expect(itemBytes({ n: 123 })).toBe(1 + 3);
    expect(itemBytes({ flag: true, none: null })).toBe(4 + 1 + 4 + 1);
    expect(itemBytes({ l: ['a', 'bc'] })).toBe(1 + 3 + (1 + 1) + (1 + 2));
  });

  it('walks the review state machine: 16 transitions for two reviewers, 4 more per extra seat', () => {
    // Each seat: SeatClock (its wait's deadline), AwaitReview, SeatOutcome, SeatDone; the
    // decision wait has its own clock task before it.
    const path = { Phase: 'AssignReviewers', SeatOutcome: 'SeatDone', AfterAggregate: 'AwaitDecision' };
    expect(transitionsAlong(review as never, path, 2)).toBe(16);
    expect(transitionsAlong(review as never, path, 3)).toBe(20);
    expect(() => transitionsAlong(review as never, { Phase: 'AssignReviewers' }, 2)).toThrow(/no choice given for SeatOutcome/);
  });
});
