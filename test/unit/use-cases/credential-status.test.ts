import { describe, expect, it } from 'vitest';
import { credentialStatus } from '#use-cases/credentials/read-credential.ts';
import type { StoredCredential } from '#store/credentials.ts';

const credential = (over: Partial<StoredCredential> = {}): StoredCredential => ({
  id: 'cert_1',
  certificationId: 'cert_1',
  pathwayId: 'pw_1',
  level: 'gold',
  jwt: 'a.b.c',
  statusList: '1',
  statusIndex: 7,
  issuedAt: '2026-06-01T00:00:00.000Z',
  validFrom: '2026-07-01',
  expiresOn: '2029-07-01',
  ...over,
});

describe('a credential’s status on a day', () => {
  it('is not yet valid before validFrom, active from it, expired from expiresOn (the first day no longer valid)', () => {
    expect(credentialStatus(credential(), '2026-06-30')).toBe('not_yet_valid');
    expect(credentialStatus(credential(), '2026-07-01')).toBe('active');
    expect(credentialStatus(credential(), '2029-06-30')).toBe('active');
    expect(credentialStatus(credential(), '2029-07-01')).toBe('expired');
  });

  it('is revoked whatever the dates once revoked', () => {
    const revoked = credential({ revokedAt: '2027-01-01T00:00:00.000Z', revokedReason: 'withdrawn' });
    expect(credentialStatus(revoked, '2026-06-30')).toBe('revoked');
    expect(credentialStatus(revoked, '2027-06-01')).toBe('revoked');
    expect(credentialStatus(revoked, '2030-01-01')).toBe('revoked');
  });
});
