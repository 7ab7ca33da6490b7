/**
 * The all-in bill at the 2030 scale (bench/cost-model.ts) with the footprint of the real
 * synthesized stack (bench/footprint.ts): alarms, dashboards, keys, tracing, Cognito tier
 * and log retention come from the template, traffic measures from the cost bench's last
 * run (docs/benchmarks.md, "Cost at the 2030 scale"). A default prod deploy must stay under
 * ALL_IN_TARGET_MONTHLY_USD; the priced options of docs/deploy.md cost what it says.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_IN_TARGET_MONTHLY_USD,
  gbSeconds,
  monthlyCost,
  SCALE_2030,
  USAGE,
  type CostInputs,
  type EndpointMeasure,
  type Footprint,
} from '../../bench/cost-model.ts';
import { DEFAULT_PROD_CONTEXT, PRICED_OPTIONS, synthFootprint } from '../../bench/footprint.ts';

/** Measured by `npm run bench -- cost` (2026-12-06); docs/benchmarks.md has the table. */
const measured = (
  name: string,
  handlerMs: number,
  dynamoRequests: number,
  readUnits: number,
  writeUnits: number,
  share: number,
): EndpointMeasure => ({
  name,
  memoryMb: 512,
  handlerMs,
  dynamoRequests,
  readUnits,
  writeUnits,
  share,
});
const endpoints = [
  measured('GET /pathways/{id}', 11.6, 2, 1, 0, 0.27),
  measured('GET /applications/{id}', 17.8, 3, 2, 0, 0.2),
  measured('GET /districts/{id}/pathways', 20.8, 3, 3.5, 0, 0.13),
  measured('GET /pathways/{id}/applications', 15.9, 3, 1.5, 0, 0.13),
  measured('GET /me', 10.7, 3, 2, 0, 0.2),
  measured('PATCH /pathways/{id}', 18.5, 3, 1, 12, 0.07),
];

const inputs = (footprint: Footprint): CostInputs => ({
  scale: { ...SCALE_2030 },
  usage: { ...USAGE },
  endpoints,
  directory: measured('GET /directory', 9.6, 1, 3, 0, 1),
  transitionsPerCycle: 17,
  pipelineTaskGbSeconds: gbSeconds(512, 200),
  pipelineReadUnitsPerCycle: 70,
  pipelineWriteUnitsPerCycle: 60,
  scheduled: [{ name: 'expireUploads', perMonth: 720, gbSeconds: gbSeconds(256, 500), readUnits: 5, writeUnits: 2 }],
  verifyGbSecondsPerUpload: gbSeconds(1024, 500),
  tableGb: 0.76,
  footprint,
});

let byDefault: Footprint;
let plus: Footprint;
let fullTracing: Footprint;
beforeAll(() => {
  byDefault = synthFootprint();
  plus = synthFootprint({ ...DEFAULT_PROD_CONTEXT, ...PRICED_OPTIONS['Cognito Plus (threat protection)'] });
  fullTracing = synthFootprint({ ...DEFAULT_PROD_CONTEXT, ...PRICED_OPTIONS['X-Ray on every function'] });
});

const item = (b: ReturnType<typeof monthlyCost>, prefix: string) => b.items.find((i) => i.service.startsWith(prefix))!;

describe('the all-in bill at the 2030 scale', () => {
  it(`is under $${ALL_IN_TARGET_MONTHLY_USD} a month for a default prod deploy`, () => {
    const bill = monthlyCost(inputs(byDefault));
    expect(byDefault.cognitoTier).toBe('ESSENTIALS');
    expect(byDefault.tracedTriggers).toEqual(['pipeline']);
    expect(bill.total).toBeLessThan(ALL_IN_TARGET_MONTHLY_USD);
    // Everything is in it: identity, observability, messaging and network are priced lines.
    for (const prefix of [
      'Cognito',
      'X-Ray',
      'CloudWatch: alarms',
      'CloudWatch Logs: ingestion',
      'CloudWatch: dashboards',
      'KMS',
      'SES',
      'Data transfer',
    ]) {
      expect(item(bill, prefix), prefix).toBeDefined();
    }
    expect(item(bill, 'Cognito').monthly).toBe(0);
  });

  it('counts the alarms the template has, by the metrics they read', () => {
    expect(byDefault.alarms).toBeGreaterThan(5);
    expect(byDefault.alarms).toBeLessThanOrEqual(20);
    // Consolidated alarms read several metrics each: every function's errors are still read.
    expect(byDefault.alarmMetrics).toBeGreaterThan(byDefault.alarms);
    expect(byDefault.dashboards).toBe(1);
    // The alarm topic's key and the credential issuer's signing key.
    expect(byDefault.kmsKeys).toBe(2);
    expect(byDefault.logRetentionDays).toBe(365);
  });

  it('prices the options: Plus bills every active user, full tracing nearly every request', () => {
    const base = monthlyCost(inputs(byDefault)).total;
    expect(plus.cognitoTier).toBe('PLUS');
    expect(monthlyCost(inputs(plus)).total - base).toBeCloseTo(160, 0);
    expect(fullTracing.tracedTriggers).toEqual(['cognito', 'event', 'http', 'pipeline', 's3', 'schedule']);
    const tracingExtra = monthlyCost(inputs(fullTracing)).total - base;
    expect(tracingExtra).toBeGreaterThan(8);
    expect(tracingExtra).toBeLessThan(10);
  });
});
