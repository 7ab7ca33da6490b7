/**
 * The local identity provider: mints tokens shaped like Cognito id tokens and verifies
 * them the way API Gateway's JWT authorizer does (signature against the JWKS, issuer,
 * audience, expiry, RS256 only — the authorizer accepts RSA keys only, and Cognito signs
 * with RS256).
 *
 * For `npm start` and `npm run token` the key pair lives in `.local/keys/`, so a token
 * minted from another terminal is accepted by a running local API and survives restarts.
 * Tests keep the key in memory. The issuer is a fixed string rather than a URL with the
 * port in it, so tokens stay valid whichever port the API listens on.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';
import { VerifiedTokens } from './verified-tokens.ts';

export const DEV_ISSUER = 'pathcert-local';
export const DEV_AUDIENCE = 'pathcert-local';
export const DEV_ALGORITHM = 'RS256';
const KEY_FILE = 'dev-issuer.private.jwk.json';

export interface IssueTokenInput {
  /** Defaults to a stable id derived from the email, so the same person keeps the same sub. */
  sub?: string;
  email: string;
  name?: string;
  /** Become `cognito:groups` (roles: staff, reviewer, district, pathway). */
  groups: readonly string[];
  /** Seconds from now (negative for an already expired token) or a span such as `'12h'`. Default 1 h. */
  expiresIn?: number | string;
  /** Extra or replacement claims, applied last (tests use them to forge wrong issuers or audiences). */
  claims?: Record<string, unknown>;
}

export type TokenFailure = 'missing' | 'expired' | 'invalid';

/** Why a token was rejected; the local API answers 401 for every one of them. */
export class TokenRejected extends Error {
  constructor(
    readonly reason: TokenFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TokenRejected';
  }
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly kid: string;
  issueToken(input: IssueTokenInput): Promise<string>;
  /** The public keys, as served at /.well-known/jwks.json. */
  jwks(): JSONWebKeySet;
  /**
   * Verified claims (frozen: a token seen before is answered from verified-tokens.ts after
   * its expiry is checked again), or TokenRejected.
   */
  verify(token: string): Promise<JWTPayload>;
}

/** A UUID-shaped subject derived from the email, like the stable `sub` Cognito gives a user. */
export function subjectForEmail(email: string): string {
  const hex = createHash('sha256').update(`pathcert-local:${email.trim().toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const PRIVATE_RSA_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

function publicJwk(privateJwk: JWK): JWK {
  const copy: JWK = { ...privateJwk };
  for (const field of PRIVATE_RSA_FIELDS) delete copy[field];
  return copy;
}

async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: DEV_ALGORITHM, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
}

/** Reads the persisted key, creating it when missing; two processes racing both end up with the winner's key. */
async function persistedPrivateJwk(keyDir: string): Promise<JWK> {
  const file = path.join(keyDir, KEY_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`Cannot read the dev issuer key ${file}: ${(error as Error).message} (delete it to make a new one)`, {
        cause: error,
      });
    }
  }
  await mkdir(keyDir, { recursive: true });
  const jwk = await newPrivateJwk();
  try {
    await writeFile(file, JSON.stringify(jwk, null, 2), { flag: 'wx', mode: 0o600 });
    return jwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(await readFile(file, 'utf8')) as JWK;
    throw error;
  }
}

/** `keyDir` persists the key pair there; without it the key lives only in this process. */
export async function createDevIssuer(options: { keyDir?: string } = {}): Promise<DevIssuer> {
  const privateJwk = options.keyDir ? await persistedPrivateJwk(options.keyDir) : await newPrivateJwk();
  const kid = privateJwk.kid ?? 'dev';
  const signingKey = (await importJWK(privateJwk, DEV_ALGORITHM)) as CryptoKey;
  const keySet: JSONWebKeySet = { keys: [publicJwk(privateJwk)] };
  const localKeys = createLocalJWKSet(keySet);
  const verified = new VerifiedTokens();

  return {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    kid,
    jwks: () => structuredClone(keySet),

    async issueToken(input) {
      const iat = Math.floor(Date.now() / 1000);
      const sub = input.sub ?? subjectForEmail(input.email);
      const expiresIn = input.expiresIn ?? 3600;
      const payload: JWTPayload = {
        sub,
        'cognito:groups': [...input.groups],
        'cognito:username': sub,
        email: input.email.toLowerCase(),
        email_verified: true,
        ...(input.name ? { name: input.name } : {}),
        token_use: 'id',
        auth_time: iat,
        iss: DEV_ISSUER,
        aud: DEV_AUDIENCE,
        iat,
        jti: randomUUID(),
        ...(typeof expiresIn === 'number' ? { exp: iat + expiresIn } : {}),
        ...input.claims,
      };
      const jwt = new SignJWT(payload).setProtectedHeader({ alg: DEV_ALGORITHM, kid, typ: 'JWT' });
      if (typeof expiresIn === 'string') jwt.setExpirationTime(expiresIn);
      return jwt.sign(signingKey);
    },

    async verify(token) {
      if (!token) throw new TokenRejected('missing', 'No bearer token');
      const cached = verified.lookup(token);
      if (cached.kind === 'valid') return cached.claims;
      if (cached.kind === 'expired') throw new TokenRejected('expired', 'The token has expired');
      try {
        const { payload } = await jwtVerify(token, localKeys, {
          issuer: DEV_ISSUER,
          audience: DEV_AUDIENCE,
          algorithms: [DEV_ALGORITHM],
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        return verified.remember(token, payload);
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new TokenRejected('expired', 'The token has expired');
        throw new TokenRejected('invalid', `The token is not valid: ${(error as Error).message}`);
      }
    },
  };
}
