/**
 * The registry through the local HTTP API: districts, schools and pathways — CRUD, bad
 * input, 404 versus 403, optimistic concurrency, idempotent creation, pagination,
 * filters and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import { transact } from '#store/db.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import {
  createDistrict,
  createPathway,
  createSchool,
  expectStatus,
  joinDistrict,
  joinPathway,
  pathwayBody,
  person,
  type Person,
} from '../support/registry-world.ts';

const PROBLEM = 'application/problem+json';

type Problem = { type: string; status: number; errors?: { in: string; field: string; code?: string }[]; currentVersion?: number };
type Page<T> = { items: T[]; nextCursor?: string };
type PathwayView = {
  id: string;
  name: string;
  sector: string;
  version: number;
  certificationLevel: string | null;
  schoolName: string;
  districtName: string;
};

let t: TestPlatform;
let staff: Person;
let districtLead: Person;
let otherDistrictLead: Person;
let pathwayLead: Person;
let member: Person;
let outsider: Person;
let district: { id: string; version: number; name: string };
let otherDistrict: { id: string; version: number; name: string };
let school: { id: string; version: number; name: string };
let otherSchool: { id: string };
let pathway: { id: string; version: number; name: string };

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@alliance.test', ['staff'], 'Sam Staff');
  districtLead = await person(t, 'lead@riverside.test', ['district'], 'Dana District');
  otherDistrictLead = await person(t, 'lead@bayview.test', ['district']);
  pathwayLead = await person(t, 'plead@riverside.test', ['pathway'], 'Pat Lead');
  member = await person(t, 'member@riverside.test', ['pathway']);
  outsider = await person(t, 'someone@elsewhere.test', ['pathway']);

  district = await createDistrict(t, staff, { name: 'Riverside Unified' });
  otherDistrict = await createDistrict(t, staff, { name: 'Bayview Unified' });
  school = await createSchool(t, staff, district.id, 'Riverside High');
  otherSchool = await createSchool(t, staff, otherDistrict.id, 'Bayview High');
  await joinDistrict(t, staff, district.id, districtLead, 'lead');
  await joinDistrict(t, staff, otherDistrict.id, otherDistrictLead, 'lead');
  pathway = await createPathway(t, districtLead, school.id, {
    name: 'Health Careers Academy',
    sector: 'health_science_medical_technology',
  });
  await joinPathway(t, districtLead, pathway.id, pathwayLead, 'lead');
  await joinPathway(t, pathwayLead, pathway.id, member, 'member');
});

afterAll(() => t?.stop());

describe('districts', () => {
  it('staff create, read, list and edit a district', async () => {
    const created = expectStatus(
      await t.api<{ id: string; version: number; name: string }>('POST', '/districts', {
        token: staff.token,
        body: { name: 'Oakridge Unified', state: 'CA', countyOrRegion: 'Oakridge County' },
      }),
      201,
    );
    expect(created.json).toMatchObject({ name: 'Oakridge Unified', state: 'CA', version: 1 });
    expect(created.json.id).toMatch(/^dst_/);
    expect(created.headers.get('location')).toBe(`/districts/${created.json.id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.json).not.toHaveProperty('PK');

    const read = expectStatus(await t.api('GET', `/districts/${created.json.id}`, { token: staff.token }), 200);
    expect(read.json).toEqual(created.json);

    const patched = expectStatus(
      await t.api<{ name: string; version: number }>('PATCH', `/districts/${created.json.id}`, {
        token: staff.token,
        headers: { 'if-match': '"1"' },
        body: { name: 'Oakridge Unified School District' },
      }),
      200,
    );
    expect(patched.json).toMatchObject({ name: 'Oakridge Unified School District', version: 2, state: 'CA' });
    expect(patched.headers.get('etag')).toBe('"2"');

    const list = expectStatus(await t.api<Page<{ id: string; name: string }>>('GET', '/districts?limit=100', { token: staff.token }), 200);
    const names = list.json.items.map((d) => d.name);
    expect(names).toContain('Oakridge Unified School District');
    expect([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))).toEqual(names);
  });

  it('non-staff cannot create districts (403), and list only the districts they work in', async () => {
    const res = await t.api<Problem>('POST', '/districts', { token: districtLead.token, body: { name: 'Mine Unified', state: 'CA' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe(PROBLEM);

    const own = expectStatus(await t.api<Page<{ id: string }>>('GET', '/districts', { token: districtLead.token }), 200);
    expect(own.json.items.map((d) => d.id)).toEqual([district.id]);
    const team = expectStatus(await t.api<Page<{ id: string }>>('GET', '/districts', { token: member.token }), 200);
    expect(team.json.items.map((d) => d.id)).toEqual([district.id]);
    const none = expectStatus(await t.api<Page<{ id: string }>>('GET', '/districts', { token: outsider.token }), 200);
    expect(none.json.items).toEqual([]);
  });

  it('anonymous callers get 401', async () => {
    expect((await t.api('GET', '/districts')).status).toBe(401);
    expect((await t.api('POST', '/districts', { body: { name: 'X Unified', state: 'CA' } })).status).toBe(401);
  });

  it('a district is visible to its lead and teams (200), hidden from others (404), editable only by staff (403)', async () => {
    expect((await t.api('GET', `/districts/${district.id}`, { token: districtLead.token })).status).toBe(200);
    expect((await t.api('GET', `/districts/${district.id}`, { token: member.token })).status).toBe(200);
    expect((await t.api('GET', `/districts/${district.id}`, { token: otherDistrictLead.token })).status).toBe(404);
    expect((await t.api('GET', `/districts/${district.id}`, { token: outsider.token })).status).toBe(404);
    const patch = await t.api('PATCH', `/districts/${district.id}`, {
      token: districtLead.token,
      headers: { 'if-match': '"1"' },
      body: { name: 'Renamed' },
    });
    expect(patch.status).toBe(403);
    // A well-formed id that does not exist is 404 for everyone, staff included.
    expect((await t.api('GET', `/districts/${newId('district')}`, { token: staff.token })).status).toBe(404);
  });
});

describe('bad input answers problem+json naming the failing field', () => {
  const fieldsOf = (p: Problem) => (p.errors ?? []).map((e) => `${e.in}:${e.field}`);

  it('malformed JSON', async () => {
    const res = await t.api<Problem>('POST', '/districts', {
      token: staff.token,
      body: '{"name": "x",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(PROBLEM);
    expect(res.json.type).toBe('urn:pathcert:problem:malformed-json');
  });

  it('wrong types, missing fields, unknown fields, oversize strings', async () => {
    const wrong = await t.api<Problem>('POST', '/districts', { token: staff.token, body: { name: 42, state: 'California' } });
    expect(wrong.status).toBe(400);
    expect(fieldsOf(wrong.json)).toEqual(expect.arrayContaining(['body:name', 'body:state']));

    const missing = await t.api<Problem>('POST', `/schools/${school.id}/pathways`, { token: staff.token, body: { name: 'Only a name' } });
    expect(missing.status).toBe(400);
    expect(fieldsOf(missing.json)).toEqual(expect.arrayContaining(['body:sector', 'body:gradesServed', 'body:model', 'body:enrollment']));

    const unknown = await t.api<Problem>('POST', '/districts', {
      token: staff.token,
      body: { name: 'Valid Unified', state: 'CA', mascot: 'owl' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mascot', code: 'unknown_field' })]));

    const long = await t.api<Problem>('POST', '/districts', { token: staff.token, body: { name: 'x'.repeat(121), state: 'CA' } });
    expect(long.status).toBe(400);
    expect(fieldsOf(long.json)).toEqual(['body:name']);

    const grades = await t.api<Problem>('POST', `/schools/${school.id}/pathways`, {
      token: staff.token,
      body: pathwayBody({ gradesServed: [9, 9, 13] }),
    });
    expect(grades.status).toBe(400);
    expect(fieldsOf(grades.json).every((f) => f.startsWith('body:gradesServed'))).toBe(true);

    const sector = await t.api<Problem>('POST', `/schools/${school.id}/pathways`, {
      token: staff.token,
      body: pathwayBody({ sector: 'space_mining' }),
    });
    expect(fieldsOf(sector.json)).toEqual(['body:sector']);
  });

  it('bad ids are refused before any lookup', async () => {
    const res = await t.api<Problem>('GET', '/districts/not-an-id', { token: staff.token });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(['path:districtId']);
    const wrongKind = await t.api<Problem>('GET', `/pathways/${school.id}`, { token: staff.token });
    expect(wrongKind.status).toBe(400);
    expect(fieldsOf(wrongKind.json)).toEqual(['path:pathwayId']);
  });

  it('certification is not client-editable', async () => {
    const res = await t.api<Problem>('PATCH', `/pathways/${pathway.id}`, {
      token: staff.token,
      headers: { 'if-match': '"1"' },
      body: { certificationLevel: 'gold', certifiedUntil: '2030-01-01' },
    });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(['body:certificationLevel', 'body:certifiedUntil']);
  });

  it('an empty PATCH and unknown query parameters are 400', async () => {
    const empty = await t.api<Problem>('PATCH', `/pathways/${pathway.id}`, {
      token: staff.token,
      headers: { 'if-match': '"1"' },
      body: {},
    });
    expect(empty.status).toBe(400);
    const query = await t.api<Problem>('GET', `/districts/${district.id}/pathways?colour=blue`, { token: staff.token });
    expect(query.status).toBe(400);
    expect(fieldsOf(query.json)).toEqual(['query:colour']);
    const limit = await t.api<Problem>('GET', `/districts/${district.id}/pathways?limit=500`, { token: staff.token });
    expect(fieldsOf(limit.json)).toEqual(['query:limit']);
  });
});

describe('schools', () => {
  it('staff create and rename schools; the rename reaches the pathways', async () => {
    const s = await createSchool(t, staff, district.id, 'Lakeside High');
    const p = await createPathway(t, staff, s.id, { name: 'Lakeside Engineering' });
    const renamed = expectStatus(
      await t.api<{ name: string; version: number }>('PATCH', `/schools/${s.id}`, {
        token: staff.token,
        body: { name: 'Lakeside Early College High', version: 1 },
      }),
      200,
    );
    expect(renamed.json).toMatchObject({ name: 'Lakeside Early College High', version: 2 });
    const read = expectStatus(await t.api<PathwayView>('GET', `/pathways/${p.id}`, { token: staff.token }), 200);
    expect(read.json.schoolName).toBe('Lakeside Early College High');
    const list = expectStatus(
      await t.api<Page<{ name: string }>>('GET', `/districts/${district.id}/schools`, { token: districtLead.token }),
      200,
    );
    expect(list.json.items.map((x) => x.name)).toContain('Lakeside Early College High');
  });

  it('district leads list their schools but cannot create them; other districts are hidden', async () => {
    expect(
      (await t.api('POST', `/districts/${district.id}/schools`, { token: districtLead.token, body: { name: 'New High' } })).status,
    ).toBe(403);
    expect((await t.api('GET', `/districts/${district.id}/schools`, { token: otherDistrictLead.token })).status).toBe(404);
    expect((await t.api('GET', `/schools/${school.id}`, { token: member.token })).status).toBe(200);
    expect((await t.api('GET', `/schools/${otherSchool.id}`, { token: member.token })).status).toBe(404);
  });
});

describe('pathways', () => {
  it('a district lead creates pathways in their district, not in another (404)', async () => {
    const created = expectStatus(
      await t.api<PathwayView & { certifiedUntil: null; status: string; gradesServed: number[] }>(
        'POST',
        `/schools/${school.id}/pathways`,
        {
          token: districtLead.token,
          body: pathwayBody({ name: 'Digital Media Arts', sector: 'arts_media_entertainment', gradesServed: [12, 10, 11] }),
        },
      ),
      201,
    );
    expect(created.json).toMatchObject({
      name: 'Digital Media Arts',
      certificationLevel: null,
      certifiedUntil: null,
      status: 'active',
      gradesServed: [10, 11, 12],
      schoolName: 'Riverside High',
      districtName: 'Riverside Unified',
      version: 1,
    });
    expect(created.json).not.toHaveProperty('leadCount');
    expect(created.headers.get('location')).toBe(`/pathways/${created.json.id}`);
    expect((await t.api('POST', `/schools/${otherSchool.id}/pathways`, { token: districtLead.token, body: pathwayBody() })).status).toBe(
      404,
    );
    expect((await t.api('POST', `/schools/${school.id}/pathways`, { token: pathwayLead.token, body: pathwayBody() })).status).toBe(403);
  });

  it('its team reads it, its lead edits it, a member may not (403), outsiders see nothing (404)', async () => {
    const current = expectStatus(await t.api<PathwayView>('GET', `/pathways/${pathway.id}`, { token: member.token }), 200);
    expect(current.headers.get('etag')).toBe(`"${current.json.version}"`);
    const edited = expectStatus(
      await t.api<PathwayView & { enrollment: number }>('PATCH', `/pathways/${pathway.id}`, {
        token: pathwayLead.token,
        headers: { 'if-match': `"${current.json.version}"` },
        body: { enrollment: 310 },
      }),
      200,
    );
    expect(edited.json.enrollment).toBe(310);
    expect(edited.json.version).toBe(current.json.version + 1);
    const denied = await t.api('PATCH', `/pathways/${pathway.id}`, {
      token: member.token,
      headers: { 'if-match': `"${edited.json.version}"` },
      body: { enrollment: 1 },
    });
    expect(denied.status).toBe(403);
    expect((await t.api('GET', `/pathways/${pathway.id}`, { token: outsider.token })).status).toBe(404);
    expect((await t.api('GET', `/pathways/${pathway.id}`, { token: otherDistrictLead.token })).status).toBe(404);
    expect(
      (await t.api('PATCH', `/pathways/${pathway.id}`, { token: outsider.token, headers: { 'if-match': '"1"' }, body: { enrollment: 1 } }))
        .status,
    ).toBe(404);
  });

  it('If-Match: missing is 428, stale is 412 with the current version, a bad header is 400', async () => {
    const p = await createPathway(t, staff, school.id);
    const missing = await t.api<Problem>('PATCH', `/pathways/${p.id}`, { token: staff.token, body: { enrollment: 5 } });
    expect(missing.status).toBe(428);
    expect(missing.headers.get('content-type')).toBe(PROBLEM);
    expectStatus(
      await t.api('PATCH', `/pathways/${p.id}`, { token: staff.token, headers: { 'if-match': '"1"' }, body: { enrollment: 5 } }),
      200,
    );
    const stale = await t.api<Problem>('PATCH', `/pathways/${p.id}`, {
      token: staff.token,
      headers: { 'if-match': '"1"' },
      body: { enrollment: 6 },
    });
    expect(stale.status).toBe(412);
    expect(stale.json.currentVersion).toBe(2);
    expect(stale.headers.get('etag')).toBe('"2"');
    const viaBody = await t.api('PATCH', `/pathways/${p.id}`, { token: staff.token, body: { enrollment: 6, version: 2 } });
    expect(viaBody.status).toBe(200);
    const bad = await t.api<Problem>('PATCH', `/pathways/${p.id}`, {
      token: staff.token,
      headers: { 'if-match': 'yesterday' },
      body: { enrollment: 7 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors?.[0]).toMatchObject({ in: 'header', field: 'if-match' });
  });

  it('20 concurrent PATCHes of the same version: exactly one wins, the rest get 412', async () => {
    const p = await createPathway(t, staff, school.id);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.api<Problem>('PATCH', `/pathways/${p.id}`, { token: staff.token, headers: { 'if-match': '"1"' }, body: { enrollment: 100 + i } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    for (const r of results.filter((x) => x.status === 412)) expect(r.json.currentVersion).toBe(2);
    const winner = results.findIndex((r) => r.status === 200);
    const final = await t.api<{ enrollment: number; version: number }>('GET', `/pathways/${p.id}`, { token: staff.token });
    expect(final.json).toMatchObject({ enrollment: 100 + winner, version: 2 });
    // One update, one audit event.
    const audit = await t.api<Page<{ action: string }>>('GET', `/pathways/${p.id}/audit`, { token: staff.token });
    expect(audit.json.items.filter((e) => e.action === 'pathway.updated')).toHaveLength(1);
  });

  it('Idempotency-Key: a retry returns the first answer and creates nothing; a reused key with another body is 422', async () => {
    const s = await createSchool(t, staff, district.id);
    const body = pathwayBody({ name: 'Retry Academy' });
    const headers = { 'idempotency-key': 'create-retry-academy-1' };
    const first = expectStatus(await t.api<PathwayView>('POST', `/schools/${s.id}/pathways`, { token: staff.token, body, headers }), 201);
    const again = expectStatus(await t.api<PathwayView>('POST', `/schools/${s.id}/pathways`, { token: staff.token, body, headers }), 201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const list = await t.api<Page<PathwayView>>('GET', `/schools/${s.id}/pathways`, { token: staff.token });
    expect(list.json.items.map((p) => p.id)).toEqual([first.json.id]);
    const reused = await t.api<Problem>('POST', `/schools/${s.id}/pathways`, {
      token: staff.token,
      body: { ...body, enrollment: 1 },
      headers,
    });
    expect(reused.status).toBe(422);
    expect(reused.json.errors?.[0]).toMatchObject({ in: 'header', field: 'idempotency-key' });
    const badKey = await t.api<Problem>('POST', `/schools/${s.id}/pathways`, {
      token: staff.token,
      body,
      headers: { 'idempotency-key': 'short' },
    });
    expect(badKey.status).toBe(400);
  });
});

describe('lists', () => {
  let big: { id: string };
  let bigSchool: { id: string };
  const names: string[] = [];

  beforeAll(async () => {
    big = await createDistrict(t, staff, { name: 'Big City Unified', state: 'NY' });
    bigSchool = await createSchool(t, staff, big.id, 'Central High');
    const sectors = ['engineering_architecture', 'business_finance', 'public_services'];
    // Created out of name order, with mixed case and accents, to check the sort.
    const order = Array.from({ length: 30 }, (_, i) => (i * 7) % 30);
    for (const i of order) {
      const name = `${i % 2 ? 'pathway' : 'Pathway'} ${String(i).padStart(2, '0')}${i === 3 ? ' Académie' : ''}`;
      names.push(name);
      await createPathway(t, staff, bigSchool.id, { name, sector: sectors[i % 3] });
    }
  });

  it('30 pathways paged by 7: five pages, in name order, no duplicates, no gaps', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = expectStatus(
        await t.api<Page<PathwayView>>('GET', `/districts/${big.id}/pathways?limit=7${cursor ? `&cursor=${cursor}` : ''}`, {
          token: staff.token,
        }),
        200,
      );
      pages++;
      expect(res.json.items.length).toBeLessThanOrEqual(7);
      seen.push(...res.json.items.map((p) => p.name));
      cursor = res.json.nextCursor;
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const expected = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    expect(seen).toEqual(expected);
  });

  it('a forged or foreign cursor is 400', async () => {
    const forged = Buffer.from(
      JSON.stringify({ PK: 'PATHWAY#x', SK: 'PATHWAY', GSI1PK: `DISTRICT#${district.id}#PATHWAYS`, GSI1SK: 'a' }),
    ).toString('base64url');
    const res = await t.api<Problem>('GET', `/districts/${big.id}/pathways?cursor=${forged}`, { token: staff.token });
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]).toMatchObject({ in: 'query', field: 'cursor' });
    expect((await t.api('GET', `/districts/${big.id}/pathways?cursor=bm90LWpzb24`, { token: staff.token })).status).toBe(400);
    const page = await t.api<Page<PathwayView>>('GET', `/districts/${big.id}/pathways?limit=2`, { token: staff.token });
    const foreign = await t.api('GET', `/schools/${school.id}/pathways?cursor=${page.json.nextCursor}`, { token: staff.token });
    expect(foreign.status).toBe(400);
    expect((await t.api('GET', `/pathways?cursor=${forged}`, { token: districtLead.token })).status).toBe(400);
  });

  it('filters by sector and level, for a district and for all pathways', async () => {
    const fin = expectStatus(
      await t.api<Page<PathwayView>>('GET', `/districts/${big.id}/pathways?sector=business_finance&limit=100`, { token: staff.token }),
      200,
    );
    expect(fin.json.items).toHaveLength(10);
    expect(fin.json.items.every((p) => p.sector === 'business_finance')).toBe(true);

    const all = await t.api<Page<PathwayView>>('GET', `/districts/${big.id}/pathways?limit=3`, { token: staff.token });
    const target = (await getPathway(all.json.items[1]!.id, true))!;
    await transact(certificationWrite(target, { level: 'silver', until: '2099-06-30' }, { sub: 'test' }, 'granted'));
    const silver = expectStatus(
      await t.api<Page<PathwayView>>('GET', `/districts/${big.id}/pathways?level=silver`, { token: staff.token }),
      200,
    );
    expect(silver.json.items.map((p) => p.id)).toEqual([target.id]);
    const none = expectStatus(
      await t.api<Page<PathwayView>>('GET', `/districts/${big.id}/pathways?level=none&limit=100`, { token: staff.token }),
      200,
    );
    expect(none.json.items).toHaveLength(29);

    const staffAll = expectStatus(
      await t.api<Page<PathwayView>>('GET', `/pathways?districtId=${big.id}&sector=public_services&limit=100`, { token: staff.token }),
      200,
    );
    expect(staffAll.json.items).toHaveLength(10);
    const everywhere = expectStatus(await t.api<Page<PathwayView>>('GET', '/pathways?level=silver', { token: staff.token }), 200);
    expect(everywhere.json.items.map((p) => p.id)).toEqual([target.id]);
  });

  it('non-staff list the pathways they can see, merged across districts and teams, by name', async () => {
    const leadList = expectStatus(await t.api<Page<PathwayView>>('GET', '/pathways?limit=100', { token: districtLead.token }), 200);
    expect(leadList.json.items.length).toBeGreaterThan(2);
    expect(leadList.json.items.every((p) => p.districtName === 'Riverside Unified')).toBe(true);

    const teamList = expectStatus(await t.api<Page<PathwayView>>('GET', '/pathways', { token: member.token }), 200);
    expect(teamList.json.items.map((p) => p.id)).toEqual([pathway.id]);
    expect((await t.api<Page<PathwayView>>('GET', '/pathways', { token: outsider.token })).json.items).toEqual([]);

    // A person with a district and a team elsewhere: both, paged by name without repeats.
    const both = await person(t, 'both@big-city.test', ['district', 'pathway']);
    await joinDistrict(t, staff, big.id, both, 'data');
    await joinPathway(t, staff, pathway.id, both, 'member');
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = expectStatus(
        await t.api<Page<PathwayView>>('GET', `/pathways?limit=4${cursor ? `&cursor=${cursor}` : ''}`, { token: both.token }),
        200,
      );
      seen.push(...page.json.items.map((p) => p.id));
      cursor = page.json.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(31);
    expect(new Set(seen).size).toBe(31);
    expect(seen).toContain(pathway.id);
  });

  it('a district data contact lists the district pathways; a team member of another district is hidden', async () => {
    expect((await t.api('GET', `/districts/${big.id}/pathways`, { token: member.token })).status).toBe(404);
    expect((await t.api('GET', `/districts/${district.id}/pathways`, { token: member.token })).status).toBe(403);
    expect((await t.api('GET', `/schools/${school.id}/pathways`, { token: districtLead.token })).status).toBe(200);
  });
});

describe('audit', () => {
  it("a pathway's trail records who changed what, in time order; its lead reads it, members may not", async () => {
    const p = await createPathway(t, districtLead, school.id, { name: 'Audited Academy', enrollment: 100 });
    await joinPathway(t, districtLead, p.id, pathwayLead, 'lead');
    expectStatus(
      await t.api('PATCH', `/pathways/${p.id}`, {
        token: pathwayLead.token,
        headers: { 'if-match': '"1"' },
        body: { enrollment: 150, name: 'Audited Academy of Health' },
      }),
      200,
    );

    const trail = expectStatus(
      await t.api<
        Page<{
          action: string;
          at: string;
          actor: { sub: string; email?: string };
          changes: { field: string; from?: unknown; to?: unknown }[];
        }>
      >('GET', `/pathways/${p.id}/audit`, { token: pathwayLead.token }),
      200,
    );
    const actions = trail.json.items.map((e) => e.action);
    expect(actions).toEqual(['pathway.created', 'invitation.created', 'invitation.accepted', 'pathway.updated']);
    const ats = trail.json.items.map((e) => e.at);
    expect([...ats].sort()).toEqual(ats);
    expect(trail.json.items[0]!.actor).toMatchObject({ sub: districtLead.sub, email: districtLead.email });
    const update = trail.json.items[3]!;
    expect(update.actor.sub).toBe(pathwayLead.sub);
    expect(update.changes).toEqual([
      { field: 'name', from: 'Audited Academy', to: 'Audited Academy of Health' },
      { field: 'enrollment', from: 100, to: 150 },
    ]);

    const newest = await t.api<Page<{ action: string }>>('GET', `/pathways/${p.id}/audit?order=newest&limit=1`, { token: staff.token });
    expect(newest.json.items.map((e) => e.action)).toEqual(['pathway.updated']);
    expect(newest.json.nextCursor).toBeTruthy();

    expect((await t.api('GET', `/pathways/${p.id}/audit`, { token: districtLead.token })).status).toBe(403);
    expect((await t.api('GET', `/pathways/${p.id}/audit`, { token: outsider.token })).status).toBe(404);
  });

  it("a district's trail records the district, its schools, contacts and new pathways (staff only)", async () => {
    const trail = expectStatus(
      await t.api<Page<{ action: string; entity: { kind: string } }>>('GET', `/districts/${district.id}/audit?limit=100`, {
        token: staff.token,
      }),
      200,
    );
    const actions = trail.json.items.map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['district.created', 'school.created']);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'invitation.accepted', 'pathway.created']));
    expect((await t.api('GET', `/districts/${district.id}/audit`, { token: districtLead.token })).status).toBe(403);
    expect((await t.api('GET', `/districts/${district.id}/audit`, { token: otherDistrictLead.token })).status).toBe(404);
  });
});
