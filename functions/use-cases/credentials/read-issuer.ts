/**
 * What a verifier fetches from the issuer: its public key (JWKS and did.json are two
 * renderings of it) and the signed status lists, re-signed here when their content changed
 * (credentials/status.ts).
 */
import { NotFoundError } from '#core/errors.ts';
import { issuerKey, type IssuerKey } from '#credentials/signer.ts';
import { statusListJwt } from '#credentials/status.ts';

export function getIssuerKey(): Promise<IssuerKey> {
  return issuerKey();
}

/** The status list credential as a compact JWS. */
export async function getStatusList(listId: string): Promise<string> {
  const jwt = await statusListJwt(listId);
  if (!jwt) throw new NotFoundError('status list');
  return jwt;
}
