/**
 * The HTTP API's cost over DynamoDB: median and p99 latency of the main reads and writes
 * through the local HTTP API (in-process platform, in-memory DynamoDB Local), each next to
 * the same DynamoDB calls made directly with the SDK (the raw baseline: same commands,
 * same shapes, same arrangement — in parallel where the handler sends them in parallel —
 * including the caller's access Query that authorize() makes). Both sides send the same
 * number of requests; the table's "DynamoDB requests" column is counted on the API side.
 * Also the DynamoDB requests each API call makes (counted by an SDK middleware on the
 * functions' own client) and the capacity units they consume (the raw calls replayed once
 * with ReturnConsumedCapacity TOTAL), and a district's first and a deep page of pathways
 * with 1,000 and with 100,000 pathways in the table (`--quick`: 10,000).
 *
 * Production code is not changed: the functions run exactly as `npm start` runs them.
 */
import './api-env.ts';
import http from 'node:http';
import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { editableStatuses } from '#core/application-status.ts';
import { criteriaFor } from '#core/framework.ts';
import { newId } from '#core/ids.ts';
import { seedFramework } from '#core/seed-framework.ts';
import { dynamoClient, onClientCreated } from '#lib/aws-clients.ts';
import { auditItem, diff } from '#store/audit.ts';
import { conditionCheck, type Item, type TransactItem } from '#store/db.ts';
import { pathwayModels, sectors, type District, type School } from '#store/entities.ts';
import { partitions } from '#store/keys.ts';
import * as keys from '#store/keys.ts';
import { addMembership } from '#store/people.ts';
import {
  createDistrict,
  createSchool,
  districtItem,
  pathwayEditableFields,
  pathwayItem,
  schoolItem,
  versionedUpdate,
  type StoredPathway,
} from '#store/registry.ts';
import { listPathwayApplications } from '#store/applications.ts';
import { subjectForEmail } from '../infra/local/dev-issuer.ts';
import { startPlatform, type Platform } from '../infra/local/platform.ts';
import { seedDemoData, seedPathwayId } from '../infra/local/seed.ts';
import type { BenchReport } from './run.ts';
import { batchPut, invokeDirect as invokeInProcess, median, percentile, table, type DirectInit } from './support.ts';

const QUICK = process.argv.includes('--quick');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
/**
 * Rounds before measuring starts. V8 needs a few hundred requests to optimize the gateway's,
 * the handler's and the SDK's code: after 40 rounds, the next 500 API calls of one read were
 * still 1.5–2× slower than later ones (the raw calls too, less), so the figures would have
 * measured the JIT instead of the steady state a busy function runs in.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const LARGE_TABLE = QUICK ? 10_000 : 100_000;
const LIST_DISTRICT_SIZE = 1_000;
const OVERHEAD_LIMIT = 0.25;
const GROWTH_LIMIT = 0.2;
const LOAD_CONCURRENCY = 8;

// ---------------------------------------------------------------------------------------
// Statistics

const p99 = (xs: number[]) => percentile(xs, 0.99);
const ms = (n: number) => n.toFixed(2);
const pct = (n: number) => `${n >= 0 ? '+' : ''}${(n * 100).toFixed(0)}%`;

// ---------------------------------------------------------------------------------------
// Counting the functions' DynamoDB requests

/** Requests the functions' client sent since the last reset, by command (each attempt counts). */
const sent = new Map<string, number>();
function countRequests(): () => void {
  return onClientCreated((client, service) => {
    if (service !== 'dynamodb') return;
    // The deserialize step runs once per attempt, inside the retry middleware.
    (client as DynamoDBClient).middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        sent.set(name, (sent.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'deserialize', name: 'benchRequestCounter' },
    );
  });
}
const describeSent = () =>
  [...sent.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => (n > 1 ? `${n}×${name}` : name))
    .join(' + ');
const totalSent = () => [...sent.values()].reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------
// The raw baseline: our own client, configured as functions/lib/aws-clients.ts configures its own

let raw: DynamoDBDocumentClient;

/** When given, every raw command asks for its consumed capacity and adds it here. */
interface Capacity {
  units: number;
  requests: number;
}

const capacityOf = (c: ConsumedCapacity | ConsumedCapacity[] | undefined) =>
  (Array.isArray(c) ? c : c ? [c] : []).reduce((sum, x) => sum + (x.CapacityUnits ?? 0), 0);

async function rawGet(key: Item, consistent: boolean, cap?: Capacity): Promise<Item | undefined> {
  const out = await raw.send(
    new GetCommand({ TableName: table(), Key: key, ConsistentRead: consistent, ...(cap ? { ReturnConsumedCapacity: 'TOTAL' } : {}) }),
  );
  if (cap) {
    cap.units += capacityOf(out.ConsumedCapacity);
    cap.requests++;
  }
  return out.Item;
}

async function rawQuery(input: Omit<QueryCommandInput, 'TableName'>, cap?: Capacity) {
  const out = await raw.send(new QueryCommand({ TableName: table(), ...input, ...(cap ? { ReturnConsumedCapacity: 'TOTAL' } : {}) }));
  if (cap) {
    cap.units += capacityOf(out.ConsumedCapacity);
    cap.requests++;
  }
  return out;
}

/** db.ts queryAll: every page of one partition of the table. */
async function rawQueryAll(partition: string, cap?: Capacity): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await rawQuery(
      {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'PK' },
        ExpressionAttributeValues: { ':pk': partition },
        ExclusiveStartKey: startKey,
        ConsistentRead: false,
      },
      cap,
    );
    items.push(...((out.Items ?? []) as Item[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

async function rawTransact(items: TransactItem[], cap?: Capacity): Promise<void> {
  const input: TransactWriteCommandInput = { TransactItems: items, ...(cap ? { ReturnConsumedCapacity: 'TOTAL' } : {}) };
  const out = await raw.send(new TransactWriteCommand(input));
  if (cap) {
    cap.units += capacityOf(out.ConsumedCapacity);
    cap.requests++;
  }
}

/** An application's responses: one Query on the RESP# prefix of its partition (db.ts queryAll with a prefix). */
async function rawResponses(applicationId: string, cap?: Capacity): Promise<Item[]> {
  const out = await rawQuery(
    {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :skp)',
      ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' },
      ExpressionAttributeValues: { ':pk': keys.applicationPartition(applicationId), ':skp': keys.responsePrefix },
      ConsistentRead: false,
    },
    cap,
  );
  if (out.LastEvaluatedKey) throw new Error('the responses take more than one page; the baseline would need to page');
  return (out.Items ?? []) as Item[];
}

/** The access load authorize() makes for every jwt route (use-cases/access.ts readAccess). */
const rawAccess = (sub: string, cap?: Capacity) => rawQueryAll(keys.personPartition(sub), cap);

/** registry.ts queryPage over a district's pathways, no filter. */
const rawDistrictPage = (districtId: string, startKey: Record<string, unknown> | undefined, cap?: Capacity) =>
  rawQuery(
    {
      IndexName: 'GSI1',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'GSI1PK' },
      ExpressionAttributeValues: { ':pk': partitions.districtPathways(districtId).value },
      ScanIndexForward: true,
      Limit: 25,
      ExclusiveStartKey: startKey,
    },
    cap,
  );

// ---------------------------------------------------------------------------------------
// Operations

interface Operation {
  name: string;
  /** One call through the HTTP API; throws on an unexpected status. */
  api: () => Promise<void>;
  /** The same request's handler invoked in process with a ready event (no HTTP, no token check). */
  direct: () => Promise<number>;
  /** The same DynamoDB calls, direct. */
  raw: (cap?: Capacity) => Promise<void>;
}

interface Row {
  name: string;
  api: number[];
  direct: number[];
  raw: number[];
  requests: string;
  requestCount: string;
  capacity: number;
}

let apiUrl = '';

/**
 * The API side's HTTP client: node:http with a keep-alive agent, the same client stack the
 * SDK's request handler uses on the raw side (fetch/undici costs ~0.2 ms more per request
 * on this machine, which is the bench's cost, not the API's).
 */
const apiAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: apiAgent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function call(
  method: string,
  path: string,
  token: string | undefined,
  expect: number,
  init: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await send(method, `${apiUrl}${path}`, headers, init.body === undefined ? undefined : JSON.stringify(init.body));
  if (res.status !== expect) throw new Error(`${method} ${path}: ${res.status} (expected ${expect}): ${res.text.slice(0, 300)}`);
  const get = (name: string) => {
    const v = res.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  };
  return { headers: { get }, json: res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {} };
}

let platformRef: Platform;

/** `call` without the HTTP hop and the token check: only the Lambda handler is timed (bench/support.ts). */
const invokeDirect = (method: string, path: string, token: string | undefined, expect: number, init?: DirectInit) =>
  invokeInProcess(platformRef, method, path, token, expect, init);

const versionOf = (etag: string | null) => Number(/(\d+)/.exec(etag ?? '')?.[1] ?? NaN);

/**
 * The operations of a group in turn, each one's three variants in a rotating order, so
 * drift in the machine (JIT of DynamoDB Local, GC, the other core's load) hits them alike.
 */
async function measureGroup(ops: Operation[]): Promise<Row[]> {
  const state = ops.map(() => ({
    api: [] as number[],
    direct: [] as number[],
    raw: [] as number[],
    counts: new Map<number, number>(),
    requests: new Map<number, string>(),
  }));
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const measured = i >= WARMUP;
    for (const [k, op] of ops.entries()) {
      const st = state[k]!;
      const variants = [
        async () => {
          sent.clear();
          const t0 = performance.now();
          await op.api();
          const t = performance.now() - t0;
          if (!measured) return;
          st.api.push(t);
          const n = totalSent();
          st.counts.set(n, (st.counts.get(n) ?? 0) + 1);
          st.requests.set(n, describeSent());
        },
        async () => {
          const t = await timed(op.direct);
          if (measured) st.direct.push(t);
        },
        async () => {
          const t = await timed(() => op.raw());
          if (measured) st.raw.push(t);
        },
      ];
      for (let v = 0; v < 3; v++) await variants[(i + v) % 3]!();
    }
    if (i % 25 === 0) process.stdout.write('.');
  }
  const rows: Row[] = [];
  for (const [k, op] of ops.entries()) {
    const st = state[k]!;
    const cap: Capacity = { units: 0, requests: 0 };
    await op.raw(cap);
    // The usual count first; a rarer one (a retry, say) after a slash.
    const byFrequency = [...st.counts.entries()].sort((a, b) => b[1] - a[1]);
    rows.push({
      name: op.name,
      api: st.api,
      direct: st.direct,
      raw: st.raw,
      requestCount: byFrequency.map(([n]) => n).join('/'),
      requests: st.requests.get(byFrequency[0]![0]) ?? '',
      capacity: cap.units,
    });
  }
  return rows;
}

/** `fn`'s own figure when it reports one (invokeDirect times the handler alone), else its wall time. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const out = await fn();
  const wall = performance.now() - t0;
  return typeof out === 'number' ? out : wall;
}

// ---------------------------------------------------------------------------------------
// Bulk data

function benchPathway(i: number, d: District, s: School, at: string): StoredPathway {
  const certified = i % 5 === 0;
  return {
    id: newId('pathway'),
    districtId: d.id,
    schoolId: s.id,
    // Spread over the alphabet so new pathways land all over the by-name indexes.
    name: `${String.fromCharCode(65 + ((i * 7) % 26))}${String.fromCharCode(65 + ((i * 11) % 26))} Pathway ${String(i).padStart(6, '0')}`,
    sector: sectors[i % sectors.length]!,
    gradesServed: [9, 10, 11, 12],
    model: pathwayModels[i % pathwayModels.length]!,
    enrollment: 80 + (i % 400),
    status: 'active',
    certificationLevel: certified ? 'silver' : null,
    certifiedUntil: certified ? '2029-06-30' : null,
    schoolName: s.name,
    districtName: d.name,
    state: d.state,
    leadCount: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** Loads `count` pathways into new districts (1,000 each, one school each): the rest of the network. */
async function loadElsewhere(count: number, offset: number, at: string): Promise<number> {
  const items: Item[] = [];
  for (let made = 0, d = 0; made < count; d++) {
    const district: District = {
      id: newId('district'),
      name: `Bench District ${offset + d}`,
      state: 'CA',
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    const school: School = {
      id: newId('school'),
      districtId: district.id,
      name: `Bench School ${offset + d}`,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    items.push(districtItem(district), schoolItem(school));
    for (let i = 0; i < 1_000 && made < count; i++, made++)
      items.push(pathwayItem(benchPathway(offset * 1_000 + made, district, school, at)));
  }
  const t0 = performance.now();
  let shown = 0;
  await batchPut(raw, table(), items, LOAD_CONCURRENCY, (done) => {
    if (done - shown >= 10_000) {
      shown = done;
      process.stdout.write(` ${Math.round(done / 1000)}k`);
    }
  });
  return performance.now() - t0;
}

// ---------------------------------------------------------------------------------------

export async function run(): Promise<BenchReport> {
  const stopCounting = countRequests();
  let platform: Platform | undefined;
  const stop = () => platform?.stop();
  const onSignal = () => {
    void Promise.resolve(stop()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    platform = await startPlatform({
      persist: false,
      withStepFunctions: false,
      log: (l) => (/threw|failed|error/i.test(l) ? console.error(l) : undefined),
    });
    return await measureAll(platform);
  } finally {
    stopCounting();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    raw?.destroy();
    apiAgent.destroy();
    await stop();
  }
}

async function measureAll(platform: Platform): Promise<BenchReport> {
  apiUrl = platform.apiUrl;
  platformRef = platform;
  raw = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.dynamoEndpoint, maxAttempts: 4 }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  await seedDemoData();
  const at = new Date().toISOString();
  const staffActor = { sub: subjectForEmail('maya.okafor@alliance.example.org'), name: 'Maya Okafor' };

  // Callers, as the product has them: a pathway lead, an application's lead, a district lead.
  const pathwayLead = { email: 'lauren.price@costaverde.example.org', name: 'Lauren Price', groups: ['pathway' as const] };
  const appLead = { email: 'rosa.delgado@costaverde.example.org', name: 'Rosa Delgado', groups: ['pathway' as const] };
  const districtLead = { email: 'bench.lead@bench.example.org', name: 'Bench Lead', groups: ['district' as const] };
  const pathwayToken = await platform.issuer.issueToken(pathwayLead);
  const appToken = await platform.issuer.issueToken(appLead);
  const districtToken = await platform.issuer.issueToken(districtLead);
  const subs = {
    pathway: subjectForEmail(pathwayLead.email),
    app: subjectForEmail(appLead.email),
    district: subjectForEmail(districtLead.email),
  };

  // The district whose list is measured: 1,000 pathways in one school.
  const listDistrict: District = {
    id: newId('district'),
    name: 'Bench List District',
    state: 'CA',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  const listSchool: School = {
    id: newId('school'),
    districtId: listDistrict.id,
    name: 'Bench List High',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await createDistrict(listDistrict, staffActor);
  await createSchool(listSchool, staffActor);
  await addMembership(
    {
      kind: 'district',
      sub: subs.district,
      districtId: listDistrict.id,
      role: 'lead',
      since: at,
      email: districtLead.email,
      name: districtLead.name,
      version: 1,
      updatedAt: at,
    },
    staffActor,
  );
  const t0 = performance.now();
  await batchPut(
    raw,
    table(),
    Array.from({ length: LIST_DISTRICT_SIZE }, (_, i) => pathwayItem(benchPathway(i, listDistrict, listSchool, at))),
    LOAD_CONCURRENCY,
  );
  const smallLoadMs = performance.now() - t0;

  const pathwayId = seedPathwayId('cv-health');
  const app = (await listPathwayApplications(seedPathwayId('mh-law'), {}, 1)).items[0];
  if (!app) throw new Error('the seed has no application for mh-law');
  const criterionId = criteriaFor(seedFramework, app.level)[0]!.criterion.id;

  // --- GET /pathways/{id}
  const getPathway: Operation = {
    name: 'GET /pathways/{id}',
    api: async () => void (await call('GET', `/pathways/${pathwayId}`, pathwayToken, 200)),
    direct: async () => (await invokeDirect('GET', `/pathways/${pathwayId}`, pathwayToken, 200)).elapsed,
    // The handler reads the pathway and the caller's access together (use-cases/access.ts withAccess).
    raw: async (cap) => {
      await Promise.all([rawGet(keys.pathway(pathwayId), false, cap), rawAccess(subs.pathway, cap)]);
    },
  };

  // --- PATCH /pathways/{id} (If-Match); API and raw writes share the version sequence
  let pathwayVersion = versionOf((await call('GET', `/pathways/${pathwayId}`, pathwayToken, 200)).headers.get('etag'));
  let enrollment = 400;
  const patchPathway: Operation = {
    name: 'PATCH /pathways/{id}',
    api: async () => {
      enrollment = enrollment === 400 ? 401 : 400;
      const res = await call('PATCH', `/pathways/${pathwayId}`, pathwayToken, 200, {
        body: { enrollment },
        headers: { 'if-match': `"${pathwayVersion}"` },
      });
      pathwayVersion = versionOf(res.headers.get('etag'));
    },
    direct: async () => {
      enrollment = enrollment === 400 ? 401 : 400;
      const res = await invokeDirect('PATCH', `/pathways/${pathwayId}`, pathwayToken, 200, {
        body: { enrollment },
        headers: { 'if-match': `"${pathwayVersion}"` },
      });
      pathwayVersion = versionOf(res.etag);
      return res.elapsed;
    },
    raw: async (cap) => {
      enrollment = enrollment === 400 ? 401 : 400;
      const [before] = await Promise.all([rawGet(keys.pathway(pathwayId), false, cap), rawAccess(subs.pathway, cap)]);
      if (!before) throw new Error('the pathway is gone');
      const now = new Date().toISOString();
      const after = { ...before, enrollment, version: pathwayVersion + 1, updatedAt: now };
      await rawTransact(
        [
          versionedUpdate(keys.pathway(pathwayId), pathwayVersion, { enrollment }, now, []),
          auditItem(
            { kind: 'pathway', id: pathwayId },
            {
              at: now,
              actor: { sub: subs.pathway, name: pathwayLead.name, email: pathwayLead.email },
              action: 'pathway.updated',
              entity: { kind: 'pathway', id: pathwayId },
              changes: diff(before, after, pathwayEditableFields),
            },
          ),
        ],
        cap,
      );
      pathwayVersion++;
    },
  };

  // --- GET /applications/{id}
  const getApplication: Operation = {
    name: 'GET /applications/{id}',
    api: async () => void (await call('GET', `/applications/${app.id}`, appToken, 200)),
    direct: async () => (await invokeDirect('GET', `/applications/${app.id}`, appToken, 200)).elapsed,
    // store/applications.ts getApplicationWithResponses: the header (GetItem) and the RESP# prefix
    // (Query), alongside the caller's access.
    raw: async (cap) => {
      await Promise.all([rawGet(keys.application(app.id), false, cap), rawResponses(app.id, cap), rawAccess(subs.app, cap)]);
    },
  };

  // --- PUT /applications/{id}/responses/{criterion} (If-Match)
  const appView = (await call('GET', `/applications/${app.id}`, appToken, 200)).json as {
    responses: { criterionId: string; version: number; createdAt: string }[];
  };
  let responseVersion = appView.responses.find((r) => r.criterionId === criterionId)?.version ?? 0;
  let narrativeTurn = 0;
  const narrative = () => `Bench narrative ${narrativeTurn++ % 2}: ${'how the criterion works in practice this year. '.repeat(20)}`;
  const actor = { sub: subs.app, name: appLead.name, email: appLead.email };
  const putResponse: Operation = {
    name: 'PUT /applications/{id}/responses/{c}',
    api: async () => {
      const res = await call('PUT', `/applications/${app.id}/responses/${criterionId}`, appToken, responseVersion === 0 ? 201 : 200, {
        body: { narrative: narrative(), evidence: [] },
        headers: responseVersion === 0 ? { 'if-none-match': '*' } : { 'if-match': `"${responseVersion}"` },
      });
      responseVersion = versionOf(res.headers.get('etag'));
    },
    direct: async () => {
      const res = await invokeDirect('PUT', `/applications/${app.id}/responses/${criterionId}`, appToken, 200, {
        body: { narrative: narrative(), evidence: [] },
        headers: { 'if-match': `"${responseVersion}"` },
      });
      responseVersion = versionOf(res.etag);
      return res.elapsed;
    },
    raw: async (cap) => {
      // The handler reads the application, the caller's access and the response in parallel.
      const [, , before] = await Promise.all([
        rawGet(keys.application(app.id), true, cap),
        rawAccess(subs.app, cap),
        rawGet(keys.response(app.id, criterionId), true, cap),
      ]);
      const now = new Date().toISOString();
      const text = narrative();
      const editable: Record<string, unknown> = Object.fromEntries(editableStatuses.map((s, i) => [`:e${i}`, s]));
      await rawTransact(
        [
          conditionCheck(keys.application(app.id), `#status IN (${Object.keys(editable).join(', ')})`, { '#status': 'status' }, editable),
          {
            Put: {
              TableName: table(),
              Item: {
                ...keys.response(app.id, criterionId),
                _type: 'response',
                applicationId: app.id,
                criterionId,
                narrative: text,
                evidence: [],
                version: responseVersion + 1,
                createdAt: String(before?.createdAt ?? now),
                updatedAt: now,
                updatedBy: actor,
              },
              ConditionExpression: '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': responseVersion },
            },
          },
          auditItem(
            { kind: 'pathway', id: app.pathwayId },
            {
              at: now,
              actor,
              action: 'application.response.updated',
              entity: { kind: 'application', id: app.id },
              // As store/applications.ts responseChanges records it: lengths, and evidence only when it changed.
              changes: [
                {
                  field: `responses.${criterionId}.narrative`,
                  from: { length: String(before?.narrative ?? '').length },
                  to: { length: text.length },
                },
                ...((before?.evidence as unknown[] | undefined)?.length
                  ? [{ field: `responses.${criterionId}.evidence`, from: [], to: [] }]
                  : []),
              ],
            },
          ),
        ],
        cap,
      );
      responseVersion++;
    },
  };
  if (responseVersion === 0) throw new Error(`the seed application has no response to ${criterionId} to edit`);

  // --- The district list: first page and a page 500 items in
  const listPath = `/districts/${listDistrict.id}/pathways?limit=25`;
  let deepCursor = '';
  for (let page = 0; page < LIST_DISTRICT_SIZE / 2 / 25; page++) {
    const res = await call('GET', deepCursor ? `${listPath}&cursor=${deepCursor}` : listPath, districtToken, 200);
    deepCursor = String(res.json.nextCursor ?? '');
  }
  const deepStartKey = JSON.parse(Buffer.from(deepCursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  const listOp = (deep: boolean, label: string): Operation => ({
    name: `${deep ? 'GET district pathways, page at 500' : 'GET district pathways, first page'} (${label})`,
    api: async () => {
      const res = await call('GET', deep ? `${listPath}&cursor=${deepCursor}` : listPath, districtToken, 200);
      if ((res.json.items as unknown[]).length !== 25) throw new Error('the list page is not full');
    },
    direct: async () => (await invokeDirect('GET', deep ? `${listPath}&cursor=${deepCursor}` : listPath, districtToken, 200)).elapsed,
    raw: async (cap) => {
      await Promise.all([rawGet(keys.district(listDistrict.id), false, cap), rawAccess(subs.district, cap)]);
      await rawDistrictPage(listDistrict.id, deep ? deepStartKey : undefined, cap);
    },
  });

  // --- Floors: the HTTP path without DynamoDB, and the token check alone
  const health: Operation = {
    name: 'GET /health (public, no DynamoDB)',
    api: async () => void (await call('GET', '/health', undefined, 200)),
    direct: async () => (await invokeDirect('GET', '/health', undefined, 200)).elapsed,
    raw: async () => {},
  };
  // A token's first verification (the RS256 signature check) and a repeat, which the gateway
  // answers from its cache of verified tokens (infra/local/verified-tokens.ts).
  const verifyTimes: number[] = [];
  const verifyCachedTimes: number[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const fresh = await platform.issuer.issueToken(pathwayLead);
    let t = performance.now();
    await platform.issuer.verify(fresh);
    if (i >= WARMUP) verifyTimes.push(performance.now() - t);
    t = performance.now();
    await platform.issuer.verify(fresh);
    if (i >= WARMUP) verifyCachedTimes.push(performance.now() - t);
  }

  // The floor under every API call that raw calls do not pay: one keep-alive round trip to a
  // node:http server in this process that answers `{}` at once, with the same client and the
  // same Authorization header as the API calls.
  const bare = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
  const bareTimes: number[] = [];
  try {
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const t = performance.now();
      const res = await send('GET', bareUrl, { authorization: `Bearer ${pathwayToken}` });
      if (res.status !== 200) throw new Error(`bare server answered ${res.status}`);
      if (i >= WARMUP) bareTimes.push(performance.now() - t);
    }
  } finally {
    bare.closeAllConnections();
    bare.close();
  }

  // The same GetItem through the functions' own client and through the bench's: the clients' cost apart.
  const clientProbe: Operation = {
    name: "one GetItem: functions' client (API column) vs the bench's client (raw column)",
    api: async () => void (await dynamoClient().send(new GetCommand({ TableName: table(), Key: keys.pathway(pathwayId) }))),
    direct: () => Promise.resolve(0),
    raw: async () => void (await rawGet(keys.pathway(pathwayId), false)),
  };

  const rows: Row[] = [];
  rows.push(...(await measureGroup([getPathway, patchPathway, getApplication, putResponse])));
  const smallCount = LIST_DISTRICT_SIZE + 13; // + the seed's pathways
  const smallLabel = `${smallCount.toLocaleString('en-US')} in table`;
  const listSmall = await measureGroup([listOp(false, smallLabel), listOp(true, smallLabel)]);
  rows.push(...listSmall);

  process.stdout.write(`\nloading ${(LARGE_TABLE - LIST_DISTRICT_SIZE).toLocaleString('en-US')} more pathways:`);
  const largeLoadMs = await loadElsewhere(LARGE_TABLE - LIST_DISTRICT_SIZE, 1, at);
  process.stdout.write(` done in ${(largeLoadMs / 1000).toFixed(1)} s\n`);
  const largeLabel = `${(LARGE_TABLE + 13).toLocaleString('en-US')} in table`;
  const listLarge = await measureGroup([listOp(false, largeLabel), listOp(true, largeLabel)]);
  rows.push(...listLarge);
  const [floor, probe] = await measureGroup([health, clientProbe]);
  if (!floor || !probe) throw new Error('unreachable');

  // --- Report
  const flags: string[] = [];
  const lines = [
    '| operation | API median ms | API p99 ms | raw median ms | raw p99 ms | overhead (median) | target ≤ 25% | API − raw, paired median ms | handler alone, median ms (vs raw) | DynamoDB requests per API call | capacity units |',
    '|---|---:|---:|---:|---:|---:|:---:|---:|---:|---|---:|',
  ];
  for (const r of rows) {
    const a = median(r.api);
    const b = median(r.raw);
    const over = (a - b) / b;
    const met = over <= OVERHEAD_LIMIT;
    if (!met)
      flags.push(`${r.name}: API median ${ms(a)} ms is ${pct(over)} over the raw DynamoDB calls (${ms(b)} ms); target at most +25%`);
    lines.push(
      `| ${r.name} | ${ms(a)} | ${ms(p99(r.api))} | ${ms(b)} | ${ms(p99(r.raw))} | ${pct(over)} | ${met ? 'met' : '**not met**'} | ${ms(median(r.api.map((x, i) => x - r.raw[i]!)))} | ${ms(median(r.direct))} (${pct(median(r.direct) / b - 1)}) | ${r.requestCount}: ${r.requests} | ${r.capacity.toFixed(1)} |`,
    );
  }
  lines.push(
    `| ${floor.name} | ${ms(median(floor.api))} | ${ms(p99(floor.api))} | – | – | – | – | – | ${ms(median(floor.direct))} | ${floor.requestCount === '0' ? 'none' : floor.requests} | – |`,
  );
  lines.push(
    `| bare HTTP round trip: a node:http server that answers at once (the floor of every API call) | ${ms(median(bareTimes))} | ${ms(p99(bareTimes))} | – | – | – | – | – | – | – | – |`,
  );
  lines.push(
    `| ${probe.name} | ${ms(median(probe.api))} | ${ms(p99(probe.api))} | ${ms(median(probe.raw))} | ${ms(p99(probe.raw))} | ${pct(median(probe.api) / median(probe.raw) - 1)} | – | ${ms(median(probe.api.map((x, i) => x - probe.raw[i]!)))} | – | ${probe.requestCount}: ${probe.requests} | – |`,
  );
  lines.push(
    `| dev issuer token verification alone (in process), a token's first request | ${ms(median(verifyTimes))} | ${ms(p99(verifyTimes))} | – | – | – | – | – | – | – | – |`,
  );
  lines.push(
    `| the same, a token seen before (cache of verified tokens) | ${ms(median(verifyCachedTimes))} | ${ms(p99(verifyCachedTimes))} | – | – | – | – | – | – | – | – |`,
  );

  lines.push(
    '',
    '| list page (limit 25) | API median, ' +
      smallLabel +
      ' | API median, ' +
      largeLabel +
      ' | growth | target ≤ 20% | raw median, small → large | raw growth (the control: the machine, not the API) |',
    '|---|---:|---:|---:|:---:|---|---:|',
  );
  for (const [i, label] of ['first page', 'page at item 500 (cursor)'].entries()) {
    const s = listSmall[i]!;
    const l = listLarge[i]!;
    const growth = median(l.api) / median(s.api) - 1;
    const met = growth <= GROWTH_LIMIT;
    if (!met) flags.push(`district list, ${label}: ${pct(growth)} slower with ${largeLabel} than with ${smallLabel}; target at most +20%`);
    lines.push(
      `| ${label} | ${ms(median(s.api))} | ${ms(median(l.api))} | ${pct(growth)} | ${met ? 'met' : '**not met**'} | ${ms(median(s.raw))} → ${ms(median(l.raw))} | ${pct(median(l.raw) / median(s.raw) - 1)} |`,
    );
  }
  lines.push(
    '',
    `Load time: ${LIST_DISTRICT_SIZE.toLocaleString('en-US')} pathways in ${(smallLoadMs / 1000).toFixed(1)} s; ` +
      `${(LARGE_TABLE - LIST_DISTRICT_SIZE).toLocaleString('en-US')} more in ${(largeLoadMs / 1000).toFixed(1)} s ` +
      `(BatchWriteItem, 25 items a request, ${LOAD_CONCURRENCY} in flight).`,
  );

  return {
    title: 'HTTP API latency against DynamoDB',
    method:
      `\`npm run bench -- api\` starts the platform in process (infra/local/platform.ts, in-memory DynamoDB Local, ` +
      `random ports, no Step Functions), seeds the demo data and calls the local HTTP API with node:http (keep-alive, like the SDK's client on the raw side) and dev ` +
      `tokens of the callers the product has (a pathway lead, an application's lead, a district lead). Each API call is ` +
      `paired with its raw baseline: the same DynamoDB commands with the same shapes, sent in the same arrangement (in parallel where the handler sends them in parallel; including the caller's ` +
      `access Query that authorize() makes and the transaction with its audit event) sent directly with the SDK. ` +
      `"Handler alone" invokes the same request's Lambda handler in process with the event API Gateway would pass, ` +
      `built beforehand: the API figure minus it is the local gateway's share (HTTP on both sides, route matching, ` +
      `token check, event building), which API Gateway does in AWS; it minus raw is our handler code's share. The bare HTTP round trip row is the part of that share no gateway code can remove: one keep-alive request to a node:http server in the same process that answers at once. ${ITERATIONS} iterations after ${WARMUP} warm-up rounds (the steady state: V8 takes a few hundred requests to optimize the code on both sides), the operations of a group in ` +
      `turn and API, handler and raw in rotating order; median and p99 in ms. Overhead = ` +
      `(API − raw) / raw on medians, target at most +25%; "API − raw, paired" is the median of the per-iteration ` +
      `differences, steadier than the difference of medians when DynamoDB Local's own latency drifts. Requests are counted per API call by an SDK middleware on the ` +
      `functions' own client (one per attempt; \`a/b\` when the count varied); capacity units are the raw calls replayed ` +
      `once with ReturnConsumedCapacity TOTAL (as DynamoDB Local reports them). The list rows measure a district of ` +
      `${LIST_DISTRICT_SIZE.toLocaleString('en-US')} pathways, first page and the page at item 500, with ` +
      `${(LIST_DISTRICT_SIZE + 13).toLocaleString('en-US')} and then ${(LARGE_TABLE + 13).toLocaleString('en-US')} pathways in ` +
      `the table (the rest in other districts, 1,000 each; target: at most +20%)${QUICK ? ' — a `--quick` run' : ''}. ` +
      `Functions log at ${process.env.LOG_LEVEL} (the per-request INFO line is off). Everything is local: the figures ` +
      `show the API's own cost over DynamoDB Local, not AWS network latency.`,
    table: lines.join('\n'),
    flags,
  };
}
