/**
 * Creating an invitation, shared by the team, district and reviewer-pool invitations: once
 * per address and scope while pending, never to someone already there, announced once.
 */
import { ConflictError } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import { announceInvitation } from '#notifications/invitation-notices.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import * as people from '#store/people.ts';
import { getReviewer } from '#store/reviewers.ts';
import type { Deferred } from '../deferred.ts';

/**
 * The edge's rendering of the invitation answered: 201 when this request created it, 200
 * when the same invitation was already pending. A created answer is what the idempotency
 * record keeps.
 */
export type RenderInvitation = (invitation: people.Invitation, status: 200 | 201) => RecordedAnswer;

export interface InvitationRequest {
  email: string;
  role: people.Invitation['role'];
  profile?: people.ReviewerInvitationProfile;
}

/**
 * Creates an invitation, unless the address already has a pending one here (answered as
 * is, 200, for the same role; 409 `invitation_pending` naming it for another role) or
 * already belongs to the team (409). The pending-invitation guard makes this hold for
 * concurrent requests too (store/people.ts createInvitation).
 */
export function invite(
  principal: Principal,
  scope: people.InvitationScope,
  request: InvitationRequest,
  idempotency: Deferred<IdempotencyContext>,
  render: RenderInvitation,
): Promise<RecordedAnswer> {
  const answerPending = (existing: people.Invitation) => {
    if (existing.role !== request.role) {
      throw new ConflictError(`${request.email} already has a pending invitation as ${existing.role}; revoke it first.`, {
        code: 'invitation_pending',
        invitationId: existing.id,
      });
    }
    return render(existing, 200);
  };
  return idempotent(idempotency(), async (record) => {
    const existing = await people.findPendingInvitation(scope, request.email);
    if (existing) return answerPending(existing);
    await refuseWhenAlreadyThere(scope, request);
    const inv = people.newInvitation(scope, request.email, request.role, newId('invitation'), actorOf(principal), request.profile);
    const result = render(inv, 201);
    // A concurrent invitation of the same address may have won meanwhile: answer it the same way.
    const winner = await people.createInvitation(inv, record(result));
    if (winner) return answerPending(winner);
    // Only the request that created the invitation announces it: a retry or a racing
    // re-invite answers the pending one above and sends nothing.
    await announceInvitation(inv);
    return result;
  });
}

/** 409 when the address is already an active reviewer, or already holds the role (or leads) here. */
async function refuseWhenAlreadyThere(scope: people.InvitationScope, request: InvitationRequest): Promise<void> {
  const sub = await people.subjectForEmailAddress(request.email);
  if (!sub) return;
  if (scope.kind === 'reviewer') {
    // A retired reviewer may be invited back: accepting makes the profile active again.
    if ((await getReviewer(sub, true))?.active)
      throw new ConflictError(`${request.email} is already a reviewer.`, { code: 'already_reviewer' });
    return;
  }
  const member = await people.getMembership(sub, scope, true);
  if (member && (member.role === request.role || member.role === 'lead')) {
    throw new ConflictError(`${request.email} is already ${member.role === 'lead' ? 'a lead' : `a ${member.role}`} here.`, {
      code: 'already_member',
    });
  }
}
