/**
 * GET /people?email=: staff find someone by email (exact, normalized) with their
 * memberships and whether they have a reviewer profile; nobody else learns anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  createDistrict,
  createPathway,
  createSchool,
  expectStatus,
  joinDistrict,
  joinPathway,
  person,
  type Person,
} from '../support/registry-world.ts';

type Problem = { status: number; errors?: { in: string; field: string }[] };
type Found = {
  sub: string;
  email: string;
  name?: string;
  memberships: { kind: string; role: string; districtId: string; districtName?: string; pathwayId?: string; pathwayName?: string }[];
  reviewerProfile: boolean;
};

let t: TestPlatform;
let staff: Person;
let districtLead: Person;
let lead: Person;
let reviewer: Person;
let district: { id: string; name: string };
let pathway: { id: string; name: string };

const find = (who: Person, query: string) => t.api<Found & Problem>('GET', `/people${query}`, { token: who.token });

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@lookup.test', ['staff']);
  districtLead = await person(t, 'dl@lookup.test', ['district'], 'Dana Lead');
  lead = await person(t, 'lead@lookup.test', ['pathway'], 'Lee Lead');
  reviewer = await person(t, 'Rae.Reviewer@Lookup.test', ['reviewer'], 'Rae Reviewer');
  district = await createDistrict(t, staff, { name: 'Lookup Unified' });
  const school = await createSchool(t, staff, district.id, 'Lookup High');
  await joinDistrict(t, staff, district.id, districtLead, 'lead');
  pathway = await createPathway(t, districtLead, school.id, { name: 'Lookup Academy' });
  await joinPathway(t, districtLead, pathway.id, lead, 'lead');
  // The reviewer signs in once (that records the address), then staff make a profile.
  expectStatus(await t.api('GET', '/me', { token: reviewer.token }), 200);
  const profile = {
    sectors: ['health_science_medical_technology'],
    conflicts: { districtIds: [], pathwayIds: [] },
    available: true,
    unavailable: [],
    maxOpenAssignments: 2,
    leadEligible: true,
    active: true,
  };
  expectStatus(
    await t.api('PUT', `/reviewers/${reviewer.sub}`, { token: staff.token, body: profile, headers: { 'if-none-match': '*' } }),
    201,
  );
});

afterAll(() => t?.stop());

describe('GET /people?email=', () => {
  it('staff get the person with their pathway and district memberships (names included)', async () => {
    const lee = expectStatus(await find(staff, `?email=${encodeURIComponent(lead.email)}`), 200).json;
    expect(lee).toMatchObject({ sub: lead.sub, email: lead.email, name: 'Lee Lead', reviewerProfile: false });
    expect(lee.memberships).toEqual([
      expect.objectContaining({
        kind: 'pathway',
        role: 'lead',
        pathwayId: pathway.id,
        pathwayName: 'Lookup Academy',
        districtId: district.id,
        districtName: 'Lookup Unified',
      }),
    ]);
    const dana = expectStatus(await find(staff, `?email=${encodeURIComponent(districtLead.email)}`), 200).json;
    expect(dana.memberships).toEqual([
      expect.objectContaining({ kind: 'district', role: 'lead', districtId: district.id, districtName: 'Lookup Unified' }),
    ]);
  });

  it('matches the normalized address (case, spaces) and tells whether a reviewer profile exists', async () => {
    const rae = expectStatus(await find(staff, `?email=${encodeURIComponent('  RAE.reviewer@lookup.TEST ')}`), 200).json;
    expect(rae).toMatchObject({
      sub: reviewer.sub,
      email: 'rae.reviewer@lookup.test',
      name: 'Rae Reviewer',
      memberships: [],
      reviewerProfile: true,
    });
  });

  it('answers 404 problem+json for an address nobody signed in with', async () => {
    const res = await find(staff, '?email=nobody@lookup.test');
    expectStatus(res, 404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 404 to everyone but staff, for known and unknown addresses alike', async () => {
    for (const who of [districtLead, lead, reviewer]) {
      for (const address of [lead.email, 'nobody@lookup.test', who.email]) {
        const res = await find(who, `?email=${encodeURIComponent(address)}`);
        expect(res.status, `${who.email} looking up ${address}: ${res.text}`).toBe(404);
      }
    }
  });

  it('answers 400 naming the field when the email is missing or not an address', async () => {
    for (const query of ['', '?email=', '?email=not-an-address', `?email=${'a'.repeat(250)}@x.org`]) {
      const res = await find(staff, query);
      expectStatus(res, 400);
      expect(res.json.errors?.map((e) => `${e.in}:${e.field}`)).toContain('query:email');
    }
    const extra = await find(staff, `?email=${encodeURIComponent(lead.email)}&sub=x`);
    expectStatus(extra, 400);
  });
});
