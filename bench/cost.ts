/**
 * Cost at the network's 2030 scale, from measured counts: for each operation of the load
 * mix (bench/load.ts), the DynamoDB requests the functions send (recorded on their own
 * client), the capacity units those requests consume (replayed with ReturnConsumedCapacity),
 * and the handler's time (invoked in process, median); state transitions per review cycle
 * walked from statemachines/review.asl.json (and the pipeline bench's measured figure when
 * docs/benchmarks.md has one); table bytes per pathway from a scan of the seeded table.
 * bench/cost-model.ts turns them into a monthly bill at AWS list prices.
 */
import './api-env.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { functionCatalog, type FunctionSpec } from '#catalog';
import {
  ALL_IN_TARGET_MONTHLY_USD,
  itemBytes,
  monthlyCost,
  PRICES,
  SCALE_2030,
  TARGET_CATEGORIES,
  TARGET_MONTHLY_USD,
  transitionsAlong,
  USAGE,
  usd,
  gbSeconds,
  awsDurationMs,
  type AslStates,
  type CostInputs,
  type EndpointMeasure,
} from './cost-model.ts';
import { DEFAULT_PROD_CONTEXT, PRICED_OPTIONS, synthFootprint } from './footprint.ts';
import { record, setUpLoadWorld, replay, type CapacityTally, type LoadWorld } from './load.ts';
import type { BenchReport } from './run.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HANDLER_SAMPLES = Number(process.env.BENCH_COST_SAMPLES ?? 15);
/** Years of pathway data the table holds at scale (the seed holds about one). */
const RETAINED_YEARS = 5;
/** The review path priced: two reviewers, no adjudication, a decision. */
const REVIEW_PATH = { Phase: 'AssignReviewers', SeatOutcome: 'SeatDone', AfterAggregate: 'AwaitDecision' };
const SEATS = 2;
/** Assumed, not measured here: a pipeline task's AWS time (a few DynamoDB requests at ~5 ms plus code). */
const PIPELINE_TASK_MS = 200;
const PIPELINE_UNITS_PER_CYCLE = { read: 70, write: 60 };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function measureOp(world: LoadWorld, op: LoadWorld['ops'][number]): Promise<Omit<EndpointMeasure, 'share'>> {
  const spec = (functionCatalog as Record<string, FunctionSpec>)[op.fn];
  if (!spec) throw new Error(`no catalog function ${op.fn}`);
  const tally: CapacityTally = { read: 0, write: 0, requests: 0 };
  let requests: number;
  if (op.write) {
    requests = (await record(() => world.apiWrite())).length;
    await world.rawWrite(tally);
  } else {
    const plan = world.plans.get(op.name)!;
    requests = plan.flat().length;
    await replay(world.raw, plan, tally);
  }
  const times: number[] = [];
  for (let i = 0; i < HANDLER_SAMPLES + 3; i++) {
    const t = await world.invokeHandler(op);
    if (i >= 3) times.push(t);
  }
  return {
    name: op.name,
    memoryMb: spec.memoryMb,
    handlerMs: median(times),
    dynamoRequests: requests,
    readUnits: tally.read,
    writeUnits: tally.write,
  };
}

/** Bytes of the seeded data per pathway, with index copies (item + 100 bytes per index an item is in). */
async function tableBytesPerPathway(world: LoadWorld): Promise<{ perPathway: number; pathways: number; items: number }> {
  const table = process.env.TABLE_NAME!;
  let bytes = 0;
  let items = 0;
  let pathways = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await world.rawDoc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      // The load world's district and its bare pathways are bench data, not a pathway's year.
      if (item.districtId === world.loadDistrictId || item.id === world.loadDistrictId) continue;
      items++;
      if (item._type === 'pathway') pathways++;
      const size = itemBytes(item) + 100;
      const indexes = Object.keys(item).filter((k) => /^GSI\dPK$/.test(k)).length;
      bytes += size * (1 + indexes);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { perPathway: bytes / Math.max(1, pathways), pathways, items };
}

function measuredTransitions(): number | undefined {
  try {
    const doc = readFileSync(path.join(root, 'docs/benchmarks.md'), 'utf8');
    const m = /\| transitions per cycle, two reviewers \| (\d+)/.exec(doc);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export async function run(): Promise<BenchReport> {
  const world = await setUpLoadWorld();
  try {
    const measures: (Omit<EndpointMeasure, 'share'> & { weight: number; public: boolean })[] = [];
    for (const op of world.ops) {
      process.stdout.write('.');
      measures.push({ ...(await measureOp(world, op)), weight: op.weight, public: !op.token });
    }
    process.stdout.write('\n');
    const authenticated = measures.filter((m) => !m.public);
    const weightSum = authenticated.reduce((s, m) => s + m.weight, 0);
    const endpoints: EndpointMeasure[] = authenticated.map(({ weight, public: _p, ...m }) => ({ ...m, share: weight / weightSum }));
    const dirMeasure = measures.find((m) => m.public && /list/.test(m.name));
    if (!dirMeasure) throw new Error('the load mix has no public directory list');
    const { weight: _w, public: _p, ...directoryMeasure } = dirMeasure;
    const directory: EndpointMeasure = { ...directoryMeasure, share: 1 };

    const asl = JSON.parse(readFileSync(path.join(root, 'statemachines/review.asl.json'), 'utf8')) as AslStates;
    const walked = transitionsAlong(asl, REVIEW_PATH, SEATS);
    const measured = measuredTransitions();
    const transitions = Math.max(walked, measured ?? 0);

    const table = await tableBytesPerPathway(world);
    const tableGb = (table.perPathway * SCALE_2030.pathways * RETAINED_YEARS) / 1e9;

    const memory = (name: string) => (functionCatalog as Record<string, FunctionSpec>)[name]?.memoryMb ?? 512;
    const scheduled = [
      {
        name: 'recertificationSweep (daily, ~5 s)',
        perMonth: 30,
        gbSeconds: gbSeconds(memory('recertificationSweep'), 5_000),
        readUnits: 200,
        writeUnits: 100,
      },
      {
        name: 'reviewReminders (daily, ~2 s)',
        perMonth: 30,
        gbSeconds: gbSeconds(memory('reviewReminders'), 2_000),
        readUnits: 50,
        writeUnits: 20,
      },
      {
        name: 'expireUploads (hourly, ~0.5 s)',
        perMonth: 720,
        gbSeconds: gbSeconds(memory('expireUploads'), 500),
        readUnits: 5,
        writeUnits: 2,
      },
    ];
    // What the stack itself bills for (alarms, dashboards, keys, tracing, Cognito tier, log
    // retention), read from the synthesized prod template: the default and each option.
    const footprint = synthFootprint();
    const inputs: CostInputs = {
      scale: { ...SCALE_2030 },
      usage: { ...USAGE },
      endpoints,
      directory,
      transitionsPerCycle: transitions,
      pipelineTaskGbSeconds: gbSeconds(512, PIPELINE_TASK_MS),
      pipelineReadUnitsPerCycle: PIPELINE_UNITS_PER_CYCLE.read,
      pipelineWriteUnitsPerCycle: PIPELINE_UNITS_PER_CYCLE.write,
      scheduled,
      verifyGbSecondsPerUpload: gbSeconds(memory('verifyUpload'), 500),
      tableGb,
      footprint,
    };
    const cost = monthlyCost(inputs);
    const options = Object.entries(PRICED_OPTIONS).map(([option, context]) => {
      const fp = synthFootprint({ ...DEFAULT_PROD_CONTEXT, ...context });
      return { option, context, total: monthlyCost({ ...inputs, footprint: fp }).total };
    });
    const everything = monthlyCost({
      ...inputs,
      footprint: synthFootprint({ ...DEFAULT_PROD_CONTEXT, ...Object.assign({}, ...Object.values(PRICED_OPTIONS)) }),
    }).total;

    const flags: string[] = [];
    if (cost.total > ALL_IN_TARGET_MONTHLY_USD) {
      flags.push(`all in, default deploy: ${usd(cost.total)} a month, over the $${ALL_IN_TARGET_MONTHLY_USD} target`);
    }
    if (cost.targetTotal > TARGET_MONTHLY_USD) {
      flags.push(`compute + data + workflow + storage: ${usd(cost.targetTotal)} a month, over the $${TARGET_MONTHLY_USD} target`);
    }

    const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    const lines = [
      '| measured per call | function (MB) | handler ms here (median) | billed ms in AWS (+5 ms per DynamoDB request) | DynamoDB requests | read units | write units | share of signed-in traffic |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
      ...[...endpoints, { ...directory, share: Number.NaN }].map((e) => {
        const op = world.ops.find((o) => o.name === e.name)!;
        return `| ${e.name} | ${op.fn} (${e.memoryMb}) | ${n(e.handlerMs, 1)} | ${awsDurationMs(e, USAGE)} | ${e.dynamoRequests} | ${n(e.readUnits, 1)} | ${n(e.writeUnits, 1)} | ${Number.isNaN(e.share) ? 'public traffic' : `${n(e.share * 100)}%`} |`;
      }),
      '',
      `Review cycle: ${transitions} state transitions (ASL walk of statemachines/review.asl.json, ${SEATS} seats: ${walked}; measured from an execution history by \`npm run bench -- pipeline\`: ${measured ?? 'not in docs/benchmarks.md'}). ` +
        `Table: ${n(table.items)} seeded items over ${table.pathways} pathways, ${n(table.perPathway / 1024, 1)} KB per pathway with index copies; × ${n(SCALE_2030.pathways)} pathways × ${RETAINED_YEARS} years = ${n(tableGb, 2)} GB.`,
      '',
      `Scale (2030): ${n(SCALE_2030.students)} students, ${n(SCALE_2030.pathways)} pathways, ${n(SCALE_2030.reviewCyclesPerYear)} review cycles and ${n(SCALE_2030.activePeoplePerYear)} active people a year, ${SCALE_2030.evidenceGb} GB of evidence. ` +
        `Traffic a month: ${n(cost.traffic.apiRequestsPerMonth)} signed-in API requests (${USAGE.apiCallsPerPersonPerYear} per active person a year), ${n(cost.traffic.directoryRequestsPerMonth)} public directory requests, ` +
        `${n(cost.traffic.uploadsPerMonth)} uploads, ${n(cost.traffic.cyclesPerMonth, 1)} review cycles.`,
      '',
      '| service | category | quantity a month | unit price | monthly |',
      '|---|---|---:|---:|---:|',
      ...cost.items.map(
        (i) =>
          `| ${i.service} | ${i.category} | ${n(i.quantity, i.quantity < 100 ? 2 : 0)} ${i.unit} | $${i.unitPrice}${i.per === 1 ? '' : i.per === 1e6 ? ' / 1M' : ' / 1,000'} | ${usd(i.monthly)} |`,
      ),
      '',
      '| category | monthly |',
      '|---|---:|',
      ...Object.entries(cost.byCategory).map(
        ([c, v]) => `| ${c}${TARGET_CATEGORIES.includes(c as never) ? '' : ' (outside the target)'} | ${usd(v)} |`,
      ),
      `| **compute + data + workflow + storage** (target < $${TARGET_MONTHLY_USD}) | **${usd(cost.targetTotal)}** ${cost.targetTotal <= TARGET_MONTHLY_USD ? 'met' : '**not met**'} |`,
      `| **all in, default prod deploy** (target < $${ALL_IN_TARGET_MONTHLY_USD}) | **${usd(cost.total)}** ${cost.total <= ALL_IN_TARGET_MONTHLY_USD ? 'met' : '**not met**'} |`,
      '',
      `The default is what \`npm run deploy -- --stage prod\` creates: Cognito ${footprint.cognitoTier.toLowerCase()} (${n(USAGE.monthlyActiveShare * SCALE_2030.activePeoplePerYear)} monthly active users, the first ${n(PRICES.cognitoFreeMau)} free), ` +
        `X-Ray on ${footprint.tracedTriggers.join(', ') || 'no'} functions and the state machine, ${footprint.alarms} alarms reading ${footprint.alarmMetrics} metrics, ${footprint.dashboards} dashboard, ${footprint.kmsKeys} KMS key${footprint.kmsKeys === 1 ? '' : 's'}, ` +
        `logs kept ${footprint.logRetentionDays} days; ${footprint.resources} CloudFormation resources. All read from the synthesized template (bench/footprint.ts).`,
      '',
      '| option (context added to the default) | all in, monthly |',
      '|---|---:|',
      `| none (default) | ${usd(cost.total)} |`,
      ...options.map(
        (o) =>
          `| ${o.option} (\`${Object.entries(o.context)
            .map(([k, v]) => `-c ${k}=${v}`)
            .join(' ')}\`) | ${usd(o.total)} |`,
      ),
      `| both | ${usd(everything)} |`,
      '',
      `Prices: us-east-1 list prices as of ${PRICES.asOf} (${PRICES.source}); they are constants in bench/cost-model.ts, not fetched at run time: check them before budgeting.`,
    ];
    return {
      title: 'Cost at the 2030 scale',
      method:
        '`npm run bench -- cost` (last in `npm run bench`) starts the platform as the load bench does and measures each operation of its mix once more: ' +
        "the DynamoDB requests the functions send (recorded on their own client), their capacity units (the recorded requests replayed with ReturnConsumedCapacity TOTAL; the write's Get, Query and transaction sent with it), " +
        `and the handler's time invoked in process (median of ${HANDLER_SAMPLES}). The bill adds 5 ms per DynamoDB request to each handler time for AWS network latency, a cold-start allowance, ` +
        `pipeline tasks at an assumed ${PIPELINE_TASK_MS} ms each (${USAGE.pipelineInvocationsPerCycle} per cycle), and the usage assumptions of bench/cost-model.ts (USAGE), all printed below. ` +
        'Free tiers and savings plans are left out, so the figures are an upper bound for the stated traffic.',
      table: lines.join('\n'),
      flags,
    };
  } finally {
    await world.stop();
  }
}
