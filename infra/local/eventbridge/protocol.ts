/**
 * The awsJson1_1 wire protocol as EventBridge uses it: `POST /`, the operation in
 * `X-Amz-Target: AWSEvents.<Operation>`, JSON bodies typed `application/x-amz-json-1.1`,
 * timestamps as epoch seconds, errors as `{__type, message}` with HTTP 400 (500 for
 * internal errors). The SDK maps `__type` to its typed exceptions, so names must be exact.
 */
import { awsJsonProtocol, AwsJsonServiceError, type JsonObject } from '../aws-json.ts';

export type { JsonObject } from '../aws-json.ts';

export const CONTENT_TYPE = 'application/x-amz-json-1.1';

export type EventsErrorType =
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'InvalidEventPatternException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalException';

export class EventsError extends AwsJsonServiceError<EventsErrorType> {
  constructor(type: EventsErrorType, message: string, status?: number) {
    super(type, message, 'InternalException', status);
  }
}

export const { readApiRequest, writeResult, writeError } = awsJsonProtocol({
  contentType: CONTENT_TYPE,
  targetPrefix: 'AWSEvents.',
  error: (kind, message) => new EventsError(kind, message),
});

/** Optional string parameter; a present non-string is a ValidationException. */
export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new EventsError(
      'ValidationException',
      `1 validation error detected: Value at '${lowerFirst(name)}' failed to satisfy constraint: Member must be a string`,
    );
  return value;
}

export function requiredString(body: JsonObject, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === '') {
    throw new EventsError(
      'ValidationException',
      `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** `Limit` 1–100 (default 100) and an opaque `NextToken` (an offset). */
export function page<T>(items: T[], body: JsonObject): { items: T[]; nextToken: string | undefined } {
  const limitRaw = body.Limit;
  const limit = limitRaw === undefined || limitRaw === null ? 100 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new EventsError(
      'ValidationException',
      `1 validation error detected: Value '${String(limitRaw)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
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
