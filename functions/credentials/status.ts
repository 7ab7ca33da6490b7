/**
 * Publishing a status list: signed on read, cached on the list's item. A reader finds the
 * revoked indexes, the list's version (bumped by every revocation, in the same
 * transaction as the certification's change) and the last signed copy with the version
 * it shows; when the versions differ, or the copy is older than STATUS_LIST_RESIGN_HOURS,
 * it signs a new one (KMS) and keeps it. So a revocation shows in the very next read, and
 * a quiet list is signed at most a few times a day.
 */
import { credentialHeader, statusListCredentialPayload } from '#core/credentials/achievement.ts';
import { encodeStatusList, STATUS_LIST_SIZE } from '#core/credentials/status-list.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { getStatusList, saveSignedStatusList, statusListCount } from '#store/credentials.ts';
import { issuerIdentity, signJwt } from './signer.ts';

/** A signed list credential is valid this long (its validUntil)… */
export const STATUS_LIST_TTL_HOURS = 24;
/** …and replaced after this long even when nothing changed. */
export const STATUS_LIST_RESIGN_HOURS = 12;

/** The status list credential (compact JWS), or undefined when no such list exists yet. */
export async function statusListJwt(list: string): Promise<string | undefined> {
  const [state, count] = await Promise.all([getStatusList(list), statusListCount(STATUS_LIST_SIZE)]);
  if (Number(list) > count) return undefined;
  const now = nowIso();
  const signed = state.signed;
  if (
    signed &&
    signed.version === state.version &&
    Date.parse(now) - Date.parse(signed.signedAt) < STATUS_LIST_RESIGN_HOURS * 3_600_000 &&
    Date.parse(now) >= Date.parse(signed.signedAt)
  ) {
    return signed.jwt;
  }
  const key = issuerIdentity();
  const payload = statusListCredentialPayload({
    baseUrl: config.publicBaseUrl,
    issuerDid: key.did,
    list,
    encodedList: encodeStatusList(state.revoked),
    signedAt: now,
    ttlHours: STATUS_LIST_TTL_HOURS,
  });
  const jwt = await signJwt(credentialHeader(key.kid), payload);
  await saveSignedStatusList(list, { version: state.version, jwt, signedAt: now });
  return jwt;
}
