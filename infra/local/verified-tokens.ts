/**
 * Tokens the dev issuer has already verified, so a client that sends the same token on
 * every request pays for the RSA signature check once (WebCrypto's RS256 verify costs
 * ~0.3–0.7 ms here, more than the rest of the local gateway's work per request).
 *
 * Only a token verified in full is kept, keyed by its exact text: the same bytes carry the
 * same signature, issuer and audience, so the one check that can change is expiry, and it
 * is made again on every hit with the clock jose uses (real time). `nbf` needs no recheck:
 * a token that was already valid stays valid until `exp`. The cache is bounded; the oldest
 * entry goes first.
 */
import type { JWTPayload } from 'jose';

export const VERIFIED_TOKEN_CAPACITY = 1_000;

export type CachedToken = { kind: 'valid'; claims: Readonly<JWTPayload> } | { kind: 'expired' } | { kind: 'unknown' };

export class VerifiedTokens {
  readonly #entries = new Map<string, Readonly<JWTPayload>>();

  constructor(
    private readonly capacity = VERIFIED_TOKEN_CAPACITY,
    private readonly nowSeconds = () => Math.floor(Date.now() / 1000),
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  lookup(token: string): CachedToken {
    const claims = this.#entries.get(token);
    if (!claims) return { kind: 'unknown' };
    // jose's rule: expired once now >= exp (no clock tolerance is configured).
    if (typeof claims.exp !== 'number' || claims.exp <= this.nowSeconds()) {
      this.#entries.delete(token);
      return { kind: 'expired' };
    }
    return { kind: 'valid', claims };
  }

  /** Keeps a token jose accepted; its claims are frozen because every request shares them. */
  remember(token: string, claims: JWTPayload): Readonly<JWTPayload> {
    const frozen = deepFreeze(structuredClone(claims));
    this.#entries.delete(token);
    this.#entries.set(token, frozen);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return frozen;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
