/**
 * The issuer's key in KMS: an asymmetric ECC_NIST_P256 key (SIGN_VERIFY). The private key
 * never leaves KMS: a JWS signing input is hashed here (SHA-256) and KMS signs the digest
 * (ECDSA_SHA_256), answering DER, which becomes JOSE's r||s (core/credentials/signature.ts).
 * The public key (GetPublicKey, SPKI DER) is read once per instance and published as a JWK
 * by the functions that publish or verify (kms:GetPublicKey); issuing needs only kms:Sign.
 * Locally the same calls reach the local KMS server (infra/local/kms/), whose key is a file.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { issuerDid, verificationMethodId, type PublicJwk } from '#core/credentials/issuer.ts';
import { derToJose } from '#core/credentials/signature.ts';
import { kmsClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

export interface IssuerIdentity {
  did: string;
  /** `<did>#<KMS key id>`: the JWS `kid` and the DID document's verification method. */
  kid: string;
}

export interface IssuerKey extends IssuerIdentity {
  jwk: PublicJwk;
}

/**
 * Who signs, without asking KMS: the DID of the public origin and the key's id (the last
 * part of CREDENTIAL_KEY_ID, a key ARN in AWS). Issuing needs only kms:Sign.
 */
export function issuerIdentity(): IssuerIdentity {
  const did = issuerDid(config.publicBaseUrl);
  const keyId = config.credentialKeyId;
  return { did, kid: verificationMethodId(did, keyId.slice(keyId.lastIndexOf('/') + 1)) };
}

let cached: { kid: string; key: Promise<IssuerKey> } | undefined;

/** The issuer's identity with its public key (kms:GetPublicKey, once per instance and key). */
export function issuerKey(): Promise<IssuerKey> {
  const identity = issuerIdentity();
  if (cached?.kid !== identity.kid) {
    const key = (async () => {
      const out = await kmsClient().send(new GetPublicKeyCommand({ KeyId: config.credentialKeyId }));
      if (!out.PublicKey) throw new Error(`KMS returned no public key for ${config.credentialKeyId}`);
      const exported = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
      const jwk: PublicJwk = { kty: exported.kty!, crv: exported.crv, x: exported.x, y: exported.y };
      return { ...identity, jwk };
    })();
    // A failed read is not kept: the next call asks KMS again.
    key.catch(() => {
      if (cached?.key === key) cached = undefined;
    });
    cached = { kid: identity.kid, key };
  }
  return cached.key;
}

/** A compact JWS (ES256) of `payload` under `header`, signed by KMS. */
export async function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const digest = createHash('sha256').update(signingInput).digest();
  const out = await kmsClient().send(
    new SignCommand({ KeyId: config.credentialKeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
  );
  if (!out.Signature) throw new Error('KMS returned no signature');
  return `${signingInput}.${b64url(derToJose(out.Signature))}`;
}
