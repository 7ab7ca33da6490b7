/**
 * @pathcert/client: a typed fetch client for the pathcert HTTP API. The types come from
 * the API's OpenAPI document (src/schema.ts, generated); the runtime is openapi-fetch, so
 * every call is checked against the route's path, query, body and response at compile time.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { operations, paths, Problem } from './schema.ts';

export type PathcertClient = Client<paths>;
/** Every operation of the API by its id, e.g. `'getPathway'`. */
export type OperationId = keyof operations;

type SuccessStatus = 200 | 201 | 202;
type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body an operation answers on success, e.g. `ResponseOf<'getPathway'>`. */
export type ResponseOf<Id extends OperationId> = JsonContent<
  operations[Id]['responses'][Extract<keyof operations[Id]['responses'], SuccessStatus>]
>;
/** The JSON body an operation accepts, e.g. `RequestBodyOf<'createDistrict'>`. */
export type RequestBodyOf<Id extends OperationId> = operations[Id] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;
/** An operation's path parameters. */
export type PathParamsOf<Id extends OperationId> = operations[Id]['parameters'] extends { path: infer P } ? P : never;
/** An operation's query parameters. */
export type QueryOf<Id extends OperationId> = operations[Id]['parameters'] extends { query?: infer Q } ? Q : never;

// Every named schema of the document (Pathway, Application, Review, Decision, …) by its name.
export type * from './schema.ts';

// Bodies that are not a named schema, by the operation that answers them.
export type ApplicationResponse = ResponseOf<'putApplicationResponse'>;
export type ApplicationPage = ResponseOf<'listPathwayApplications'>;
export type EvidenceDeclaration = ResponseOf<'declareEvidence'>;
export type MyReview = ResponseOf<'getMyReview'>;
export type NotificationPage = ResponseOf<'listNotifications'>;

export interface PathcertClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The API's origin, e.g. https://abc123.execute-api.us-east-1.amazonaws.com */
  baseUrl: string;
  /** A bearer token, or a function that returns the current one (called per request). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
}

/** A client for one API; with `token`, every request carries `Authorization: Bearer <token>`. */
export function createPathcertClient(options: PathcertClientOptions): PathcertClient {
  const { token, baseUrl, ...rest } = options;
  const client = createClient<paths>({ ...rest, baseUrl: baseUrl.replace(/\/+$/, '') });
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        const value = typeof token === 'function' ? await token() : token;
        if (value) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}

/** True for an RFC 9457 body (what `error` holds when a call fails). */
export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.title === 'string' && typeof v.status === 'number';
}

/**
 * The `If-Match` value for a resource at `version` (the API's ETags are the quoted
 * version; a criterion response never written is version 0, so its first write sends `"0"`).
 */
export function ifMatch(version: number): string {
  return `"${version}"`;
}
