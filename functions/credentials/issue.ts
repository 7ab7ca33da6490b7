/**
 * Issuing a certification's credential and revoking the ones a downgrade outranks, as
 * transaction parts for the decision's own transaction (functions/pipeline/decide.ts):
 * the credential exists exactly when the certification does.
 *
 * Order: the status entry is allocated and the credential signed first (the entry and the
 * dates are inside the signature), then the caller commits everything at once. A failed
 * commit leaves an unused entry and a signature nobody stored.
 */
import { achievementCredential, credentialHeader, credentialJwtPayload } from '#core/credentials/achievement.ts';
import { compareLevels, type Level } from '#core/levels.ts';
import { config } from '#lib/config.ts';
import type { Certification } from '#store/certifications.ts';
import { allocateStatusSlot, credentialPut, credentialRevocations, type StoredCredential } from '#store/credentials.ts';
import type { TransactItem } from '#store/db.ts';
import { getDistrict, getSchool, type StoredPathway } from '#store/registry.ts';
import { issuerIdentity, signJwt } from './signer.ts';

export interface CredentialIssue {
  credential: StoredCredential;
  items: TransactItem[];
}

/** The signed credential of `c` and the item that stores it. */
export async function credentialIssue(c: Certification, pathway: StoredPathway, frameworkVersion: string): Promise<CredentialIssue> {
  const key = issuerIdentity();
  const [slot, school, district] = await Promise.all([allocateStatusSlot(), getSchool(pathway.schoolId), getDistrict(c.districtId)]);
  const baseUrl = config.publicBaseUrl;
  const vc = achievementCredential({
    baseUrl,
    issuerDid: key.did,
    certificationId: c.id,
    level: c.level,
    issuedAt: c.issuedAt,
    validFrom: c.validFrom,
    expiresOn: c.expiresOn,
    frameworkVersion,
    pathway: { id: pathway.id, name: pathway.name },
    school: { id: pathway.schoolId, name: school?.name ?? '' },
    district: { id: c.districtId, name: district?.name ?? '' },
    status: slot,
  });
  const jwt = await signJwt(credentialHeader(key.kid), credentialJwtPayload(vc, c.issuedAt));
  const credential: StoredCredential = {
    id: c.id,
    certificationId: c.id,
    pathwayId: c.pathwayId,
    level: c.level,
    jwt,
    statusList: slot.list,
    statusIndex: slot.index,
    issuedAt: c.issuedAt,
    validFrom: c.validFrom,
    expiresOn: c.expiresOn,
  };
  return { credential, items: [credentialPut(credential)] };
}

/**
 * A downgrade: the credentials of the pathway's earlier certifications at a level above
 * `level` that still count today (not expired, not revoked, before their expiry) are
 * revoked with the new, lower certification. Renewals and upgrades revoke nothing: the
 * earlier credential stays true until its own `validUntil` (docs/credentials.md).
 */
export async function downgradeRevocations(
  history: readonly Certification[],
  level: Level,
  today: string,
  at: string,
): Promise<TransactItem[]> {
  const outranked = history.filter(
    (h) => compareLevels(h.level, level) > 0 && (h.status === 'active' || h.status === 'renewed') && h.expiresOn > today,
  );
  return outranked.length > 0
    ? credentialRevocations(
        outranked.map((h) => h.id),
        'downgraded',
        at,
      )
    : [];
}
