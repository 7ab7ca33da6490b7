/**
 * bench/cost-model.ts: the bill's arithmetic, on inputs small enough to check by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  awsDurationMs,
  gbSeconds,
  itemBytes,
  monthlyCost,
  PRICES,
  SCALE_2030,
  TARGET_CATEGORIES,
  transitionsAlong,
  USAGE,
  type CostInputs,
  type EndpointMeasure,
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
    const b = monthlyCost(tiny({ scale: { students: 0, pathways: 0, reviewCyclesPerYear: 0, activePeoplePerYear: 12, evidenceGb: 500 }, tableGb: 2 }));
    expect(line(b, 'S3 Standard').monthly).toBeCloseTo(11.5, 10);
    expect(line(b, 'DynamoDB: storage').monthly).toBeCloseTo(0.5, 10);
    expect(line(b, 'DynamoDB: point-in-time').monthly).toBeCloseTo(0.4, 10);
    const sum = b.items.reduce((s, i) => s + i.monthly, 0);
    expect(b.total).toBeCloseTo(sum, 10);
    expect(b.targetTotal).toBeCloseTo(TARGET_CATEGORIES.reduce((s, c) => s + b.byCategory[c], 0), 10);
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
