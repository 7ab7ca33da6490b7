/**
 * The credential issuer's key: an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) whose
 * private half never leaves KMS. Only the functions the catalog grants `credentialKey`
 * may use it (kms:Sign to issue credentials and sign status lists, kms:GetPublicKey to
 * publish and verify); the key policy leaves the rest to IAM. Kept on stack deletion in
 * prod: credentials already issued name its public key.
 */
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';

export class Credentials extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
    super(scope, id);
    this.key = new Key(this, 'IssuerKey', {
      description: `${props.config.prefix}: signs verifiable credentials (ES256)`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: props.config.removalPolicy,
    });
  }
}
