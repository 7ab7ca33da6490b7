/**
 * Verifiable credentials (public, no token): a certification's Open Badges 3.0 credential,
 * its badge image with the credential baked in, the status lists, the issuer's DID
 * document and keys, and a verifier that explains its answer. See docs/credentials.md.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { route } from '#lib/route.ts';
import { idSchema, named } from '#lib/schemas.ts';

const FN = 'credentials' as const;
const TAGS = ['Credentials'];

/** Largest credential the verifier reads: a compact JWS, or an SVG badge with one baked in. */
export const MAX_PRESENTED_CREDENTIAL_CHARS = 65_536;

const credentialParams = /* @__PURE__ */ lazy(() => z.strictObject({ credentialId: idSchema('certification') }));

export const credentialStatuses = ['active', 'not_yet_valid', 'expired', 'revoked'] as const;

export const credentialSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      certificationId: z.string(),
      pathwayId: z.string(),
      level: z.enum(['candidacy', 'silver', 'gold']),
      validFrom: z.string(),
      /** First day no longer valid. */
      validUntil: z.string(),
      status: z.enum(credentialStatuses),
      revokedAt: z.optional(z.string()),
      revokedReason: z.optional(z.enum(['expired', 'withdrawn', 'downgraded'])),
      /** The credential as issued: a compact JWS (VC-JOSE-COSE, `typ: vc+jwt`). */
      jwt: z.string(),
      /** The JWT's payload: the Open Badges 3.0 credential. */
      credential: z.record(z.string(), z.unknown()),
      links: z.object({ self: z.string(), badge: z.string(), statusList: z.string(), verify: z.string(), issuer: z.string() }),
    }),
    'Credential',
    undefined,
    "A certification's verifiable credential and where its status is published",
  ),
);

export const checkNames = ['format', 'signature', 'issuer', 'dates', 'status'] as const;

export const verificationSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      verified: z.boolean(),
      /** One sentence: what the credential claims and whether it holds. */
      summary: z.string(),
      checks: z.array(z.object({ check: z.enum(checkNames), ok: z.boolean(), detail: z.string() })),
      credential: z.optional(
        z.object({
          id: z.string(),
          level: z.string(),
          pathwayId: z.string(),
          pathwayName: z.string(),
          validFrom: z.string(),
          validUntil: z.string(),
          issuer: z.string(),
        }),
      ),
    }),
    'CredentialVerification',
    undefined,
    'What the verifier checked and found; `verified` only when every check passed',
  ),
);

export const getCredential = route({
  id: 'getCredential',
  method: 'GET',
  path: '/credentials/{credentialId}',
  fn: FN,
  auth: 'public',
  summary: "A certification's verifiable credential (Open Badges 3.0, VC-JOSE-COSE JWT) and its current status",
  description:
    'The credential id is the certification id. 404 when the certification has no credential (issued before credentials existed).',
  tags: TAGS,
  schemas: () => ({
    params: credentialParams(),
    response: credentialSchema(),
  }),
});

export const getCredentialBadge = route({
  id: 'getCredentialBadge',
  method: 'GET',
  path: '/credentials/{credentialId}/badge',
  fn: FN,
  auth: 'public',
  summary: "The level's badge image (SVG) with the credential baked in (`<openbadges:credential>`)",
  tags: TAGS,
  schemas: () => ({
    params: credentialParams(),
  }),
  produces: 'image/svg+xml',
});

export const verifyCredential = route({
  id: 'verifyCredential',
  method: 'POST',
  path: '/credentials/verify',
  fn: FN,
  auth: 'public',
  summary: 'Verify a presented credential: signature, issuer, dates and status, each explained',
  description:
    '`credential` is the compact JWS, or an SVG badge with one baked in. The answer is 200 whether or not the credential verifies; `verified` and `checks` say which.',
  tags: TAGS,
  schemas: () => ({
    body: z.strictObject({ credential: z.string().check(z.minLength(1), z.maxLength(MAX_PRESENTED_CREDENTIAL_CHARS)) }),
    response: verificationSchema(),
  }),
});

export const getStatusList = route({
  id: 'getCredentialStatusList',
  method: 'GET',
  path: '/credential-status/{listId}',
  fn: FN,
  auth: 'public',
  summary: 'A status list credential (W3C Bitstring Status List, revocation), signed JWT, current as of this request',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ listId: z.string().check(z.regex(/^[1-9][0-9]{0,5}$/, { error: 'must be a status list number' })) }),
  }),
  produces: 'application/vc+jwt',
});

export const getIssuerKeys = route({
  id: 'getCredentialIssuerKeys',
  method: 'GET',
  path: '/credentials/jwks',
  fn: FN,
  auth: 'public',
  summary: "The credential issuer's public keys (JWK Set)",
  tags: TAGS,
  schemas: () => ({
    response: named(z.object({ keys: z.array(z.record(z.string(), z.unknown())) }), 'IssuerKeys'),
  }),
});

export const getIssuerDid = route({
  id: 'getIssuerDidDocument',
  method: 'GET',
  path: '/.well-known/did.json',
  fn: FN,
  auth: 'public',
  summary: "The credential issuer's did:web document (its verification key)",
  tags: TAGS,
  schemas: () => ({
    response: named(
      z.object({
        '@context': z.array(z.string()),
        id: z.string(),
        verificationMethod: z.array(
          z.object({ id: z.string(), type: z.string(), controller: z.string(), publicKeyJwk: z.record(z.string(), z.unknown()) }),
        ),
        assertionMethod: z.array(z.string()),
      }),
      'DidDocument',
    ),
  }),
});

export const credentialRoutes = [getIssuerDid, getIssuerKeys, verifyCredential, getStatusList, getCredential, getCredentialBadge];
