/**
 * The one mapping from domain errors to problem+json gives exactly the answers the store's
 * old inline problems gave: same status, type, title, detail, extensions and headers.
 */
import { describe, expect, it } from 'vitest';
import {
  BusyError,
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PreconditionFailedError,
  TooLargeError,
  UnprocessableError,
} from '#core/errors.ts';
import { problemOf } from '#lib/domain-problems.ts';
import { problems, type Problem } from '#lib/problem.ts';

const answer = (p: Problem) => ({ body: p.toBody('/x'), headers: p.headers });
const field = { in: 'query' as const, field: 'cursor', message: 'is not a cursor of this list', code: 'invalid_cursor' };

describe('domain errors as problem+json', () => {
  const cases: [DomainError, Problem][] = [
    [new NotFoundError('application'), problems.notFound('application')],
    [new ConflictError('Busy.', { code: 'last_lead' }), problems.conflict('Busy.', { code: 'last_lead' })],
    [new ConflictError('Again.', undefined, 1), problems.conflict('Again.', undefined, 1)],
    [new ConflictError('Plain.'), problems.conflict('Plain.')],
    [new PreconditionFailedError(7, { status: 'draft' }), problems.preconditionFailed(7, { status: 'draft' })],
    [new PreconditionFailedError(3), problems.preconditionFailed(3)],
    [new ForbiddenError('Not you.'), problems.forbidden('Not you.')],
    [
      new UnprocessableError('No.', [{ ...field, in: 'body' }], { missing: ['a'] }),
      problems.unprocessable('No.', [{ ...field, in: 'body' }], { missing: ['a'] }),
    ],
    [new UnprocessableError('Full.'), problems.unprocessable('Full.')],
    [new InvalidInputError([field]), problems.validation([field])],
    [new BusyError(2), problems.unavailable(2)],
  ];
  it.each(cases)('%s answers as before', (error, expected) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(answer(problemOf(error))).toStrictEqual(answer(expected));
    expect(problemOf(error).status).toBe(expected.status);
  });

  it('a size bound is a 413 titled after the thing, with its facts', () => {
    const p = problemOf(
      new TooLargeError('Framework', 'Too big.', [{ in: 'body', field: '', message: 'at most 9 bytes', code: 'too_large' }], {
        bytes: 10,
        maxBytes: 9,
      }),
    );
    expect(p.toBody()).toStrictEqual({
      type: 'urn:pathcert:problem:payload-too-large',
      title: 'Framework too large',
      status: 413,
      detail: 'Too big.',
      errors: [{ in: 'body', field: '', message: 'at most 9 bytes', code: 'too_large' }],
      bytes: 10,
      maxBytes: 9,
    });
  });
});
