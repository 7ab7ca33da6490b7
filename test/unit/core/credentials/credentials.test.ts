import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  achievementCredential,
  credentialHeader,
  credentialJwtPayload,
  statusListCredentialPayload,
} from '#core/credentials/achievement.ts';
import { bakedCredential, badgeSvg } from '#core/credentials/badge.ts';
import { didDocument, issuerDid } from '#core/credentials/issuer.ts';
import { derToJose, joseToDer } from '#core/credentials/signature.ts';
import { bitAt, bitstringOf, decodeStatusList, encodeStatusList, STATUS_LIST_SIZE, statusSlot } from '#core/credentials/status-list.ts';
import { datesCheck, notChecked, verdict } from '#core/credentials/verification.ts';

describe('DER → JOSE signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it("turns node's DER ECDSA signatures into r||s that verify as IEEE P1363, and back", () => {
    for (let i = 0; i < 50; i++) {
      const data = Buffer.from(`message ${i}`);
      const der = sign('sha256', data, privateKey);
      const raw = derToJose(der);
      expect(raw).toHaveLength(64);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      expect(Buffer.from(joseToDer(raw))).toEqual(der);
    }
  });

  it('pads short integers and strips the sign octet', () => {
    // r = 0x00ff (needs a leading zero in DER), s = 1.
    const der = Uint8Array.from([0x30, 0x07, 0x02, 0x02, 0x00, 0xff, 0x02, 0x01, 0x01]);
    const raw = derToJose(der);
    expect(raw[31]).toBe(0xff);
    expect(raw.subarray(0, 31).every((b) => b === 0)).toBe(true);
    expect(raw[63]).toBe(1);
    expect(derToJose(joseToDer(raw))).toEqual(raw);
  });

  it('refuses what is not one DER signature', () => {
    expect(() => derToJose(Uint8Array.from([0x31, 0x00]))).toThrow(/SEQUENCE/);
    expect(() => derToJose(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow();
    expect(() => derToJose(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]))).toThrow();
    const long = Uint8Array.from([0x30, 0x25, 0x02, 0x21, 0x01, ...new Array(32).fill(1), 0x02, 0x00]);
    expect(() => derToJose(long)).toThrow();
  });
});

describe('Bitstring Status List', () => {
  it('encodes as multibase base64url GZIP, most significant bit first, and decodes back', () => {
    const encoded = encodeStatusList([0, 9, STATUS_LIST_SIZE - 1]);
    expect(encoded.startsWith('u')).toBe(true);
    const bits = decodeStatusList(encoded);
    expect(bits).toHaveLength(STATUS_LIST_SIZE / 8);
    expect(bits[0]).toBe(0x80);
    expect(bits[1]).toBe(0x40);
    expect(bits.at(-1)).toBe(0x01);
    expect([0, 1, 9, 10, STATUS_LIST_SIZE - 1].map((i) => bitAt(bits, i))).toEqual([true, false, true, false, true]);
  });

  it('round-trips any set of indexes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1023 }), { maxLength: 40 }), (set) => {
        const bits = decodeStatusList(encodeStatusList(set, 1024));
        for (let i = 0; i < 1024; i++) expect(bitAt(bits, i)).toBe(set.includes(i));
      }),
      { numRuns: 50 },
    );
  });

  it('hands out entries list by list', () => {
    expect(statusSlot(0)).toEqual({ list: '1', index: 0 });
    expect(statusSlot(STATUS_LIST_SIZE - 1)).toEqual({ list: '1', index: STATUS_LIST_SIZE - 1 });
    expect(statusSlot(STATUS_LIST_SIZE)).toEqual({ list: '2', index: 0 });
    expect(() => statusSlot(-1)).toThrow();
    expect(() => bitstringOf([STATUS_LIST_SIZE])).toThrow(/range/);
  });
});

describe('the Open Badges 3.0 credential', () => {
  const baseUrl = 'https://api.example.org';
  const did = issuerDid(baseUrl);
  const vc = achievementCredential({
    baseUrl,
    issuerDid: did,
    certificationId: 'cert_01',
    level: 'gold',
    issuedAt: '2026-06-15T10:00:00.000Z',
    validFrom: '2026-06-15',
    expiresOn: '2029-06-15',
    frameworkVersion: '2026.1',
    pathway: { id: 'pw_01', name: 'Engineering Academy' },
    school: { id: 'sch_01', name: 'Bayshore High' },
    district: { id: 'dst_01', name: 'Bayshore Unified' },
    status: { list: '1', index: 42 },
  });

  it('is an OpenBadgeCredential about the pathway, with the level as its achievement and a revocation entry', () => {
    expect(did).toBe('did:web:api.example.org');
    expect(issuerDid('http://127.0.0.1:4000')).toBe('did:web:127.0.0.1%3A4000');
    expect(vc).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id: 'https://api.example.org/credentials/cert_01',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: did, type: ['Profile'] },
      validFrom: '2026-06-15T00:00:00Z',
      validUntil: '2029-06-15T00:00:00Z',
      credentialSubject: {
        id: 'https://api.example.org/directory/pw_01',
        type: ['AchievementSubject'],
        achievement: {
          id: 'https://api.example.org/credentials/achievements/gold',
          type: ['Achievement'],
          achievementType: 'Certification',
          name: 'Linked Learning Gold Certification',
        },
        pathway: { id: 'pw_01', school: { name: 'Bayshore High' }, district: { name: 'Bayshore Unified' } },
        frameworkVersion: '2026.1',
      },
      credentialStatus: {
        id: 'https://api.example.org/credential-status/1#42',
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '42',
        statusListCredential: 'https://api.example.org/credential-status/1',
      },
    });
  });

  it('mirrors issuer, id, subject and dates in the JWT claims', () => {
    const payload = credentialJwtPayload(vc, '2026-06-15T10:00:00.000Z');
    expect(payload).toMatchObject({
      iss: did,
      jti: vc.id,
      sub: vc.credentialSubject.id,
      iat: Date.parse('2026-06-15T10:00:00Z') / 1000,
      nbf: Date.parse('2026-06-15T00:00:00Z') / 1000,
      exp: Date.parse('2029-06-15T00:00:00Z') / 1000,
    });
    expect(credentialHeader(`${did}#k1`)).toEqual({ alg: 'ES256', kid: `${did}#k1`, typ: 'vc+jwt', cty: 'vc' });
  });

  it('status list credentials carry the encoded list and a short validity', () => {
    const p = statusListCredentialPayload({
      baseUrl,
      issuerDid: did,
      list: '1',
      encodedList: 'uH4sI',
      signedAt: '2026-06-15T10:00:00.000Z',
      ttlHours: 24,
    });
    expect(p).toMatchObject({
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: 'uH4sI' },
      validUntil: '2026-06-16T10:00:00.000Z',
    });
  });

  it('the DID document names the key for assertions', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as { kty: string };
    const doc = didDocument(did, `${did}#k1`, jwk);
    expect(doc.assertionMethod).toEqual([`${did}#k1`]);
    expect(doc.verificationMethod[0]).toMatchObject({
      id: `${did}#k1`,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: { kty: 'EC', crv: 'P-256', alg: 'ES256' },
    });
  });
});

describe('the badge', () => {
  it('bakes the JWT in an openbadges:credential element and escapes names', () => {
    const svg = badgeSvg({ level: 'silver', pathwayName: 'Arts & <Media>', validUntil: '2028-01-01', jwt: 'aa.bb.cc' });
    expect(svg).toContain('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"');
    expect(svg).toContain('Arts &amp; &lt;Media&gt;');
    expect(bakedCredential(svg)).toBe('aa.bb.cc');
    expect(bakedCredential(badgeSvg({ level: 'gold', pathwayName: 'x', validUntil: '2028-01-01' }))).toBeUndefined();
  });
});

describe('the explanation', () => {
  it('checks dates with validFrom inclusive and validUntil exclusive', () => {
    expect(datesCheck('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', '2026-01-01T00:00:00Z').ok).toBe(true);
    expect(datesCheck('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^Expired/),
    });
    expect(datesCheck('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', '2025-12-31T23:59:59Z')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^Not valid yet/),
    });
    expect(datesCheck(undefined, undefined, '2026-01-01T00:00:00Z').ok).toBe(false);
  });

  it('is verified only when every check passed, and says what failed', () => {
    const pass = (check: 'format' | 'signature' | 'issuer' | 'dates' | 'status') => ({ check, ok: true, detail: 'fine.' });
    const all = verdict(
      [pass('format'), pass('signature'), pass('issuer'), pass('dates'), pass('status')],
      'X is Gold certified until 2029-06-15',
    );
    expect(all).toMatchObject({ verified: true, summary: 'Verified: X is Gold certified until 2029-06-15.' });
    const one = verdict(
      [
        pass('format'),
        pass('signature'),
        pass('issuer'),
        pass('dates'),
        { check: 'status', ok: false, detail: 'Revoked: the certification expired.' },
      ],
      undefined,
    );
    expect(one).toMatchObject({ verified: false, summary: 'Not verified: Revoked: the certification expired.' });
    expect(verdict([pass('format')], undefined).checks.map((c) => c.ok)).toEqual([true, false, false, false, false]);
  });

  it('names what failed in the summary, not the checks that could not run after it', () => {
    const unreadable = verdict(
      [
        { check: 'format', ok: false, detail: 'Not a compact JWS.' },
        ...(['signature', 'issuer', 'dates', 'status'] as const).map((c) => notChecked(c, 'the credential could not be read')),
      ],
      undefined,
    );
    expect(unreadable.summary).toBe('Not verified: Not a compact JWS.');
    expect(unreadable.checks.filter((c) => c.detail.startsWith('Not checked'))).toHaveLength(4);
  });
});
