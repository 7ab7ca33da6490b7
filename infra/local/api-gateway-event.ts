/**
 * The two translations API Gateway HTTP APIs make around a Lambda integration with
 * payload format 2.0: an HTTP request into the event, and the function's result into the
 * HTTP response. Kept apart from the server so each rule can be read against the AWS
 * documentation.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { LOCAL_ACCOUNT } from './lambda.ts';

export type HttpApiEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;

export interface GatewayRequest {
  method: string;
  /** Path and query exactly as received, e.g. `/pathways/a%20b?x=1`. */
  url: string;
  /** Node's `headersDistinct`: lower-case names, every value of repeated headers. */
  headers: Record<string, string[]>;
  body: Buffer;
  sourceIp: string;
  protocol: string;
}

export interface GatewayRoute {
  routeKey: string;
  pathParameters: Record<string, string>;
  /** Verified token claims on `jwt` routes; absent on public routes (no authorizer runs there). */
  claims?: Record<string, unknown>;
}

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const TEXT_TYPES = [
  /^text\//i,
  /^application\/(?:[\w.+-]+\+)?json\b/i,
  /^application\/(?:[\w.+-]+\+)?xml\b/i,
  /^application\/javascript\b/i,
  /^application\/x-www-form-urlencoded\b/i,
];

export function isTextContentType(contentType: string | undefined): boolean {
  return !!contentType && TEXT_TYPES.some((re) => re.test(contentType));
}

/** API Gateway hands every claim over as a string; arrays become `[a b]`. */
export function flattenClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

function decodeQueryComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Repeated keys are joined with commas, as payload 2.0 does. */
export function parseQueryString(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decodeQueryComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryComponent(pair.slice(eq + 1));
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function gatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

export function buildEvent(request: GatewayRequest, route: GatewayRoute, requestId: string, received: Date = new Date()): HttpApiEvent {
  const q = request.url.indexOf('?');
  const rawPath = q === -1 ? request.url : request.url.slice(0, q);
  const rawQueryString = q === -1 ? '' : request.url.slice(q + 1).replace(/#.*$/, '');

  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(request.headers)) {
    if (name === 'cookie') {
      cookies = values
        .flatMap((v) => v.split(';'))
        .map((c) => c.trim())
        .filter(Boolean);
      continue;
    }
    headers[name] = values.join(',');
  }
  const domainName = headers.host ?? 'localhost';
  // The port follows the last colon outside an IPv6 literal: `host:3000`, `[::1]:3000`.
  const hostPort = /:(\d+)$/.exec(domainName);
  headers['x-forwarded-for'] ??= request.sourceIp;
  headers['x-forwarded-port'] ??= hostPort?.[1] ?? '80';
  headers['x-forwarded-proto'] ??= 'http';

  let body: string | undefined;
  let isBase64Encoded = false;
  if (request.body.length > 0) {
    if (isTextContentType(headers['content-type'])) body = request.body.toString('utf8');
    else {
      body = request.body.toString('base64');
      isBase64Encoded = true;
    }
  }

  const requestContext = {
    accountId: LOCAL_ACCOUNT,
    apiId: 'local',
    domainName,
    domainPrefix: (hostPort ? domainName.slice(0, hostPort.index) : domainName).split('.')[0]!,
    http: {
      method: request.method,
      path: rawPath,
      protocol: request.protocol,
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId,
    routeKey: route.routeKey,
    stage: '$default',
    time: gatewayTime(received),
    timeEpoch: received.getTime(),
    // Public routes have no authorizer, so no `authorizer` key at all.
    ...(route.claims ? { authorizer: { jwt: { claims: flattenClaims(route.claims), scopes: null } } } : {}),
  };

  const queryStringParameters = parseQueryString(rawQueryString);
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(hasKeys(route.pathParameters) ? { pathParameters: route.pathParameters } : {}),
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
    requestContext,
  };
}

function hasKeys(record: Record<string, string>): boolean {
  for (const _ in record) return true;
  return false;
}

export const internalServerError = (): GatewayResponse => ({
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message: 'Internal Server Error' })),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Maps what the handler returned as API Gateway does for payload 2.0: an object with a
 * `statusCode` is a structured response; anything else is a 200 JSON body. A malformed
 * structured response is a 500, as in AWS; `onMalformed` says why (AWS only logs it).
 */
export function toGatewayResponse(result: unknown, onMalformed?: (reason: string) => void): GatewayResponse {
  if (!isRecord(result) || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const fail = (reason: string) => {
    onMalformed?.(reason);
    return internalServerError();
  };
  const { statusCode, headers, cookies, body, isBase64Encoded } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return fail(`statusCode must be an integer HTTP status, got ${JSON.stringify(statusCode)}`);
  }
  if (body !== undefined && body !== null && typeof body !== 'string') return fail('body must be a string');
  if (headers !== undefined && !isRecord(headers)) return fail('headers must be an object');
  if (cookies !== undefined && !(Array.isArray(cookies) && cookies.every((c) => typeof c === 'string'))) {
    return fail('cookies must be an array of strings');
  }

  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') return fail(`header ${name} must be a string, number or boolean`);
    out[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(cookies) && cookies.length > 0) out['set-cookie'] = cookies;
  const text = typeof body === 'string' ? body : '';
  return { statusCode, headers: out, body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') };
}
