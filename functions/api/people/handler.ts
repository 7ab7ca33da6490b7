/**
 * People routes: /me, invitations and memberships. Management actions are authorized on
 * the pathway or district they concern (membership.* / district.membership.*), invitations
 * to the reviewer pool as the reviewer roster is (reviewer.manage: staff); the invitee's own
 * actions are authorized by the token's verified email address. The use cases are in
 * functions/use-cases/people; the routes parse and render.
 */
import { httpHandler, implement, type HttpRequest } from '#lib/http.ts';
import { creationContext } from '#lib/idempotency-key.ts';
import { etagHeader, expectedVersion } from '#lib/preconditions.ts';
import type { RouteSpec } from '#lib/route.ts';
import type { Invitation } from '#store/people.ts';
import { acceptInvitation } from '#use-cases/people/accept-invitation.ts';
import { changePathwayMemberRole } from '#use-cases/people/change-member-role.ts';
import { findPerson } from '#use-cases/people/find-person.ts';
import { inviteDistrictMember, invitePathwayMember } from '#use-cases/people/invite-member.ts';
import { inviteReviewer } from '#use-cases/people/invite-reviewer.ts';
import { getMe } from '#use-cases/people/me.ts';
import { listMyInvitations } from '#use-cases/people/my-invitations.ts';
import {
  getDistrictInvitation,
  getPathwayInvitation,
  listDistrictInvitations,
  listPathwayInvitations,
  listReviewerInvitations,
} from '#use-cases/people/read-invitations.ts';
import { listDistrictMembers, listPathwayMembers } from '#use-cases/people/read-members.ts';
import { removeDistrictMember, removePathwayMember } from '#use-cases/people/remove-member.ts';
import { revokePathwayInvitation, revokeReviewerInvitation } from '#use-cases/people/revoke-invitation.ts';
import * as r from './routes.ts';

/** The caller's email, only when the identity provider verified it (the use case refuses otherwise). */
function verifiedEmail(req: HttpRequest<RouteSpec>): string | undefined {
  const claims = (req.event.requestContext.authorizer?.jwt?.claims ?? {}) as Record<string, unknown>;
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  return verified ? req.principal?.email : undefined;
}

/** An invitation answer: where it lives, 201 when created, 200 when it was already pending. */
const invitationAnswer = (location: (id: string) => string) => (inv: Invitation, status: 200 | 201) => ({
  status,
  body: inv,
  headers: { location: location(inv.id) },
});

export const handler = httpHandler([
  // The caller ---------------------------------------------------------------------------
  implement(r.getMe, async (req) => {
    return { body: await getMe(req.principal) };
  }),

  implement(r.findPerson, async (req) => {
    return { body: await findPerson(req.principal, req.query.email) };
  }),

  implement(r.listMyInvitations, async (req) => {
    return { body: { items: await listMyInvitations(req.principal, verifiedEmail(req)) } };
  }),

  implement(r.acceptInvitation, async (req) => {
    return { body: await acceptInvitation(req.principal, verifiedEmail(req), req.params.invitationId) };
  }),

  // Pathway teams ------------------------------------------------------------------------
  implement(r.createPathwayInvitation, async (req) => {
    const { pathwayId } = req.params;
    const render = invitationAnswer((id) => `/pathways/${pathwayId}/invitations/${id}`);
    return invitePathwayMember(req.principal, pathwayId, req.body, () => creationContext(req, r.createPathwayInvitation), render);
  }),

  implement(r.listPathwayInvitations, async (req) => {
    return { body: await listPathwayInvitations(req.principal, req.params.pathwayId, req.query.limit, req.query.cursor) };
  }),

  implement(r.getPathwayInvitation, async (req) => {
    return { body: await getPathwayInvitation(req.principal, req.params.pathwayId, req.params.invitationId) };
  }),

  implement(r.revokePathwayInvitation, async (req) => {
    await revokePathwayInvitation(req.principal, req.params.pathwayId, req.params.invitationId);
    return { status: 204 };
  }),

  implement(r.listPathwayMembers, async (req) => {
    return { body: await listPathwayMembers(req.principal, req.params.pathwayId, req.query.limit, req.query.cursor) };
  }),

  implement(r.updatePathwayMember, async (req) => {
    const expected = () => expectedVersion(req.headers, req.body.version);
    const after = await changePathwayMemberRole(req.principal, req.params.pathwayId, req.params.personSub, expected, req.body.role);
    return { body: after, headers: etagHeader(after.version) };
  }),

  implement(r.removePathwayMember, async (req) => {
    await removePathwayMember(req.principal, req.params.pathwayId, req.params.personSub);
    return { status: 204 };
  }),

  // District contacts --------------------------------------------------------------------
  implement(r.createDistrictInvitation, async (req) => {
    const { districtId } = req.params;
    const render = invitationAnswer((id) => `/districts/${districtId}/invitations/${id}`);
    return inviteDistrictMember(req.principal, districtId, req.body, () => creationContext(req, r.createDistrictInvitation), render);
  }),

  implement(r.listDistrictInvitations, async (req) => {
    return { body: await listDistrictInvitations(req.principal, req.params.districtId, req.query.limit, req.query.cursor) };
  }),

  implement(r.getDistrictInvitation, async (req) => {
    return { body: await getDistrictInvitation(req.principal, req.params.districtId, req.params.invitationId) };
  }),

  implement(r.listDistrictMembers, async (req) => {
    return { body: await listDistrictMembers(req.principal, req.params.districtId, req.query.limit, req.query.cursor) };
  }),

  // The reviewer pool ---------------------------------------------------------------------
  implement(r.createReviewerInvitation, async (req) => {
    const render = invitationAnswer((id) => `/reviewer-invitations/${id}`);
    return inviteReviewer(req.principal, req.body, () => creationContext(req, r.createReviewerInvitation), render);
  }),

  implement(r.listReviewerInvitations, async (req) => {
    return { body: await listReviewerInvitations(req.principal, req.query.limit, req.query.cursor) };
  }),

  implement(r.revokeReviewerInvitation, async (req) => {
    await revokeReviewerInvitation(req.principal, req.params.invitationId);
    return { status: 204 };
  }),

  implement(r.removeDistrictMember, async (req) => {
    await removeDistrictMember(req.principal, req.params.districtId, req.params.personSub);
    return { status: 204 };
  }),
]);
