/**
 * The awsJson wire protocol shared by the local EventBridge (1.1), Cognito (1.1) and Step
 * Functions (1.0) servers: `POST /`, the operation in `X-Amz-Target: <Prefix>.<Operation>`, JSON bodies,
 * timestamps as epoch seconds, errors as `{__type, message}` plus `x-amzn-errortype`.
 * Each service supplies its content type, target prefix and how it spells its own errors,
 * because the SDK maps `__type` to typed exceptions and the names must be exact.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type JsonObject = Record<string, unknown>;

export interface ApiRequest {
  operation: string;
  body: JsonObject;
}

/** What a service error must tell the wire: its HTTP status, `__type` and short type. */
export interface WireError {
  status: number;
  /** The `__type` member (Step Functions qualifies it with a namespace). */
  wireType: string;
  /** The `x-amzn-errortype` header's name. */
  type: string;
  message: string;
}

/**
 * A service error as the awsJson servers throw it: its type is the `x-amzn-errortype` name
 * and, unless a service qualifies it (Step Functions), the `__type` too; the service's
 * internal error answers 500, every other 400.
 */
export abstract class AwsJsonServiceError<T extends string> extends Error implements WireError {
  readonly status: number;

  protected constructor(
    readonly type: T,
    message: string,
    internalType: T,
    status?: number,
  ) {
    super(message);
    this.name = type;
    this.status = status ?? (type === internalType ? 500 : 400);
  }

  get wireType(): string {
    return this.type;
  }
}

type ErrorKind = 'UnknownOperationException' | 'SerializationException' | 'ValidationException';

export interface AwsJsonProtocol {
  readApiRequest: (req: IncomingMessage) => Promise<ApiRequest>;
  writeResult: (res: ServerResponse, result: object) => void;
  writeError: (res: ServerResponse, error: WireError) => void;
}

export function awsJsonProtocol(options: {
  contentType: string;
  targetPrefix: string;
  /** AWS caps requests at 1 MB (PutEvents at 256 KB of entries); larger is not the service's. */
  maxBodyBytes?: number;
  error: (kind: ErrorKind, message: string) => Error;
}): AwsJsonProtocol {
  const { contentType, targetPrefix, error } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBodyBytes) throw error('ValidationException', 'Request body exceeds 1 MB');
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    res.end(body);
  }

  return {
    async readApiRequest(req) {
      if (req.method !== 'POST') throw error('UnknownOperationException', `Method ${req.method} is not supported`);
      const raw = req.headers['x-amz-target'];
      const target = Array.isArray(raw) ? raw[0] : raw;
      if (!target?.startsWith(targetPrefix)) {
        throw error('UnknownOperationException', `Missing or foreign X-Amz-Target: ${target ?? '(none)'}`);
      }
      const text = await readBody(req);
      let body: unknown = {};
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          throw error('SerializationException', 'Request body is not valid JSON');
        }
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw error('SerializationException', 'Request body is not a JSON object');
      }
      return { operation: target.slice(targetPrefix.length), body: body as JsonObject };
    },
    writeResult(res, result) {
      send(res, 200, JSON.stringify(toWire(result)), {});
    },
    writeError(res, e) {
      send(res, e.status, JSON.stringify({ __type: e.wireType, message: e.message }), { 'x-amzn-errortype': `${e.type}:` });
    },
  };
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
