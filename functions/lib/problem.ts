/**
 * Problem details for HTTP APIs (RFC 9457). Every error the API answers is one of these,
 * rendered as `application/problem+json`. Domain code throws `Problem`s (or the typed
 * helpers below); the error middleware renders them and turns anything else into a 500
 * that carries no internals.
 */
export interface FieldError {
  /** Where the failing value was: the JSON body, a path parameter, the query string or a header. */
  in: 'body' | 'path' | 'query' | 'header';
  /** Dotted path to the failing field, e.g. `responses.0.narrative`; empty for the whole part. */
  field: string;
  message: string;
  code?: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem type URIs. They are stable identifiers clients may switch on (see README). */
export const problemTypes = {
  validation: 'urn:pathcert:problem:validation',
  malformedJson: 'urn:pathcert:problem:malformed-json',
  unsupportedMediaType: 'urn:pathcert:problem:unsupported-media-type',
  payloadTooLarge: 'urn:pathcert:problem:payload-too-large',
  headersTooLarge: 'urn:pathcert:problem:request-header-fields-too-large',
  badRequest: 'urn:pathcert:problem:bad-request',
  unauthorized: 'urn:pathcert:problem:unauthorized',
  forbidden: 'urn:pathcert:problem:forbidden',
  notFound: 'urn:pathcert:problem:not-found',
  methodNotAllowed: 'urn:pathcert:problem:method-not-allowed',
  conflict: 'urn:pathcert:problem:conflict',
  preconditionFailed: 'urn:pathcert:problem:precondition-failed',
  preconditionRequired: 'urn:pathcert:problem:precondition-required',
  unprocessable: 'urn:pathcert:problem:unprocessable',
  tooManyRequests: 'urn:pathcert:problem:too-many-requests',
  unavailable: 'urn:pathcert:problem:service-unavailable',
  internal: 'urn:pathcert:problem:internal',
} as const;

const RESERVED_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'errors']);

export class Problem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(init: {
    status: number;
    type: string;
    title: string;
    detail?: string;
    errors?: FieldError[];
    extensions?: Record<string, unknown>;
    headers?: Record<string, string>;
  }) {
    super(init.detail ?? init.title);
    this.name = 'Problem';
    this.status = init.status;
    this.type = init.type;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.extensions = init.extensions ?? {};
    this.headers = init.headers ?? {};
  }

  toBody(instance?: string): ProblemBody {
    // RFC 9457's own members always win: an extension such as the resource's `status`
    // ('draft') must not replace the HTTP status clients read from `status`; it is kept
    // as `currentStatus` (found by the hostile-input fuzzer, test/integration/fuzz.test.ts).
    const extensions: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this.extensions)) {
      extensions[RESERVED_MEMBERS.has(name) ? `current${name[0]!.toUpperCase()}${name.slice(1)}` : name] = value;
    }
    return {
      ...extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'The request has invalid fields; see errors.') =>
    new Problem({ status: 400, type: problemTypes.validation, title: 'Invalid request', detail, errors }),
  malformedJson: (detail: string) =>
    new Problem({
      status: 400,
      type: problemTypes.malformedJson,
      title: 'Malformed JSON body',
      detail,
      errors: [{ in: 'body', field: '', message: detail, code: 'malformed_json' }],
    }),
  unsupportedMediaType: (got: string | undefined) =>
    new Problem({
      status: 415,
      type: problemTypes.unsupportedMediaType,
      title: 'Unsupported media type',
      detail: `Send the body as application/json${got ? `, not ${got}` : ''}.`,
      errors: [{ in: 'header', field: 'content-type', message: 'must be application/json', code: 'content_type' }],
    }),
  payloadTooLarge: (limit: number) =>
    new Problem({
      status: 413,
      type: problemTypes.payloadTooLarge,
      title: 'Request body too large',
      detail: `The body must be at most ${limit} bytes.`,
      errors: [{ in: 'body', field: '', message: `at most ${limit} bytes`, code: 'too_large' }],
    }),
  headersTooLarge: (limit: number) =>
    new Problem({
      status: 431,
      type: problemTypes.headersTooLarge,
      title: 'Request header fields too large',
      detail: `The request line and headers must be at most ${limit} bytes in all.`,
    }),
  /** A request that is not well-formed HTTP; only the server in front of the functions answers it. */
  badRequest: (detail: string) => new Problem({ status: 400, type: problemTypes.badRequest, title: 'Bad request', detail }),
  unauthorized: (detail = 'A valid bearer token is required.') =>
    new Problem({
      status: 401,
      type: problemTypes.unauthorized,
      title: 'Unauthorized',
      detail,
      headers: { 'www-authenticate': 'Bearer' },
    }),
  forbidden: (detail = 'Your role does not allow this action.') =>
    new Problem({ status: 403, type: problemTypes.forbidden, title: 'Forbidden', detail }),
  notFound: (what = 'resource') =>
    new Problem({ status: 404, type: problemTypes.notFound, title: 'Not found', detail: `No such ${what}.` }),
  methodNotAllowed: () => new Problem({ status: 405, type: problemTypes.methodNotAllowed, title: 'Method not allowed' }),
  conflict: (detail: string, extensions?: Record<string, unknown>, retryAfterSeconds?: number) =>
    new Problem({
      status: 409,
      type: problemTypes.conflict,
      title: 'Conflict',
      detail,
      extensions,
      ...(retryAfterSeconds ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
    }),
  preconditionFailed: (currentVersion: number, extensions?: Record<string, unknown>) =>
    new Problem({
      status: 412,
      type: problemTypes.preconditionFailed,
      title: 'Precondition failed',
      detail: `The resource has changed; its current version is ${currentVersion}. Reload and apply your change again.`,
      extensions: { currentVersion, ...extensions },
      headers: { etag: `"${currentVersion}"` },
    }),
  preconditionRequired: () =>
    new Problem({
      status: 428,
      type: problemTypes.preconditionRequired,
      title: 'Precondition required',
      detail: 'Send If-Match with the version you edited (or `version` in the body).',
      errors: [{ in: 'header', field: 'if-match', message: 'required', code: 'required' }],
    }),
  unprocessable: (detail: string, errors?: FieldError[], extensions?: Record<string, unknown>) =>
    new Problem({ status: 422, type: problemTypes.unprocessable, title: 'Unprocessable request', detail, errors, extensions }),
  unavailable: (retryAfterSeconds = 1) =>
    new Problem({
      status: 503,
      type: problemTypes.unavailable,
      title: 'Service temporarily unavailable',
      detail: 'A dependency is busy. Retry after the indicated delay.',
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  internal: () =>
    new Problem({
      status: 500,
      type: problemTypes.internal,
      title: 'Internal error',
      detail: 'Something went wrong on our side. The request id identifies it in our logs.',
    }),
};
