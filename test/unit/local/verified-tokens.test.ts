import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from '../../../infra/local/verified-tokens.ts';

describe('verified tokens', () => {
  const claims = (exp: number) => ({ sub: 's', exp, 'cognito:groups': ['pathway'] });

  it('knows only what it was told, and answers it until exp', () => {
    let now = 1_000;
    const cache = new VerifiedTokens(10, () => now);
    expect(cache.lookup('t')).toEqual({ kind: 'unknown' });
    cache.remember('t', claims(1_010));
    expect(cache.lookup('t')).toEqual({ kind: 'valid', claims: claims(1_010) });
    now = 1_009;
    expect(cache.lookup('t').kind).toBe('valid');
    // jose's rule: expired at exp itself.
    now = 1_010;
    expect(cache.lookup('t')).toEqual({ kind: 'expired' });
    // An expired entry is dropped, so a later lookup sends the token to jose again.
    expect(cache.lookup('t')).toEqual({ kind: 'unknown' });
    expect(cache.size).toBe(0);
  });

  it('treats a token without a numeric exp as expired rather than valid forever', () => {
    const cache = new VerifiedTokens(10, () => 0);
    cache.remember('t', { sub: 's' });
    expect(cache.lookup('t').kind).toBe('expired');
  });

  it('hands out frozen copies, so one request cannot change the claims the next one sees', () => {
    const cache = new VerifiedTokens(10, () => 0);
    const original = claims(5);
    const kept = cache.remember('t', original);
    original['cognito:groups'].push('staff');
    expect(kept['cognito:groups']).toEqual(['pathway']);
    expect(Object.isFrozen(kept)).toBe(true);
    expect(Object.isFrozen(kept['cognito:groups'])).toBe(true);
  });

  it('keeps at most its capacity, dropping the least recently remembered', () => {
    const cache = new VerifiedTokens(2, () => 0);
    cache.remember('a', claims(5));
    cache.remember('b', claims(5));
    cache.remember('a', claims(5));
    cache.remember('c', claims(5));
    expect(cache.size).toBe(2);
    expect(cache.lookup('b').kind).toBe('unknown');
    expect(cache.lookup('a').kind).toBe('valid');
    expect(cache.lookup('c').kind).toBe('valid');
  });
});
