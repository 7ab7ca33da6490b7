/**
 * The pre-sign-up trigger's decisions that need no table: administrators' accounts pass,
 * federation is refused, and nothing is ever confirmed or verified by it. Self sign-up
 * (which reads invitations) is tested against the local user pool in
 * test/integration/accounts.test.ts.
 */
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { FEDERATION_MESSAGE, handler } from '#accounts/pre-sign-up.ts';

process.env.LOG_LEVEL ??= 'SILENT';

function event(triggerSource: PreSignUpTriggerEvent['triggerSource']): PreSignUpTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_Example',
    userName: '0b5f6d58-0000-5000-a000-000000000000',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    triggerSource,
    request: { userAttributes: { email: 'staff@example.org' } },
    // As if something upstream had asked for them: the trigger turns them off.
    response: { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: true },
  };
}

describe('pre-sign-up trigger', () => {
  it('lets an administrator create a user, confirming and verifying nothing', async () => {
    const out = await handler(event('PreSignUp_AdminCreateUser'));
    expect(out.response).toEqual({ autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  });

  it('refuses sign-up through another identity provider', async () => {
    await expect(handler(event('PreSignUp_ExternalProvider'))).rejects.toThrow(FEDERATION_MESSAGE);
  });
});
