/**
 * Local AWS KMS endpoint for the credential issuer's key, in the real awsJson1_1 protocol
 * (`X-Amz-Target: TrentService.<Operation>`), so `KMSClient` (endpoint from
 * AWS_ENDPOINT_URL_KMS) and `aws kms ... --endpoint-url` work unchanged.
 *
 * One asymmetric key, ECC_NIST_P256 for SIGN_VERIFY, as the stack creates in AWS:
 * - `Sign` (ECDSA_SHA_256; MessageType RAW hashes the message, DIGEST signs the given
 *   32-byte SHA-256 digest), answering a DER signature as KMS does;
 * - `GetPublicKey` (SubjectPublicKeyInfo DER), `DescribeKey`; `Verify` for the CLI.
 * The key is addressed by its id, its ARN or the alias `alias/pathcert-local-credentials`.
 * The private key is a file (`<keyDir>/kms-credential-key.json`, created on first start,
 * kept across restarts and by `npm start -- --fresh`, like the dev token issuer's key), or
 * in memory when no directory is given (tests).
 */
import { createHash, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { joseToDer } from '#core/credentials/signature.ts';
import { awsJsonProtocol, AwsJsonServiceError, type JsonObject } from '../aws-json.ts';
import { listen } from '../ports.ts';

export type KmsErrorType =
  | 'NotFoundException'
  | 'InvalidKeyUsageException'
  | 'ValidationException'
  | 'UnsupportedOperationException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'KMSInvalidSignatureException'
  | 'KMSInternalException';

export class KmsError extends AwsJsonServiceError<KmsErrorType> {
  constructor(type: KmsErrorType, message: string, status?: number) {
    super(type, message, 'KMSInternalException', status);
  }
}

const protocol = awsJsonProtocol({
  contentType: 'application/x-amz-json-1.1',
  targetPrefix: 'TrentService.',
  error: (kind, message) => new KmsError(kind, message),
});

export const LOCAL_CREDENTIAL_KEY_ALIAS = 'alias/pathcert-local-credentials';

export interface KmsServerOptions {
  port?: number;
  host?: string;
  region: string;
  accountId: string;
  /** Where the key file lives; none = a key in memory for this run. */
  keyDir?: string;
  log?: (line: string) => void;
}

export interface LocalKms {
  endpoint: string;
  port: number;
  /** The key's ARN: what CREDENTIAL_KEY_ID holds locally. */
  keyArn: string;
  stop(): Promise<void>;
}

interface KeyFile {
  keyId: string;
  createdAt: string;
  /** The private key as a JWK (P-256). */
  privateJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string; d: string };
}

function loadOrCreateKey(keyDir: string | undefined): KeyFile {
  const file = keyDir ? path.join(keyDir, 'kms-credential-key.json') : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key: KeyFile = {
    keyId: randomUUID(),
    createdAt: new Date().toISOString(),
    privateJwk: privateKey.export({ format: 'jwk' }) as KeyFile['privateJwk'],
  };
  if (file) {
    mkdirSync(keyDir!, { recursive: true });
    writeFileSync(file, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  }
  return key;
}

const blob = (value: unknown, member: string): Buffer => {
  if (typeof value !== 'string' || value === '') throw new KmsError('ValidationException', `${member} is required (base64)`);
  return Buffer.from(value, 'base64');
};

export async function startKmsServer(options: KmsServerOptions): Promise<LocalKms> {
  const log = options.log ?? (() => {});
  const key = loadOrCreateKey(options.keyDir);
  const keyArn = `arn:aws:kms:${options.region}:${options.accountId}:key/${key.keyId}`;
  const secret = Buffer.from(key.privateJwk.d, 'base64url');
  const { d: _d, ...publicJwk } = key.privateJwk;
  const spki = createPublicKey({ key: publicJwk, format: 'jwk' }).export({ format: 'der', type: 'spki' });

  function resolveKey(body: JsonObject): void {
    const id = body.KeyId;
    if (typeof id !== 'string' || id === '') throw new KmsError('ValidationException', 'KeyId is required');
    if (
      ![
        key.keyId,
        keyArn,
        LOCAL_CREDENTIAL_KEY_ALIAS,
        `arn:aws:kms:${options.region}:${options.accountId}:${LOCAL_CREDENTIAL_KEY_ALIAS}`,
      ].includes(id)
    ) {
      throw new KmsError('NotFoundException', `Key '${id}' does not exist`);
    }
  }

  function digestOf(body: JsonObject): Uint8Array {
    if (body.SigningAlgorithm !== 'ECDSA_SHA_256') {
      throw new KmsError(
        'InvalidKeyUsageException',
        `Signing algorithm ${String(body.SigningAlgorithm)} is not supported by this key (ECDSA_SHA_256 only)`,
      );
    }
    const message = blob(body.Message, 'Message');
    const type = body.MessageType ?? 'RAW';
    if (type === 'RAW') {
      if (message.length > 4096) throw new KmsError('ValidationException', 'Message must be at most 4096 bytes; send a DIGEST instead');
      return createHash('sha256').update(message).digest();
    }
    if (type !== 'DIGEST') throw new KmsError('ValidationException', `MessageType ${String(type)} is not supported`);
    if (message.length !== 32) throw new KmsError('ValidationException', 'A ECDSA_SHA_256 digest is 32 bytes');
    return message;
  }

  const metadata = () => ({
    AWSAccountId: options.accountId,
    KeyId: key.keyId,
    Arn: keyArn,
    CreationDate: new Date(key.createdAt),
    Enabled: true,
    Description: 'pathcert local credential issuer key',
    KeyUsage: 'SIGN_VERIFY',
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    KeySpec: 'ECC_NIST_P256',
    CustomerMasterKeySpec: 'ECC_NIST_P256',
    SigningAlgorithms: ['ECDSA_SHA_256'],
    MultiRegion: false,
  });

  const operations: Record<string, (body: JsonObject) => object> = {
    DescribeKey: (body) => {
      resolveKey(body);
      return { KeyMetadata: metadata() };
    },
    GetPublicKey: (body) => {
      resolveKey(body);
      return {
        KeyId: keyArn,
        PublicKey: Buffer.from(spki).toString('base64'),
        KeySpec: 'ECC_NIST_P256',
        CustomerMasterKeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: ['ECDSA_SHA_256'],
      };
    },
    Sign: (body) => {
      resolveKey(body);
      const compact = p256.sign(digestOf(body), secret, { prehash: false });
      return { KeyId: keyArn, Signature: Buffer.from(joseToDer(compact)).toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' };
    },
    Verify: (body) => {
      resolveKey(body);
      const digest = digestOf(body);
      const der = blob(body.Signature, 'Signature');
      let valid: boolean;
      try {
        valid = p256.verify(new Uint8Array(der), digest, p256.getPublicKey(secret), { prehash: false, format: 'der', lowS: false });
      } catch {
        valid = false;
      }
      if (!valid) throw new KmsError('KMSInvalidSignatureException', 'The signature is not valid');
      return { KeyId: keyArn, SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const { operation, body } = await protocol.readApiRequest(req);
      const run = operations[operation];
      if (!run) throw new KmsError('UnsupportedOperationException', `The local KMS does not support ${operation}`);
      protocol.writeResult(res, run(body));
    } catch (error) {
      if (error instanceof KmsError) return protocol.writeError(res, error);
      log(`kms: request failed: ${String(error)}`);
      protocol.writeError(res, new KmsError('KMSInternalException', 'Internal error in the local KMS'));
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  const { port, endpoint } = await listen(server, { host: options.host, port: options.port, inUseHint: 'stop what uses it' });
  log(`kms: endpoint ${endpoint}, credential key ${keyArn}`);
  return {
    endpoint,
    port,
    keyArn,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
