import { syncMembershipGroup, syncReviewerGroup } from '#accounts/groups.ts';
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { enforceConflicts } from '#pipeline/conflicts.ts';
import * as people from '#store/people.ts';
import { requireVerifiedEmail } from './invitee.ts';

export type Acceptance =
  | {
      invitation: people.Invitation;
      reviewer: { sub: string; name?: string; email?: string; active: boolean; version: number; createdAt: string };
    }
  | { invitation: people.Invitation; membership: people.MemberView };

/**
 * The invitee accepts: they join the team or the district (or the reviewer pool), gain the
 * Cognito group of that kind, and a seated reviewer who joins loses the seats that now
 * conflict. Every step is idempotent, so a retried acceptance finishes what a failed one began.
 */
export async function acceptInvitation(principal: Principal, verifiedEmail: string | undefined, invitationId: string): Promise<Acceptance> {
  const email = requireVerifiedEmail(verifiedEmail);
  // Found through the caller's own address: an invitation to anyone else is simply not there.
  const found = (await people.invitationsForEmail(email)).find((i) => i.id === invitationId);
  if (!found) throw new NotFoundError('invitation');
  const invitation = await people.getInvitation(people.invitationKey(found));
  if (!invitation) throw new NotFoundError('invitation');
  await people.ensureProfile(principal);
  if (invitation.scope.kind === 'reviewer') {
    const reviewer = await people.acceptReviewerInvitation(invitation, principal);
    // Idempotent: a retried acceptance adds a group already held.
    await syncReviewerGroup(principal.sub);
    const after = (await people.getInvitation(people.invitationKey(invitation))) ?? invitation;
    const { sub, name, email: address, active, version, createdAt } = reviewer;
    return {
      invitation: after,
      reviewer: { sub, ...(name ? { name } : {}), ...(address ? { email: address } : {}), active, version, createdAt },
    };
  }
  const membership = await people.acceptInvitation(invitation, principal);
  // A seated reviewer who joins the team or the district loses those seats now. A retried
  // acceptance answers the same membership and runs this again (it is idempotent).
  await enforceConflicts(principal.sub);
  // The Cognito group of the membership's kind (idempotent, so a retry grants it once).
  await syncMembershipGroup(principal.sub, invitation.scope.kind);
  const after = (await people.getInvitation(people.invitationKey(invitation))) ?? invitation;
  return { invitation: after, membership: people.memberView(membership) };
}
