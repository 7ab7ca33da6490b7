/**
 * The one mapping from the domain's typed refusals (core/errors.ts) to problem+json. The
 * HTTP error middleware (lib/http.ts) renders every DomainError through it, so a store
 * function or use case throws a domain error and every route answers it the same way.
 */
import type { AnyDomainError, DomainError, FieldIssue } from '#core/errors.ts';
import { Problem, problems, problemTypes, type FieldError } from './problem.ts';

const fieldErrors = (fields: readonly FieldIssue[]): FieldError[] => fields.map((f) => ({ ...f }));

export function problemOf(error: DomainError): Problem {
  const e = error as AnyDomainError;
  switch (e.kind) {
    case 'not_found':
      return problems.notFound(e.what);
    case 'conflict':
      return problems.conflict(e.message, e.details, e.retryAfterSeconds);
    case 'precondition_failed':
      return problems.preconditionFailed(e.currentVersion, e.details);
    case 'forbidden':
      return problems.forbidden(e.message);
    case 'unprocessable':
      return problems.unprocessable(e.message, e.fields && fieldErrors(e.fields), e.details);
    case 'invalid_input':
      return problems.validation(fieldErrors(e.fields), e.message);
    case 'too_large':
      return new Problem({
        status: 413,
        type: problemTypes.payloadTooLarge,
        title: `${e.what} too large`,
        detail: e.message,
        errors: fieldErrors(e.fields),
        extensions: e.details,
      });
    case 'busy':
      return problems.unavailable(e.retryAfterSeconds);
  }
}
