/** The invitations of a team, a district or the reviewer pool, for those who manage it. */
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import type { Page } from '#store/db.ts';
import * as people from '#store/people.ts';
import { authorizeReviewerPool } from './scopes.ts';
import { pathwayFor, districtFor } from '../targets.ts';

/** One invitation of a pathway, a district or the reviewer pool (revocation reads it the same way). */
export async function readInvitation(place: people.InvitationPlace, invitationId: string): Promise<people.Invitation> {
  const inv = await people.getInvitation(people.invitationKey({ id: invitationId, scope: place }));
  if (!inv) throw new NotFoundError('invitation');
  return inv;
}

export async function listPathwayInvitations(
  principal: Principal,
  pathwayId: string,
  limit?: number,
  cursor?: string,
): Promise<Page<people.Invitation>> {
  const { pathway: p } = await pathwayFor(principal, pathwayId, 'membership.manage');
  return people.listInvitations({ kind: 'pathway', pathwayId: p.id }, limit, cursor);
}

export async function getPathwayInvitation(principal: Principal, pathwayId: string, invitationId: string): Promise<people.Invitation> {
  const { pathway: p } = await pathwayFor(principal, pathwayId, 'membership.manage');
  return readInvitation({ kind: 'pathway', pathwayId: p.id }, invitationId);
}

export async function listDistrictInvitations(
  principal: Principal,
  districtId: string,
  limit?: number,
  cursor?: string,
): Promise<Page<people.Invitation>> {
  const { district: d } = await districtFor(principal, districtId, 'district.membership.manage');
  return people.listInvitations({ kind: 'district', districtId: d.id }, limit, cursor);
}

export async function getDistrictInvitation(principal: Principal, districtId: string, invitationId: string): Promise<people.Invitation> {
  const { district: d } = await districtFor(principal, districtId, 'district.membership.manage');
  return readInvitation({ kind: 'district', districtId: d.id }, invitationId);
}

export async function listReviewerInvitations(principal: Principal, limit?: number, cursor?: string): Promise<Page<people.Invitation>> {
  await authorizeReviewerPool(principal);
  return people.listInvitations({ kind: 'reviewer' }, limit, cursor);
}
