/**
 * Load: autocannon against the local HTTP API with a realistic mix (reads of pathways,
 * applications and the public directory, list calls, a few writes), next to the same
 * DynamoDB access patterns sent straight through the SDK at the same concurrency, so the
 * API's overhead is a ratio.
 *
 * The raw side is not hand-written: each read's DynamoDB requests are recorded once from
 * the functions' own client (command and wire body, with which ones ran concurrently) and
 * replayed, in the same waves, by a separate client. The write (PATCH /pathways/{id} with
 * If-Match) cannot be replayed (its condition names a version), so its raw side is the
 * same Get and access Query (side by side, as the handler sends them) and two-item
 * transaction built with the store's helpers.
 *
 * `setUpLoadWorld` is shared with bench/cost.ts, which measures the same operations for
 * requests, capacity units and handler time.
 */
import './api-env.ts';
import * as ddb from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { newId } from '#core/ids.ts';
import { onClientCreated } from '#lib/aws-clients.ts';
import { auditItem } from '#store/audit.ts';
import { pathwayModels, sectors, type District, type School } from '#store/entities.ts';
import * as keys from '#store/keys.ts';
import { addMembership } from '#store/people.ts';
import { createDistrict, createSchool, pathwayItem, versionedUpdate, type StoredPathway } from '#store/registry.ts';
import { listPathwayApplications } from '#store/applications.ts';
import { subjectForEmail } from '../infra/local/dev-issuer.ts';
import { startPlatform, type Platform } from '../infra/local/platform.ts';
import { seedDemoData, seedPathwayId } from '../infra/local/seed.ts';
import type { BenchReport } from './run.ts';
import { batchPut, invokeDirect, percentile, table } from './support.ts';

const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 10);
const MIX_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20);
const ENDPOINT_SECONDS = Number(process.env.BENCH_LOAD_ENDPOINT_SECONDS ?? 3);
const LIST_DISTRICT_SIZE = 200;

// ---------------------------------------------------------------------------------------
// Recording the functions' DynamoDB requests

interface RecordedCall {
  command: string;
  body: string;
  start: number;
  end: number;
}

let recording: RecordedCall[] | undefined;

let installed = false;

/** Installs the recorder on the functions' DynamoDB client (once per process); call before the platform starts. */
function installRecorder(): void {
  if (installed) return;
  installed = true;
  onClientCreated((client, service) => {
    if (service !== 'dynamodb') return;
    (client as DynamoDBClient).middlewareStack.add(
      (next, context) => async (args) => {
        if (!recording) return next(args);
        // The build step runs once per command (retries happen later, in finalizeRequest).
        const call: RecordedCall = {
          command: String(context.commandName ?? 'unknown'),
          body: bodyText((args.request as { body?: unknown }).body),
          start: performance.now(),
          end: Number.POSITIVE_INFINITY,
        };
        recording.push(call);
        try {
          return await next(args);
        } finally {
          call.end = performance.now();
        }
      },
      { step: 'build', name: 'benchLoadRecorder' },
    );
  });
}

/** The serialized JSON body (the SDK hands over bytes; reading them as a string is deprecated). */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return '{}';
}

/** DynamoDB commands the functions sent while `fn` ran. */
export async function record(fn: () => Promise<unknown>): Promise<RecordedCall[]> {
  const calls: RecordedCall[] = [];
  recording = calls;
  try {
    await fn();
  } finally {
    recording = undefined;
  }
  return calls;
}

/** Calls that overlapped in time ran concurrently in the handler: they are replayed together. */
function waves(calls: RecordedCall[]): RecordedCall[][] {
  const out: RecordedCall[][] = [];
  let waveEnd = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    if (out.length > 0 && call.start < waveEnd) {
      out[out.length - 1]!.push(call);
      waveEnd = Math.max(waveEnd, call.end);
    } else {
      out.push([call]);
      waveEnd = call.end;
    }
  }
  return out;
}

export interface CapacityTally {
  read: number;
  write: number;
  requests: number;
}

/** Sends recorded calls again through `client`, wave by wave; with `tally`, adds their consumed capacity. */
export async function replay(client: DynamoDBClient, plan: RecordedCall[][], tally?: CapacityTally): Promise<void> {
  for (const wave of plan) {
    await Promise.all(
      wave.map(async (call) => {
        const Ctor = (ddb as unknown as Record<string, new (input: unknown) => ddb.QueryCommand>)[call.command];
        if (!Ctor) throw new Error(`cannot replay ${call.command}`);
        const input = JSON.parse(call.body) as Record<string, unknown>;
        if (tally) input.ReturnConsumedCapacity = 'TOTAL';
        const out = (await client.send(new Ctor(input))) as { ConsumedCapacity?: ddb.ConsumedCapacity | ddb.ConsumedCapacity[] };
        if (tally) addCapacity(tally, out.ConsumedCapacity, call.command);
      }),
    );
  }
}

const WRITE_COMMANDS = /Put|Update|Delete|Write/;
function addCapacity(tally: CapacityTally, c: ddb.ConsumedCapacity | ddb.ConsumedCapacity[] | undefined, command: string): void {
  const units = (Array.isArray(c) ? c : c ? [c] : []).reduce((sum, x) => sum + (x.CapacityUnits ?? 0), 0);
  if (WRITE_COMMANDS.test(command)) tally.write += units;
  else tally.read += units;
  tally.requests++;
}

// ---------------------------------------------------------------------------------------
// The world: callers, data, operations

export interface LoadOp {
  name: string;
  /** Catalog function that serves it. */
  fn: string;
  method: 'GET' | 'PATCH';
  path: string;
  token?: string;
  /** Entries in the 20-request mix. */
  weight: number;
  write: boolean;
}

interface PoolPathway {
  id: string;
  version: number;
}

export interface LoadWorld {
  platform: Platform;
  raw: DynamoDBClient;
  rawDoc: DynamoDBDocumentClient;
  ops: LoadOp[];
  /** Recorded DynamoDB calls of each read op. */
  plans: Map<string, RecordedCall[][]>;
  /** One PATCH through the API on a pathway of the API pool. */
  apiWrite: () => Promise<void>;
  apiPool: PoolPathway[];
  /** The same write's DynamoDB calls, on a pathway of the raw pool. */
  rawWrite: (tally?: CapacityTally) => Promise<void>;
  /** The district the load world added (its pathways are bench data, not the seed's). */
  loadDistrictId: string;
  /** Invokes the op's handler in process with the event API Gateway would pass; resolves to its duration in ms. */
  invokeHandler: (op: LoadOp) => Promise<number>;
  stop: () => Promise<void>;
}

function poolPathway(i: number, d: District, s: School, at: string): StoredPathway {
  return {
    id: newId('pathway'),
    districtId: d.id,
    schoolId: s.id,
    name: `${String.fromCharCode(65 + ((i * 7) % 26))} Load Pathway ${String(i).padStart(5, '0')}`,
    sector: sectors[i % sectors.length]!,
    gradesServed: [9, 10, 11, 12],
    model: pathwayModels[i % pathwayModels.length]!,
    enrollment: 100 + (i % 300),
    status: 'active',
    certificationLevel: i % 4 === 0 ? 'silver' : null,
    certifiedUntil: i % 4 === 0 ? '2029-06-30' : null,
    schoolName: s.name,
    districtName: d.name,
    state: d.state,
    leadCount: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

export async function setUpLoadWorld(): Promise<LoadWorld> {
  installRecorder();
  const platform = await startPlatform({
    persist: false,
    withStepFunctions: false,
    log: (l) => (/threw|failed|error/i.test(l) ? console.error(l) : undefined),
  });
  const raw = new DynamoDBClient({ endpoint: platform.dynamoEndpoint, maxAttempts: 4 });
  const rawDoc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
  try {
    return await build(platform, raw, rawDoc);
  } catch (error) {
    raw.destroy();
    await platform.stop();
    throw error;
  }
}

async function build(platform: Platform, raw: DynamoDBClient, rawDoc: DynamoDBDocumentClient): Promise<LoadWorld> {
  await seedDemoData();
  const at = new Date().toISOString();
  const staff = { email: 'maya.okafor@alliance.example.org', name: 'Maya Okafor', groups: ['staff' as const] };
  const staffActor = { sub: subjectForEmail(staff.email), name: staff.name, email: staff.email };
  const pathwayLead = { email: 'lauren.price@costaverde.example.org', name: 'Lauren Price', groups: ['pathway' as const] };
  const appLead = { email: 'rosa.delgado@costaverde.example.org', name: 'Rosa Delgado', groups: ['pathway' as const] };
  const districtLead = { email: 'load.lead@load.example.org', name: 'Load Lead', groups: ['district' as const] };
  const [staffToken, pathwayToken, appToken, districtToken] = await Promise.all(
    [staff, pathwayLead, appLead, districtLead].map((p) => platform.issuer.issueToken({ ...p, expiresIn: '2h' })),
  );

  // A district with its lead and LIST_DISTRICT_SIZE pathways: the list calls, and the pools
  // of pathways the API and raw writes edit (one pathway per connection each, so the
  // If-Match versions of concurrent writers never collide).
  const district: District = { id: newId('district'), name: 'Load District', state: 'CA', version: 1, createdAt: at, updatedAt: at };
  const school: School = { id: newId('school'), districtId: district.id, name: 'Load High', version: 1, createdAt: at, updatedAt: at };
  await createDistrict(district, staffActor);
  await createSchool(school, staffActor);
  const districtSub = subjectForEmail(districtLead.email);
  await addMembership(
    {
      kind: 'district',
      sub: districtSub,
      districtId: district.id,
      role: 'lead',
      since: at,
      email: districtLead.email,
      name: districtLead.name,
      version: 1,
      updatedAt: at,
    },
    staffActor,
  );
  const pathways = Array.from({ length: LIST_DISTRICT_SIZE }, (_, i) => poolPathway(i, district, school, at));
  await batchPut(
    rawDoc,
    table(),
    pathways.map((p) => pathwayItem(p)),
    1,
  );
  const apiPool = pathways.slice(0, CONNECTIONS * 2).map((p) => ({ id: p.id, version: 1 }));
  const rawPool = pathways.slice(CONNECTIONS * 2, CONNECTIONS * 4).map((p) => ({ id: p.id, version: 1 }));

  const pathwayId = seedPathwayId('cv-health');
  const appPathwayId = seedPathwayId('mh-law');
  const app = (await listPathwayApplications(appPathwayId, {}, 1)).items[0];
  if (!app) throw new Error('the seed has no application for mh-law');

  const apiUrl = platform.apiUrl;
  const get = async (path: string, token?: string) => {
    const res = await fetch(`${apiUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const directory = await get('/directory?limit=25');
  const listed = (directory.items as { pathwayId?: string; id?: string }[] | undefined)?.[0];
  const listedId = listed?.pathwayId ?? listed?.id;
  if (!listedId) throw new Error('the directory is empty');

  const ops: LoadOp[] = [
    {
      name: 'GET /pathways/{id}',
      fn: 'registry',
      method: 'GET',
      path: `/pathways/${pathwayId}`,
      token: pathwayToken,
      weight: 4,
      write: false,
    },
    {
      name: 'GET /applications/{id}',
      fn: 'applications',
      method: 'GET',
      path: `/applications/${app.id}`,
      token: appToken,
      weight: 3,
      write: false,
    },
    { name: 'GET /directory (list, public)', fn: 'directory', method: 'GET', path: '/directory?limit=25', weight: 3, write: false },
    { name: 'GET /directory/{id} (public)', fn: 'directory', method: 'GET', path: `/directory/${listedId}`, weight: 2, write: false },
    {
      name: 'GET /districts/{id}/pathways (list)',
      fn: 'registry',
      method: 'GET',
      path: `/districts/${district.id}/pathways?limit=25`,
      token: districtToken,
      weight: 2,
      write: false,
    },
    {
      name: 'GET /pathways/{id}/applications (list)',
      fn: 'applications',
      method: 'GET',
      path: `/pathways/${appPathwayId}/applications`,
      token: appToken,
      weight: 2,
      write: false,
    },
    { name: 'GET /me', fn: 'people', method: 'GET', path: '/me', token: pathwayToken, weight: 3, write: false },
    {
      name: 'PATCH /pathways/{id} (If-Match)',
      fn: 'registry',
      method: 'PATCH',
      path: '/pathways/{pool}',
      token: staffToken,
      weight: 1,
      write: true,
    },
  ];

  // Record each read's DynamoDB calls (after a warm-up call, so caches are as under load).
  const plans = new Map<string, RecordedCall[][]>();
  for (const op of ops.filter((o) => !o.write)) {
    await get(op.path, op.token);
    const calls = await record(() => get(op.path, op.token));
    if (calls.length === 0) throw new Error(`${op.name} made no DynamoDB call`);
    plans.set(op.name, waves(calls));
  }

  let flip = 0;
  const apiWrite = async () => {
    const p = apiPool.shift()!;
    try {
      const res = await fetch(`${apiUrl}/pathways/${p.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json', 'if-match': `"${p.version}"` },
        body: JSON.stringify({ enrollment: 200 + (flip++ % 2) }),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`PATCH /pathways: ${res.status} ${text.slice(0, 200)}`);
      p.version = Number(/(\d+)/.exec(res.headers.get('etag') ?? '')?.[1] ?? p.version + 1);
    } finally {
      apiPool.push(p);
    }
  };
  const staffSub = staffActor.sub;
  const rawWrite = async (tally?: CapacityTally) => {
    const p = rawPool.shift()!;
    try {
      const cap = tally ? ({ ReturnConsumedCapacity: 'TOTAL' } as const) : {};
      // As the handler reads them (withAccess): the pathway, eventually consistent, beside the caller's access Query.
      const [got, access] = await Promise.all([
        rawDoc.send(new GetCommand({ TableName: table(), Key: keys.pathway(p.id), ConsistentRead: false, ...cap })),
        rawDoc.send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': 'PK' },
            ExpressionAttributeValues: { ':pk': keys.personPartition(staffSub) },
            ...cap,
          }),
        ),
      ]);
      if (tally) {
        addCapacity(tally, got.ConsumedCapacity, 'GetItem');
        addCapacity(tally, access.ConsumedCapacity, 'Query');
      }
      const now = new Date().toISOString();
      const enrollment = 200 + (flip++ % 2);
      const out = await rawDoc.send(
        new TransactWriteCommand({
          TransactItems: [
            versionedUpdate(keys.pathway(p.id), p.version, { enrollment }, now, []),
            auditItem(
              { kind: 'pathway', id: p.id },
              {
                at: now,
                actor: staffActor,
                action: 'pathway.updated',
                entity: { kind: 'pathway', id: p.id },
                changes: [{ field: 'enrollment', from: Number(got.Item?.enrollment ?? 0), to: enrollment }],
              },
            ),
          ],
          ...cap,
        }),
      );
      if (tally) addCapacity(tally, out.ConsumedCapacity, 'TransactWriteItems');
      p.version++;
    } finally {
      rawPool.push(p);
    }
  };

  const invokeHandler = async (op: LoadOp): Promise<number> => {
    if (!op.write) return (await invokeDirect(platform, op.method, op.path, op.token, 200)).elapsed;
    const p = apiPool.shift()!;
    try {
      const res = await invokeDirect(platform, 'PATCH', `/pathways/${p.id}`, op.token, 200, {
        body: { enrollment: 200 + (flip++ % 2) },
        headers: { 'if-match': `"${p.version}"` },
      });
      p.version = Number(/(\d+)/.exec(res.etag ?? '')?.[1] ?? p.version + 1);
      return res.elapsed;
    } finally {
      apiPool.push(p);
    }
  };

  return {
    platform,
    raw,
    rawDoc,
    ops,
    plans,
    apiWrite,
    apiPool,
    rawWrite,
    loadDistrictId: district.id,
    invokeHandler,
    stop: async () => {
      raw.destroy();
      await platform.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------
// Driving load

interface Figures {
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  failures: number;
}

/** The 20-entry mix, as autocannon requests; the write checks a pathway out of the pool for its request. */
function cannonRequests(world: LoadWorld, ops: LoadOp[]): autocannon.Request[] {
  const out: autocannon.Request[] = [];
  for (const op of ops) {
    for (let i = 0; i < op.weight; i++) {
      const headers: Record<string, string> = op.token ? { authorization: `Bearer ${op.token}` } : {};
      if (!op.write) {
        out.push({ method: op.method, path: op.path, headers });
        continue;
      }
      out.push({
        method: 'PATCH',
        path: '/pathways/x',
        headers: { ...headers, 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          const p = world.apiPool.shift()!;
          (context as { p?: PoolPathway }).p = p;
          return {
            ...req,
            method: 'PATCH',
            path: `/pathways/${p.id}`,
            headers: { ...req.headers, 'if-match': `"${p.version}"` },
            body: JSON.stringify({ enrollment: 300 + (p.version % 2) }),
          };
        },
        onResponse: (status, _body, context, headers) => {
          const p = (context as { p?: PoolPathway }).p;
          if (!p) return;
          const etag = (headers as Record<string, string> | undefined)?.etag;
          if (status === 200 && etag) p.version = Number(/(\d+)/.exec(etag)?.[1] ?? p.version);
          world.apiPool.push(p);
        },
      });
    }
  }
  // Interleave so each connection's loop spreads the write among the reads.
  const keyed = out.map((request, i) => ({ request, key: hash(`${request.method}${request.path}${i}`) }));
  return keyed.sort((a, b) => a.key - b.key).map(({ request }) => request);
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

async function cannon(world: LoadWorld, ops: LoadOp[], seconds: number): Promise<Figures> {
  const result = await autocannon({
    url: world.platform.apiUrl,
    connections: CONNECTIONS,
    duration: seconds,
    requests: cannonRequests(world, ops),
    renderProgressBar: false,
    renderResultsTable: false,
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.total / seconds,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** The same mix straight through the SDK: CONNECTIONS workers for `seconds`. */
async function rawLoad(world: LoadWorld, ops: LoadOp[], seconds: number): Promise<Figures> {
  const sequence = ops.flatMap((op) => Array.from({ length: op.weight }, () => op));
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async (offset: number) => {
    for (let i = offset; performance.now() < deadline; i++) {
      const op = sequence[i % sequence.length]!;
      const t0 = performance.now();
      try {
        if (op.write) await world.rawWrite();
        else await replay(world.raw, world.plans.get(op.name)!);
        latencies.push(performance.now() - t0);
      } catch {
        failures++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, k) => worker(k * 3)));
  const elapsed = (performance.now() - t0) / 1000;
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    rps: latencies.length / elapsed,
    requests: latencies.length,
    failures,
  };
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');

export async function run(): Promise<BenchReport> {
  const world = await setUpLoadWorld();
  const onSignal = () => void world.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    // Warm both paths (JIT, connection pools) before anything is measured.
    await cannon(world, world.ops, 2);
    await rawLoad(world, world.ops, 2);

    process.stdout.write(`mix: ${MIX_SECONDS} s through the API, ${MIX_SECONDS} s raw`);
    const apiMix = await cannon(world, world.ops, MIX_SECONDS);
    const rawMix = await rawLoad(world, world.ops, MIX_SECONDS);
    const rows: { name: string; api: Figures; raw: Figures; calls: number }[] = [];
    for (const op of world.ops) {
      process.stdout.write('.');
      const api = await cannon(world, [{ ...op, weight: 1 }], ENDPOINT_SECONDS);
      const rawFig = await rawLoad(world, [{ ...op, weight: 1 }], ENDPOINT_SECONDS);
      const calls = op.write ? 3 : (world.plans.get(op.name) ?? []).flat().length;
      rows.push({ name: op.name, api, raw: rawFig, calls });
    }
    process.stdout.write('\n');

    const flags: string[] = [];
    const lines = [
      '| load | requests | failures | throughput req/s | p50 ms | p99 ms | raw DynamoDB: throughput ops/s | raw p50 ms | raw p99 ms | p50 ratio API / raw | p99 ratio | throughput ratio raw / API |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ];
    const line = (name: string, api: Figures, rawF: Figures) =>
      `| ${name} | ${api.requests} | ${api.failures} | ${f1(api.rps)} | ${f1(api.p50)} | ${f1(api.p99)} | ${f1(rawF.rps)} | ${f1(rawF.p50)} | ${f1(rawF.p99)} | ${ratio(api.p50, rawF.p50)} | ${ratio(api.p99, rawF.p99)} | ${ratio(rawF.rps, api.rps)} |`;
    lines.push(line(`**mix** (${world.ops.map((o) => `${o.weight}× ${o.name}`).join(', ')})`, apiMix, rawMix));
    for (const r of rows) lines.push(line(`${r.name} (${r.calls} DynamoDB call${r.calls === 1 ? '' : 's'})`, r.api, r.raw));
    if (apiMix.failures > 0) flags.push(`${apiMix.failures} of ${apiMix.requests} mixed requests failed (non-2xx or errors)`);
    for (const r of rows) if (r.api.failures > 0) flags.push(`${r.name}: ${r.api.failures} failed requests`);

    return {
      title: 'Load: the local HTTP API under a realistic mix, against raw DynamoDB',
      method:
        `\`npm run bench -- load\` starts the platform in process (in-memory DynamoDB Local, random ports, no Step Functions), ` +
        `seeds the demo data plus a district of ${LIST_DISTRICT_SIZE} pathways, and runs autocannon with ${CONNECTIONS} connections ` +
        `against the local HTTP API: first a ${MIX_SECONDS} s mix of 20 requests per loop (reads of a pathway, an application and ` +
        `the public directory, list calls, and one PATCH /pathways/{id} with If-Match per loop, each connection's write on ` +
        `its own pathway so versions never collide), then each operation alone for ${ENDPOINT_SECONDS} s. The raw column runs ` +
        `the same mix with ${CONNECTIONS} concurrent workers straight through the SDK for as long: every read's DynamoDB requests ` +
        `were recorded from the functions' own client and are replayed as sent (concurrent ones together); the write is the ` +
        `same Get, access Query and two-item transaction (update + audit event). Ratios > 1× are the API's cost: local ` +
        `gateway (HTTP, routing, token verification, event building), middy stack, validation, authorization and ` +
        `serialization. Everything shares the machine's cores with DynamoDB Local, so absolute figures are the machine's; ` +
        `the ratio is the point. Functions log at ${process.env.LOG_LEVEL}.`,
      table: lines.join('\n'),
      flags,
    };
  } finally {
    process.off('SIGINT', onSignal);
    await world.stop();
  }
}
