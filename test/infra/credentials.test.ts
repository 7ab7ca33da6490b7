/**
 * The credential issuer's key: an asymmetric KMS key for ES256 signing, kept in prod, that
 * only the decision task and the credentials API may sign with, and only the credentials API
 * may read the public key of; both learn the key and the API's public origin.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsOf,
  allStatements,
  functionResource,
  functionStatements,
  prodContext,
  resourcesOf,
  synth,
  type Synthesized,
} from './support.ts';

let prod: Synthesized;
let dev: Synthesized;
beforeAll(() => {
  prod = synth(prodContext);
  dev = synth({ stage: 'dev', publicBaseUrl: 'https://api.pathcert.example' });
});

const keysOf = (s: Synthesized) => Object.entries(s.resources).filter(([, r]) => r.Type === 'AWS::KMS::Key');
const signingKey = (s: Synthesized) => keysOf(s).filter(([, r]) => r.Properties?.KeyUsage === 'SIGN_VERIFY');

/** The functions whose roles are allowed `action` on the issuer key. */
function allowed(s: Synthesized, action: string): string[] {
  const keyArn = JSON.stringify(s.stack.resolve(s.stack.credentials.key.keyArn));
  return [...s.stack.functions.keys()]
    .filter((name) =>
      functionStatements(s, name).some((st) => actionsOf(st).includes(action) && resourcesOf(st).some((x) => JSON.stringify(x) === keyArn)),
    )
    .sort();
}

describe('the credential issuer key', () => {
  it('is one asymmetric ECC_NIST_P256 key for signing, retained in prod and removed with a dev stack', () => {
    expect(signingKey(prod)).toHaveLength(1);
    const key = signingKey(prod)[0]![1];
    expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.Properties?.EnableKeyRotation).toBeUndefined();
    expect(key.DeletionPolicy).toBe('Retain');
    expect(signingKey(dev)[0]![1].DeletionPolicy).toBe('Delete');
  });

  it('only the decision task and the credentials API may sign; only the credentials API reads the public key', () => {
    expect(allowed(prod, 'kms:Sign')).toEqual(['credentials', 'pipelineDecide']);
    expect(allowed(prod, 'kms:GetPublicKey')).toEqual(['credentials']);
    // No other statement anywhere in the stack's IAM policies grants a KMS signing action.
    const signers = allStatements(prod).filter((st) => actionsOf(st).some((a) => a === 'kms:Sign' || a === 'kms:*'));
    expect(signers).toHaveLength(2);
  });

  it('tells the signing and linking functions the key and the public origin', () => {
    for (const name of ['credentials', 'pipelineDecide', 'directory']) {
      const vars = functionResource(dev, name).props.Environment?.Variables ?? {};
      expect(vars.PATHCERT_PUBLIC_BASE_URL, name).toBe('https://api.pathcert.example');
      if (name !== 'directory') expect(JSON.stringify(vars.CREDENTIAL_KEY_ID), name).toContain('Arn');
      else expect(vars.CREDENTIAL_KEY_ID, name).toBeUndefined();
    }
    // Without publicBaseUrl, the HTTP API's own URL.
    const own = functionResource(prod, 'credentials').props.Environment?.Variables?.PATHCERT_PUBLIC_BASE_URL;
    expect(JSON.stringify(own)).toContain('execute-api');
  });

  it('refuses a publicBaseUrl that is not an https origin', () => {
    expect(() => synth({ stage: 'dev', publicBaseUrl: 'http://api.example.org' })).toThrow(/https origin/);
    expect(() => synth({ stage: 'dev', publicBaseUrl: 'https://api.example.org/v1' })).toThrow(/https origin/);
  });
});
