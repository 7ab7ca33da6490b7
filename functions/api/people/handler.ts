/**
 * People routes: /me, invitations and memberships. Management actions are authorized on
 * the pathway or district they concern (membership.* / district.membership.*), invitations
 * to the reviewer pool as the reviewer roster is (reviewer.manage: staff); the invitee's own
 * actions are authorized by the token's verified email address.
 */
import { syncMembershipGroup, syncReviewerGroup } from '../../accounts/groups.ts';
import { newId } from '../../core/ids.ts';
import { authorize, loadAccess } from '../../use-cases/access.ts';
import { httpHandler, implement, type HttpRequest } from '../../lib/http.ts';
import { actorOf, type Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import type { RouteSpec } from '../../lib/route.ts';
import { announceInvitation } from '../../notifications/invitation-notices.ts';
import { enforceConflicts } from '../../pipeline/conflicts.ts';
import { idempotent } from '../../store/idempotency.ts';
import { keys } from '../../store/keys.ts';
import * as people from '../../store/people.ts';
import * as registry from '../../store/registry.ts';
import { getReviewer } from '../../store/reviewers.ts';
import { districtTarget, pathwayTarget } from '../../use-cases/targets.ts';
import { etagHeader, expectedVersion } from '../../lib/preconditions.ts';
import { creationContext } from '../../lib/idempotency-key.ts';
import { checkVersion } from '../../core/versions.ts';
import * as r from './routes.ts';

async function loadPathway(id: string) {
  const p = await registry.getPathway(id);
  if (!p) throw problems.notFound('pathway');
  return p;
}

async function loadDistrict(id: string) {
  const d = await registry.getDistrict(id);
  if (!d) throw problems.notFound('district');
  return d;
}

/** The caller's email, only when the identity provider verified it. */
function verifiedEmail(req: HttpRequest<RouteSpec>): string {
  const claims = (req.event.requestContext.authorizer?.jwt?.claims ?? {}) as Record<string, unknown>;
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  if (!req.principal?.email || !verified) throw problems.forbidden('Your sign-in has no verified email address, so no invitation can be matched to you.');
  return req.principal.email;
}

const pending = (inv: people.Invitation) => inv.status === 'pending';

/**
 * Creates an invitation, unless the address already has a pending one here (answered as
 * is, 200, for the same role; 409 `invitation_pending` naming it for another role) or
 * already belongs to the team (409). The pending-invitation guard makes this hold for
 * concurrent requests too (store/people.ts createInvitation).
 */
async function invite(
  req: HttpRequest<RouteSpec>,
  spec: RouteSpec,
  scope: people.InvitationScope,
  body: { email: string; role: people.Invitation['role']; profile?: people.ReviewerInvitationProfile },
  location: (id: string) => string,
) {
  const principal = req.principal as Principal;
  const answerPending = (existing: people.Invitation) => {
    if (existing.role !== body.role) {
      throw problems.conflict(`${body.email} already has a pending invitation as ${existing.role}; revoke it first.`, {
        code: 'invitation_pending',
        invitationId: existing.id,
      });
    }
    return { status: 200, body: existing, headers: { location: location(existing.id) } };
  };
  return idempotent(creationContext(req, spec), async (record) => {
    const existing = await people.findPendingInvitation(scope, body.email);
    if (existing) return answerPending(existing);
    const sub = await people.subjectForEmailAddress(body.email);
    if (sub && scope.kind === 'reviewer') {
      // A retired reviewer may be invited back: accepting makes the profile active again.
      if ((await getReviewer(sub, true))?.active) throw problems.conflict(`${body.email} is already a reviewer.`, { code: 'already_reviewer' });
    } else if (sub && scope.kind !== 'reviewer') {
      const key = scope.kind === 'pathway' ? keys.pathwayMembership(sub, scope.pathwayId) : keys.districtMembership(sub, scope.districtId);
      const member = await people.getMembership(key, true);
      if (member && (member.role === body.role || member.role === 'lead')) {
        throw problems.conflict(`${body.email} is already ${member.role === 'lead' ? 'a lead' : `a ${member.role}`} here.`, { code: 'already_member' });
      }
    }
    const inv = people.newInvitation(scope, body.email, body.role, newId('invitation'), actorOf(principal), body.profile);
    const result = { status: 201, body: inv, headers: { location: location(inv.id) } };
    // A concurrent invitation of the same address may have won meanwhile: answer it the same way.
    const winner = await people.createInvitation(inv, record(result));
    if (winner) return answerPending(winner);
    // Only the request that created the invitation announces it: a retry or a racing
    // re-invite answers the pending one above and sends nothing.
    await announceInvitation(inv);
    return result;
  });
}

function membershipView(m: people.StoredMembership) {
  return people.memberView(m);
}

/** Memberships with their district's and pathway's names (one BatchGet), as /me and /people answer them. */
async function namedMemberships(memberships: readonly people.StoredMembership[]) {
  const names = await registry.batchGet([
    ...memberships.flatMap((m) => (m.kind === 'pathway' ? [keys.pathway(m.pathwayId)] : [])),
    ...memberships.map((m) => keys.district(m.districtId)),
  ]);
  const nameOf = new Map(names.map((i) => [String(i.id), String(i.name)]));
  return memberships.map((m) => ({
    kind: m.kind,
    role: m.role,
    districtId: m.districtId,
    districtName: nameOf.get(m.districtId),
    ...(m.kind === 'pathway' ? { schoolId: m.schoolId, pathwayId: m.pathwayId, pathwayName: nameOf.get(m.pathwayId) } : {}),
    since: m.since,
  }));
}

export const handler = httpHandler([
  // The caller ---------------------------------------------------------------------------
  implement(r.getMe, async (req) => {
    const profile = await people.ensureProfile(req.principal);
    const { memberships, assignments } = await people.readPerson(req.principal.sub);
    return {
      body: {
        sub: req.principal.sub,
        ...(profile.email ? { email: profile.email } : {}),
        ...(profile.name ? { name: profile.name } : {}),
        groups: req.principal.groups,
        createdAt: profile.createdAt,
        memberships: await namedMemberships(memberships),
        assignments: { active: assignments.filter((a) => a.active).length, total: assignments.length },
      },
    };
  }),

  implement(r.findPerson, async (req) => {
    authorize(await loadAccess(req.principal), 'person.find', { kind: 'person' }, 'person');
    const found = await people.findPersonByEmail(req.query.email);
    if (!found) throw problems.notFound('person');
    const { profile } = found;
    return {
      body: {
        sub: profile.sub,
        email: profile.email!,
        ...(profile.name ? { name: profile.name } : {}),
        createdAt: profile.createdAt,
        memberships: await namedMemberships(found.memberships),
        reviewerProfile: found.reviewerProfile,
      },
    };
  }),

  implement(r.listMyInvitations, async (req) => {
    const email = verifiedEmail(req);
    const items = (await people.invitationsForEmail(email)).filter(pending);
    return { body: { items } };
  }),

  implement(r.acceptInvitation, async (req) => {
    const email = verifiedEmail(req);
    // Found through the caller's own address: an invitation to anyone else is simply not there.
    const found = (await people.invitationsForEmail(email)).find((i) => i.id === req.params.invitationId);
    if (!found) throw problems.notFound('invitation');
    const invitation = await people.getInvitation(people.invitationKey(found));
    if (!invitation) throw problems.notFound('invitation');
    await people.ensureProfile(req.principal);
    if (invitation.scope.kind === 'reviewer') {
      const reviewer = await people.acceptReviewerInvitation(invitation, req.principal);
      // Idempotent: a retried acceptance adds a group already held.
      await syncReviewerGroup(req.principal.sub);
      const after = (await people.getInvitation(people.invitationKey(invitation))) ?? invitation;
      const { sub, name, email: address, active, version, createdAt } = reviewer;
      return {
        body: { invitation: after, reviewer: { sub, ...(name ? { name } : {}), ...(address ? { email: address } : {}), active, version, createdAt } },
      };
    }
    const membership = await people.acceptInvitation(invitation, req.principal);
    // A seated reviewer who joins the team or the district loses those seats now. A retried
    // acceptance answers the same membership and runs this again (it is idempotent).
    await enforceConflicts(req.principal.sub);
    // The Cognito group of the membership's kind (idempotent, so a retry grants it once).
    await syncMembershipGroup(req.principal.sub, invitation.scope.kind);
    const after = (await people.getInvitation(people.invitationKey(invitation))) ?? invitation;
    return { body: { invitation: after, membership: membershipView(membership) } };
  }),

  // Pathway teams ------------------------------------------------------------------------
  implement(r.createPathwayInvitation, async (req) => {
    const p = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'membership.manage', pathwayTarget(p), 'pathway');
    const scope: people.InvitationScope = {
      kind: 'pathway',
      pathwayId: p.id,
      pathwayName: p.name,
      schoolId: p.schoolId,
      districtId: p.districtId,
      districtName: p.districtName,
    };
    return invite(req as HttpRequest<RouteSpec>, r.createPathwayInvitation, scope, req.body, (id) => `/pathways/${p.id}/invitations/${id}`);
  }),

  implement(r.listPathwayInvitations, async (req) => {
    const p = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'membership.manage', pathwayTarget(p), 'pathway');
    return { body: await people.listInvitations({ kind: 'pathway', pathwayId: p.id }, req.query.limit, req.query.cursor) };
  }),

  implement(r.getPathwayInvitation, async (req) => {
    const p = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'membership.manage', pathwayTarget(p), 'pathway');
    const inv = await people.getInvitation(keys.invitation(p.id, req.params.invitationId));
    if (!inv) throw problems.notFound('invitation');
    return { body: inv };
  }),

  implement(r.revokePathwayInvitation, async (req) => {
    const p = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'membership.manage', pathwayTarget(p), 'pathway');
    const inv = await people.getInvitation(keys.invitation(p.id, req.params.invitationId));
    if (!inv) throw problems.notFound('invitation');
    await people.revokeInvitation(inv, actorOf(req.principal));
    return { status: 204 };
  }),

  implement(r.listPathwayMembers, async (req) => {
    const p = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'membership.read', pathwayTarget(p), 'pathway');
    return { body: await people.listPathwayMembers(p.id, req.query.limit, req.query.cursor) };
  }),

  implement(r.updatePathwayMember, async (req) => {
    const p = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'membership.manage', pathwayTarget(p), 'pathway');
    const m = await people.getMembership(keys.pathwayMembership(req.params.personSub, p.id), true);
    if (!m || m.kind !== 'pathway') throw problems.notFound('member');
    const expected = expectedVersion(req.headers, req.body.version);
    checkVersion(m.version, expected);
    const after = await people.changePathwayRole(m, expected, req.body.role, actorOf(req.principal));
    return { body: membershipView(after), headers: etagHeader(after.version) };
  }),

  implement(r.removePathwayMember, async (req) => {
    const p = await loadPathway(req.params.pathwayId);
    authorize(await loadAccess(req.principal), 'membership.manage', pathwayTarget(p), 'pathway');
    const m = await people.getMembership(keys.pathwayMembership(req.params.personSub, p.id), true);
    if (!m) {
      // A retry of a removal whose group sync failed: finish it, then answer as before.
      await syncMembershipGroup(req.params.personSub, 'pathway');
      throw problems.notFound('member');
    }
    await people.removeMembership(m, actorOf(req.principal));
    // Removes the `pathway` group unless another team membership still needs it.
    await syncMembershipGroup(m.sub, 'pathway');
    return { status: 204 };
  }),

  // District contacts --------------------------------------------------------------------
  implement(r.createDistrictInvitation, async (req) => {
    const d = await loadDistrict(req.params.districtId);
    authorize(await loadAccess(req.principal), 'district.membership.manage', districtTarget(d), 'district');
    const scope: people.InvitationScope = { kind: 'district', districtId: d.id, districtName: d.name };
    return invite(req as HttpRequest<RouteSpec>, r.createDistrictInvitation, scope, req.body, (id) => `/districts/${d.id}/invitations/${id}`);
  }),

  implement(r.listDistrictInvitations, async (req) => {
    const d = await loadDistrict(req.params.districtId);
    authorize(await loadAccess(req.principal), 'district.membership.manage', districtTarget(d), 'district');
    return { body: await people.listInvitations({ kind: 'district', districtId: d.id }, req.query.limit, req.query.cursor) };
  }),

  implement(r.getDistrictInvitation, async (req) => {
    const d = await loadDistrict(req.params.districtId);
    authorize(await loadAccess(req.principal), 'district.membership.manage', districtTarget(d), 'district');
    const inv = await people.getInvitation(keys.districtInvitation(d.id, req.params.invitationId));
    if (!inv) throw problems.notFound('invitation');
    return { body: inv };
  }),

  implement(r.listDistrictMembers, async (req) => {
    const d = await loadDistrict(req.params.districtId);
    authorize(await loadAccess(req.principal), 'district.membership.read', districtTarget(d), 'district');
    return { body: await people.listDistrictMembers(d.id, req.query.limit, req.query.cursor) };
  }),

  // The reviewer pool ---------------------------------------------------------------------
  implement(r.createReviewerInvitation, async (req) => {
    authorize(await loadAccess(req.principal), 'reviewer.manage', { kind: 'network' });
    const districtId = req.body.profile?.districtId;
    if (districtId && !(await registry.getDistrict(districtId))) {
      throw problems.unprocessable('The home district does not exist.', [{ in: 'body', field: 'profile.districtId', message: 'no such district' }]);
    }
    const body = { email: req.body.email, role: 'reviewer' as const, ...(req.body.profile ? { profile: req.body.profile } : {}) };
    return invite(req as HttpRequest<RouteSpec>, r.createReviewerInvitation, { kind: 'reviewer' }, body, (id) => `/reviewer-invitations/${id}`);
  }),

  implement(r.listReviewerInvitations, async (req) => {
    authorize(await loadAccess(req.principal), 'reviewer.manage', { kind: 'network' });
    return { body: await people.listInvitations({ kind: 'reviewer' }, req.query.limit, req.query.cursor) };
  }),

  implement(r.revokeReviewerInvitation, async (req) => {
    authorize(await loadAccess(req.principal), 'reviewer.manage', { kind: 'network' });
    const inv = await people.getInvitation(keys.reviewerInvitation(req.params.invitationId));
    if (!inv) throw problems.notFound('invitation');
    await people.revokeInvitation(inv, actorOf(req.principal));
    return { status: 204 };
  }),

  implement(r.removeDistrictMember, async (req) => {
    const d = await loadDistrict(req.params.districtId);
    authorize(await loadAccess(req.principal), 'district.membership.manage', districtTarget(d), 'district');
    const m = await people.getMembership(keys.districtMembership(req.params.personSub, d.id), true);
    if (!m) {
      await syncMembershipGroup(req.params.personSub, 'district');
      throw problems.notFound('member');
    }
    await people.removeMembership(m, actorOf(req.principal));
    await syncMembershipGroup(m.sub, 'district');
    return { status: 204 };
  }),
]);
