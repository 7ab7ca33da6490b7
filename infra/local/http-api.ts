/**
 * A local API Gateway HTTP API (payload format 2.0) in front of the catalog's functions:
 * route selection, CORS preflight, the JWT authorizer, the 10 MB payload limit, the v2
 * event, and the mapping of the function's result back to HTTP.
 *
 * Deliberate differences from AWS, all in what the gateway itself answers (never in what
 * a function answers): AWS replies `{"message":"Not Found"}` for an unknown route or
 * method, `{"message":"Unauthorized"}` from the JWT authorizer and `{"message":"Request
 * Entity Too Large"}`; locally these are RFC 9457 problem+json with the same status (and
 * 405 with `Allow` for a known path with another method, where AWS says 404), so a client
 * developer sees why. A function that throws still gets AWS's exact
 * `{"message":"Internal Server Error"}`. Headers beyond Node's limit get a problem+json 431
 * (and a request that is not HTTP a problem+json 400) from this server itself; in AWS,
 * API Gateway bounds the request line and headers with its own quota and error answer.
 *
 * Local-only endpoints: GET /.well-known/jwks.json (the dev issuer's keys) and
 * GET|POST /_local/clock (the dev clock).
 */
import { randomFillSync } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FunctionName } from '#catalog';
import { PROBLEM_CONTENT_TYPE, problems, type Problem } from '#lib/problem.ts';
import { routeKey, type RouteSpec } from '#lib/route.ts';
import { apiCorsConfig } from '../api-cors.ts';
import { buildEvent, internalServerError, toGatewayResponse, type GatewayResponse, type HttpApiEvent } from './api-gateway-event.ts';
import type { DevClock } from './dev-clock.ts';
import { TokenRejected, type DevIssuer } from './dev-issuer.ts';
import { listen } from './ports.ts';
import { createRouteMatcher } from './route-matcher.ts';

/**
 * The request line and headers locally: Node's default. API Gateway has its own, smaller
 * quota (10 KB for HTTP APIs) and answers beyond it itself, before any function runs.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

/** API Gateway's hard limit on a request payload. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface LocalHttpApiOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  routes: readonly RouteSpec[];
  /** Runs the catalog function with the event (see lambda.ts). */
  invoke: (fn: FunctionName, event: HttpApiEvent, awsRequestId: string) => Promise<unknown>;
  issuer: Pick<DevIssuer, 'verify' | 'jwks'>;
  allowedOrigins: readonly string[];
  clock: DevClock;
  maxPayloadBytes?: number;
  maxHeaderBytes?: number;
  log?: (line: string) => void;
  /**
   * Sees every answer before it is sent (tests check it against the OpenAPI document).
   * `routeKey` is the matched route's, undefined when the gateway answered for no route.
   */
  onResponse?: (exchange: ApiExchange) => void;
}

export interface ApiExchange {
  requestId: string;
  method: string;
  url: string;
  routeKey: string | undefined;
  statusCode: number;
  headers: GatewayResponse['headers'];
  body: Buffer;
}

export interface LocalHttpApi {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function problemResponse(
  problem: Problem,
  instance: string,
  requestId: string,
  extraHeaders: Record<string, string> = {},
): GatewayResponse {
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...problem.headers, ...extraHeaders },
    body: Buffer.from(JSON.stringify({ ...problem.toBody(instance), requestId })),
  };
}

function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(body)) };
}

/** Reads the whole body; beyond the limit it keeps draining (so the client can read our 413) but stores nothing. */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

const NO_BODY = Object.freeze({ body: Buffer.alloc(0), tooLarge: false });

/**
 * A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3),
 * which is every GET: it skips waiting for the stream's end, a few event-loop turns.
 */
function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/**
 * API Gateway's request ids are 10 random bytes in base64. They are cut from a pool filled
 * 400 ids at a time: one call into the random source per request cost more than the rest of
 * the id.
 */
const ID_BYTES = 10;
const idPool = Buffer.alloc(ID_BYTES * 400);
let idOffset = idPool.length;
function nextRequestId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  idOffset += ID_BYTES;
  return idPool.toString('base64', idOffset - ID_BYTES, idOffset);
}

function bearerToken(header: string | undefined): string {
  if (!header) return '';
  // API Gateway's identity source is the whole header; it accepts the token with or without the scheme.
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return (match ? match[1]! : header).trim();
}

export async function startLocalHttpApi(options: LocalHttpApiOptions): Promise<LocalHttpApi> {
  const log = options.log ?? (() => {});
  const limit = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  const match = createRouteMatcher(options.routes);
  const cors = apiCorsConfig(options.allowedOrigins);

  const allowedOrigin = (origin: string | undefined): string | undefined => {
    if (!origin) return undefined;
    if (cors.allowOrigins.includes('*')) return '*';
    return cors.allowOrigins.includes(origin) ? origin : undefined;
  };

  /** API Gateway answers preflights itself, for any path, when CORS is configured. */
  const preflight = (origin: string | undefined): GatewayResponse => {
    const allow = allowedOrigin(origin);
    if (!allow) return { statusCode: 204, headers: {}, body: Buffer.alloc(0) };
    return {
      statusCode: 204,
      headers: {
        'access-control-allow-origin': allow,
        'access-control-allow-methods': cors.allowMethods.join(','),
        'access-control-allow-headers': cors.allowHeaders.join(','),
        'access-control-max-age': String(cors.maxAgeSeconds),
        ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
        ...(allow === '*' ? {} : { vary: 'Origin' }),
      },
      body: Buffer.alloc(0),
    };
  };

  /** With CORS configured, API Gateway replaces the integration's CORS headers with its own. */
  const applyCors = (response: GatewayResponse, origin: string | undefined): GatewayResponse => {
    if (!origin) return response;
    const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !name.startsWith('access-control-')));
    const allow = allowedOrigin(origin);
    if (allow) {
      headers['access-control-allow-origin'] = allow;
      headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
      if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
    }
    return { ...response, headers };
  };

  const clockEndpoint = (method: string, body: Buffer, path: string, requestId: string): GatewayResponse => {
    if (method === 'GET') return jsonResponse(200, options.clock.state());
    if (method !== 'POST') return problemResponse(problems.methodNotAllowed(), path, requestId, { allow: 'GET, POST' });
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch (error) {
      return problemResponse(problems.malformedJson((error as Error).message), path, requestId);
    }
    const { advanceDays, offsetMs } = (input ?? {}) as { advanceDays?: unknown; offsetMs?: unknown };
    if (typeof advanceDays === 'number' && Number.isFinite(advanceDays)) return jsonResponse(200, options.clock.advanceDays(advanceDays));
    if (typeof offsetMs === 'number' && Number.isFinite(offsetMs)) return jsonResponse(200, options.clock.setOffset(offsetMs));
    return problemResponse(
      problems.validation([{ in: 'body', field: '', message: 'send {"advanceDays": n} or {"offsetMs": n}', code: 'required' }]),
      path,
      requestId,
    );
  };

  const handle = async (req: IncomingMessage, requestId: string, matched: { routeKey?: string }): Promise<GatewayResponse> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const origin = req.headers.origin;

    if (method === 'OPTIONS' && origin && req.headers['access-control-request-method']) {
      req.resume();
      return preflight(origin);
    }
    const { body, tooLarge } = hasNoBody(req) ? (req.resume(), NO_BODY) : await readBody(req, limit);
    if (tooLarge) return problemResponse(problems.payloadTooLarge(limit), path, requestId);

    if (path === '/.well-known/jwks.json' && method === 'GET') return jsonResponse(200, options.issuer.jwks());
    if (path === '/_local/clock') return clockEndpoint(method, body, path, requestId);

    const found = match(method, path);
    if (found.kind === 'not-found') return problemResponse(problems.notFound('route'), path, requestId);
    if (found.kind === 'method-not-allowed') {
      return problemResponse(problems.methodNotAllowed(), path, requestId, { allow: found.allow.join(', ') });
    }

    matched.routeKey = routeKey(found.route);
    let claims: Record<string, unknown> | undefined;
    if (found.route.auth === 'jwt') {
      try {
        claims = await options.issuer.verify(bearerToken(req.headers.authorization));
      } catch (error) {
        const reason = error instanceof TokenRejected ? error : new TokenRejected('invalid', String(error));
        const challenge =
          reason.reason === 'missing' ? 'Bearer' : `Bearer error="invalid_token", error_description="${reason.message.replace(/"/g, "'")}"`;
        return problemResponse(problems.unauthorized(reason.message), path, requestId, { 'www-authenticate': challenge });
      }
    }

    const event = buildEvent(
      {
        method,
        url,
        headers: req.headersDistinct as Record<string, string[]>,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        protocol: `HTTP/${req.httpVersion}`,
      },
      { routeKey: matched.routeKey, pathParameters: found.pathParameters, claims },
      requestId,
    );
    try {
      const result = await options.invoke(found.route.fn, event, requestId);
      return toGatewayResponse(result, (reason) => log(`${found.route.fn} returned a malformed response: ${reason}`));
    } catch (error) {
      log(`${found.route.fn} threw: ${(error as Error)?.stack ?? String(error)}`);
      return internalServerError();
    }
  };

  const maxHeaderBytes = options.maxHeaderBytes ?? MAX_HEADER_BYTES;
  const server = http.createServer({ maxHeaderSize: maxHeaderBytes }, (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const requestId = nextRequestId();
    const matched: { routeKey?: string } = {};
    void handle(req, requestId, matched)
      .catch((error: unknown) => {
        log(`local HTTP API failed: ${(error as Error)?.stack ?? String(error)}`);
        return internalServerError();
      })
      .then((response) => {
        // A preflight answer already is the gateway's own CORS answer.
        const isPreflight = req.method === 'OPTIONS' && !!req.headers['access-control-request-method'];
        const final = isPreflight ? response : applyCors(response, req.headers.origin);
        // An observer that throws must not keep the answer from the client: it is logged.
        try {
          options.onResponse?.({
            requestId,
            method: (req.method ?? 'GET').toUpperCase(),
            url: req.url ?? '/',
            // Preflights are answered before route matching (and no route takes OPTIONS): no key.
            routeKey: matched.routeKey,
            statusCode: final.statusCode,
            headers: final.headers,
            body: final.body,
          });
        } catch (error) {
          log(`onResponse observer failed: ${(error as Error)?.stack ?? String(error)}`);
        }
        res.writeHead(final.statusCode, {
          ...final.headers,
          'apigw-requestid': requestId,
          'content-length': String(final.body.length),
        });
        res.end(final.body);
        log(`${req.method} ${req.url} ${final.statusCode} ${Math.round(performance.now() - started)}ms`);
      });
  });

  // Oversized headers and unparsable requests never reach `handle`: Node's parser refuses
  // them and by default writes a bare status line. Answer problem+json like every other error.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const requestId = nextRequestId();
    const problem =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? problems.headersTooLarge(maxHeaderBytes)
        : problems.badRequest('The request is not well-formed HTTP/1.1.');
    const response = problemResponse(problem, '', requestId);
    const head = [
      `HTTP/1.1 ${problem.status} ${http.STATUS_CODES[problem.status]}`,
      ...Object.entries({
        ...response.headers,
        'apigw-requestid': requestId,
        'content-length': String(response.body.length),
        connection: 'close',
      }).map(([k, v]) => `${k}: ${String(v)}`),
    ].join('\r\n');
    socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), response.body]));
    log(`refused a request Node could not parse (${error.code ?? error.message}): ${problem.status}`);
  });

  const { port, endpoint: url } = await listen(server, { host: options.host, port: options.port, inUseHint: 'pass --port' });

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
