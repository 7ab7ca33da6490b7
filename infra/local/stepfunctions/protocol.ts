/**
 * The awsJson1_0 wire protocol as used by Step Functions: `POST /`, the operation in
 * `X-Amz-Target: AWSStepFunctions.<Operation>`, JSON bodies typed
 * `application/x-amz-json-1.0`, timestamps as epoch seconds, errors as `{__type, message}`.
 */
import type { IncomingMessage } from 'node:http';
import { awsJsonProtocol } from '../aws-json.ts';
import { SfnError } from './errors.ts';
import type { JsonObject } from './json.ts';

export { toWire } from '../aws-json.ts';

export const CONTENT_TYPE = 'application/x-amz-json-1.0';

export interface ApiRequest {
  operation: string;
  body: JsonObject;
}

const protocol = awsJsonProtocol({
  contentType: CONTENT_TYPE,
  targetPrefix: 'AWSStepFunctions.',
  error: (kind, message) => new SfnError(kind, message),
});

/** The body is parsed JSON, so it is a JSON object in the strict sense json.ts names. */
export const readApiRequest = (req: IncomingMessage): Promise<ApiRequest> => protocol.readApiRequest(req) as Promise<ApiRequest>;
export const { writeResult, writeError } = protocol;
