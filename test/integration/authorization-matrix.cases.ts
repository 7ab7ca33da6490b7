/**
 * THE AUTHORIZATION MATRIX: for every route of functions/api/routes.ts (by operationId),
 * the status each role gets on a resource of "world A". Roles named `...Own` belong to
 * world A (its district, its pathway, the reviewer assigned to its application); roles
 * named `...Other` hold the same role in world B, so their column is "another's resource".
 *
 * authorization-matrix.test.ts reads the route table at test time: a route with no rows
 * here fails the suite, and so do rows for a route that no longer exists.
 *
 * Cells:  A allow → any 2xx       H hide → 404 (existence not leaked)
 *         D deny  → 403           U unauthenticated → 401 (every jwt route, no token)
 *         a number → exactly that status (a documented business rule, e.g. 409)
 *
 * A case's `request` runs right before each call, once per role, so writes get a fresh
 * target (a new invitation to revoke, the current version for If-Match, a new member to
 * remove) and every allowed cell can answer 2xx with a valid request.
 */
import { randomBytes } from 'node:crypto';
import { seedFramework } from '#core/seed-framework.ts';
import { apiRoutes } from '#api/routes.ts';
import { put, transact } from '#store/db.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import * as keys from '#store/keys.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import { credentialIssue } from '#credentials/issue.ts';
import { newId } from '#core/ids.ts';
import { issueCertification } from '#store/certifications.ts';
import type { TestPlatform } from '../support/platform.ts';
import {
  accept,
  createDistrict,
  createPathway,
  createSchool,
  expectStatus,
  joinDistrict,
  joinPathway,
  person,
  type Person,
} from '../support/registry-world.ts';
import { seedAvailableEvidence } from '../support/evidence.ts';
import { benefitCases } from './authorization-matrix.benefits.ts';
import { evidenceCases } from './authorization-matrix.evidence.ts';
import { jwtRow, type SignedInRow } from './authorization-matrix.rows.ts';

export const matrixRoles = [
  'anonymous',
  'staff',
  'districtLeadOwn',
  'districtLeadOther',
  'pathwayLeadOwn',
  'pathwayLeadOther',
  'pathwayMemberOwn',
  'pathwayMemberOther',
  'reviewerAssigned',
  'reviewerNotAssigned',
] as const;
export type MatrixRole = (typeof matrixRoles)[number];
export type SignedInRole = Exclude<MatrixRole, 'anonymous'>;

export type Expectation = 'A' | 'H' | 'D' | 'U' | number;

export interface MatrixRequest {
  /** A concrete path of the route (checked against its template). */
  path: string;
  body?: unknown;
  /** Undefined values are left out (handy for conditional headers). */
  headers?: Record<string, string | undefined>;
}

export interface MatrixCase {
  /** What this case is about when a route has several (e.g. own vs another's invitation). */
  name?: string;
  request: (w: World, role: MatrixRole) => MatrixRequest | Promise<MatrixRequest>;
  expect: Record<MatrixRole, Expectation>;
}

export type MatrixRows = MatrixCase | MatrixCase[];

/** The fixture world, built once per test file through the API. */
export interface World {
  t: TestPlatform;
  people: Record<SignedInRole, Person>;
  districtA: string;
  districtB: string;
  schoolA: string;
  schoolB: string;
  pathwayA: string;
  pathwayB: string;
  /** A district nobody in the matrix belongs to, for throwaway data that must not change any role's access. */
  sandboxDistrict: string;
  sandboxSchool: string;
  /** A pathway with a valid gold certification (in the sandbox), for the public directory. */
  certifiedPathway: string;
  /** The verifiable credential of that pathway's certification. */
  certifiedCredential: string;
  /** The published seed framework. */
  frameworkId: string;
  /** An application of pathway A (candidacy, draft) assigned to `reviewerAssigned`. */
  applicationA: string;
  fresh: {
    email(): string;
    /** The current version of a versioned resource, read as staff. */
    version(path: string): Promise<number>;
    pathwayInvitation(pathwayId: string): Promise<string>;
    districtInvitation(districtId: string): Promise<string>;
    /** A new person who joined the pathway as a member (invited by staff, accepted). */
    pathwayMember(pathwayId: string): Promise<Person>;
    districtContact(districtId: string): Promise<Person>;
    /** A pending invitation to a sandbox pathway addressed to `email`. */
    invitationTo(email: string): Promise<string>;
  };
  /** Room for fixtures other route groups need (applications in other states, drafts...). */
  ext: Record<string, unknown>;
}

const everyone = (cell: Expectation): Record<MatrixRole, Expectation> =>
  Object.fromEntries(matrixRoles.map((r) => [r, cell])) as Record<MatrixRole, Expectation>;
const signedIn = (cell: Expectation) => jwtRow(Object.fromEntries(matrixRoles.slice(1).map((r) => [r, cell])) as SignedInRow);

// Recurring shapes, named after who may act. Spelled out in full so each row reads as the policy.

/** Staff only; the target district is visible to its lead and to teams inside it. */
const staffOnlyInDistrictA = jwtRow({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

/** Read by the district's contacts and the teams inside it. */
const visibleInDistrictA = jwtRow({
  staff: 'A',
  districtLeadOwn: 'A',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'A',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'A',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

/** District contacts act; teams inside see the district but may not. */
const districtContactsOfA = jwtRow({
  staff: 'A',
  districtLeadOwn: 'A',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

/** The pathway's lead, its district's lead and staff manage; members see but may not. */
const managersOfPathwayA = jwtRow({
  staff: 'A',
  districtLeadOwn: 'A',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'A',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

let serial = 0;
const tag = () => `${Date.now().toString(36)}${(serial++).toString(36)}${randomBytes(2).toString('hex')}`;

// =======================================================================================
// SYSTEM
// =======================================================================================

export const systemCases: Record<string, MatrixRows> = {
  getHealth: { request: () => ({ path: '/health' }), expect: everyone('A') },
  getOpenApi: { request: () => ({ path: '/openapi.json' }), expect: everyone('A') },
  getDocs: { request: () => ({ path: '/docs' }), expect: everyone('A') },
  getDocsAsset: { request: () => ({ path: '/docs/assets/api-reference.js' }), expect: everyone('A') },
};

// =======================================================================================
// REGISTRY: districts, schools, pathways
// =======================================================================================

export const registryCases: Record<string, MatrixRows> = {
  createDistrict: {
    request: () => ({ path: '/districts', body: { name: `Matrix District ${tag()}`, state: 'CA' } }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'D',
      districtLeadOther: 'D',
      pathwayLeadOwn: 'D',
      pathwayLeadOther: 'D',
      pathwayMemberOwn: 'D',
      pathwayMemberOther: 'D',
      reviewerAssigned: 'D',
      reviewerNotAssigned: 'D',
    }),
  },
  // Everyone may list: staff get all districts, others the districts they work in (maybe none).
  listDistricts: { request: () => ({ path: '/districts' }), expect: signedIn('A') },
  getDistrict: { request: (w) => ({ path: `/districts/${w.districtA}` }), expect: visibleInDistrictA },
  updateDistrict: {
    request: async (w) => ({
      path: `/districts/${w.districtA}`,
      headers: { 'if-match': `"${await w.fresh.version(`/districts/${w.districtA}`)}"` },
      body: { countyOrRegion: `Region ${tag()}` },
    }),
    expect: staffOnlyInDistrictA,
  },
  createSchool: {
    request: (w) => ({ path: `/districts/${w.districtA}/schools`, body: { name: `Matrix School ${tag()}` } }),
    expect: staffOnlyInDistrictA,
  },
  listDistrictSchools: { request: (w) => ({ path: `/districts/${w.districtA}/schools` }), expect: districtContactsOfA },
  getSchool: { request: (w) => ({ path: `/schools/${w.schoolA}` }), expect: visibleInDistrictA },
  updateSchool: {
    request: async (w) => ({
      path: `/schools/${w.schoolA}`,
      headers: { 'if-match': `"${await w.fresh.version(`/schools/${w.schoolA}`)}"` },
      body: { name: `School A ${tag()}` },
    }),
    expect: staffOnlyInDistrictA,
  },
  createPathway: {
    request: (w) => ({
      path: `/schools/${w.schoolA}/pathways`,
      body: {
        name: `Matrix Pathway ${tag()}`,
        sector: 'transportation',
        gradesServed: [11, 12],
        model: 'comprehensive_high_school_option',
        enrollment: 60,
      },
    }),
    expect: districtContactsOfA,
  },
  listPathways: { request: () => ({ path: '/pathways' }), expect: signedIn('A') },
  listDistrictPathways: { request: (w) => ({ path: `/districts/${w.districtA}/pathways` }), expect: districtContactsOfA },
  listSchoolPathways: { request: (w) => ({ path: `/schools/${w.schoolA}/pathways` }), expect: districtContactsOfA },
  getPathway: { request: (w) => ({ path: `/pathways/${w.pathwayA}` }), expect: visibleInDistrictA },
  updatePathway: {
    request: async (w) => ({
      path: `/pathways/${w.pathwayA}`,
      headers: { 'if-match': `"${await w.fresh.version(`/pathways/${w.pathwayA}`)}"` },
      body: { enrollment: 200 + (serial++ % 100) },
    }),
    expect: managersOfPathwayA,
  },
};

// =======================================================================================
// PEOPLE: /me, invitations, memberships
// =======================================================================================

const ownEmail = (w: World, role: MatrixRole) => (role === 'anonymous' ? w.fresh.email() : w.people[role].email);

/** Staff find people by email; to everyone else the lookup is not there (404), known address or not. */
const staffOnlyPeopleLookup = jwtRow({
  staff: 'A',
  districtLeadOwn: 'H',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'H',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'H',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

/** Staff only, refused (403) to everyone else: the same policy as the reviewer roster. */
const staffOnReviewerPool = jwtRow({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'D',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'D',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'D',
  reviewerAssigned: 'D',
  reviewerNotAssigned: 'D',
});

export const peopleCases: Record<string, MatrixRows> = {
  getMe: { request: () => ({ path: '/me' }), expect: signedIn('A') },
  findPerson: {
    request: (w) => ({ path: `/people?email=${encodeURIComponent(w.people.pathwayLeadOwn.email)}` }),
    expect: staffOnlyPeopleLookup,
  },
  listMyInvitations: { request: () => ({ path: '/me/invitations' }), expect: signedIn('A') },
  acceptInvitation: [
    {
      name: 'an invitation addressed to the caller',
      request: async (w, role) => ({ path: `/me/invitations/${await w.fresh.invitationTo(ownEmail(w, role))}/accept` }),
      expect: signedIn('A'),
    },
    {
      name: "another person's invitation",
      request: async (w) => ({ path: `/me/invitations/${await w.fresh.invitationTo(w.fresh.email())}/accept` }),
      expect: signedIn('H'),
    },
  ],
  createPathwayInvitation: {
    request: (w) => ({ path: `/pathways/${w.pathwayA}/invitations`, body: { email: w.fresh.email(), role: 'member' } }),
    expect: managersOfPathwayA,
  },
  listPathwayInvitations: { request: (w) => ({ path: `/pathways/${w.pathwayA}/invitations` }), expect: managersOfPathwayA },
  getPathwayInvitation: {
    request: async (w) => ({ path: `/pathways/${w.pathwayA}/invitations/${await w.fresh.pathwayInvitation(w.pathwayA)}` }),
    expect: managersOfPathwayA,
  },
  revokePathwayInvitation: {
    request: async (w) => ({ path: `/pathways/${w.pathwayA}/invitations/${await w.fresh.pathwayInvitation(w.pathwayA)}` }),
    expect: managersOfPathwayA,
  },
  // Teammates see who is on their team; so does the district lead.
  listPathwayMembers: { request: (w) => ({ path: `/pathways/${w.pathwayA}/members` }), expect: visibleInDistrictA },
  updatePathwayMember: {
    request: async (w) => {
      const m = await w.fresh.pathwayMember(w.pathwayA);
      return { path: `/pathways/${w.pathwayA}/members/${m.sub}`, headers: { 'if-match': '"1"' }, body: { role: 'lead' } };
    },
    expect: managersOfPathwayA,
  },
  removePathwayMember: {
    request: async (w) => ({ path: `/pathways/${w.pathwayA}/members/${(await w.fresh.pathwayMember(w.pathwayA)).sub}` }),
    expect: managersOfPathwayA,
  },
  createDistrictInvitation: {
    request: (w) => ({ path: `/districts/${w.districtA}/invitations`, body: { email: w.fresh.email(), role: 'data' } }),
    expect: staffOnlyInDistrictA,
  },
  listDistrictInvitations: { request: (w) => ({ path: `/districts/${w.districtA}/invitations` }), expect: staffOnlyInDistrictA },
  getDistrictInvitation: {
    request: async (w) => ({ path: `/districts/${w.districtA}/invitations/${await w.fresh.districtInvitation(w.districtA)}` }),
    expect: staffOnlyInDistrictA,
  },
  listDistrictMembers: { request: (w) => ({ path: `/districts/${w.districtA}/members` }), expect: districtContactsOfA },
  removeDistrictMember: {
    request: async (w) => ({ path: `/districts/${w.districtA}/members/${(await w.fresh.districtContact(w.districtA)).sub}` }),
    expect: staffOnlyInDistrictA,
  },
  // The reviewer pool is staff's (reviewer.manage on the network): 403 for everyone else.
  createReviewerInvitation: {
    request: (w) => ({ path: '/reviewer-invitations', body: { email: w.fresh.email() } }),
    expect: staffOnReviewerPool,
  },
  listReviewerInvitations: { request: () => ({ path: '/reviewer-invitations' }), expect: staffOnReviewerPool },
  revokeReviewerInvitation: {
    request: async (w) => {
      const res = await w.t.api<{ id: string }>('POST', '/reviewer-invitations', {
        token: w.people.staff.token,
        body: { email: w.fresh.email() },
      });
      return { path: `/reviewer-invitations/${res.json.id}` };
    },
    expect: staffOnReviewerPool,
  },
};

// =======================================================================================
// DIRECTORY (public) and AUDIT
// =======================================================================================

export const directoryCases: Record<string, MatrixRows> = {
  listDirectory: { request: () => ({ path: '/directory' }), expect: everyone('A') },
  getDirectoryEntry: [
    { name: 'a certified pathway', request: (w) => ({ path: `/directory/${w.certifiedPathway}` }), expect: everyone('A') },
    { name: 'a pathway without certification', request: (w) => ({ path: `/directory/${w.pathwayA}` }), expect: everyone('H') },
  ],
};

// Verifiable credentials: public, the same for everyone; an unknown credential is 404.
export const credentialCases: Record<string, MatrixRows> = {
  getCredential: [
    { name: 'an issued credential', request: (w) => ({ path: `/credentials/${w.certifiedCredential}` }), expect: everyone('A') },
    { name: 'no such credential', request: () => ({ path: `/credentials/${newId('certification')}` }), expect: everyone('H') },
  ],
  getCredentialBadge: { request: (w) => ({ path: `/credentials/${w.certifiedCredential}/badge` }), expect: everyone('A') },
  verifyCredential: { request: () => ({ path: '/credentials/verify', body: { credential: 'not.a.credential' } }), expect: everyone('A') },
  getCredentialStatusList: { request: () => ({ path: '/credential-status/1' }), expect: everyone('A') },
  getCredentialIssuerKeys: { request: () => ({ path: '/credentials/jwks' }), expect: everyone('A') },
  getIssuerDidDocument: { request: () => ({ path: '/.well-known/did.json' }), expect: everyone('A') },
};

export const auditCases: Record<string, MatrixRows> = {
  // A pathway's history is its lead's (and staff's); members and district contacts ask the lead.
  listPathwayAudit: {
    request: (w) => ({ path: `/pathways/${w.pathwayA}/audit` }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'D',
      districtLeadOther: 'H',
      pathwayLeadOwn: 'A',
      pathwayLeadOther: 'H',
      pathwayMemberOwn: 'D',
      pathwayMemberOther: 'H',
      reviewerAssigned: 'H',
      reviewerNotAssigned: 'H',
    }),
  },
  listDistrictAudit: { request: (w) => ({ path: `/districts/${w.districtA}/audit` }), expect: staffOnlyInDistrictA },
  // A published framework is visible to every signed-in caller; its history is staff's.
  listFrameworkAudit: {
    request: (w) => ({ path: `/frameworks/${w.frameworkId}/audit` }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'D',
      districtLeadOther: 'D',
      pathwayLeadOwn: 'D',
      pathwayLeadOther: 'D',
      pathwayMemberOwn: 'D',
      pathwayMemberOther: 'D',
      reviewerAssigned: 'D',
      reviewerNotAssigned: 'D',
    }),
  },
};

// =======================================================================================
// FRAMEWORKS AND APPLICATIONS — rows owned by the frameworks/applications helper.
// Add one entry per operationId (listFrameworks, getFramework, createFramework,
// replaceFramework, publishFramework, openApplication, listPathwayApplications,
// listApplications, getApplication, putApplicationResponse, submitApplication,
// withdrawApplication, ...). Fixtures: w.frameworkId, w.applicationA (draft, candidacy,
// pathway A, assigned to reviewerAssigned); put more in w.ext from extendWorld below.
// =======================================================================================

/** Staff act; the target is invisible to everyone else (a draft framework). */
const staffOnlyAmongHidden = jwtRow({
  staff: 'A',
  districtLeadOwn: 'H',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'H',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'H',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

/** Opening and withdrawing commit the team: its lead (and staff) do them; the district lead and members see but may not. */
const leadOrStaffOfAppPathway = jwtRow({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'A',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

export const frameworkAndApplicationCases: Record<string, MatrixRows> = {
  listFrameworks: { request: () => ({ path: '/frameworks' }), expect: signedIn('A') },
  getFramework: [
    { name: 'a published version', request: (w) => ({ path: `/frameworks/${w.frameworkId}` }), expect: signedIn('A') },
    { name: 'a draft', request: (w) => ({ path: `/frameworks/${fx(w).draftFramework}` }), expect: staffOnlyAmongHidden },
  ],
  createFramework: {
    request: () => ({ path: '/frameworks', body: matrixFrameworkDoc() }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'D',
      districtLeadOther: 'D',
      pathwayLeadOwn: 'D',
      pathwayLeadOther: 'D',
      pathwayMemberOwn: 'D',
      pathwayMemberOther: 'D',
      reviewerAssigned: 'D',
      reviewerNotAssigned: 'D',
    }),
  },
  replaceFramework: [
    {
      name: 'a draft',
      request: async (w) => ({
        path: `/frameworks/${fx(w).draftFramework}`,
        headers: { 'if-match': `"${await frameworkRevision(w, fx(w).draftFramework)}"` },
        body: matrixFrameworkDoc(),
      }),
      expect: staffOnlyAmongHidden,
    },
    {
      // Visible to all, changed by none: staff hit the immutability rule, everyone else the policy.
      name: 'a published version',
      request: async (w) => ({
        path: `/frameworks/${w.frameworkId}`,
        headers: { 'if-match': `"${await frameworkRevision(w, w.frameworkId)}"` },
        body: matrixFrameworkDoc(),
      }),
      expect: jwtRow({
        staff: 409,
        districtLeadOwn: 'D',
        districtLeadOther: 'D',
        pathwayLeadOwn: 'D',
        pathwayLeadOther: 'D',
        pathwayMemberOwn: 'D',
        pathwayMemberOther: 'D',
        reviewerAssigned: 'D',
        reviewerNotAssigned: 'D',
      }),
    },
  ],
  publishFramework: {
    // A new draft per call (with a low version number, so the seed stays the newest published).
    request: async (w) => {
      const res = await w.t.api<{ id: string; revision: number }>('POST', '/frameworks', {
        token: w.people.staff.token,
        body: matrixFrameworkDoc(),
      });
      const draft = expectStatus(res, 201).json;
      return { path: `/frameworks/${draft.id}/publish`, headers: { 'if-match': `"${draft.revision}"` } };
    },
    expect: staffOnlyAmongHidden,
  },

  openApplication: [
    {
      name: 'a pathway without an open application',
      request: async (w) => {
        await freeAppPathway(w);
        return { path: `/pathways/${fx(w).appPathway}/applications`, body: { target: 'candidacy', frameworkId: w.frameworkId } };
      },
      expect: leadOrStaffOfAppPathway,
    },
    {
      name: 'pathway A, whose application is open (one per pathway)',
      request: (w) => ({ path: `/pathways/${w.pathwayA}/applications`, body: { target: 'candidacy', frameworkId: w.frameworkId } }),
      expect: { ...leadOrStaffOfAppPathway, staff: 409, pathwayLeadOwn: 409 },
    },
  ],
  listPathwayApplications: { request: (w) => ({ path: `/pathways/${w.pathwayA}/applications` }), expect: visibleInDistrictA },
  // Staff get the queue, reviewers their assignments (maybe none); nobody else has a queue.
  listApplications: {
    request: () => ({ path: '/applications' }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'D',
      districtLeadOther: 'D',
      pathwayLeadOwn: 'D',
      pathwayLeadOther: 'D',
      pathwayMemberOwn: 'D',
      pathwayMemberOther: 'D',
      reviewerAssigned: 'A',
      reviewerNotAssigned: 'A',
    }),
  },
  // The team, its district lead and its assigned reviewer read it; nobody else knows it exists.
  getApplication: {
    request: (w) => ({ path: `/applications/${w.applicationA}` }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'A',
      districtLeadOther: 'H',
      pathwayLeadOwn: 'A',
      pathwayLeadOther: 'H',
      pathwayMemberOwn: 'A',
      pathwayMemberOther: 'H',
      reviewerAssigned: 'A',
      reviewerNotAssigned: 'H',
    }),
  },
  // The team writes its answers; the district lead and the reviewer read but never write them.
  putApplicationResponse: {
    request: async (w) => {
      const criterionId = candidacyCriteria()[0]!.id;
      const res = await w.t.api<{ responses: { criterionId: string; version: number }[] }>('GET', `/applications/${w.applicationA}`, {
        token: w.people.staff.token,
      });
      const current = expectStatus(res, 200).json.responses.find((r) => r.criterionId === criterionId);
      const headers: Record<string, string> = current ? { 'if-match': `"${current.version}"` } : { 'if-none-match': '*' };
      return {
        path: `/applications/${w.applicationA}/responses/${criterionId}`,
        headers,
        body: { narrative: `Matrix narrative ${tag()}` },
      };
    },
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'D',
      districtLeadOther: 'H',
      pathwayLeadOwn: 'A',
      pathwayLeadOther: 'H',
      pathwayMemberOwn: 'A',
      pathwayMemberOther: 'H',
      reviewerAssigned: 'D',
      reviewerNotAssigned: 'H',
    }),
  },
  // Only the team's lead submits; staff see it but never submit for a team (403).
  submitApplication: {
    request: async (w) => {
      const app = await freshApplication(w, true);
      return { path: `/applications/${app.id}/submit`, headers: { 'if-match': `"${app.version}"` } };
    },
    expect: jwtRow({
      staff: 'D',
      districtLeadOwn: 'D',
      districtLeadOther: 'H',
      pathwayLeadOwn: 'A',
      pathwayLeadOther: 'H',
      pathwayMemberOwn: 'D',
      pathwayMemberOther: 'H',
      reviewerAssigned: 'H',
      reviewerNotAssigned: 'H',
    }),
  },
  withdrawApplication: {
    request: async (w) => {
      const app = await freshApplication(w, false);
      return { path: `/applications/${app.id}/withdraw`, headers: { 'if-match': `"${app.version}"` } };
    },
    expect: leadOrStaffOfAppPathway,
  },
};

interface AppFixtures {
  /** A draft framework version. */
  draftFramework: string;
  /** A second pathway of school A, led by pathwayLeadOwn with pathwayMemberOwn, for applications opened and closed per call. */
  appPathway: string;
}

const fx = (w: World) => w.ext as unknown as AppFixtures;

let matrixVersions = 0;
function matrixFrameworkDoc() {
  const rubric = ['beginning', 'developing', 'meeting', 'excelling'].map((level) => ({ level, descriptor: `${level} for the matrix` }));
  return {
    version: `0.${++matrixVersions}.${Date.now() % 100_000}`,
    title: 'Matrix framework',
    components: [
      {
        id: 'MX',
        title: 'Matrix component',
        description: 'A small framework for authorization tests.',
        standards: [
          {
            id: 'MX-1',
            title: 'Matrix standard',
            criteria: [{ id: 'MX-1.1', text: 'A criterion.', levels: ['candidacy'], evidence: [], rubric }],
          },
        ],
      },
    ],
  };
}

async function frameworkRevision(w: World, id: string): Promise<number> {
  return expectStatus(await w.t.api<{ revision: number }>('GET', `/frameworks/${id}`, { token: w.people.staff.token }), 200).json.revision;
}

const candidacyCriteria = () =>
  seedFramework.components.flatMap((c) => c.standards.flatMap((s) => s.criteria)).filter((k) => k.levels.includes('candidacy'));

/** Withdraws (as staff) whatever application the applications pathway has open. */
async function freeAppPathway(w: World): Promise<void> {
  const staff = w.people.staff.token;
  for (const status of ['draft', 'submitted']) {
    const res = await w.t.api<{ items: { id: string; version: number }[] }>(
      'GET',
      `/pathways/${fx(w).appPathway}/applications?status=${status}`,
      { token: staff },
    );
    for (const a of expectStatus(res, 200).json.items) {
      expectStatus(
        await w.t.api('POST', `/applications/${a.id}/withdraw`, { token: staff, headers: { 'if-match': `"${a.version}"` } }),
        200,
      );
    }
  }
}

/** A new draft in the applications pathway, opened by its lead; `complete` answers every candidacy criterion. */
async function freshApplication(w: World, complete: boolean): Promise<{ id: string; version: number }> {
  await freeAppPathway(w);
  const lead = w.people.pathwayLeadOwn.token;
  const res = await w.t.api<{ id: string; version: number }>('POST', `/pathways/${fx(w).appPathway}/applications`, {
    token: lead,
    body: { target: 'candidacy', frameworkId: w.frameworkId },
  });
  const app = expectStatus(res, 201).json;
  if (complete) {
    // Evidence (issue 4): references must name verified items of the pathway's library.
    const [item] = await seedAvailableEvidence(fx(w).appPathway, { versions: 4 });
    for (const c of candidacyCriteria()) {
      const evidence = c.evidence.filter((e) => e.required).map((e, i) => ({ evidenceId: item!, version: i + 1, kind: e.kind }));
      const body = { narrative: `How the pathway meets ${c.id}.`, evidence };
      expectStatus(
        await w.t.api('PUT', `/applications/${app.id}/responses/${c.id}`, { token: lead, body, headers: { 'if-none-match': '*' } }),
        201,
      );
    }
  }
  return app;
}

// =======================================================================================
// OUTCOMES AND NETWORK (issue 7) — maintained with functions/api/{outcomes,network}
// =======================================================================================

const OUTCOME_YEAR = '2024-25';
/** A submission for district A (district report and pathway A), made current before a read; the same content again writes nothing. */
async function ensureOutcomes(w: World): Promise<void> {
  const body = {
    district: { enrolled: { all: 400, english_learner: 60 } },
    pathways: [{ pathwayId: w.pathwayA, counts: { enrolled: { all: 120, english_learner: 30 } } }],
  };
  const res = await w.t.api('PUT', `/districts/${w.districtA}/outcomes/${OUTCOME_YEAR}`, { token: w.people.staff.token, body });
  if (res.status !== 200 && res.status !== 201) throw new Error(`outcome seed failed: ${res.status} ${res.text}`);
}

/** A pathway's outcome data: its district's contacts and its own team read it. */
const outcomeReadersOfPathwayA = jwtRow({
  staff: 'A',
  districtLeadOwn: 'A',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'A',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'A',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'H',
  reviewerNotAssigned: 'H',
});

const staffOnlyNetwork = jwtRow({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'D',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'D',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'D',
  reviewerAssigned: 'D',
  reviewerNotAssigned: 'D',
});

export const outcomeCases: Record<string, MatrixRows> = {
  submitOutcomes: {
    request: (w) => ({
      path: `/districts/${w.districtA}/outcomes/${OUTCOME_YEAR}`,
      body: {
        district: { enrolled: { all: 400, english_learner: 60 } },
        pathways: [{ pathwayId: w.pathwayA, counts: { enrolled: { all: 120, english_learner: 30 } } }],
      },
    }),
    expect: districtContactsOfA,
  },
  getDistrictOutcomes: {
    request: async (w) => {
      await ensureOutcomes(w);
      return { path: `/districts/${w.districtA}/outcomes/${OUTCOME_YEAR}` };
    },
    expect: districtContactsOfA,
  },
  getPathwayOutcomes: { request: (w) => ({ path: `/pathways/${w.pathwayA}/outcomes` }), expect: outcomeReadersOfPathwayA },
  getPathwayComparison: {
    request: async (w) => {
      await ensureOutcomes(w);
      return { path: `/pathways/${w.pathwayA}/outcomes/${OUTCOME_YEAR}/comparison` };
    },
    expect: outcomeReadersOfPathwayA,
  },
  getPathwayTrends: { request: (w) => ({ path: `/pathways/${w.pathwayA}/outcomes/trends` }), expect: outcomeReadersOfPathwayA },
  declareOutcomeUpload: {
    request: (w) => ({ path: `/districts/${w.districtA}/outcomes/uploads`, body: { size: 120 } }),
    expect: districtContactsOfA,
  },
  getOutcomeUpload: {
    request: async (w) => {
      const res = await w.t.api<{ upload: { id: string } }>('POST', `/districts/${w.districtA}/outcomes/uploads`, {
        token: w.people.staff.token,
        body: { size: 120 },
      });
      return { path: `/districts/${w.districtA}/outcomes/uploads/${expectStatus(res, 201).json.upload.id}` };
    },
    expect: districtContactsOfA,
  },
  createPartner: {
    request: (w) => ({
      path: `/pathways/${w.pathwayA}/partners`,
      body: { organization: `Partner ${tag()}`, sector: 'Health care', engagement: 'short_term', studentsServed: 12 },
    }),
    expect: outcomeReadersOfPathwayA,
  },
  listPathwayPartners: { request: (w) => ({ path: `/pathways/${w.pathwayA}/partners` }), expect: outcomeReadersOfPathwayA },
  getNetworkProgress: { request: () => ({ path: '/network/progress' }), expect: signedIn('A') },
  refreshNetworkProgress: { request: () => ({ path: '/network/progress/refresh' }), expect: staffOnlyNetwork },
  getNetworkTrends: { request: () => ({ path: '/network/outcomes/trends' }), expect: signedIn('A') },
  exportOutcomes: { request: () => ({ path: `/network/outcomes/${OUTCOME_YEAR}/export.csv` }), expect: staffOnlyNetwork },
  listAllPartners: { request: () => ({ path: '/partners' }), expect: staffOnlyNetwork },
};
// ======================================================================= end of issue 7

// =======================================================================================
// REVIEW PIPELINE (issue 5) — maintained with functions/api/{reviews,decisions,threads}.
// Fixtures (built once, lazily, in w.ext.review): two more pathways of school A (lead
// pathwayLeadOwn, member pathwayMemberOwn), each with a submitted candidacy application
// whose review round is open and whose seat 1 is held by reviewerAssigned (no workflow
// runs in this file: the round is prepared in-process, no task token waits). `appR` also
// carries an applied decision for the letter routes; `appQ` is the one reviewerAssigned
// recuses from. applicationA (draft) serves the workflow start.
// =======================================================================================

interface ReviewFixtures {
  appR: string;
  appQ: string;
  reviewR: string;
  reviewQ: string;
}

async function buildReviewFixtures(w: World): Promise<ReviewFixtures> {
  const { prepare } = await import('#pipeline/prepare.ts');
  const { putReviewerByStaff } = await import('#store/reviewers.ts');
  const { assignSeat } = await import('#store/reviews.ts');
  const reviewer = w.people.reviewerAssigned;
  await putReviewerByStaff(
    reviewer.sub,
    {
      name: 'Matrix Reviewer',
      sectors: [],
      conflicts: { districtIds: [], pathwayIds: [] },
      available: true,
      unavailable: [],
      maxOpenAssignments: 10,
      leadEligible: true,
      active: true,
    },
    0,
  );
  const out: Record<string, string> = {};
  for (const x of ['R', 'Q']) {
    const pathway = (await createPathway(w.t, w.people.districtLeadOwn, w.schoolA, { name: `Pathway A review ${x}` })).id;
    await joinPathway(w.t, w.people.districtLeadOwn, pathway, w.people.pathwayLeadOwn, 'lead');
    await joinPathway(w.t, w.people.pathwayLeadOwn, pathway, w.people.pathwayMemberOwn, 'member');
    const lead = w.people.pathwayLeadOwn.token;
    const app = expectStatus(
      await w.t.api<{ id: string; version: number }>('POST', `/pathways/${pathway}/applications`, {
        token: lead,
        body: { target: 'candidacy', frameworkId: w.frameworkId },
      }),
      201,
    ).json;
    // Evidence (issue 4): references must name verified items of the pathway's library.
    const [item] = await seedAvailableEvidence(pathway, { versions: 4 });
    for (const c of candidacyCriteria()) {
      const evidence = c.evidence.filter((e) => e.required).map((e, i) => ({ evidenceId: item!, version: i + 1, kind: e.kind }));
      const body = { narrative: `How the pathway meets ${c.id}.`, evidence };
      expectStatus(
        await w.t.api('PUT', `/applications/${app.id}/responses/${c.id}`, { token: lead, body, headers: { 'if-none-match': '*' } }),
        201,
      );
    }
    expectStatus(
      await w.t.api('POST', `/applications/${app.id}/submit`, { token: lead, headers: { 'if-match': `"${app.version}"` } }),
      200,
    );
    await prepare({ applicationId: app.id });
    const review = await assignSeat({
      round: { applicationId: app.id, pathwayId: pathway, round: 1 },
      seat: 1,
      expectedReviewId: null,
      reviewer: { sub: reviewer.sub, name: 'Matrix Reviewer' },
      role: 'lead',
      assignedBy: 'system',
      reassignedCount: 0,
    });
    out[`app${x}`] = app.id;
    out[`review${x}`] = review.id;
  }
  // An applied decision of an earlier round for the letter routes (written as the workflow would leave it).
  const decidedAt = new Date().toISOString();
  await transact([
    put({
      ...keys.reviewDecision(out.appR!, 1),
      _type: 'review_decision',
      applicationId: out.appR,
      pathwayId: 'pw',
      round: 1,
      level: 'candidacy',
      decision: 'revise_and_resubmit',
      letter: { summary: 'Matrix summary.', strengths: ['A strength'], areasForGrowth: [{ componentId: 'WBL', text: 'Grow.' }] },
      requiredChanges: [{ criterionId: candidacyCriteria()[0]!.id, change: 'Say more.' }],
      recommendation: 'does-not-meet',
      decidedBy: { sub: w.people.staff.sub },
      decidedAt,
      applied: { at: decidedAt },
      events: {},
    }),
  ]);
  return out as unknown as ReviewFixtures;
}

function reviewFx(w: World): Promise<ReviewFixtures> {
  return ((w.ext.review as Promise<ReviewFixtures> | undefined) ??= buildReviewFixtures(w) as never);
}

/** Staff-only work on an application of pathway A (visible to its team, its district lead and its reviewer). */
const staffWorkOnReviewedApp = (staff: Expectation = 'A') =>
  jwtRow({
    staff,
    districtLeadOwn: 'D',
    districtLeadOther: 'H',
    pathwayLeadOwn: 'D',
    pathwayLeadOther: 'H',
    pathwayMemberOwn: 'D',
    pathwayMemberOther: 'H',
    reviewerAssigned: 'D',
    reviewerNotAssigned: 'H',
  });

/** The thread: the team, the assigned reviewer and staff; the district lead sees the application but not the conversation. */
const threadParticipants = jwtRow({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'A',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'A',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'A',
  reviewerNotAssigned: 'H',
});

/** My review: only its reviewer; staff may look but hold no review of their own (404). */
const assignedReviewerOnly = jwtRow({
  staff: 404,
  districtLeadOwn: 'D',
  districtLeadOther: 'H',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'H',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'H',
  reviewerAssigned: 'A',
  reviewerNotAssigned: 'H',
});

const staffOnNetwork = jwtRow({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'D',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'D',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'D',
  reviewerAssigned: 'D',
  reviewerNotAssigned: 'D',
});

async function currentReview(w: World, app: 'R' | 'Q') {
  const { getReview } = await import('#store/reviews.ts');
  const f = await reviewFx(w);
  return (await getReview(app === 'R' ? f.appR : f.appQ, 1, app === 'R' ? f.reviewR : f.reviewQ))!;
}

async function throwawayReviewer(w: World): Promise<string> {
  const { putReviewerByStaff } = await import('#store/reviewers.ts');
  const p = await person(w.t, w.fresh.email(), ['reviewer']);
  await putReviewerByStaff(
    p.sub,
    {
      name: 'Throwaway',
      sectors: [],
      conflicts: { districtIds: [], pathwayIds: [] },
      available: true,
      unavailable: [],
      maxOpenAssignments: 3,
      leadEligible: false,
      active: true,
    },
    0,
  );
  return p.sub;
}

const reviewerProfileBody = {
  sectors: ['health_science_medical_technology'],
  conflicts: { districtIds: [], pathwayIds: [] },
  available: true,
  unavailable: [],
  maxOpenAssignments: 2,
  leadEligible: false,
  active: true,
};

export const reviewCases: Record<string, MatrixRows> = {
  listMyReviews: { request: () => ({ path: '/me/reviews' }), expect: signedIn('A') },
  getMyReview: { request: async (w) => ({ path: `/applications/${(await reviewFx(w)).appR}/review` }), expect: assignedReviewerOnly },
  saveReviewDraft: {
    request: async (w) => {
      const r = await currentReview(w, 'R');
      return {
        path: `/applications/${r.applicationId}/review`,
        headers: { 'if-match': `"${r.version}"` },
        body: { scores: [{ criterionId: candidacyCriteria()[0]!.id, level: 'meeting', comment: 'So far so good.' }] },
      };
    },
    expect: assignedReviewerOnly,
  },
  submitReview: {
    request: async (w, role) => {
      let r = await currentReview(w, 'R');
      if (role === 'reviewerAssigned') {
        // A complete draft first, as the reviewer would have saved it.
        const { saveDraft } = await import('#store/reviews.ts');
        const scores = candidacyCriteria().map((c) => ({ criterionId: c.id, level: 'meeting', comment: 'Meets it.' }));
        const saved = await saveDraft(r, scores, r.version);
        if (typeof saved === 'string') throw new Error(`draft not saved: ${saved}`);
        r = saved;
      }
      return { path: `/applications/${r.applicationId}/review/submit`, headers: { 'if-match': `"${r.version}"` } };
    },
    expect: assignedReviewerOnly,
  },
  recuseFromReview: {
    request: async (w) => ({
      path: `/applications/${(await reviewFx(w)).appQ}/review/recuse`,
      body: { reason: 'A conflict came to light.' },
    }),
    expect: assignedReviewerOnly,
  },
  getMyReviewerProfile: {
    request: async (w) => {
      await reviewFx(w);
      return { path: '/me/reviewer-profile' };
    },
    // Only people with a reviewer profile have one (staff create them).
    expect: jwtRow({ ...(Object.fromEntries(matrixRoles.slice(1).map((r) => [r, 404])) as SignedInRow), reviewerAssigned: 'A' }),
  },
  updateMyReviewerProfile: {
    request: async (w) => {
      await reviewFx(w);
      const { getReviewer } = await import('#store/reviewers.ts');
      const version = (await getReviewer(w.people.reviewerAssigned.sub, true))!.version;
      return { path: '/me/reviewer-profile', headers: { 'if-match': `"${version}"` }, body: { available: true } };
    },
    expect: jwtRow({ ...(Object.fromEntries(matrixRoles.slice(1).map((r) => [r, 404])) as SignedInRow), reviewerAssigned: 'A' }),
  },
  listReviewers: { request: () => ({ path: '/reviewers' }), expect: staffOnNetwork },
  getReviewer: {
    request: async (w) => {
      await reviewFx(w);
      return { path: `/reviewers/${w.people.reviewerAssigned.sub}` };
    },
    expect: staffOnNetwork,
  },
  putReviewer: {
    request: async (w) => {
      const p = await person(w.t, w.fresh.email(), ['reviewer']);
      return { path: `/reviewers/${p.sub}`, headers: { 'if-none-match': '*' }, body: { name: 'New Reviewer', ...reviewerProfileBody } };
    },
    expect: staffOnNetwork,
  },
  reviewQueue: { request: () => ({ path: '/review-queue' }), expect: staffOnNetwork },
  getReviewRound: {
    request: async (w) => ({ path: `/applications/${(await reviewFx(w)).appR}/review-round` }),
    expect: staffWorkOnReviewedApp(),
  },
  // No workflow ran in this world, so staff find no execution to show (404).
  getReviewWorkflowHistory: {
    request: async (w) => ({ path: `/applications/${(await reviewFx(w)).appR}/review-round/history` }),
    expect: staffWorkOnReviewedApp(404),
  },
  // applicationA is a draft: there is nothing to review yet (409).
  startReviewWorkflow: {
    request: (w) => ({ path: `/applications/${w.applicationA}/review-round/start` }),
    expect: staffWorkOnReviewedApp(409),
  },
  assignReviewSeat: {
    request: async (w, role) => ({
      path: `/applications/${(await reviewFx(w)).appR}/review-round/seats/2`,
      body: { reviewerSub: role === 'staff' ? await throwawayReviewer(w) : w.people.reviewerNotAssigned.sub },
    }),
    expect: staffWorkOnReviewedApp(),
  },
  // The round is reviewing, not waiting for adjudication or a decision (409).
  adjudicateReview: {
    request: async (w) => ({
      path: `/applications/${(await reviewFx(w)).appR}/review-round/adjudications`,
      body: { adjudications: [{ criterionId: candidacyCriteria()[0]!.id, level: 'meeting', reason: 'Settled.' }] },
    }),
    expect: staffWorkOnReviewedApp(409),
  },
  decideApplication: {
    request: async (w) => ({
      path: `/applications/${(await reviewFx(w)).appR}/decision`,
      body: { decision: 'certified', letter: { summary: 'Summary.', strengths: [], areasForGrowth: [] } },
    }),
    expect: staffWorkOnReviewedApp(409),
  },
  reviewCalibration: { request: () => ({ path: '/review-calibration' }), expect: staffOnNetwork },
  reviewAlerts: { request: () => ({ path: '/review-alerts' }), expect: staffOnNetwork },
  listMessages: { request: async (w) => ({ path: `/applications/${(await reviewFx(w)).appR}/messages` }), expect: threadParticipants },
  postMessage: {
    request: async (w) => ({
      path: `/applications/${(await reviewFx(w)).appR}/messages`,
      body: { body: 'A question about the schedule.' },
    }),
    expect: threadParticipants,
  },
  putThreadSettings: {
    request: async (w) => {
      const { getThreadSettings } = await import('#store/messages.ts');
      const app = (await reviewFx(w)).appR;
      const { version } = await getThreadSettings(app);
      return {
        path: `/applications/${app}/thread-settings`,
        headers: version === 0 ? { 'if-none-match': '*' } : { 'if-match': `"${version}"` },
        body: { revealReviewerNames: false },
      };
    },
    expect: staffWorkOnReviewedApp(),
  },
  listReviewSessions: {
    request: async (w) => ({ path: `/applications/${(await reviewFx(w)).appR}/sessions` }),
    expect: threadParticipants,
  },
  scheduleReviewSession: {
    request: async (w) => ({
      path: `/applications/${(await reviewFx(w)).appR}/sessions`,
      body: { startsAt: '2030-03-01T17:00:00.000Z', durationMinutes: 60, meetingUrl: 'https://meet.example.org/review' },
    }),
    expect: staffWorkOnReviewedApp(),
  },
  // The letter is the team's and their district lead's; the reviewer sees the application but not the letter.
  getDecision: {
    request: async (w) => ({ path: `/applications/${(await reviewFx(w)).appR}/decision` }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'A',
      districtLeadOther: 'H',
      pathwayLeadOwn: 'A',
      pathwayLeadOther: 'H',
      pathwayMemberOwn: 'A',
      pathwayMemberOther: 'H',
      reviewerAssigned: 'D',
      reviewerNotAssigned: 'H',
    }),
  },
  getDecisionLetter: {
    request: async (w) => ({ path: `/applications/${(await reviewFx(w)).appR}/decision/letter` }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'A',
      districtLeadOther: 'H',
      pathwayLeadOwn: 'A',
      pathwayLeadOther: 'H',
      pathwayMemberOwn: 'A',
      pathwayMemberOther: 'H',
      reviewerAssigned: 'D',
      reviewerNotAssigned: 'H',
    }),
  },
  // A pathway's certification history is read like the pathway itself (its team and its district's contacts).
  listPathwayCertifications: {
    request: (w) => ({ path: `/pathways/${w.pathwayA}/certifications` }),
    expect: jwtRow({
      staff: 'A',
      districtLeadOwn: 'A',
      districtLeadOther: 'H',
      pathwayLeadOwn: 'A',
      pathwayLeadOther: 'H',
      pathwayMemberOwn: 'A',
      pathwayMemberOther: 'H',
      reviewerAssigned: 'H',
      reviewerNotAssigned: 'H',
    }),
  },
};
// ======================================================================= end of issue 5

/** Hook for the frameworks/applications helper: add fixtures to `w.ext` after the world is built. */
export async function extendWorld(w: World): Promise<void> {
  const staff = w.people.staff;
  const draft = expectStatus(await w.t.api<{ id: string }>('POST', '/frameworks', { token: staff.token, body: matrixFrameworkDoc() }), 201)
    .json.id;
  const appPathway = (await createPathway(w.t, w.people.districtLeadOwn, w.schoolA, { name: 'Pathway A2 (applications)' })).id;
  await joinPathway(w.t, w.people.districtLeadOwn, appPathway, w.people.pathwayLeadOwn, 'lead');
  await joinPathway(w.t, w.people.pathwayLeadOwn, appPathway, w.people.pathwayMemberOwn, 'member');
  const fixtures: AppFixtures = { draftFramework: draft, appPathway };
  Object.assign(w.ext, fixtures);
}

// =======================================================================================
// NOTIFICATIONS (issue 6) — maintained with functions/api/notifications. A person reads and
// marks only their own inbox; another person's notification id answers 404 like an unknown
// one; the shared staff inbox (`?inbox=staff`) is for staff only.
// =======================================================================================

/** A notification in `sub`'s inbox, written directly (the notifier writes them from events). */
async function inboxNotification(sub: string): Promise<string> {
  const { notificationItem } = await import('#store/messages.ts');
  const item = notificationItem({ recipient: sub, kind: 'message.posted', title: `Matrix ${tag()}`, body: 'matrix' });
  await transact([put(item)]);
  return String(item.id);
}

const ownSub = (w: World, role: MatrixRole) => (role === 'anonymous' ? w.people.staff.sub : w.people[role].sub);
const staffInboxOnly = jwtRow({
  staff: 'A',
  districtLeadOwn: 'D',
  districtLeadOther: 'D',
  pathwayLeadOwn: 'D',
  pathwayLeadOther: 'D',
  pathwayMemberOwn: 'D',
  pathwayMemberOther: 'D',
  reviewerAssigned: 'D',
  reviewerNotAssigned: 'D',
});

export const notificationCases: Record<string, MatrixRows> = {
  listNotifications: [
    { name: 'own inbox', request: () => ({ path: '/notifications' }), expect: signedIn('A') },
    { name: 'staff inbox', request: () => ({ path: '/notifications?inbox=staff' }), expect: staffInboxOnly },
  ],
  markNotificationRead: [
    {
      name: 'own notification',
      request: async (w, role) => ({ path: `/notifications/${await inboxNotification(ownSub(w, role))}/read` }),
      expect: signedIn('A'),
    },
    {
      name: "another person's notification",
      request: async (w) => ({ path: `/notifications/${await inboxNotification(w.people.pathwayLeadOther.sub)}/read` }),
      expect: jwtRow({
        staff: 'H',
        districtLeadOwn: 'H',
        districtLeadOther: 'H',
        pathwayLeadOwn: 'H',
        pathwayLeadOther: 'A',
        pathwayMemberOwn: 'H',
        pathwayMemberOther: 'H',
        reviewerAssigned: 'H',
        reviewerNotAssigned: 'H',
      }),
    },
    {
      name: 'staff inbox',
      request: async () => ({ path: `/notifications/${await inboxNotification(keys.staffInbox)}/read?inbox=staff` }),
      expect: staffInboxOnly,
    },
  ],
  markAllNotificationsRead: [
    { name: 'own inbox', request: () => ({ path: '/notifications/read-all' }), expect: signedIn('A') },
    { name: 'staff inbox', request: () => ({ path: '/notifications/read-all?inbox=staff' }), expect: staffInboxOnly },
  ],
  getNotificationPreferences: { request: () => ({ path: '/me/notification-preferences' }), expect: signedIn('A') },
  putNotificationPreferences: [
    {
      name: 'optional email',
      request: () => ({ path: '/me/notification-preferences', body: { email: { renewals: true } } }),
      expect: signedIn('A'),
    },
    {
      name: 'mandatory email off',
      request: () => ({ path: '/me/notification-preferences', body: { email: { expiry: false } } }),
      expect: signedIn(422),
    },
  ],
};

// =======================================================================================

export const matrixCases: Record<string, MatrixRows> = {
  ...systemCases,
  ...registryCases,
  ...peopleCases,
  ...directoryCases,
  ...credentialCases,
  ...auditCases,
  ...frameworkAndApplicationCases,
  ...outcomeCases,
  ...reviewCases,
  ...evidenceCases,
  ...notificationCases,
  ...benefitCases,
};

/** Builds world A and world B through the API (plus the few items no route creates yet). */
export async function buildWorld(t: TestPlatform): Promise<World> {
  const roles: Record<SignedInRole, ['staff' | 'district' | 'pathway' | 'reviewer', string]> = {
    staff: ['staff', 'staff@matrix.test'],
    districtLeadOwn: ['district', 'district.lead.a@matrix.test'],
    districtLeadOther: ['district', 'district.lead.b@matrix.test'],
    pathwayLeadOwn: ['pathway', 'pathway.lead.a@matrix.test'],
    pathwayLeadOther: ['pathway', 'pathway.lead.b@matrix.test'],
    pathwayMemberOwn: ['pathway', 'member.a@matrix.test'],
    pathwayMemberOther: ['pathway', 'member.b@matrix.test'],
    reviewerAssigned: ['reviewer', 'reviewer.assigned@matrix.test'],
    reviewerNotAssigned: ['reviewer', 'reviewer.other@matrix.test'],
  };
  const people = {} as Record<SignedInRole, Person>;
  for (const [role, [group, email]] of Object.entries(roles) as [SignedInRole, [never, string]][]) {
    people[role] = await person(t, email, [group]);
  }
  const staff = people.staff;

  const districtA = (await createDistrict(t, staff, { name: 'Matrix District A' })).id;
  const districtB = (await createDistrict(t, staff, { name: 'Matrix District B' })).id;
  const sandboxDistrict = (await createDistrict(t, staff, { name: 'Matrix Sandbox' })).id;
  const schoolA = (await createSchool(t, staff, districtA, 'School A')).id;
  const schoolB = (await createSchool(t, staff, districtB, 'School B')).id;
  const sandboxSchool = (await createSchool(t, staff, sandboxDistrict, 'Sandbox High')).id;
  await joinDistrict(t, staff, districtA, people.districtLeadOwn, 'lead');
  await joinDistrict(t, staff, districtB, people.districtLeadOther, 'lead');
  const pathwayA = (await createPathway(t, people.districtLeadOwn, schoolA, { name: 'Pathway A' })).id;
  const pathwayB = (await createPathway(t, people.districtLeadOther, schoolB, { name: 'Pathway B' })).id;
  await joinPathway(t, people.districtLeadOwn, pathwayA, people.pathwayLeadOwn, 'lead');
  await joinPathway(t, people.districtLeadOther, pathwayB, people.pathwayLeadOther, 'lead');
  await joinPathway(t, people.pathwayLeadOwn, pathwayA, people.pathwayMemberOwn, 'member');
  await joinPathway(t, people.pathwayLeadOther, pathwayB, people.pathwayMemberOther, 'member');

  const certifiedPathway = (await createPathway(t, staff, sandboxSchool, { name: 'Certified Sandbox Academy' })).id;
  const certified = (await getPathway(certifiedPathway, true))!;
  // Its certification with a credential, as a decision writes them (functions/pipeline/decide.ts).
  const issuedAt = new Date().toISOString();
  const { certification, items: certItems } = issueCertification({
    id: newId('certification'),
    pathwayId: certified.id,
    districtId: certified.districtId,
    applicationId: newId('application'),
    level: 'gold',
    issuedAt,
    previous: undefined,
  });
  const credential = await credentialIssue(certification, certified, seedFramework.version);
  await transact([
    ...certItems,
    ...credential.items,
    ...certificationWrite(certified, { level: 'gold', until: certification.expiresOn }, { sub: 'matrix' }, 'granted'),
  ]);
  const certifiedCredential = certification.id;

  const { framework } = await putPublishedFramework(seedFramework);

  // The application through the API when its route exists; the assignment directly, since
  // reviewer assignment arrives with the review pipeline.
  const open = await t.api<{ id: string }>('POST', `/pathways/${pathwayA}/applications`, {
    token: people.pathwayLeadOwn.token,
    body: { target: 'candidacy', frameworkId: framework.id },
  });
  const applicationA = expectStatus(open, 201).json.id;
  await transact([
    put({
      ...keys.assignment(people.reviewerAssigned.sub, applicationA),
      _type: 'assignment',
      sub: people.reviewerAssigned.sub,
      applicationId: applicationA,
      pathwayId: pathwayA,
      active: true,
      role: 'reviewer',
      assignedAt: new Date().toISOString(),
    }),
  ]);

  const email = () => `throwaway.${tag()}@matrix.test`;
  const invite = async (path: string, body: { email: string; role: string }) =>
    expectStatus(await t.api<{ id: string }>('POST', path, { token: staff.token, body }), 201).json.id;

  const w: World = {
    t,
    people,
    districtA,
    districtB,
    schoolA,
    schoolB,
    pathwayA,
    pathwayB,
    sandboxDistrict,
    sandboxSchool,
    certifiedPathway,
    certifiedCredential,
    frameworkId: framework.id,
    applicationA,
    fresh: {
      email,
      async version(path) {
        return expectStatus(await t.api<{ version: number }>('GET', path, { token: staff.token }), 200).json.version;
      },
      pathwayInvitation: (pathwayId) => invite(`/pathways/${pathwayId}/invitations`, { email: email(), role: 'member' }),
      districtInvitation: (districtId) => invite(`/districts/${districtId}/invitations`, { email: email(), role: 'data' }),
      async pathwayMember(pathwayId) {
        const p = await person(t, email(), ['pathway']);
        await accept(t, p, await invite(`/pathways/${pathwayId}/invitations`, { email: p.email, role: 'member' }));
        return p;
      },
      async districtContact(districtId) {
        const p = await person(t, email(), ['district']);
        await accept(t, p, await invite(`/districts/${districtId}/invitations`, { email: p.email, role: 'data' }));
        return p;
      },
      async invitationTo(address) {
        // A new sandbox pathway each time, so nobody's access to world A or B changes.
        const sandboxPathway = (await createPathway(t, staff, sandboxSchool)).id;
        return invite(`/pathways/${sandboxPathway}/invitations`, { email: address, role: 'member' });
      },
    },
    ext: {},
  };
  await extendWorld(w);
  return w;
}

/** Route ids with rows that are not in the route table (stale rows). */
export function staleCaseIds(): string[] {
  const ids = new Set(apiRoutes.map((r) => r.id));
  return Object.keys(matrixCases).filter((id) => !ids.has(id));
}
