/**
 * The issuer's identity: `did:web` of the API's public origin. A verifier resolves it
 * with nothing but HTTPS: `did:web:api.example.org` is the document at
 * `https://api.example.org/.well-known/did.json`, whose verification method holds the
 * issuer's public key (the KMS key's, as a JWK). A port is percent-encoded
 * (`did:web:127.0.0.1%3A4000`), as the did:web method says.
 */

export type PublicJwk = { kty: string; crv?: string; x?: string; y?: string; [k: string]: unknown };

/** The DID of the issuer whose public origin is `baseUrl` (its path, if any, is ignored). */
export function issuerDid(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `did:web:${url.host.replace(':', '%3A')}`;
}

/** The verification method: the DID with the KMS key's id as fragment, so a new key gets a new id. */
export const verificationMethodId = (did: string, keyId: string) => `${did}#${keyId}`;

/** The DID document served at /.well-known/did.json. */
export function didDocument(did: string, kid: string, jwk: PublicJwk) {
  const id = kid;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: [{ id, type: 'JsonWebKey2020', controller: did, publicKeyJwk: { ...jwk, kid: id, alg: 'ES256', use: 'sig' } }],
    assertionMethod: [id],
  };
}
