import { describe, expect, it } from 'vitest';
import { actorOf, principalFromClaims } from '#lib/principal.ts';

describe('the principal', () => {
  it('reads the claims API Gateway flattens, and the arrays a token carries', () => {
    expect(principalFromClaims({ sub: 'u1', email: 'Rosa@Example.org', name: 'Rosa', 'cognito:groups': '[pathway reviewer]' })).toEqual({
      sub: 'u1',
      email: 'rosa@example.org',
      name: 'Rosa',
      groups: ['pathway', 'reviewer'],
    });
    expect(principalFromClaims({ sub: 'u2', 'cognito:groups': ['staff', 'admin'] })?.groups).toEqual(['staff']);
  });

  it('is absent without claims or without a subject', () => {
    expect(principalFromClaims(undefined)).toBeNull();
    expect(principalFromClaims({ email: 'x@example.org' })).toBeNull();
    expect(principalFromClaims({ sub: '' })).toBeNull();
  });

  it('names an actor by subject, name and email only, leaving out what the caller lacks', () => {
    expect(actorOf({ sub: 'u1', name: 'Rosa', email: 'rosa@example.org', groups: ['staff'] })).toEqual({
      sub: 'u1',
      name: 'Rosa',
      email: 'rosa@example.org',
    });
    const bare = actorOf({ sub: 'u2', groups: [] });
    expect(bare).toEqual({ sub: 'u2' });
    // Stored items carry no undefined attributes.
    expect(Object.keys(bare)).toEqual(['sub']);
  });
});
