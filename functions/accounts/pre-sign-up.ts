/**
 * Cognito's pre-sign-up trigger: self sign-up is open only to addresses that hold a pending,
 * unexpired invitation (to a pathway team, a district or the reviewer pool). Anyone else is refused, and
 * Cognito answers their SignUp with `UserLambdaValidationException`
 * ("PreSignUp failed with error <message>.").
 *
 * It never confirms or verifies anything: `autoConfirmUser` and `autoVerifyEmail` stay
 * false, so the person proves they own the address with the code Cognito emails them. An
 * invitation says that someone was invited at this address, not that the one signing up
 * reads its mail.
 *
 * - `PreSignUp_SignUp` (self sign-up): allowed with a pending invitation, refused otherwise.
 * - `PreSignUp_AdminCreateUser`: allowed; staff (and, still, some reviewers) are created by administrators
 *   (README, "Accounts").
 * - `PreSignUp_ExternalProvider`: refused; the pool federates with no identity provider.
 *
 * Locally, infra/local/cognito/server.ts invokes this same handler with the same event.
 */
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import { logger } from '#lib/logger.ts';
import { hasPendingInvitation } from '#store/invitees.ts';

/** What a refused person reads (after Cognito's "PreSignUp failed with error "). */
export const NOT_INVITED_MESSAGE =
  'This email address has no pending invitation. Ask your pathway lead, district or certification staff to invite you, then sign up with the address the invitation was sent to';
export const FEDERATION_MESSAGE = 'Sign-in through another identity provider is not available';

export async function handler(event: PreSignUpTriggerEvent): Promise<PreSignUpTriggerEvent> {
  // Never vouch for an address or an account: Cognito verifies the email with its code.
  event.response.autoConfirmUser = false;
  event.response.autoVerifyEmail = false;
  event.response.autoVerifyPhone = false;

  switch (event.triggerSource) {
    case 'PreSignUp_AdminCreateUser':
      logger.info('pre-sign-up: account created by an administrator', { triggerSource: event.triggerSource });
      return event;
    case 'PreSignUp_SignUp': {
      const email = (event.request.userAttributes.email ?? '').trim().toLowerCase();
      if (email === '' || !(await hasPendingInvitation(email))) {
        logger.info('pre-sign-up: refused, no pending invitation', { triggerSource: event.triggerSource });
        throw new Error(NOT_INVITED_MESSAGE);
      }
      logger.info('pre-sign-up: allowed by a pending invitation', { triggerSource: event.triggerSource });
      return event;
    }
    default:
      logger.info('pre-sign-up: refused', { triggerSource: event.triggerSource });
      throw new Error(FEDERATION_MESSAGE);
  }
}
