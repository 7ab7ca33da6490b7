import type { Principal } from '#lib/principal.ts';
import * as people from '#store/people.ts';
import { isPending, requireVerifiedEmail } from './invitee.ts';

/** The pending invitations addressed to the caller's verified email address. */
export async function listMyInvitations(_principal: Principal, verifiedEmail: string | undefined): Promise<people.Invitation[]> {
  const email = requireVerifiedEmail(verifiedEmail);
  return (await people.invitationsForEmail(email)).filter(isPending);
}
