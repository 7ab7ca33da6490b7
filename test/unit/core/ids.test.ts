import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idTimeMs, newId } from '#core/ids.ts';

describe('idTimeMs', () => {
  it('reads back the time an id was made at', () => {
    // ULIDs encode 48 bits of milliseconds.
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => idTimeMs('notification', newId('notification', ms)) === ms));
  });

  it('decodes the time of the ULID specification’s example', () => {
    expect(idTimeMs('message', 'msg_01ARYZ6S41TSV4RRFFQ69G5FAV')).toBe(1469918176385);
  });

  it('is undefined for an id of another kind or not an id at all', () => {
    expect(idTimeMs('notification', newId('message'))).toBeUndefined();
    expect(idTimeMs('notification', 'ntf_not-an-id')).toBeUndefined();
    expect(idTimeMs('notification', 'ntf_01ARYZ6S41TSV4RRFFQ69G5FA')).toBeUndefined();
  });
});
