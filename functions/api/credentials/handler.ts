/**
 * Public credential routes (routes.ts). Reads are cacheable briefly, except the status
 * lists, which must show a revocation the moment it commits.
 */
import { decodeJwt } from 'jose';
import { credentialUrl, statusListUrl } from '#core/credentials/achievement.ts';
import { badgeSvg } from '#core/credentials/badge.ts';
import { didDocument } from '#core/credentials/issuer.ts';
import { config } from '#lib/config.ts';
import { httpHandler, implement } from '#lib/http.ts';
import { getCredential } from '#use-cases/credentials/read-credential.ts';
import { getIssuerKey, getStatusList } from '#use-cases/credentials/read-issuer.ts';
import { verifyCredential } from '#use-cases/credentials/verify-credential.ts';
import * as r from './routes.ts';

const briefly = { 'cache-control': 'public, max-age=60' };

export const handler = httpHandler([
  implement(r.getCredential, async (req) => {
    const { credential: c, status } = await getCredential(req.params.credentialId);
    const base = config.publicBaseUrl;
    const self = credentialUrl(base, c.id);
    return {
      headers: briefly,
      body: {
        id: c.id,
        certificationId: c.certificationId,
        pathwayId: c.pathwayId,
        level: c.level,
        validFrom: c.validFrom,
        validUntil: c.expiresOn,
        status,
        ...(c.revokedAt ? { revokedAt: c.revokedAt, revokedReason: c.revokedReason } : {}),
        jwt: c.jwt,
        credential: decodeJwt(c.jwt),
        links: {
          self,
          badge: `${self}/badge`,
          statusList: statusListUrl(base, c.statusList),
          verify: `${base}/credentials/verify`,
          issuer: `${base}/.well-known/did.json`,
        },
      },
    };
  }),
  implement(r.getCredentialBadge, async (req) => {
    const { credential: c } = await getCredential(req.params.credentialId);
    const name = (decodeJwt(c.jwt) as { credentialSubject?: { pathway?: { name?: string } } }).credentialSubject?.pathway?.name ?? '';
    return {
      headers: { ...briefly, 'content-disposition': `inline; filename="${c.id}-${c.level}.svg"` },
      body: badgeSvg({ level: c.level, pathwayName: name, validUntil: c.expiresOn, jwt: c.jwt }),
    };
  }),
  implement(r.verifyCredential, async (req) => ({
    body: await verifyCredential(req.body.credential),
    headers: { 'cache-control': 'no-store' },
  })),
  implement(r.getStatusList, async (req) => ({ body: await getStatusList(req.params.listId), headers: { 'cache-control': 'no-cache' } })),
  implement(r.getIssuerKeys, async () => {
    const key = await getIssuerKey();
    return { headers: briefly, body: { keys: [{ ...key.jwk, kid: key.kid, alg: 'ES256', use: 'sig' }] } };
  }),
  implement(r.getIssuerDid, async () => {
    const key = await getIssuerKey();
    return { headers: briefly, body: didDocument(key.did, key.kid, key.jwk) };
  }),
]);
