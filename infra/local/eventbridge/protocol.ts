/**
 * The awsJson1_1 wire protocol as EventBridge uses it: `POST /`, the operation in
 * `X-Amz-Target: AWSEvents.<Operation>`, JSON bodies typed `application/x-amz-json-1.1`,
 * timestamps as epoch seconds, errors as `{__type, message}` with HTTP 400 (500 for
 * internal errors). The SDK maps `__type` to its typed exceptions, so names must be exact.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AWSEvents.';
/** PutEvents is capped at 256 KB of entries; a request several times that is not EventBridge's. */
const MAX_BODY_BYTES = 1024 * 1024;

export type EventsErrorType =
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'InvalidEventPatternException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalException';

export class EventsError extends Error {
  constructor(
    readonly type: EventsErrorType,
    message: string,
    readonly status: number = type === 'InternalException' ? 500 : 400,
  ) {
    super(message);
    this.name = type;
  }
}

export type JsonObject = Record<string, unknown>;

export interface ApiRequest {
  operation: string;
  body: JsonObject;
}

export async function readApiRequest(req: IncomingMessage): Promise<ApiRequest> {
  if (req.method !== 'POST') throw new EventsError('UnknownOperationException', `Method ${req.method} is not supported`);
  const raw = req.headers['x-amz-target'];
  const target = Array.isArray(raw) ? raw[0] : raw;
  if (!target?.startsWith(TARGET_PREFIX)) {
    throw new EventsError('UnknownOperationException', `Missing or foreign X-Amz-Target: ${target ?? '(none)'}`);
  }
  const text = await readBody(req);
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new EventsError('SerializationException', 'Request body is not valid JSON');
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EventsError('SerializationException', 'Request body is not a JSON object');
  }
  return { operation: target.slice(TARGET_PREFIX.length), body: body as JsonObject };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new EventsError('ValidationException', 'Request body exceeds 1 MB');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function writeResult(res: ServerResponse, result: object): void {
  send(res, 200, JSON.stringify(toWire(result)), {});
}

export function writeError(res: ServerResponse, error: EventsError): void {
  send(res, error.status, JSON.stringify({ __type: error.type, message: error.message }), {
    'x-amzn-errortype': `${error.type}:`,
  });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(body);
}

/** Dates become epoch seconds, undefined members disappear. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}

/** Optional string parameter; a present non-string is a ValidationException. */
export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new EventsError('ValidationException', `1 validation error detected: Value at '${lowerFirst(name)}' failed to satisfy constraint: Member must be a string`);
  return value;
}

export function requiredString(body: JsonObject, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === '') {
    throw new EventsError('ValidationException', `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** `Limit` 1–100 (default 100) and an opaque `NextToken` (an offset). */
export function page<T>(items: T[], body: JsonObject): { items: T[]; nextToken: string | undefined } {
  const limitRaw = body.Limit;
  const limit = limitRaw === undefined || limitRaw === null ? 100 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new EventsError('ValidationException', `1 validation error detected: Value '${String(limitRaw)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  const token = optionalString(body, 'NextToken');
  let offset = 0;
  if (token !== undefined) {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw new EventsError('ValidationException', 'The NextToken is not valid');
  }
  const slice = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
  return { items: slice, nextToken: next };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
