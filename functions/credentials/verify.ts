/**
 * Verifying a presented credential (POST /credentials/verify): the facts the explanation
 * (core/credentials/verification.ts) is made of. The signature is checked against this
 * issuer's own key, the status against its own status list (read from the table, so a
 * revocation counts the moment its transaction commits).
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWTPayload } from 'jose';
import { CREDENTIALS_V2, levelName, statusListUrl } from '#core/credentials/achievement.ts';
import { bakedCredential } from '#core/credentials/badge.ts';
import { STATUS_LIST_SIZE } from '#core/credentials/status-list.ts';
import { datesCheck, notChecked, verdict, type Check, type Verdict } from '#core/credentials/verification.ts';
import type { Level } from '#core/levels.ts';
import { nowIso } from '#lib/clock.ts';
import { config } from '#lib/config.ts';
import { getCredential, getStatusList } from '#store/credentials.ts';
import { issuerKey } from './signer.ts';

interface PresentedCredential extends JWTPayload {
  '@context'?: unknown;
  type?: unknown;
  issuer?: string | { id?: string };
  validFrom?: string;
  validUntil?: string;
  credentialSubject?: { id?: string; level?: Level; pathway?: { id?: string; name?: string } };
  credentialStatus?: { type?: string; statusPurpose?: string; statusListIndex?: string; statusListCredential?: string };
}

export interface Verification extends Verdict {
  credential?: { id: string; level: string; pathwayId: string; pathwayName: string; validFrom: string; validUntil: string; issuer: string };
}

const REASONS: Record<string, string> = {
  expired: 'the certification expired',
  withdrawn: 'the certification was withdrawn',
  downgraded: 'a later decision certified the pathway at a lower level',
};

function parse(
  presented: string,
): { jwt: string; header: ReturnType<typeof decodeProtectedHeader>; payload: PresentedCredential } | string {
  const text = presented.trim();
  const jwt = text.startsWith('<') ? bakedCredential(text) : text;
  if (!jwt) return 'The SVG has no baked credential (<openbadges:credential>).';
  try {
    const header = decodeProtectedHeader(jwt);
    const payload = decodeJwt<PresentedCredential>(jwt);
    if (header.alg !== 'ES256') return `Unsupported algorithm ${String(header.alg)}: this issuer signs ES256.`;
    const contexts = Array.isArray(payload['@context']) ? payload['@context'] : [];
    const types = Array.isArray(payload.type) ? payload.type : [];
    if (contexts[0] !== CREDENTIALS_V2 || !types.includes('VerifiableCredential') || !payload.credentialSubject || !payload.issuer) {
      return 'Not a W3C Verifiable Credential (data model 2.0): @context, type, issuer or credentialSubject missing.';
    }
    return { jwt, header, payload };
  } catch {
    return 'Not a compact JWS (three base64url parts with a JSON header and payload).';
  }
}

export async function verifyPresented(presented: string): Promise<Verification> {
  const parsed = parse(presented);
  if (typeof parsed === 'string') {
    return verdict(
      [
        { check: 'format', ok: false, detail: parsed },
        ...(['signature', 'issuer', 'dates', 'status'] as const).map((c) => notChecked(c, 'the credential could not be read')),
      ],
      undefined,
    );
  }
  const { jwt, header, payload } = parsed;
  const key = await issuerKey();
  const checks: Check[] = [{ check: 'format', ok: true, detail: 'A VC-JOSE-COSE JWT (ES256) carrying a W3C Verifiable Credential.' }];

  const issuer = typeof payload.issuer === 'string' ? payload.issuer : payload.issuer?.id;
  const ours = issuer === key.did;
  checks.push(
    ours
      ? { check: 'issuer', ok: true, detail: `Issued by ${key.did}, this service.` }
      : { check: 'issuer', ok: false, detail: `Issued by ${issuer ?? 'nobody'}, not by this service (${key.did}).` },
  );

  if (!ours) checks.push(notChecked('signature', "another issuer's key is not known here"));
  else if (header.kid !== key.kid)
    checks.push({
      check: 'signature',
      ok: false,
      detail: `Signed with key ${String(header.kid)}, which is not the issuer's key ${key.kid}.`,
    });
  else {
    try {
      await compactVerify(jwt, await importJWK({ ...key.jwk, alg: 'ES256' }, 'ES256'));
      checks.push({ check: 'signature', ok: true, detail: `The ES256 signature matches the issuer's key ${key.kid}.` });
    } catch {
      checks.push({
        check: 'signature',
        ok: false,
        detail: 'The signature does not match: the credential was altered or not signed by this issuer.',
      });
    }
  }

  checks.push(datesCheck(payload.validFrom, payload.validUntil, nowIso()));

  const status = payload.credentialStatus;
  const listPrefix = `${statusListUrl(config.publicBaseUrl, '')}`;
  const index = Number(status?.statusListIndex);
  const list = status?.statusListCredential?.startsWith(listPrefix) ? status.statusListCredential.slice(listPrefix.length) : undefined;
  if (
    !status ||
    status.statusPurpose !== 'revocation' ||
    !list ||
    !/^[1-9][0-9]{0,5}$/.test(list) ||
    !Number.isInteger(index) ||
    index < 0 ||
    index >= STATUS_LIST_SIZE
  ) {
    checks.push({ check: 'status', ok: false, detail: 'No revocation entry in a status list of this issuer.' });
  } else {
    const state = await getStatusList(list);
    // The list item holds the revoked indexes themselves: no need to build the 16 KB bitstring.
    const revoked = state.revoked.includes(index);
    if (!revoked) checks.push({ check: 'status', ok: true, detail: `Not revoked (status list ${list}, entry ${index}).` });
    else {
      const stored = typeof payload.jti === 'string' ? await getCredential(payload.jti.slice(payload.jti.lastIndexOf('/') + 1)) : undefined;
      const why = stored?.revokedReason ? `: ${REASONS[stored.revokedReason]}` : '';
      checks.push({
        check: 'status',
        ok: false,
        detail: `Revoked${why}${stored?.revokedAt ? ` (${stored.revokedAt.slice(0, 10)})` : ''}.`,
      });
    }
  }

  const subject = payload.credentialSubject ?? {};
  const level = subject.level;
  const name = subject.pathway?.name ?? 'the pathway';
  const claim = level
    ? `${name} is Linked Learning ${levelName(level) ?? level} certified until ${payload.validUntil?.slice(0, 10) ?? '?'}`
    : undefined;
  return {
    ...verdict(checks, claim),
    credential: {
      id: typeof payload.jti === 'string' ? payload.jti : String((payload as { id?: unknown }).id ?? ''),
      level: String(level ?? ''),
      pathwayId: subject.pathway?.id ?? '',
      pathwayName: subject.pathway?.name ?? '',
      validFrom: payload.validFrom ?? '',
      validUntil: payload.validUntil ?? '',
      issuer: issuer ?? '',
    },
  };
}
