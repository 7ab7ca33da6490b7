/**
 * Verifiable credentials against the local platform: a certification decided by the real
 * review workflow issues an Open Badges 3.0 credential, signed by the local KMS; an
 * independent verifier (did-jwt, resolving the issuer's did:web document over HTTP from
 * the API) accepts it and its status list; the API's own verifier explains valid, tampered
 * and revoked credentials; the sweep's expiry and a downgrade flip the status list bit.
 */
import { gunzipSync } from 'node:zlib';
import { verifyJWT } from 'did-jwt';
import { Resolver, type DIDResolutionResult, type ParsedDID } from 'did-resolver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downgradeRevocations, credentialIssue } from '#credentials/issue.ts';
import { issueCertification } from '#store/certifications.ts';
import { getCredential } from '#store/credentials.ts';
import { transact } from '#store/db.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import { newId } from '#core/ids.ts';
import { addDaysTo } from '#core/recertification/validity.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus } from '../support/registry-world.ts';
import { anotherPathway, buildWorld, reviewAndCertify, submitted, until, type World } from '../support/review-world.ts';

let t: TestPlatform;
let w: World;

/** did:web resolution as web-did-resolver does it, over the local API's plain HTTP. */
function webResolver(): Resolver {
  return new Resolver({
    web: async (_did: string, parsed: ParsedDID): Promise<DIDResolutionResult> => {
      const res = await fetch(`http://${decodeURIComponent(parsed.id)}/.well-known/did.json`);
      return {
        didResolutionMetadata: { contentType: 'application/did+json' },
        didDocument: (await res.json()) as DIDResolutionResult['didDocument'],
        didDocumentMetadata: {},
      };
    },
  });
}

const nowSeconds = () => Math.floor((Date.now() + t.platform.clock.state().offsetMs) / 1000);

/** Independent status check: fetch the status list credential, verify it with did-jwt, read the bit. */
async function revokedBit(statusListCredential: string, index: number): Promise<boolean> {
  const res = await fetch(statusListCredential);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/vc\+jwt/);
  const jwt = await res.text();
  const verified = await verifyJWT(jwt, { resolver: webResolver(), proofPurpose: 'assertionMethod', policies: { now: nowSeconds() } });
  const subject = (verified.payload as { credentialSubject: { type: string; statusPurpose: string; encodedList: string } })
    .credentialSubject;
  expect(subject).toMatchObject({ type: 'BitstringStatusList', statusPurpose: 'revocation' });
  const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), 'base64url'));
  expect(bits.length).toBe(131_072 / 8);
  return ((bits[index >> 3]! >> (7 - (index % 8))) & 1) === 1;
}

interface CredentialView {
  id: string;
  status: string;
  level: string;
  jwt: string;
  revokedReason?: string;
  credential: { credentialStatus: { statusListCredential: string; statusListIndex: string }; credentialSubject: Record<string, unknown> };
  links: { badge: string; statusList: string };
}
interface VerificationView {
  verified: boolean;
  summary: string;
  checks: { check: string; ok: boolean; detail: string }[];
}

const verify = async (credential: string) =>
  expectStatus(await t.api<VerificationView>('POST', '/credentials/verify', { body: { credential } }), 200).json;
const failed = (v: VerificationView) => v.checks.filter((c) => !c.ok).map((c) => c.check);

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true, scheduleTickMs: 0 });
  w = await buildWorld(t, 'vc', [
    { email: 'vc-r1@example.org', name: 'Vera Reviewer' },
    { email: 'vc-r2@example.org', name: 'Vic Reviewer' },
  ]);
}, 60_000);
afterAll(async () => {
  t?.platform.clock.setOffset(0);
  await t?.stop();
});

describe('a credential for every certification', () => {
  let certificationId: string;
  let view: CredentialView;

  it('certifying through the review workflow issues a credential an independent verifier accepts', async () => {
    const appId = await submitted(t, w);
    await reviewAndCertify(t, w, appId);
    const certs = expectStatus(
      await t.api<{ items: { id: string; level: string; expiresOn: string }[] }>('GET', `/pathways/${w.pathway.id}/certifications`, {
        token: w.lead.token,
      }),
      200,
    ).json;
    certificationId = certs.items[0]!.id;

    view = expectStatus(await t.api<CredentialView>('GET', `/credentials/${certificationId}`), 200).json;
    expect(view).toMatchObject({ id: certificationId, status: 'active', level: 'candidacy' });
    expect(view.credential.credentialSubject).toMatchObject({
      level: 'candidacy',
      pathway: { id: w.pathway.id, name: w.pathway.name, district: { id: w.district.id } },
    });

    // did-jwt: signature against the key in the did:web document, issuer, nbf/exp.
    const verified = await verifyJWT(view.jwt, {
      resolver: webResolver(),
      proofPurpose: 'assertionMethod',
      policies: { now: nowSeconds() },
    });
    const did = `did:web:${new URL(t.platform.apiUrl).host.replace(':', '%3A')}`;
    expect(verified.issuer).toBe(did);
    expect(verified.payload).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2', expect.stringContaining('purl.imsglobal.org/spec/ob/v3p0')],
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: did },
      credentialSubject: { type: ['AchievementSubject'], achievement: { type: ['Achievement'], achievementType: 'Certification' } },
      credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' },
    });
    const status = view.credential.credentialStatus;
    expect(await revokedBit(status.statusListCredential, Number(status.statusListIndex))).toBe(false);

    // The API's verifier agrees, on the JWT and on the baked badge.
    const ok = await verify(view.jwt);
    expect(ok.verified, ok.summary).toBe(true);
    expect(ok.checks.map((c) => c.check)).toEqual(['format', 'signature', 'issuer', 'dates', 'status']);
    const badge = await fetch(view.links.badge);
    expect(badge.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await badge.text();
    expect(svg).toContain('xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"');
    expect(svg).toContain(`<openbadges:credential>${view.jwt}</openbadges:credential>`);
    expect((await verify(svg)).verified).toBe(true);

    // The directory does not list candidacy; the issuer's keys are published as a JWK Set too.
    const jwks = expectStatus(await t.api<{ keys: { kid: string; crv: string }[] }>('GET', '/credentials/jwks'), 200).json;
    expect(jwks.keys).toEqual([expect.objectContaining({ crv: 'P-256', kid: expect.stringMatching(new RegExp(`^${did}#`)) })]);
  }, 120_000);

  it('a tampered credential fails, for the independent verifier and the API', async () => {
    const [header, payload, signature] = view.jwt.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    claims.credentialSubject.level = 'gold';
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expect(
      verifyJWT(tampered, { resolver: webResolver(), proofPurpose: 'assertionMethod', policies: { now: nowSeconds() } }),
    ).rejects.toThrow(/signature/i);
    const v = await verify(tampered);
    expect(v.verified).toBe(false);
    expect(failed(v)).toEqual(['signature']);
    // Not a JWT at all: 200 with the format check failed, not a 4xx or 5xx.
    const garbage = await verify('not-a-credential');
    expect(failed(garbage)).toEqual(['format', 'signature', 'issuer', 'dates', 'status']);
    expect(expectStatus(await t.api('POST', '/credentials/verify', { body: { credential: '' } }), 400)).toBeTruthy();
    expect(expectStatus(await t.api('GET', `/credentials/${newId('certification')}`), 404)).toBeTruthy();
    expect(expectStatus(await t.api('GET', '/credential-status/999'), 404)).toBeTruthy();
  });

  it('expiry in the recertification sweep revokes it: the status list flips', async () => {
    const c = (await getCredential(certificationId))!;
    const day = c.expiresOn;
    t.platform.clock.setOffset(Date.parse(`${day}T08:00:00Z`) - Date.now());
    await until('the sweep to expire the certification', async () => {
      await t.platform.invoke('recertificationSweep', { job: 'recertification-sweep', scheduledTime: `${day}T07:00:00Z` });
      return (await getCredential(certificationId))?.revokedAt;
    });
    const after = expectStatus(await t.api<CredentialView>('GET', `/credentials/${certificationId}`), 200).json;
    expect(after).toMatchObject({ status: 'revoked', revokedReason: 'expired' });
    const status = view.credential.credentialStatus;
    expect(await revokedBit(status.statusListCredential, Number(status.statusListIndex))).toBe(true);
    // Checked the day before its expiry, only the status fails: revoked, and why.
    t.platform.clock.setOffset(Date.parse(`${addDaysTo(day, -1)}T08:00:00Z`) - Date.now());
    const v = await verify(view.jwt);
    expect(failed(v)).toEqual(['status']);
    expect(v.checks.find((x) => x.check === 'status')!.detail).toMatch(/Revoked: the certification expired/);
    t.platform.clock.setOffset(0);
  }, 60_000);

  it("a downgrade revokes the higher credential in the new certification's transaction", async () => {
    t.platform.clock.setOffset(0);
    const other = await anotherPathway(t, w, 'VC Downgrade Academy');
    const issue = async (level: 'gold' | 'silver') => {
      const pathway = (await getPathway(other.pathway.id, true))!;
      const at = new Date().toISOString();
      const { certification, items } = issueCertification({
        id: newId('certification'),
        pathwayId: pathway.id,
        districtId: pathway.districtId,
        applicationId: newId('application'),
        level,
        issuedAt: at,
        previous: undefined,
      });
      const credential = await credentialIssue(certification, pathway, '2026.1');
      const pathwayWrite = certificationWrite(pathway, { level, until: certification.expiresOn }, { sub: 'test-staff' }, 'granted');
      return { certification, items: [...items, ...credential.items, ...pathwayWrite], credential: credential.credential, at };
    };
    const gold = await issue('gold');
    await transact(gold.items);
    const silver = await issue('silver');
    const revocations = await downgradeRevocations([gold.certification], 'silver', silver.certification.issuedOn, silver.at);
    expect(revocations).toHaveLength(2);
    await transact([...silver.items, ...revocations]);

    expect(await getCredential(gold.certification.id)).toMatchObject({ revokedReason: 'downgraded' });
    const goldView = expectStatus(await t.api<CredentialView>('GET', `/credentials/${gold.certification.id}`), 200).json;
    expect(await revokedBit(goldView.credential.credentialStatus.statusListCredential, gold.credential.statusIndex)).toBe(true);
    const silverView = expectStatus(await t.api<CredentialView>('GET', `/credentials/${silver.certification.id}`), 200).json;
    expect(silverView.status).toBe('active');
    expect(await revokedBit(silverView.credential.credentialStatus.statusListCredential, silver.credential.statusIndex)).toBe(false);
    expect(failed(await verify(goldView.jwt))).toEqual(['status']);
    expect((await verify(silverView.jwt)).verified).toBe(true);

    // The directory profile links the credential of the certification it shows.
    const profile = expectStatus(
      await t.api<{ level: string; credential: { id: string; url: string; badge: string } | null }>(
        'GET',
        `/directory/${other.pathway.id}`,
      ),
      200,
    ).json;
    expect(profile).toMatchObject({
      level: 'silver',
      credential: {
        id: silver.certification.id,
        url: `${t.platform.apiUrl}/credentials/${silver.certification.id}`,
        badge: `${t.platform.apiUrl}/credentials/${silver.certification.id}/badge`,
      },
    });
  }, 60_000);

  it("a staff withdrawal revokes the credential in the withdrawal's transaction", async () => {
    t.platform.clock.setOffset(0);
    const other = await anotherPathway(t, w, 'VC Withdrawal Academy');
    const pathway = (await getPathway(other.pathway.id, true))!;
    const at = new Date().toISOString();
    const { certification, items } = issueCertification({
      id: newId('certification'),
      pathwayId: pathway.id,
      districtId: pathway.districtId,
      applicationId: newId('application'),
      level: 'gold',
      issuedAt: at,
      previous: undefined,
    });
    const credential = await credentialIssue(certification, pathway, '2026.1');
    await transact([
      ...items,
      ...credential.items,
      ...certificationWrite(pathway, { level: 'gold', until: certification.expiresOn }, { sub: 'test-staff' }, 'granted'),
    ]);
    const before = expectStatus(await t.api<CredentialView>('GET', `/credentials/${certification.id}`), 200).json;
    expect((await verify(before.jwt)).verified).toBe(true);

    const path = `/pathways/${pathway.id}/certifications/${certification.id}/withdraw`;
    expectStatus(await t.api('POST', path, { token: w.staff.token, body: { reason: 'Work-based learning no longer offered.' } }), 200);
    // Retried: the same answer, and the status list is not touched twice.
    expectStatus(await t.api('POST', path, { token: w.staff.token, body: { reason: 'Work-based learning no longer offered.' } }), 200);

    expect(expectStatus(await t.api<CredentialView>('GET', `/credentials/${certification.id}`), 200).json).toMatchObject({
      status: 'revoked',
      revokedReason: 'withdrawn',
    });
    expect(await revokedBit(before.credential.credentialStatus.statusListCredential, credential.credential.statusIndex)).toBe(true);
    const v = await verify(before.jwt);
    expect(failed(v)).toEqual(['status']);
    expect(v.checks.find((x) => x.check === 'status')!.detail).toMatch(/withdrawn/);
    // No longer certified: no public profile to link it from.
    expectStatus(await t.api('GET', `/directory/${pathway.id}`), 404);
  }, 60_000);
});
