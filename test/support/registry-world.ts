/**
 * Building registry data and people through the HTTP API, for integration tests: staff
 * create districts, schools and pathways; people join by invitation and their own
 * acceptance, exactly as in production.
 */
import { expect } from 'vitest';
import { subjectForEmail } from '../../infra/local/dev-issuer.ts';
import type { Role } from '#lib/principal.ts';
import type { ApiResult, TestPlatform } from './platform.ts';

export interface Person {
  email: string;
  sub: string;
  token: string;
}

export interface Ids {
  id: string;
  version: number;
}

export async function person(t: TestPlatform, email: string, groups: Role[], name?: string): Promise<Person> {
  const token = await t.platform.issuer.issueToken({ email, groups, ...(name ? { name } : {}), expiresIn: '2h' });
  return { email, sub: subjectForEmail(email), token };
}

/** Fails with the answer's body when the status is not the expected one. */
export function expectStatus<T>(res: ApiResult<T>, status: number): ApiResult<T> {
  expect(res.status, `${res.status}: ${res.text}`).toBe(status);
  return res;
}

let counter = 0;
export const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function createDistrict(
  t: TestPlatform,
  staff: Person,
  body: Record<string, unknown> = {},
): Promise<{ id: string; version: number; name: string }> {
  const res = await t.api<{ id: string; version: number; name: string }>('POST', '/districts', {
    token: staff.token,
    body: { name: unique('District'), state: 'CA', countyOrRegion: 'Alameda', ...body },
  });
  return expectStatus(res, 201).json;
}

export async function createSchool(
  t: TestPlatform,
  staff: Person,
  districtId: string,
  name = unique('School'),
): Promise<{ id: string; version: number; name: string }> {
  const res = await t.api<{ id: string; version: number; name: string }>('POST', `/districts/${districtId}/schools`, {
    token: staff.token,
    body: { name },
  });
  return expectStatus(res, 201).json;
}

export const pathwayBody = (overrides: Record<string, unknown> = {}) => ({
  name: unique('Academy'),
  sector: 'engineering_architecture',
  gradesServed: [9, 10, 11, 12],
  model: 'school_within_a_school',
  enrollment: 240,
  ...overrides,
});

export async function createPathway(
  t: TestPlatform,
  by: Person,
  schoolId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; version: number; name: string; districtId: string; schoolId: string }> {
  const res = await t.api<{ id: string; version: number; name: string; districtId: string; schoolId: string }>(
    'POST',
    `/schools/${schoolId}/pathways`,
    {
      token: by.token,
      body: pathwayBody(overrides),
    },
  );
  return expectStatus(res, 201).json;
}

export async function accept(t: TestPlatform, who: Person, invitationId: string) {
  const res = await t.api<{ membership: { role: string; version: number } }>('POST', `/me/invitations/${invitationId}/accept`, {
    token: who.token,
  });
  return expectStatus(res, 200).json;
}

/** Invites `who` to the pathway (as `by`) and accepts as `who`. */
export async function joinPathway(t: TestPlatform, by: Person, pathwayId: string, who: Person, role: 'lead' | 'member') {
  const inv = await t.api<{ id: string }>('POST', `/pathways/${pathwayId}/invitations`, {
    token: by.token,
    body: { email: who.email, role },
  });
  expect([200, 201], inv.text).toContain(inv.status);
  return accept(t, who, inv.json.id);
}

export async function joinDistrict(t: TestPlatform, staff: Person, districtId: string, who: Person, role: 'lead' | 'data') {
  const inv = await t.api<{ id: string }>('POST', `/districts/${districtId}/invitations`, {
    token: staff.token,
    body: { email: who.email, role },
  });
  expect([200, 201], inv.text).toContain(inv.status);
  return accept(t, who, inv.json.id);
}
