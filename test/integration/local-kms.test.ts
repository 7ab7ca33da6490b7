/**
 * The local KMS endpoint through the real KMSClient: the key spec the stack creates, Sign in
 * both message types with DER signatures any ECDSA verifier accepts, KMS's own error names,
 * and a key file that survives a restart.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeKeyCommand, GetPublicKeyCommand, KMSClient, NotFoundException, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIAL_KEY_ALIAS, startKmsServer, type LocalKms } from '../../infra/local/kms/server.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pathcert-kms-'));
const servers: LocalKms[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start() {
  const kms = await startKmsServer({ region: 'us-east-1', accountId: '000000000000', keyDir: dir });
  servers.push(kms);
  const client = new KMSClient({
    endpoint: kms.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { kms, client };
}

describe('the local KMS server', () => {
  it('signs digests and raw messages with an ECC_NIST_P256 key; the DER signatures verify with the public key', async () => {
    const { kms, client } = await start();
    const described = await client.send(new DescribeKeyCommand({ KeyId: LOCAL_CREDENTIAL_KEY_ALIAS }));
    expect(described.KeyMetadata).toMatchObject({
      Arn: kms.keyArn,
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: kms.keyArn }));
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
    const message = Buffer.from('header.payload');

    const raw = await client.send(
      new SignCommand({ KeyId: kms.keyArn, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(verify('sha256', message, publicKey, Buffer.from(raw.Signature!))).toBe(true);
    const digest = createHash('sha256').update(message).digest();
    const signed = await client.send(
      new SignCommand({ KeyId: kms.keyArn, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(verify('sha256', message, publicKey, Buffer.from(signed.Signature!))).toBe(true);
    expect(
      (
        await client.send(
          new VerifyCommand({
            KeyId: kms.keyArn,
            Message: digest,
            MessageType: 'DIGEST',
            Signature: signed.Signature,
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        )
      ).SignatureValid,
    ).toBe(true);
  });

  it("answers KMS's errors", async () => {
    const { client } = await start();
    await expect(client.send(new GetPublicKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:000000000000:key/nope' }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(
      client.send(
        new SignCommand({
          KeyId: LOCAL_CREDENTIAL_KEY_ALIAS,
          Message: Buffer.alloc(31),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      client.send(
        new SignCommand({
          KeyId: LOCAL_CREDENTIAL_KEY_ALIAS,
          Message: Buffer.alloc(32),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'RSASSA_PSS_SHA_256',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidKeyUsageException' });
  });

  it('keeps its key in a file across restarts', async () => {
    const first = await start();
    const second = await start();
    expect(second.kms.keyArn).toBe(first.kms.keyArn);
    const a = await first.client.send(new GetPublicKeyCommand({ KeyId: first.kms.keyArn }));
    const b = await second.client.send(new GetPublicKeyCommand({ KeyId: second.kms.keyArn }));
    expect(Buffer.from(b.PublicKey!)).toEqual(Buffer.from(a.PublicKey!));
    expect(statSync(path.join(dir, 'kms-credential-key.json')).mode & 0o777).toBe(0o600);
  });
});
