/**
 * The awsJson1_0 wire protocol as used by Step Functions: `POST /`, the operation in
 * `X-Amz-Target: AWSStepFunctions.<Operation>`, JSON bodies typed
 * `application/x-amz-json-1.0`, timestamps as epoch seconds, errors as `{__type, message}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { SfnError } from './errors.ts';
import { isJsonObject, parseJson, type JsonObject } from './json.ts';

export const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AWSStepFunctions.';
/** AWS caps a request at 1 MB; anything larger is not a Step Functions call. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiRequest {
  operation: string;
  body: JsonObject;
}

export async function readApiRequest(req: IncomingMessage): Promise<ApiRequest> {
  if (req.method !== 'POST') throw new SfnError('UnknownOperationException', `Method ${req.method} is not supported`);
  const target = header(req, 'x-amz-target');
  if (!target?.startsWith(TARGET_PREFIX)) {
    throw new SfnError('UnknownOperationException', `Missing or foreign X-Amz-Target: ${target ?? '(none)'}`);
  }
  const text = await readBody(req);
  const parsed = text.trim() === '' ? { ok: true as const, value: {} } : parseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    throw new SfnError('SerializationException', 'Request body is not a JSON object');
  }
  return { operation: target.slice(TARGET_PREFIX.length), body: parsed.value };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SfnError('ValidationException', 'Request body exceeds 1 MB');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function writeResult(res: ServerResponse, result: object): void {
  send(res, 200, JSON.stringify(toWire(result)), {});
}

export function writeError(res: ServerResponse, error: SfnError): void {
  const body = JSON.stringify({ __type: error.qualifiedType, message: error.message });
  send(res, error.status, body, { 'x-amzn-errortype': `${error.type}:` });
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

/** Dates become epoch seconds (with milliseconds), undefined members disappear. */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}
