/**
 * The invitee's own actions are authorized by their verified email address: an invitation
 * is matched to a person only through an address the identity provider vouches for.
 */
import { ForbiddenError } from '#core/errors.ts';
import * as people from '#store/people.ts';

/** The caller's address, when verified; refused otherwise (nothing can be matched to them). */
export function requireVerifiedEmail(verifiedEmail: string | undefined): string {
  if (!verifiedEmail) throw new ForbiddenError('Your sign-in has no verified email address, so no invitation can be matched to you.');
  return verifiedEmail;
}

export const isPending = (inv: people.Invitation) => inv.status === 'pending';
