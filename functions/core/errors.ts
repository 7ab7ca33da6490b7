/**
 * The refusals the domain and the store can give, as typed errors. They carry what a
 * caller needs to answer (the thing that is missing, a machine code, the current version,
 * the failing input) and nothing of the transport: the HTTP edge renders them as
 * problem+json in one place (lib/domain-problems.ts) and the review pipeline turns them
 * into task failures (pipeline/errors.ts).
 */

/** Which part of the request a failing input came from, and the dotted path inside it. */
export interface FieldIssue {
  in: 'body' | 'path' | 'query' | 'header';
  field: string;
  message: string;
  code?: string;
}

/** Extra facts a refusal states beside its message, e.g. `{ code: 'last_lead' }` or `{ status: 'submitted' }`. */
export type Details = Record<string, unknown>;

export abstract class DomainError extends Error {
  abstract readonly kind:
    'not_found' | 'conflict' | 'precondition_failed' | 'forbidden' | 'unprocessable' | 'invalid_input' | 'too_large' | 'busy';
}

/** The thing does not exist (or the caller may not know it does). */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  constructor(readonly what: string) {
    super(`No such ${what}.`);
    this.name = 'NotFoundError';
  }
}

/** The thing's state does not allow the change; `retryAfterSeconds` when trying again soon can help. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    message: string,
    readonly details?: Details,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The caller edited an older version than the stored one. */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition_failed';
  constructor(
    readonly currentVersion: number,
    readonly details?: Details,
  ) {
    super(`The current version is ${currentVersion}.`);
    this.name = 'PreconditionFailedError';
  }
}

/** The actor may not make this change (beyond what the route's role check decides). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** Well-formed input the domain cannot accept. */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable';
  constructor(
    message: string,
    readonly fields?: FieldIssue[],
    readonly details?: Details,
  ) {
    super(message);
    this.name = 'UnprocessableError';
  }
}

/** Input that is invalid as such (a cursor of another list, a malformed key). */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid_input';
  constructor(
    readonly fields: FieldIssue[],
    message = 'The request has invalid fields; see errors.',
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** The thing would exceed a size bound of the store; `what` names it (e.g. 'Framework'). */
export class TooLargeError extends DomainError {
  readonly kind = 'too_large';
  constructor(
    readonly what: string,
    message: string,
    readonly fields: FieldIssue[],
    readonly details?: Details,
  ) {
    super(message);
    this.name = 'TooLargeError';
  }
}

/** Contention the store could not resolve in its own retries; trying again shortly succeeds. */
export class BusyError extends DomainError {
  readonly kind = 'busy';
  constructor(readonly retryAfterSeconds = 1) {
    super('The store is busy; retry shortly.');
    this.name = 'BusyError';
  }
}

/** Every domain error, for exhaustive switches on `kind`. */
export type AnyDomainError =
  | NotFoundError
  | ConflictError
  | PreconditionFailedError
  | ForbiddenError
  | UnprocessableError
  | InvalidInputError
  | TooLargeError
  | BusyError;
