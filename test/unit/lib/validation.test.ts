/**
 * functions/lib/validation.ts: every failing field gets a message a client can show, the
 * schema's own where it gives one, else one built from zod's issue.
 */
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { fieldErrors, parseOrThrow } from '#lib/validation.ts';

/** The field errors of the 400 parseOrThrow answers, as a client reads them. */
function errorsOf(schema: z.ZodMiniType, value: unknown) {
  try {
    parseOrThrow(schema, value, 'body');
  } catch (error) {
    return (error as { errors: ReturnType<typeof fieldErrors> }).errors.map(({ field, message, code }) => ({ field, message, code }));
  }
  throw new Error('expected a failure');
}

describe('field error messages', () => {
  it('keep the message a schema gives', () => {
    expect(errorsOf(z.object({ id: z.string().check(z.regex(/^x$/, { error: 'must be an x' })) }), { id: 'y' })).toEqual([
      { field: 'id', message: 'must be an x', code: 'invalid_format' },
    ]);
  });

  it('say the bound, the expected type or the allowed values when the schema gives no message', () => {
    const schema = z.object({
      limit: z.number().check(z.maximum(100)),
      share: z.number().check(z.gt(0)),
      title: z.string().check(z.minLength(3)),
      note: z.string().check(z.minLength(1)),
      tags: z.array(z.string()).check(z.maxLength(2)),
      level: z.enum(['silver', 'gold']),
      count: z.number(),
      name: z.string(),
      email: z.string().check(z.email()),
    });
    const value = { limit: 500, share: 0, title: 'ab', note: '', tags: ['a', 'b', 'c'], level: 'platinum', count: 'three', email: 'nope' };
    expect(errorsOf(schema, value)).toEqual([
      { field: 'limit', message: 'must be at most 100', code: 'too_big' },
      { field: 'share', message: 'must be more than 0', code: 'too_small' },
      { field: 'title', message: 'must be at least 3 characters', code: 'too_small' },
      { field: 'note', message: 'must be at least 1 character', code: 'too_small' },
      { field: 'tags', message: 'must be at most 2 items', code: 'too_big' },
      { field: 'level', message: 'must be one of "silver", "gold"', code: 'invalid_value' },
      { field: 'count', message: 'must be a number', code: 'invalid_type' },
      { field: 'name', message: 'is required', code: 'invalid_type' },
      { field: 'email', message: 'must be a valid email', code: 'invalid_format' },
    ]);
  });
});
