import { actorOf, type Principal } from '#lib/principal.ts';
import * as people from '#store/people.ts';
import { readInvitation } from './read-invitations.ts';
import { authorizeReviewerPool } from './scopes.ts';
import { pathwayFor } from '../targets.ts';

export async function revokePathwayInvitation(principal: Principal, pathwayId: string, invitationId: string): Promise<void> {
  const { pathway: p } = await pathwayFor(principal, pathwayId, 'membership.manage');
  const inv = await readInvitation({ kind: 'pathway', pathwayId: p.id }, invitationId);
  await people.revokeInvitation(inv, actorOf(principal));
}

export async function revokeReviewerInvitation(principal: Principal, invitationId: string): Promise<void> {
  await authorizeReviewerPool(principal);
  const inv = await readInvitation({ kind: 'reviewer' }, invitationId);
  await people.revokeInvitation(inv, actorOf(principal));
}
