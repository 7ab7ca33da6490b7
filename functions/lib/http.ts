/**
 * The middy stack every HTTP Lambda shares. One function serves a group of routes; the
 * stack finds the route spec for `event.routeKey` and then, in order:
 *   correlation id + request log → CORS → problem+json errors → authentication →
 *   JSON body parsing → zod validation of path, query and body → the route's code.
 * Route code receives typed, validated input and a principal, and returns
 * `{ status, body, headers }`.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError } from '#core/errors.ts';
import { isTransientAwsError } from './aws-errors.ts';
import { config } from './config.ts';
import { problemOf } from './domain-problems.ts';
import { EXPOSED_HEADERS } from './cors.ts';
import { LOG_LEVELS, logger } from './logger.ts';
import { principalFromClaims, type Principal } from './principal.ts';
import { PROBLEM_CONTENT_TYPE, Problem, problems } from './problem.ts';
import { routeKey, type Infer, type RouteSpec } from './route.ts';
import { illFormedStrings, parseOrThrow } from './validation.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

export interface HttpRequest<S extends RouteSpec> {
  params: Infer<S['params']>;
  query: Infer<S['query']>;
  body: Infer<S['body']>;
  /** Present on every `jwt` route; null only on public routes called without a token. */
  principal: S['auth'] extends 'jwt' ? Principal : Principal | null;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  requestId: string;
  event: HttpEvent;
}

export interface HttpResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BoundRoute {
  spec: RouteSpec;
  run: (req: HttpRequest<RouteSpec>) => Promise<HttpResult>;
}

/**
 * Binds route code to its spec; the types of params, query and body follow the spec. Code
 * with nothing to wait for may answer directly.
 */
export function implement<S extends RouteSpec>(spec: S, run: (req: HttpRequest<S>) => HttpResult | Promise<HttpResult>): BoundRoute {
  return { spec, run: (req) => Promise.resolve(run(req as HttpRequest<S>)) };
}

interface State {
  /** Date.now() when the request entered the stack, for the request log line. */
  startedAt?: number;
  /** The id on this request's log lines and in its X-Correlation-Id answer header. */
  correlationId?: string;
  route?: BoundRoute;
  principal?: Principal | null;
  body?: unknown;
  params?: unknown;
  query?: unknown;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Per-request state the middlewares hand to the route code, keyed by the event object. */
const states = new WeakMap<HttpEvent, State>();

function state(request: { event: HttpEvent }): State {
  let s = states.get(request.event);
  if (!s) {
    s = {};
    states.set(request.event, s);
  }
  return s;
}

/** What a client may send as X-Correlation-Id: short and plain, so it is safe to log and echo. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's correlation id when it is acceptable; anything else is replaced (never refused: it is only a tracing aid). */
export function correlationIdOf(header: string | undefined): string | undefined {
  return header !== undefined && CORRELATION_ID.test(header) ? header : undefined;
}

/**
 * Correlation id on every log line and echoed as X-Correlation-Id; one line per request
 * with route, status and duration. An absent or invalid client id is replaced by API
 * Gateway's request id.
 */
function correlation(): MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  const done = (request: middy.Request<HttpEvent, HttpResponse, Error, Context>) => {
    const status = request.response?.statusCode ?? 500;
    // The INFO line is skipped before it is built when INFO is off (LOG_LEVEL=WARN in a busy
    // stage): logger.info would build it and read the environment only to drop it.
    if (status >= 500 || logger.level <= LOG_LEVELS.INFO) {
      const s = state(request);
      const line = {
        routeKey: request.event.routeKey,
        status,
        durationMs: Date.now() - (s.startedAt ?? Date.now()),
        principal: s.principal?.sub,
      };
      if (status >= 500) logger.error('request failed', { ...line, error: request.error });
      else logger.info('request', line);
    }
    logger.clearInvocationKeys();
  };
  const echo = (request: middy.Request<HttpEvent, HttpResponse, Error, Context>) => {
    const id = state(request).correlationId;
    if (request.response && id) (request.response.headers ??= {})['x-correlation-id'] = id;
  };
  return {
    before: (request) => {
      const s = state(request);
      s.startedAt = Date.now();
      s.correlationId =
        correlationIdOf(request.event.headers?.['x-correlation-id']) ??
        request.event.requestContext?.requestId ??
        request.context.awsRequestId;
      logger.setInvocationKeys({ correlationId: s.correlationId, requestId: request.context.awsRequestId });
    },
    after: (request) => {
      echo(request);
      done(request);
    },
    onError: (request) => {
      // The error middleware (inner) has already produced the response.
      if (request.response) {
        echo(request);
        done(request);
      }
    },
  };
}

/**
 * Renders every error as problem+json: a Problem as it is, a domain error through its one
 * mapping (domain-problems.ts). Anything else is a 500 with no internals.
 */
function problemErrors(): MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  return {
    onError: (request) => {
      const error = request.error;
      let problem: Problem;
      if (error instanceof Problem) problem = error;
      else if (error instanceof DomainError) problem = problemOf(error);
      else if (error && isTransientAwsError(error)) {
        logger.warn('dependency throttled or unavailable', { errorName: error.name });
        problem = problems.unavailable(1);
      } else if (error?.name === 'ConditionalCheckFailedException') {
        // A concurrent change beat a conditional write its code did not expect to lose: the
        // client's request was fine, so 409 with Retry-After rather than a 500.
        logger.warn('unhandled conditional write failure', { error });
        problem = problems.conflict('The resource changed concurrently; retry the request.', undefined, 1);
      } else {
        logger.error('unhandled error', { error: error ?? undefined });
        problem = problems.internal();
      }
      request.response = {
        statusCode: problem.status,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...problem.headers },
        body: JSON.stringify({
          ...problem.toBody(request.event.rawPath),
          requestId: request.context.awsRequestId,
        }),
      };
    },
  };
}

/** CORS headers on every answer, for origins in the configured allow-list. */
function cors(): MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  const apply = (request: middy.Request<HttpEvent, HttpResponse, Error, Context>) => {
    if (!request.response) return;
    const origin = request.event.headers?.origin;
    const allowed = config.allowedOrigins;
    const allow = allowed.includes('*') ? '*' : origin && allowed.includes(origin) ? origin : undefined;
    if (!allow) return;
    // The response is this request's own object (render or the error middleware made it).
    const headers = (request.response.headers ??= {});
    headers['access-control-allow-origin'] = allow;
    headers['access-control-expose-headers'] = EXPOSED_HEADERS.join(',');
    if (allow !== '*') headers.vary = 'Origin';
  };
  return { after: apply, onError: apply };
}

/**
 * `Cache-Control: no-store` on everything but a public route's success, set over whatever the
 * route code said: what a signed-in caller reads (JSON, CSV exports, letters) and any error
 * must not stay in a browser's or a proxy's cache. Public routes choose their own caching.
 */
function noStore(): MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  const apply = (request: middy.Request<HttpEvent, HttpResponse, Error, Context>) => {
    if (!request.response) return;
    if (request.response.statusCode !== undefined && request.response.statusCode < 400 && state(request).route?.spec.auth === 'public')
      return;
    (request.response.headers ??= {})['cache-control'] = 'no-store';
  };
  return { after: apply, onError: apply };
}

/** Finds the route spec for the event's route key. */
function resolveRoute(routes: Map<string, BoundRoute>): MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  return {
    before: (request) => {
      const route = routes.get(request.event.routeKey);
      if (!route) throw problems.notFound('route');
      state(request).route = route;
    },
  };
}

/** Claims (verified by the API's JWT authorizer) → principal; 401 when a jwt route has none. */
function authenticate(): MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  return {
    before: (request) => {
      const s = state(request);
      const claims = request.event.requestContext?.authorizer?.jwt?.claims as Parameters<typeof principalFromClaims>[0];
      const principal = principalFromClaims(claims);
      if (s.route?.spec.auth === 'jwt' && !principal) throw problems.unauthorized();
      s.principal = principal;
    },
  };
}

/** JSON body parsing with a size limit and a content-type check. */
function jsonBody(): MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  return {
    before: (request) => {
      const s = state(request);
      const { event } = request;
      const raw = event.body;
      if (!s.route?.spec.body) {
        if (raw && raw.length > 0) {
          throw problems.validation([{ in: 'body', field: '', message: 'this route takes no body', code: 'unexpected_body' }]);
        }
        return;
      }
      if (raw === undefined || raw === null || raw === '') {
        s.body = undefined;
        return;
      }
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      const limit = config.maxBodyBytes;
      if (Buffer.byteLength(text, 'utf8') > limit) throw problems.payloadTooLarge(limit);
      const contentType = event.headers?.['content-type'];
      if (!contentType || !JSON_TYPE.test(contentType)) throw problems.unsupportedMediaType(contentType);
      try {
        s.body = JSON.parse(text);
      } catch (error) {
        throw problems.malformedJson(`The body is not valid JSON: ${(error as Error).message}`);
      }
    },
  };
}

/** zod validation of path, query and body against the route spec. */
function validate(): MiddlewareObj<HttpEvent, HttpResponse, Error, Context> {
  return {
    before: (request) => {
      const s = state(request);
      const { spec } = s.route!;
      const { event } = request;
      // Before any schema: a lone surrogate anywhere, in any route's input, is refused once here.
      const illFormed = [
        ...illFormedStrings('path', event.pathParameters),
        ...illFormedStrings('query', event.queryStringParameters),
        ...illFormedStrings('body', s.body),
      ];
      if (illFormed.length > 0)
        throw problems.validation(illFormed, 'The request has strings that are not well-formed Unicode; see errors.');
      s.params = spec.params ? parseOrThrow(spec.params, event.pathParameters ?? {}, 'path') : {};
      s.query = spec.query ? parseOrThrow(spec.query, event.queryStringParameters ?? {}, 'query') : {};
      if (!spec.query && event.queryStringParameters && Object.keys(event.queryStringParameters).length > 0) {
        throw problems.validation(
          Object.keys(event.queryStringParameters).map((k) => ({
            in: 'query',
            field: k,
            message: 'unknown parameter',
            code: 'unknown_field',
          })),
        );
      }
      if (spec.body) {
        if (s.body === undefined) {
          throw problems.validation([{ in: 'body', field: '', message: 'a JSON body is required', code: 'required' }]);
        }
        s.body = parseOrThrow(spec.body, s.body, 'body');
      }
    },
  };
}

function render(spec: RouteSpec, result: HttpResult): HttpResponse {
  const status = result.status ?? spec.successStatus ?? 200;
  if (result.body === undefined || status === 204) {
    return { statusCode: status, headers: { ...result.headers } };
  }
  // A text body goes out as is when the spec or the route code names its type (a CSV export of a JSON route).
  const textType = result.headers?.['content-type'] ?? spec.produces;
  if (typeof result.body === 'string' && textType) {
    return { statusCode: status, headers: { 'content-type': textType, ...result.headers }, body: result.body };
  }
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...result.headers },
    body: JSON.stringify(result.body),
  };
}

/** Builds the Lambda handler for a group of routes. */
export function httpHandler(bound: BoundRoute[]) {
  const routes = new Map(bound.map((b) => [routeKey(b.spec), b]));
  const dispatch = async (event: HttpEvent, context: Context): Promise<HttpResponse> => {
    const s = state({ event });
    const { spec, run } = s.route!;
    const result = await run({
      params: s.params,
      query: s.query,
      body: s.body,
      principal: s.principal ?? null,
      headers: event.headers ?? {},
      requestId: context.awsRequestId,
      event,
    });
    return render(spec, result);
  };
  const handler = middy<HttpEvent, HttpResponse, Error, Context>()
    .use(correlation())
    // onError runs in reverse: problemErrors makes the error's response before cors decorates it.
    .use(cors())
    .use(noStore())
    .use(problemErrors())
    .use(resolveRoute(routes))
    .use(authenticate())
    .use(jsonBody())
    .use(validate())
    .handler(dispatch);
  return handler;
}
