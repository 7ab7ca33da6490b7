/**
 * Pieces the benches that drive the local platform share (bench/api.ts and bench/load.ts):
 * the table's name, a request handed to its Lambda handler without the local gateway, the
 * BatchWriteItem loop that loads their data (bench/sweep.ts's too), and their statistics.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { apiRoutes } from '#api/routes.ts';
import { routeKey } from '#lib/route.ts';
import type { Item } from '#store/db.ts';
import { buildEvent } from '../infra/local/api-gateway-event.ts';
import { createRouteMatcher } from '../infra/local/route-matcher.ts';
import type { Platform } from '../infra/local/platform.ts';

/** The platform's table: read at each call, because the platform sets TABLE_NAME when it starts. */
export function table(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set (the platform sets it)');
  return name;
}

export interface DirectInit {
  body?: unknown;
  headers?: Record<string, string>;
}

const matchRoute = createRouteMatcher(apiRoutes);
let directRequests = 0;

/**
 * An API request without the HTTP hop and the token check: the event API Gateway would pass
 * is built first (outside the timed part), then only the Lambda handler runs. `elapsed` is
 * the handler's time alone.
 */
export async function invokeDirect(
  platform: Platform,
  method: string,
  path: string,
  token: string | undefined,
  expect: number,
  init: DirectInit = {},
) {
  const rawPath = path.split('?')[0]!;
  const found = matchRoute(method, rawPath);
  if (found.kind !== 'match') throw new Error(`no route for ${method} ${rawPath}`);
  // As the gateway does, once per request; the dev issuer answers a token it has verified before from its cache.
  const claims = token ? ((await platform.issuer.verify(token)) as Record<string, unknown>) : undefined;
  const headers: Record<string, string[]> = { host: [new URL(platform.apiUrl).host] };
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k] = [v];
  if (token) headers.authorization = [`Bearer ${token}`];
  const body = init.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(init.body));
  if (init.body !== undefined) headers['content-type'] = ['application/json'];
  const event = buildEvent(
    { method, url: path, headers, body, sourceIp: '127.0.0.1', protocol: 'HTTP/1.1' },
    { routeKey: routeKey(found.route), pathParameters: found.pathParameters, claims },
    `bench-${++directRequests}`,
  );
  const t0 = performance.now();
  const result = (await platform.invoke(found.route.fn, event)) as { statusCode: number; headers?: Record<string, string>; body?: string };
  const elapsed = performance.now() - t0;
  if (result.statusCode !== expect)
    throw new Error(`direct ${method} ${path}: ${result.statusCode} (expected ${expect}): ${String(result.body).slice(0, 300)}`);
  return { elapsed, etag: result.headers?.etag ?? null, json: result.body ? (JSON.parse(result.body) as Record<string, unknown>) : {} };
}

/**
 * Puts `items` with BatchWriteItem: 25 items a request, `concurrency` requests in flight,
 * unprocessed items sent again (at most 10 times). `progress` hears the number of items
 * written so far after each request's items are all in.
 */
export async function batchPut(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
  concurrency: number,
  progress?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const chunk = items.slice(next, next + 25);
      next += 25;
      let pending: { PutRequest: { Item: Item } }[] | undefined = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 10) throw new Error('BatchWriteItem kept returning unprocessed items');
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = out.UnprocessedItems?.[tableName] as typeof pending;
      }
      done += chunk.length;
      progress?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const ascending = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/** The middle value; of an even count, the mean of the two middle ones. */
export function median(xs: readonly number[]): number {
  const s = ascending(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile, `p` from 0 to 1: the ⌈p·n⌉-th smallest of the n values (the smallest for p = 0); NaN of none. */
export function percentile(xs: readonly number[], p: number): number {
  const s = ascending(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * p) - 1))] ?? NaN;
}
