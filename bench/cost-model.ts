/**
 * The monthly AWS bill at a given scale, as pure arithmetic: prices × quantities. Measured
 * figures (capacity units, DynamoDB requests and handler time per endpoint, state
 * transitions per review cycle, stored bytes) come in from bench/cost.ts; usage
 * assumptions (how often people call the API, how many files they upload) are named
 * constants here so the output can state them. test/unit/cost-model.test.ts checks the sums.
 */

/** AWS list prices, us-east-1, without free tiers (a conservative bill). Not fetched at run time. */
export const PRICES = {
  asOf: '2025-06-01',
  source: 'aws.amazon.com/<service>/pricing, us-east-1 on-demand list prices, no free tier, no savings plans',
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  httpApiPerMillionRequests: 1.0,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  dynamoStoragePerGbMonth: 0.25,
  dynamoPitrPerGbMonth: 0.2,
  stepFunctionsPerThousandTransitions: 0.025,
  eventBridgePerMillionEvents: 1.0,
  schedulerPerMillionInvocations: 1.0,
  s3StandardPerGbMonth: 0.023,
  s3PerThousandPuts: 0.005,
  s3PerThousandGets: 0.0004,
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  customMetricPerMonth: 0.3,
  alarmPerMonth: 0.1,
  dashboardPerMonth: 3.0,
  kmsKeyPerMonth: 1.0,
  compositeAlarmPerMonth: 0.5,
  xrayPerMillionTraces: 5.0,
  cognitoPlusPerMau: 0.02,
  /** Essentials (and Lite) bill monthly active users beyond the first 10,000; Plus bills every one. */
  cognitoEssentialsPerMau: 0.015,
  cognitoLitePerMau: 0.0055,
  cognitoFreeMau: 10_000,
  sesPerThousandEmails: 0.1,
  dataTransferOutPerGb: 0.09,
} as const;

export type Prices = { -readonly [K in keyof typeof PRICES]: (typeof PRICES)[K] extends string ? string : number };

export const SCALE_2030 = {
  students: 1_000_000,
  pathways: 5_000,
  reviewCyclesPerYear: 2_000,
  activePeoplePerYear: 20_000,
  evidenceGb: 500,
} as const;

export type Scale = { -readonly [K in keyof typeof SCALE_2030]: number };

/** How the scale turns into traffic; each is a stated assumption, not a measurement. */
export const USAGE = {
  /** Authenticated API calls per active person per year (≈ 40 working sessions × 25 calls). */
  apiCallsPerPersonPerYear: 1_000,
  /** Public directory requests per student per year (families and students browsing). */
  directoryCallsPerStudentPerYear: 1,
  /** Evidence files uploaded per pathway per year. */
  uploadsPerPathwayPerYear: 40,
  /** Evidence downloads per review cycle (two reviewers × ~40 files, plus staff). */
  downloadsPerReviewCycle: 100,
  /** Pipeline task invocations per review cycle (prepare, assign, 2 seat waits, aggregate, staff wait, decide). */
  pipelineInvocationsPerCycle: 7,
  /** Domain events per review cycle (submitted, assigned ×2, reviews ×2, decided, issued...) and notifications. */
  eventsPerReviewCycle: 10,
  emailsPerReviewCycle: 10,
  /** AWS adds this much Lambda time per DynamoDB request over DynamoDB Local on the same machine. */
  awsMsPerDynamoRequest: 5,
  /** Share of invocations that are cold starts, and the billed init time of one. */
  coldStartShare: 0.03,
  coldStartMs: 400,
  /** CloudWatch Logs bytes per API request (function lines, platform REPORT line, access log line). */
  logBytesPerRequest: 1_500,
  /** CloudWatch Logs bytes per state transition of a review execution (the machine logs ALL, no payloads). */
  logBytesPerTransition: 600,
  /** Bytes of an API answer sent to the internet (JSON, gzip off), and of an evidence file downloaded. */
  responseBytes: 4_000,
  evidenceDownloadBytes: 2_000_000,
  /** People signed in during a month, out of the year's active people. */
  monthlyActiveShare: 0.4,
} as const;

export type Usage = { -readonly [K in keyof typeof USAGE]: number };

export type CognitoTier = 'LITE' | 'ESSENTIALS' | 'PLUS';

/**
 * What the deployed stack itself bills for whatever the traffic: read from the synthesized
 * template by `footprintOf` (bench/cost.ts and test/infra/cost.test.ts synthesize it), never
 * typed by hand.
 */
export interface Footprint {
  /** Metrics read by the stack's metric alarms (an alarm is billed per metric it reads). */
  alarmMetrics: number;
  alarms: number;
  compositeAlarms: number;
  dashboards: number;
  kmsKeys: number;
  cognitoTier: CognitoTier;
  /** Catalog triggers whose functions record X-Ray traces (`http`, `pipeline`...). */
  tracedTriggers: string[];
  /** State machines with X-Ray tracing on. */
  tracedStateMachines: number;
  /** Longest retention of the functions' log groups, days (0: never expire). */
  logRetentionDays: number;
  /** Business metrics the functions emit (functions/lib/metrics.ts), one dimension set each. */
  customMetrics: number;
  resources: number;
}

interface TemplateResource {
  Type: string;
  Properties?: Record<string, any>;
}

/**
 * The footprint of a synthesized template. `triggers` maps each deployed function name
 * (`pathcert-<stage>-<catalogName>`) to its catalog trigger.
 */
export function footprintOf(
  resources: Record<string, TemplateResource>,
  options: { triggers: Readonly<Record<string, string>>; customMetrics: number },
): Footprint {
  const all = Object.values(resources);
  const ofType = (type: string) => all.filter((r) => r.Type === type);
  let alarmMetrics = 0;
  for (const alarm of ofType('AWS::CloudWatch::Alarm')) {
    const queries = alarm.Properties?.Metrics as { MetricStat?: unknown }[] | undefined;
    alarmMetrics += queries ? queries.filter((q) => q.MetricStat).length : 1;
  }
  const traced = new Set<string>();
  for (const fn of ofType('AWS::Lambda::Function')) {
    if (fn.Properties?.TracingConfig?.Mode !== 'Active') continue;
    const trigger = options.triggers[String(fn.Properties.FunctionName)];
    if (!trigger) throw new Error(`traced function ${String(fn.Properties.FunctionName)} is not in the catalog`);
    traced.add(trigger);
  }
  const pools = ofType('AWS::Cognito::UserPool');
  if (pools.length !== 1) throw new Error(`expected one user pool, found ${pools.length}`);
  const tier = String(pools[0]!.Properties?.UserPoolTier ?? 'ESSENTIALS') as CognitoTier;
  const functionNames = new Set(Object.keys(options.triggers));
  const retentions = ofType('AWS::Logs::LogGroup')
    .filter((g) => functionNames.has(String(g.Properties?.LogGroupName).replace('/aws/lambda/', '')))
    .map((g) => Number(g.Properties?.RetentionInDays ?? 0));
  return {
    alarmMetrics,
    alarms: ofType('AWS::CloudWatch::Alarm').length,
    compositeAlarms: ofType('AWS::CloudWatch::CompositeAlarm').length,
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    kmsKeys: ofType('AWS::KMS::Key').length,
    cognitoTier: tier,
    tracedTriggers: [...traced].sort(),
    tracedStateMachines: ofType('AWS::StepFunctions::StateMachine').filter((m) => m.Properties?.TracingConfiguration?.Enabled === true)
      .length,
    logRetentionDays: retentions.includes(0) ? 0 : Math.max(0, ...retentions),
    customMetrics: options.customMetrics,
    resources: all.length,
  };
}

/** Monthly active users Cognito bills for, by tier. */
export function cognitoMonthly(
  tier: CognitoTier,
  mau: number,
  prices: Pick<Prices, 'cognitoPlusPerMau' | 'cognitoEssentialsPerMau' | 'cognitoLitePerMau' | 'cognitoFreeMau'>,
): { billedMau: number; unitPrice: number } {
  if (tier === 'PLUS') return { billedMau: mau, unitPrice: prices.cognitoPlusPerMau };
  const billedMau = Math.max(0, mau - prices.cognitoFreeMau);
  return { billedMau, unitPrice: tier === 'LITE' ? prices.cognitoLitePerMau : prices.cognitoEssentialsPerMau };
}

/** Seconds in a 30.4-day month. */
const SECONDS_A_MONTH = 2_628_000;

/**
 * Traces Lambda records for `requests` invocations a month with its fixed sampling: the
 * first request each second, then 5% (spread evenly over the month: a lower bound at peaks).
 */
export function lambdaSampledTraces(requests: number): number {
  const reservoir = Math.min(requests, SECONDS_A_MONTH);
  return reservoir + 0.05 * Math.max(0, requests - reservoir);
}

/** Measured for one API operation by bench/cost.ts. */
export interface EndpointMeasure {
  name: string;
  memoryMb: number;
  /** Handler time on this machine, ms (median). */
  handlerMs: number;
  /** DynamoDB requests per call. */
  dynamoRequests: number;
  readUnits: number;
  writeUnits: number;
  /** Share of the authenticated API traffic (the load mix), 0..1; shares sum to 1. */
  share: number;
}

export interface CostInputs {
  scale: Scale;
  usage: Usage;
  endpoints: EndpointMeasure[];
  /** The public directory list's measure (priced on directory traffic). */
  directory: EndpointMeasure;
  transitionsPerCycle: number;
  /** Mean GB-seconds of one pipeline task invocation (memory × duration). */
  pipelineTaskGbSeconds: number;
  /** Capacity units of one review cycle's pipeline tasks (reads, writes). */
  pipelineReadUnitsPerCycle: number;
  pipelineWriteUnitsPerCycle: number;
  /** Scheduled functions: invocations a month and GB-seconds each. */
  scheduled: { name: string; perMonth: number; gbSeconds: number; readUnits: number; writeUnits: number }[];
  /** Evidence verification: GB-seconds per upload. */
  verifyGbSecondsPerUpload: number;
  /** DynamoDB table size at scale, GB (items and index copies). */
  tableGb: number;
  /** What the synthesized stack bills for besides traffic (footprintOf). */
  footprint: Footprint;
}

export type Category = 'compute' | 'data' | 'workflow' | 'storage' | 'observability' | 'identity' | 'messaging' | 'network';

export const TARGET_CATEGORIES: readonly Category[] = ['compute', 'data', 'workflow', 'storage'];
export const TARGET_MONTHLY_USD = 100;
/** Everything a deployment pays, by default (Essentials, pipeline tracing), at the 2030 scale. */
export const ALL_IN_TARGET_MONTHLY_USD = 50;

export interface LineItem {
  service: string;
  category: Category;
  quantity: number;
  unit: string;
  unitPrice: number;
  /** The unit price is per this many units (1, 1,000 or 1,000,000). */
  per: number;
  monthly: number;
}

export interface CostBreakdown {
  items: LineItem[];
  byCategory: Record<Category, number>;
  targetTotal: number;
  total: number;
  traffic: { apiRequestsPerMonth: number; directoryRequestsPerMonth: number; uploadsPerMonth: number; cyclesPerMonth: number };
}

const MONTHS = 12;

function item(service: string, category: Category, quantity: number, unit: string, unitPrice: number, per = 1): LineItem {
  return { service, category, quantity, unit, unitPrice, per, monthly: (quantity / per) * unitPrice };
}

/** AWS-side duration of one call: local handler time plus network to DynamoDB, rounded up to 1 ms. */
export function awsDurationMs(
  e: Pick<EndpointMeasure, 'handlerMs' | 'dynamoRequests'>,
  usage: Pick<Usage, 'awsMsPerDynamoRequest'>,
): number {
  return Math.ceil(e.handlerMs + e.dynamoRequests * usage.awsMsPerDynamoRequest);
}

export function gbSeconds(memoryMb: number, ms: number): number {
  return (memoryMb / 1024) * (ms / 1000);
}

export function monthlyCost(inputs: CostInputs, prices: Prices = PRICES): CostBreakdown {
  const { scale, usage } = inputs;
  const apiRequests = (scale.activePeoplePerYear * usage.apiCallsPerPersonPerYear) / MONTHS;
  const directoryRequests = (scale.students * usage.directoryCallsPerStudentPerYear) / MONTHS;
  const uploads = (scale.pathways * usage.uploadsPerPathwayPerYear) / MONTHS;
  const cycles = scale.reviewCyclesPerYear / MONTHS;

  // --- API traffic: Lambda time, DynamoDB units, per endpoint share
  let apiGbSeconds = 0;
  let readUnits = 0;
  let writeUnits = 0;
  const perCall = (e: EndpointMeasure, calls: number) => {
    const ms = awsDurationMs(e, usage) + usage.coldStartShare * usage.coldStartMs;
    apiGbSeconds += calls * gbSeconds(e.memoryMb, ms);
    readUnits += calls * e.readUnits;
    writeUnits += calls * e.writeUnits;
  };
  for (const e of inputs.endpoints) perCall(e, apiRequests * e.share);
  perCall(inputs.directory, directoryRequests);

  const pipelineInvocations = cycles * usage.pipelineInvocationsPerCycle;
  const scheduledInvocations = inputs.scheduled.reduce((s, f) => s + f.perMonth, 0);
  const lambdaRequests = apiRequests + directoryRequests + pipelineInvocations + scheduledInvocations + uploads;
  const otherGbSeconds =
    pipelineInvocations * inputs.pipelineTaskGbSeconds +
    inputs.scheduled.reduce((s, f) => s + f.perMonth * f.gbSeconds, 0) +
    uploads * inputs.verifyGbSecondsPerUpload;
  readUnits += cycles * inputs.pipelineReadUnitsPerCycle + inputs.scheduled.reduce((s, f) => s + f.perMonth * f.readUnits, 0);
  writeUnits += cycles * inputs.pipelineWriteUnitsPerCycle + inputs.scheduled.reduce((s, f) => s + f.perMonth * f.writeUnits, 0);
  // Each upload is recorded on declaration and on verification: two small writes.
  writeUnits += uploads * 2 * 2;

  const fp = inputs.footprint;
  const mau = scale.activePeoplePerYear * usage.monthlyActiveShare;
  const cognito = cognitoMonthly(fp.cognitoTier, mau, prices);
  const transitions = cycles * inputs.transitionsPerCycle;
  const logGbPerMonth = ((apiRequests + directoryRequests) * usage.logBytesPerRequest + transitions * usage.logBytesPerTransition) / 1e9;
  // Logs kept at steady state: the retention in months (never-expiring groups: counted as 5 years).
  const logMonths = fp.logRetentionDays === 0 ? 60 : fp.logRetentionDays / 30;
  const events = cycles * usage.eventsPerReviewCycle;
  const tracedBy: Record<string, number> = {
    http: apiRequests + directoryRequests,
    pipeline: pipelineInvocations,
    s3: uploads,
    schedule: scheduledInvocations,
    event: events,
  };
  const traces =
    fp.tracedTriggers.reduce((sum, trigger) => sum + lambdaSampledTraces(tracedBy[trigger] ?? 0), 0) +
    // Step Functions samples with the account's rules; the default keeps every execution at this rate.
    (fp.tracedStateMachines > 0 ? cycles : 0);
  const downloads = cycles * usage.downloadsPerReviewCycle;
  const transferGb = ((apiRequests + directoryRequests) * usage.responseBytes + downloads * usage.evidenceDownloadBytes) / 1e9;
  const items: LineItem[] = [
    item('Lambda: API functions (GB-s, arm64)', 'compute', apiGbSeconds, 'GB-s', prices.lambdaArmPerGbSecond),
    item('Lambda: pipeline, schedules, upload checks (GB-s)', 'compute', otherGbSeconds, 'GB-s', prices.lambdaArmPerGbSecond),
    item('Lambda: requests', 'compute', lambdaRequests, 'requests', prices.lambdaPerMillionRequests, 1e6),
    item('API Gateway HTTP API: requests', 'compute', apiRequests + directoryRequests, 'requests', prices.httpApiPerMillionRequests, 1e6),
    item('DynamoDB on-demand: read request units', 'data', readUnits, 'RRU', prices.dynamoPerMillionReadUnits, 1e6),
    item('DynamoDB on-demand: write request units', 'data', writeUnits, 'WRU', prices.dynamoPerMillionWriteUnits, 1e6),
    item('DynamoDB: storage (table + GSIs)', 'data', inputs.tableGb, 'GB-month', prices.dynamoStoragePerGbMonth),
    item('DynamoDB: point-in-time recovery', 'data', inputs.tableGb, 'GB-month', prices.dynamoPitrPerGbMonth),
    item(
      'Step Functions Standard: state transitions',
      'workflow',
      transitions,
      'transitions',
      prices.stepFunctionsPerThousandTransitions,
      1e3,
    ),
    item('EventBridge: custom events', 'workflow', events, 'events', prices.eventBridgePerMillionEvents, 1e6),
    item('EventBridge Scheduler: invocations', 'workflow', scheduledInvocations, 'invocations', prices.schedulerPerMillionInvocations, 1e6),
    item('S3 Standard: evidence storage', 'storage', scale.evidenceGb, 'GB-month', prices.s3StandardPerGbMonth),
    // Presigned POST, the verifier's copy to its final prefix (DELETE is free).
    item('S3: PUT/COPY/POST requests', 'storage', uploads * 2, 'requests', prices.s3PerThousandPuts, 1e3),
    // The verifier reads each upload once; reviewers and staff download.
    item('S3: GET requests', 'storage', uploads + downloads, 'requests', prices.s3PerThousandGets, 1e3),
    item('CloudWatch Logs: ingestion (functions, access log, state machine)', 'observability', logGbPerMonth, 'GB', prices.logsIngestPerGb),
    item(
      `CloudWatch Logs: storage (${fp.logRetentionDays === 0 ? 'never expiring, 60' : Math.round(logMonths)} months kept)`,
      'observability',
      logGbPerMonth * logMonths,
      'GB-month',
      prices.logsStoragePerGbMonth,
    ),
    item(
      `CloudWatch: alarms (${fp.alarms} alarms, billed per metric read)`,
      'observability',
      fp.alarmMetrics,
      'alarm metrics',
      prices.alarmPerMonth,
    ),
    item('CloudWatch: composite alarms', 'observability', fp.compositeAlarms, 'alarms', prices.compositeAlarmPerMonth),
    item('CloudWatch: business metrics (EMF)', 'observability', fp.customMetrics, 'metrics', prices.customMetricPerMonth),
    item('CloudWatch: dashboards', 'observability', fp.dashboards, 'dashboards', prices.dashboardPerMonth),
    item('KMS: customer managed keys (alarm topic, credential issuer)', 'observability', fp.kmsKeys, 'keys', prices.kmsKeyPerMonth),
    item(
      `X-Ray: traces recorded (${[...fp.tracedTriggers.map((t) => `${t} functions`), ...(fp.tracedStateMachines > 0 ? ['state machine'] : [])].join(', ') || 'nothing traced'})`,
      'observability',
      traces,
      'traces',
      prices.xrayPerMillionTraces,
      1e6,
    ),
    item(
      `Cognito ${fp.cognitoTier.toLowerCase()} tier: monthly active users billed (of ${Math.round(mau).toLocaleString('en-US')})`,
      'identity',
      cognito.billedMau,
      'MAU',
      cognito.unitPrice,
    ),
    item('SES: emails', 'messaging', cycles * usage.emailsPerReviewCycle, 'emails', prices.sesPerThousandEmails, 1e3),
    item('Data transfer out: API answers and evidence downloads', 'network', transferGb, 'GB', prices.dataTransferOutPerGb),
  ];

  const byCategory = { compute: 0, data: 0, workflow: 0, storage: 0, observability: 0, identity: 0, messaging: 0, network: 0 } as Record<
    Category,
    number
  >;
  for (const i of items) byCategory[i.category] += i.monthly;
  const targetTotal = TARGET_CATEGORIES.reduce((s, c) => s + byCategory[c], 0);
  const total = Object.values(byCategory).reduce((a, b) => a + b, 0);
  return {
    items,
    byCategory,
    targetTotal,
    total,
    traffic: {
      apiRequestsPerMonth: apiRequests,
      directoryRequestsPerMonth: directoryRequests,
      uploadsPerMonth: uploads,
      cyclesPerMonth: cycles,
    },
  };
}

/** State transitions of one run of an ASL definition along a path: `choices` picks each Choice state's next state; a Map runs its iterator `mapItems` times. */
export function transitionsAlong(definition: AslStates, choices: Record<string, string>, mapItems: number): number {
  let count = 0;
  const walk = (machine: AslStates) => {
    let name: string | undefined = machine.StartAt;
    const seen = new Map<string, number>();
    while (name) {
      const state: AslState | undefined = machine.States[name];
      if (!state) throw new Error(`no state ${name}`);
      const visits = (seen.get(name) ?? 0) + 1;
      if (visits > 50) throw new Error(`state ${name} loops on this path`);
      seen.set(name, visits);
      count++;
      if (state.Type === 'Map') {
        const inner = state.ItemProcessor ?? state.Iterator;
        if (!inner) throw new Error(`Map ${name} has no ItemProcessor`);
        for (let i = 0; i < mapItems; i++) walk(inner);
      }
      if (state.Type === 'Choice') {
        const next: string | undefined = choices[name];
        if (!next) throw new Error(`no choice given for ${name}`);
        name = next;
      } else {
        name = state.End ? undefined : state.Next;
      }
    }
  };
  walk(definition);
  return count;
}

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  ItemProcessor?: AslStates;
  Iterator?: AslStates;
}

export interface AslStates {
  StartAt: string;
  States: Record<string, AslState>;
}

export const usd = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`);

/**
 * An item's size as DynamoDB bills it: attribute names plus values (strings in UTF-8,
 * numbers about one byte per two significant digits plus one, lists and maps 3 bytes plus
 * 1 per element).
 */
export function itemBytes(item: Record<string, unknown>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name) + valueBytes(value);
  return total;
}

function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length || 1;
    return Math.min(21, Math.ceil(digits / 2) + 1);
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return 3 + [...value].reduce((s: number, v) => s + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueBytes(v), 0);
  if (typeof value === 'object')
    return 3 + Object.entries(value as Record<string, unknown>).reduce((s, [k, v]) => s + 1 + Buffer.byteLength(k) + valueBytes(v), 0);
  return 0;
}
