/**
 * The fuzz world: two tenants built through the API, each a district with a school, a
 * pathway, a lead, a member and an application with a response, plus staff and a
 * reviewer. Everything tenant B owns carries a canary string in its names and texts, so a
 * response to a tenant-A caller that contains the canary (or one of B's ids the caller
 * did not send) is a leak. Also the tokens the fuzzer presents: valid ones per caller and
 * missing, expired, forged, wrong-audience, wrong-issuer and unsigned ones.
 */
import { createDevIssuer } from '../../../infra/local/dev-issuer.ts';
import { seedFramework } from '#core/seed-framework.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import { seedAvailableEvidence } from '../evidence.ts';
import type { TestPlatform } from '../platform.ts';
import {
  createDistrict,
  createPathway,
  createSchool,
  expectStatus,
  joinDistrict,
  joinPathway,
  person,
  type Person,
} from '../registry-world.ts';
import { putReviewer } from '../review-world.ts';

/** Planted in every name and text of tenant B (lower case: emails are stored lower-cased). */
export const CANARY = 'zqxcanaryb';

export const callers = ['anonymous', 'staff', 'reviewer', 'districtLeadA', 'pathwayLeadA', 'memberA'] as const;
export type Caller = (typeof callers)[number];
/** Callers who belong to tenant A (or to no tenant): nothing of B may reach them. */
export const confinedCallers: ReadonlySet<Caller> = new Set(['reviewer', 'districtLeadA', 'pathwayLeadA', 'memberA']);

export const badTokenKinds = [
  'missing',
  'expired',
  'forgedSignature',
  'otherKey',
  'wrongAudience',
  'wrongIssuer',
  'unsigned',
  'garbage',
  'noSub',
] as const;
export type BadTokenKind = (typeof badTokenKinds)[number];

export interface FuzzWorld {
  tokens: Record<Exclude<Caller, 'anonymous'>, string>;
  badTokens: Record<BadTokenKind, string>;
  people: Record<string, Person>;
  /** Ids of everything, both tenants (what a hostile caller would try). */
  allIds: string[];
  /** Ids a staff caller may use without disturbing B's canaries. */
  staffIds: string[];
  /** B's ids: in a confined caller's response only when the request named them. */
  tenantBIds: string[];
  criterionIds: string[];
  frameworkId: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function buildFuzzWorld(t: TestPlatform): Promise<FuzzWorld> {
  const issuer = t.platform.issuer;
  const staff = await person(t, 'fuzz.staff@example.org', ['staff'], 'Fuzz Staff');
  const reviewer = await person(t, 'fuzz.reviewer@example.org', ['reviewer'], 'Fuzz Reviewer');
  const districtLeadA = await person(t, 'fuzz.dlead.a@example.org', ['district'], 'Alice District');
  const pathwayLeadA = await person(t, 'fuzz.plead.a@example.org', ['pathway'], 'Avery Lead');
  const memberA = await person(t, 'fuzz.member.a@example.org', ['pathway'], 'Ari Member');
  const districtLeadB = await person(t, `${CANARY}.dlead@example.org`, ['district'], `Bo ${CANARY} District`);
  const pathwayLeadB = await person(t, `${CANARY}.plead@example.org`, ['pathway'], `Bea ${CANARY} Lead`);
  const memberB = await person(t, `${CANARY}.member@example.org`, ['pathway'], `Ben ${CANARY} Member`);

  const { framework } = await putPublishedFramework(seedFramework);
  const criterionIds = framework.components.flatMap((c) => c.standards.flatMap((s) => s.criteria.map((cr) => cr.id)));

  const districtA = await createDistrict(t, staff, { name: 'Fuzz District A' });
  const districtB = await createDistrict(t, staff, { name: `District ${CANARY}`, countyOrRegion: `County ${CANARY}` });
  const schoolA = await createSchool(t, staff, districtA.id, 'Fuzz School A');
  const schoolB = await createSchool(t, staff, districtB.id, `School ${CANARY}`);
  await joinDistrict(t, staff, districtA.id, districtLeadA, 'lead');
  await joinDistrict(t, staff, districtB.id, districtLeadB, 'lead');
  const pathwayA = await createPathway(t, districtLeadA, schoolA.id, { name: 'Fuzz Pathway A' });
  const pathwayB = await createPathway(t, districtLeadB, schoolB.id, { name: `Pathway ${CANARY}` });
  await joinPathway(t, districtLeadA, pathwayA.id, pathwayLeadA, 'lead');
  await joinPathway(t, districtLeadB, pathwayB.id, pathwayLeadB, 'lead');
  await joinPathway(t, pathwayLeadA, pathwayA.id, memberA, 'member');
  await joinPathway(t, pathwayLeadB, pathwayB.id, memberB, 'member');

  // With the helper's defaults (one sector, no conflicts, available, three open assignments, lead-eligible); it checks the 201.
  await putReviewer(t, staff, reviewer, { name: 'Fuzz Reviewer', email: reviewer.email });

  const openApp = async (lead: Person, pathwayId: string, narrative: string) => {
    const app = expectStatus(
      await t.api<{ id: string }>('POST', `/pathways/${pathwayId}/applications`, {
        token: lead.token,
        body: { target: 'candidacy', frameworkId: framework.id },
      }),
      201,
    ).json;
    const res = await t.api('PUT', `/applications/${app.id}/responses/${criterionIds[0]}`, {
      token: lead.token,
      headers: { 'if-none-match': '*' },
      body: { narrative },
    });
    expectStatus(res, 201);
    return app.id;
  };
  const applicationA = await openApp(pathwayLeadA, pathwayA.id, 'Our pathway A narrative.');
  const applicationB = await openApp(pathwayLeadB, pathwayB.id, `Secret narrative of ${CANARY}.`);

  const invite = async (by: Person, path: string, email: string, role: string) =>
    expectStatus(await t.api<{ id: string }>('POST', path, { token: by.token, body: { email, role } }), 201).json.id;
  const invitationA = await invite(pathwayLeadA, `/pathways/${pathwayA.id}/invitations`, 'fuzz.invitee.a@example.org', 'member');
  const invitationB = await invite(pathwayLeadB, `/pathways/${pathwayB.id}/invitations`, `${CANARY}.invitee@example.org`, 'member');
  const districtInvitationB = await invite(staff, `/districts/${districtB.id}/invitations`, `${CANARY}.data@example.org`, 'data');

  const partner = async (lead: Person, pathwayId: string, organization: string) =>
    expectStatus(
      await t.api<{ id: string }>('POST', `/pathways/${pathwayId}/partners`, {
        token: lead.token,
        body: { organization, sector: 'Engineering', engagement: 'ongoing', studentsServed: 12 },
      }),
      201,
    ).json.id;
  const partnerA = await partner(pathwayLeadA, pathwayA.id, 'Fuzz Partner A');
  const partnerB = await partner(pathwayLeadB, pathwayB.id, `Partner ${CANARY}`);

  const [evidenceA] = await seedAvailableEvidence(pathwayA.id, { title: 'Fuzz evidence A' });
  const [evidenceB] = await seedAvailableEvidence(pathwayB.id, { title: `Evidence ${CANARY}` });

  // Forged tokens: each wrong in exactly one way the authorizer must notice.
  const valid = pathwayLeadA.token;
  const [header, payload] = valid.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const escalated = b64url({ ...claims, 'cognito:groups': ['staff'] });
  const otherIssuer = await createDevIssuer();
  const badTokens: Record<BadTokenKind, string> = {
    missing: '',
    expired: await issuer.issueToken({ email: pathwayLeadA.email, groups: ['pathway'], expiresIn: -120 }),
    forgedSignature: `${header}.${escalated}.${valid.split('.')[2]}`,
    otherKey: await otherIssuer.issueToken({ email: staff.email, groups: ['staff'] }),
    wrongAudience: await issuer.issueToken({ email: staff.email, groups: ['staff'], claims: { aud: 'someone-else' } }),
    wrongIssuer: await issuer.issueToken({ email: staff.email, groups: ['staff'], claims: { iss: 'https://evil.example' } }),
    unsigned: `${b64url({ alg: 'none', typ: 'JWT' })}.${escalated}.`,
    garbage: 'not.a.jwt',
    noSub: await issuer.issueToken({ email: staff.email, groups: ['staff'], claims: { sub: undefined } }),
  };

  const tenantA = [
    districtA.id,
    schoolA.id,
    pathwayA.id,
    applicationA,
    invitationA,
    partnerA,
    evidenceA!,
    districtLeadA.sub,
    pathwayLeadA.sub,
    memberA.sub,
  ];
  const tenantB = [
    districtB.id,
    schoolB.id,
    pathwayB.id,
    applicationB,
    invitationB,
    districtInvitationB,
    partnerB,
    evidenceB!,
    districtLeadB.sub,
    pathwayLeadB.sub,
    memberB.sub,
  ];
  const shared = [framework.id, staff.sub, reviewer.sub];
  return {
    tokens: {
      staff: staff.token,
      reviewer: reviewer.token,
      districtLeadA: districtLeadA.token,
      pathwayLeadA: pathwayLeadA.token,
      memberA: memberA.token,
    },
    badTokens,
    people: { staff, reviewer, districtLeadA, pathwayLeadA, memberA, districtLeadB, pathwayLeadB, memberB },
    allIds: [...tenantA, ...tenantB, ...shared],
    staffIds: [...tenantA, ...shared],
    tenantBIds: tenantB,
    criterionIds,
    frameworkId: framework.id,
  };
}
