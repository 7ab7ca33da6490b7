/** A certification's verifiable credential, public: the stored JWT and its status today. */
import { NotFoundError } from '#core/errors.ts';
import { calendarDateOf } from '#core/recertification/validity.ts';
import { nowIso } from '#lib/clock.ts';
import { getCredential as readStored, type StoredCredential } from '#store/credentials.ts';

export type CredentialStatus = 'active' | 'not_yet_valid' | 'expired' | 'revoked';

/** Where the credential stands on `today` (a revocation outranks its dates). */
export function credentialStatus(c: StoredCredential, today: string): CredentialStatus {
  if (c.revokedAt) return 'revoked';
  if (today >= c.expiresOn) return 'expired';
  if (today < c.validFrom) return 'not_yet_valid';
  return 'active';
}

export async function getCredential(id: string): Promise<{ credential: StoredCredential; status: CredentialStatus }> {
  const credential = await readStored(id);
  if (!credential) throw new NotFoundError('credential');
  return { credential, status: credentialStatus(credential, calendarDateOf(nowIso())) };
}
