/**
 * People: the caller (/me), pathway and district memberships, and the invitations that
 * create them. A membership exists only once the invited person signs in and accepts.
 */
import * as z from 'zod/mini';
import { lazy } from '#core/lazy.ts';
import { route } from '#lib/route.ts';
import { actorView, email, idSchema, named, pageOf, pageQuery, versionField } from '#lib/schemas.ts';
import { sectorsSchema } from '../reviews/sectors.ts';

const FN = 'people' as const;
const TAGS = ['People'];

/** Subjects are UUIDs (Cognito's `sub`; the dev issuer derives the same shape). */
export const personSub = () =>
  z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be a person id (a UUID)' }));

const pathwayParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway') }));
const districtParams = /* @__PURE__ */ lazy(() => z.strictObject({ districtId: idSchema('district') }));
const pathwayInvitationParams = /* @__PURE__ */ lazy(() =>
  z.strictObject({ pathwayId: idSchema('pathway'), invitationId: idSchema('invitation') }),
);
const districtInvitationParams = /* @__PURE__ */ lazy(() =>
  z.strictObject({ districtId: idSchema('district'), invitationId: idSchema('invitation') }),
);
const pathwayMemberParams = /* @__PURE__ */ lazy(() => z.strictObject({ pathwayId: idSchema('pathway'), personSub: personSub() }));
const districtMemberParams = /* @__PURE__ */ lazy(() => z.strictObject({ districtId: idSchema('district'), personSub: personSub() }));

/** The 409 of changing or removing a pathway member. */
const lastLeadOrChanged = {
  409: {
    when: 'The pathway would have no lead left, or the membership changed meanwhile',
    codes: ['last_lead', 'membership_changed', 'membership_removed'],
  },
} as const;

/** The 409 of inviting someone to a pathway or a district. */
const alreadyMemberOrInvited = {
  409: { when: 'The person is already a member, or another invitation is pending', codes: ['already_member', 'invitation_pending'] },
} as const;

export const invitationSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      id: z.string(),
      /** A pathway team, a district, or the reviewer pool (`reviewer`: no district, no pathway). */
      scope: z.object({
        kind: z.enum(['pathway', 'district', 'reviewer']),
        districtId: z.optional(z.string()),
        districtName: z.optional(z.string()),
        pathwayId: z.optional(z.string()),
        pathwayName: z.optional(z.string()),
        schoolId: z.optional(z.string()),
      }),
      email: z.string(),
      role: z.enum(['lead', 'member', 'data', 'reviewer']),
      /** Reviewer invitations: what the reviewer profile created on acceptance starts with. */
      profile: z.optional(
        z.object({
          districtId: z.optional(z.string()),
          sectors: z.optional(z.array(z.string())),
          leadEligible: z.optional(z.boolean()),
          maxOpenAssignments: z.optional(z.int()),
        }),
      ),
      status: z.enum(['pending', 'accepted', 'expired']),
      invitedBy: actorView(),
      createdAt: z.string(),
      expiresAt: z.string(),
      acceptedAt: z.optional(z.string()),
      acceptedBy: z.optional(z.string()),
    }),
    'Invitation',
    {
      id: 'inv_01JD0000000000000000000000',
      scope: {
        kind: 'pathway',
        pathwayId: 'pw_01JD0000000000000000000000',
        pathwayName: 'Engineering Academy',
        schoolId: 'sch_01JD0000000000000000000000',
        districtId: 'dst_01JD0000000000000000000000',
        districtName: 'District',
      },
      email: 'rx-lead@example.org',
      role: 'lead',
      status: 'pending',
      invitedBy: { sub: '730a028b-61ce-54f1-a8a7-15c0b12c912d', name: 'Sam Staff', email: 'rx-staff@example.org' },
      createdAt: '2026-12-06T04:27:16.307Z',
      expiresAt: '2026-12-20T04:27:16.307Z',
    },
  ),
);

export const memberSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      sub: z.string(),
      role: z.enum(['lead', 'member', 'data']),
      email: z.optional(z.string()),
      name: z.optional(z.string()),
      since: z.string(),
      version: z.int(),
    }),
    'Member',
  ),
);

const membershipSummary = /* @__PURE__ */ lazy(() =>
  z.object({
    kind: z.enum(['pathway', 'district']),
    role: z.enum(['lead', 'member', 'data']),
    districtId: z.string(),
    districtName: z.optional(z.string()),
    schoolId: z.optional(z.string()),
    pathwayId: z.optional(z.string()),
    pathwayName: z.optional(z.string()),
    since: z.string(),
  }),
);

export const meSchema = /* @__PURE__ */ lazy(() =>
  named(
    z.object({
      sub: z.string(),
      email: z.optional(z.string()),
      name: z.optional(z.string()),
      groups: z.array(z.string()),
      createdAt: z.string(),
      memberships: z.array(membershipSummary()),
      assignments: z.object({ active: z.int(), total: z.int() }),
    }),
    'Me',
  ),
);

export const getMe = route({
  id: 'getMe',
  method: 'GET',
  path: '/me',
  fn: FN,
  auth: 'jwt',
  summary: 'Your profile, memberships and a summary of your review assignments',
  tags: TAGS,
  schemas: () => ({
    response: meSchema(),
  }),
});

export const personFoundSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    sub: z.string(),
    email: z.string(),
    name: z.optional(z.string()),
    createdAt: z.string(),
    memberships: z.array(membershipSummary()),
    /** Whether staff already made them a reviewer (GET/PUT /reviewers/{sub}). */
    reviewerProfile: z.boolean(),
  }),
);

export const findPerson = route({
  id: 'findPerson',
  method: 'GET',
  path: '/people',
  fn: FN,
  auth: 'jwt',
  summary: 'Find a person by email, with their memberships and whether they have a reviewer profile (staff)',
  description:
    'Exact match on the normalized address (trimmed, lower case) of someone who has signed in. 400 when `email` is missing or not an address; 404 for an unknown address, and for every caller who is not staff.',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ email: email() }),
    response: personFoundSchema(),
  }),
});

export const listMyInvitations = route({
  id: 'listMyInvitations',
  method: 'GET',
  path: '/me/invitations',
  fn: FN,
  auth: 'jwt',
  summary: "Pending invitations sent to your token's verified email address",
  tags: TAGS,
  schemas: () => ({
    response: z.object({ items: z.array(invitationSchema()) }),
  }),
});

export const acceptInvitation = route({
  id: 'acceptInvitation',
  errors: {
    409: {
      when: 'The invitation is no longer pending, or expired; or the membership or reviewer profile changed meanwhile',
      codes: ['invitation_accepted', 'invitation_expired', 'invitation_not_pending', 'membership_changed', 'membership_removed'],
    },
  },
  method: 'POST',
  path: '/me/invitations/{invitationId}/accept',
  fn: FN,
  auth: 'jwt',
  summary: 'Accept an invitation sent to your verified email address (safe to retry)',
  description:
    'A team or district invitation answers the `membership` it made; an invitation to the reviewer pool answers the `reviewer` profile it created (or made active again) and grants the `reviewer` group.',
  tags: TAGS,
  schemas: () => ({
    params: z.strictObject({ invitationId: idSchema('invitation') }),
    response: z.object({
      invitation: invitationSchema(),
      membership: z.optional(memberSchema()),
      reviewer: z.optional(
        z.object({
          sub: z.string(),
          name: z.optional(z.string()),
          email: z.optional(z.string()),
          active: z.boolean(),
          version: z.int(),
          createdAt: z.string(),
        }),
      ),
    }),
  }),
});

const pathwayInvitationBody = /* @__PURE__ */ lazy(() => z.strictObject({ email: email(), role: z.enum(['lead', 'member']) }));
const districtInvitationBody = /* @__PURE__ */ lazy(() => z.strictObject({ email: email(), role: z.enum(['lead', 'data']) }));

export const createPathwayInvitation = route({
  id: 'createPathwayInvitation',
  otherSuccess: { 200: 'The same invitation is still pending: answered again, not sent twice' },
  errors: {
    ...alreadyMemberOrInvited,
    422: 'The invitation cannot be made',
  },
  method: 'POST',
  path: '/pathways/{pathwayId}/invitations',
  fn: FN,
  auth: 'jwt',
  summary: 'Invite someone to a pathway team by email (its lead, the district lead, staff)',
  description:
    'One pending invitation per address and pathway, also under concurrent requests: inviting an address that already has one answers it (200) for the same role, and 409 `invitation_pending` naming its `invitationId` for another role (revoke it first).',
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    body: pathwayInvitationBody(),
    response: invitationSchema(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listPathwayInvitations = route({
  id: 'listPathwayInvitations',
  method: 'GET',
  path: '/pathways/{pathwayId}/invitations',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's invitations (pending, accepted, expired)",
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(invitationSchema()),
  }),
});

export const getPathwayInvitation = route({
  id: 'getPathwayInvitation',
  method: 'GET',
  path: '/pathways/{pathwayId}/invitations/{invitationId}',
  fn: FN,
  auth: 'jwt',
  summary: 'One invitation of a pathway',
  tags: TAGS,
  schemas: () => ({
    params: pathwayInvitationParams(),
    response: invitationSchema(),
  }),
});

export const revokePathwayInvitation = route({
  id: 'revokePathwayInvitation',
  errors: {
    409: { when: 'The invitation is no longer pending', codes: ['invitation_accepted', 'invitation_not_pending'] },
  },
  method: 'DELETE',
  path: '/pathways/{pathwayId}/invitations/{invitationId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Revoke an invitation that has not been accepted',
  tags: TAGS,
  schemas: () => ({
    params: pathwayInvitationParams(),
  }),
  successStatus: 204,
});

export const listPathwayMembers = route({
  id: 'listPathwayMembers',
  method: 'GET',
  path: '/pathways/{pathwayId}/members',
  fn: FN,
  auth: 'jwt',
  summary: "A pathway's team, leads first",
  tags: TAGS,
  schemas: () => ({
    params: pathwayParams(),
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(memberSchema()),
  }),
});

export const updatePathwayMember = route({
  id: 'updatePathwayMember',
  errors: lastLeadOrChanged,
  method: 'PATCH',
  path: '/pathways/{pathwayId}/members/{personSub}',
  fn: FN,
  auth: 'jwt',
  summary: "Change a team member's role (the last lead cannot step down: 409)",
  tags: TAGS,
  schemas: () => ({
    params: pathwayMemberParams(),
    body: z.strictObject({ role: z.enum(['lead', 'member']), version: z.optional(versionField()) }),
    response: memberSchema(),
  }),
  ifMatch: true,
});

export const removePathwayMember = route({
  id: 'removePathwayMember',
  errors: lastLeadOrChanged,
  method: 'DELETE',
  path: '/pathways/{pathwayId}/members/{personSub}',
  fn: FN,
  auth: 'jwt',
  summary: 'Remove someone from a pathway team (the last lead cannot be removed: 409)',
  tags: TAGS,
  schemas: () => ({
    params: pathwayMemberParams(),
  }),
  successStatus: 204,
});

export const createDistrictInvitation = route({
  id: 'createDistrictInvitation',
  otherSuccess: { 200: 'The same invitation is still pending: answered again, not sent twice' },
  errors: {
    ...alreadyMemberOrInvited,
    422: 'The invitation cannot be made',
  },
  method: 'POST',
  path: '/districts/{districtId}/invitations',
  fn: FN,
  auth: 'jwt',
  summary: 'Invite a district lead or data contact by email (staff)',
  description:
    'One pending invitation per address and district, also under concurrent requests: inviting an address that already has one answers it (200) for the same role, and 409 `invitation_pending` naming its `invitationId` for another role (revoke it first).',
  tags: TAGS,
  schemas: () => ({
    params: districtParams(),
    body: districtInvitationBody(),
    response: invitationSchema(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listDistrictInvitations = route({
  id: 'listDistrictInvitations',
  method: 'GET',
  path: '/districts/{districtId}/invitations',
  fn: FN,
  auth: 'jwt',
  summary: "A district's invitations (staff)",
  tags: TAGS,
  schemas: () => ({
    params: districtParams(),
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(invitationSchema()),
  }),
});

export const getDistrictInvitation = route({
  id: 'getDistrictInvitation',
  method: 'GET',
  path: '/districts/{districtId}/invitations/{invitationId}',
  fn: FN,
  auth: 'jwt',
  summary: 'One invitation of a district (staff)',
  tags: TAGS,
  schemas: () => ({
    params: districtInvitationParams(),
    response: invitationSchema(),
  }),
});

export const listDistrictMembers = route({
  id: 'listDistrictMembers',
  method: 'GET',
  path: '/districts/{districtId}/members',
  fn: FN,
  auth: 'jwt',
  summary: "A district's leads and data contacts",
  tags: TAGS,
  schemas: () => ({
    params: districtParams(),
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(memberSchema()),
  }),
});

export const removeDistrictMember = route({
  id: 'removeDistrictMember',
  errors: {
    409: { when: 'The membership changed meanwhile', codes: ['membership_changed', 'membership_removed'] },
  },
  method: 'DELETE',
  path: '/districts/{districtId}/members/{personSub}',
  fn: FN,
  auth: 'jwt',
  summary: 'Remove a district lead or data contact (staff)',
  tags: TAGS,
  schemas: () => ({
    params: districtMemberParams(),
  }),
  successStatus: 204,
});

const reviewerInvitationParams = /* @__PURE__ */ lazy(() => z.strictObject({ invitationId: idSchema('invitation') }));

export const createReviewerInvitation = route({
  id: 'createReviewerInvitation',
  otherSuccess: { 200: 'The same invitation is still pending: answered again, not sent twice' },
  errors: {
    409: { when: 'The person is already an active reviewer', codes: ['already_reviewer'] },
    422: 'The invitation cannot be made (an unknown home district)',
  },
  method: 'POST',
  path: '/reviewer-invitations',
  fn: FN,
  auth: 'jwt',
  summary: 'Invite someone to the reviewer pool by email (staff)',
  description:
    'One pending invitation per address, also under concurrent requests: inviting an address that already has one answers it (200) and sends nothing. Accepting it creates the reviewer profile with `profile` (home district, sectors, lead eligibility, load limit; the rest empty, available and active), or makes a retired profile active again; staff complete it with PUT /reviewers/{personSub}.',
  tags: TAGS,
  schemas: () => ({
    body: z.strictObject({
      email: email(),
      profile: z.optional(
        z.strictObject({
          districtId: z.optional(idSchema('district')),
          sectors: z.optional(sectorsSchema()),
          leadEligible: z.optional(z.boolean()),
          maxOpenAssignments: z.optional(z.int().check(z.minimum(0), z.maximum(50))),
        }),
      ),
    }),
    response: invitationSchema(),
  }),
  successStatus: 201,
  idempotent: true,
});

export const listReviewerInvitations = route({
  id: 'listReviewerInvitations',
  method: 'GET',
  path: '/reviewer-invitations',
  fn: FN,
  auth: 'jwt',
  summary: 'Invitations to the reviewer pool (pending, accepted, expired; staff)',
  tags: TAGS,
  schemas: () => ({
    query: z.strictObject({ ...pageQuery() }),
    response: pageOf(invitationSchema()),
  }),
});

export const revokeReviewerInvitation = route({
  id: 'revokeReviewerInvitation',
  errors: {
    409: { when: 'The invitation is no longer pending', codes: ['invitation_accepted', 'invitation_not_pending'] },
  },
  method: 'DELETE',
  path: '/reviewer-invitations/{invitationId}',
  fn: FN,
  auth: 'jwt',
  summary: 'Revoke an invitation to the reviewer pool that has not been accepted (staff)',
  tags: TAGS,
  schemas: () => ({
    params: reviewerInvitationParams(),
  }),
  successStatus: 204,
});

export const peopleRoutes = [
  getMe,
  findPerson,
  listMyInvitations,
  acceptInvitation,
  createPathwayInvitation,
  listPathwayInvitations,
  getPathwayInvitation,
  revokePathwayInvitation,
  listPathwayMembers,
  updatePathwayMember,
  removePathwayMember,
  createDistrictInvitation,
  listDistrictInvitations,
  getDistrictInvitation,
  listDistrictMembers,
  removeDistrictMember,
  createReviewerInvitation,
  listReviewerInvitations,
  revokeReviewerInvitation,
];
