import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#core/errors.ts';
import { problemOf } from '#lib/domain-problems.ts';
import { decodeCursor, encodeCursor } from '#store/pagination.ts';

const key = { PK: 'PATHWAY#pw_1', SK: 'PATHWAY', GSI1PK: 'DISTRICT#d1#PATHWAYS', GSI1SK: 'alpha#pw_1' };

function rejects(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    expect((e as InvalidInputError).fields).toEqual([
      { in: 'query', field: 'cursor', message: 'is not a cursor of this list', code: 'invalid_cursor' },
    ]);
    expect(problemOf(e as InvalidInputError).status).toBe(400);
    return;
  }
  throw new Error('expected an invalid cursor refusal');
}

describe('cursors', () => {
  it('round-trip for the query they came from', () => {
    const cursor = encodeCursor(key)!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'GSI1', 'DISTRICT#d1#PATHWAYS')).toEqual(key);
  });

  it('are refused for another partition, another index, or when forged', () => {
    const cursor = encodeCursor(key)!;
    rejects(() => decodeCursor(cursor, 'GSI1', 'DISTRICT#d2#PATHWAYS'));
    rejects(() => decodeCursor(cursor, 'GSI2', 'DISTRICT#d1#PATHWAYS'));
    rejects(() => decodeCursor(cursor, undefined, 'PATHWAY#pw_1'));
    rejects(() => decodeCursor('not-json', 'GSI1', 'DISTRICT#d1#PATHWAYS'));
    rejects(() => decodeCursor(encodeCursor({ ...key, extra: 'x' }), 'GSI1', 'DISTRICT#d1#PATHWAYS'));
    rejects(() => decodeCursor(encodeCursor({ ...key, GSI1SK: 5 as unknown as string }), 'GSI1', 'DISTRICT#d1#PATHWAYS'));
    rejects(() => decodeCursor(Buffer.from('[1,2]').toString('base64url'), 'GSI1', 'DISTRICT#d1#PATHWAYS'));
  });

  it('are absent on the last page', () => {
    expect(encodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(undefined, 'GSI1', 'x')).toBeUndefined();
  });
});
