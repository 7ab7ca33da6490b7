/**
 * The public directory through the local HTTP API: only pathways holding a valid silver
 * or gold certification appear, without a token, by name, with filters; a pathway that
 * loses or outlives its certification disappears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import type { Level } from '#core/levels.ts';
import { transact } from '#store/db.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { createDistrict, createPathway, createSchool, expectStatus, person, type Person } from '../support/registry-world.ts';

type Entry = {
  id: string;
  name: string;
  schoolName: string;
  districtName: string;
  state: string;
  sector: string;
  level: string;
  validUntil: string;
};
type Page<T> = { items: T[]; nextCursor?: string };

let t: TestPlatform;
let staff: Person;
const ids: Record<string, string> = {};
let caDistrict: { id: string };
let nyDistrict: { id: string };

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function certify(id: string, level: Level | null, until: string | null) {
  const p = (await getPathway(id, true))!;
  await transact(certificationWrite(p, { level, until }, { sub: 'certification-test' }, level ? 'granted' : 'revoked'));
}

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@alliance.test', ['staff']);
  caDistrict = await createDistrict(t, staff, { name: 'Sierra Vista Unified', state: 'CA' });
  nyDistrict = await createDistrict(t, staff, { name: 'Hudson City Schools', state: 'NY' });
  const caSchool = await createSchool(t, staff, caDistrict.id, 'Sierra Vista High');
  const nySchool = await createSchool(t, staff, nyDistrict.id, 'Hudson High');
  const make = async (key: string, schoolId: string, name: string, sector: string) => {
    ids[key] = (await createPathway(t, staff, schoolId, { name, sector })).id;
  };
  await make('goldHealth', caSchool.id, 'Academy of Health Sciences', 'health_science_medical_technology');
  await make('silverEng', caSchool.id, 'Engineering Academy', 'engineering_architecture');
  await make('expired', caSchool.id, 'Culinary Arts Pathway', 'hospitality_tourism_recreation');
  await make('candidate', caSchool.id, 'Law and Justice Academy', 'public_services');
  await make('none', caSchool.id, 'Bio-Tech Academy', 'health_science_medical_technology');
  await make('nySilver', nySchool.id, 'Hudson Finance Academy', 'business_finance');
  await make('soon', nySchool.id, 'Zephyr Aviation Pathway', 'transportation');
  await certify(ids.goldHealth!, 'gold', inDays(900));
  await certify(ids.silverEng!, 'silver', inDays(400));
  await certify(ids.expired!, 'silver', inDays(-3));
  await certify(ids.candidate!, 'candidacy', inDays(500));
  await certify(ids.nySilver!, 'silver', inDays(300));
  await certify(ids.soon!, 'gold', inDays(10));
});

afterAll(() => t?.stop());

describe('GET /directory', () => {
  it('is public and lists exactly the validly certified silver and gold pathways, by name', async () => {
    const res = expectStatus(await t.api<Page<Entry>>('GET', '/directory'), 200);
    expect(res.headers.get('cache-control')).toMatch(/public/);
    expect(res.json.items.map((e) => e.name)).toEqual([
      'Academy of Health Sciences',
      'Engineering Academy',
      'Hudson Finance Academy',
      'Zephyr Aviation Pathway',
    ]);
    expect(res.json.items[0]).toEqual({
      id: ids.goldHealth,
      name: 'Academy of Health Sciences',
      schoolId: expect.stringMatching(/^sch_/),
      schoolName: 'Sierra Vista High',
      districtId: caDistrict.id,
      districtName: 'Sierra Vista Unified',
      state: 'CA',
      sector: 'health_science_medical_technology',
      model: 'school_within_a_school',
      level: 'gold',
      validUntil: inDays(900),
    });
  });

  it('filters by level, sector, state and district, and pages by name', async () => {
    const names = async (q: string) => expectStatus(await t.api<Page<Entry>>('GET', `/directory?${q}`), 200).json.items.map((e) => e.name);
    expect(await names('level=gold')).toEqual(['Academy of Health Sciences', 'Zephyr Aviation Pathway']);
    expect(await names('sector=engineering_architecture')).toEqual(['Engineering Academy']);
    expect(await names('state=NY')).toEqual(['Hudson Finance Academy', 'Zephyr Aviation Pathway']);
    expect(await names(`districtId=${caDistrict.id}&level=silver`)).toEqual(['Engineering Academy']);
    const first = expectStatus(await t.api<Page<Entry>>('GET', '/directory?limit=3'), 200);
    expect(first.json.items).toHaveLength(3);
    const second = expectStatus(await t.api<Page<Entry>>('GET', `/directory?limit=3&cursor=${first.json.nextCursor}`), 200);
    expect(second.json.items.map((e) => e.name)).toEqual(['Zephyr Aviation Pathway']);
    expect(second.json.nextCursor).toBeUndefined();
  });

  it('refuses bad filters and forged cursors (400)', async () => {
    expect((await t.api('GET', '/directory?level=candidacy')).status).toBe(400);
    expect((await t.api('GET', '/directory?state=California')).status).toBe(400);
    expect((await t.api('GET', '/directory?districtId=nope')).status).toBe(400);
    expect((await t.api('GET', '/directory?owner=me')).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ PK: 'X', SK: 'Y', GSI4PK: 'OTHER', GSI4SK: 'z' })).toString('base64url');
    expect((await t.api('GET', `/directory?cursor=${forged}`)).status).toBe(400);
  });

  it('a certification that lapses leaves the directory even before the sweep removes its key', async () => {
    t.platform.clock.advanceDays(11);
    try {
      const names = (await t.api<Page<Entry>>('GET', '/directory')).json.items.map((e) => e.name);
      expect(names).not.toContain('Zephyr Aviation Pathway');
      expect((await t.api('GET', `/directory/${ids.soon}`)).status).toBe(404);
    } finally {
      t.platform.clock.setOffset(0);
    }
  });

  it('a revoked certification leaves the directory at once; a new one enters it', async () => {
    await certify(ids.silverEng!, null, null);
    await certify(ids.none!, 'silver', inDays(700));
    const names = (await t.api<Page<Entry>>('GET', '/directory')).json.items.map((e) => e.name);
    expect(names).toEqual(['Academy of Health Sciences', 'Bio-Tech Academy', 'Hudson Finance Academy', 'Zephyr Aviation Pathway']);
    const trail = await t.api<Page<{ action: string }>>('GET', `/pathways/${ids.silverEng}/audit`, { token: staff.token });
    expect(trail.json.items.map((e) => e.action)).toEqual([
      'pathway.created',
      'pathway.certification.granted',
      'pathway.certification.revoked',
    ]);
  });
});

describe('GET /directory/{pathwayId}', () => {
  it('shows a certified pathway to anyone; anything else is 404', async () => {
    const res = expectStatus(await t.api<Entry>('GET', `/directory/${ids.goldHealth}`), 200);
    expect(res.json).toMatchObject({ name: 'Academy of Health Sciences', level: 'gold' });
    expect(Object.keys(res.json)).not.toContain('enrollment');
    for (const key of ['expired', 'candidate', 'silverEng']) {
      expect((await t.api('GET', `/directory/${ids[key]}`)).status, key).toBe(404);
    }
    expect((await t.api('GET', `/directory/${newId('pathway')}`)).status).toBe(404);
    expect((await t.api('GET', '/directory/pw_nope')).status).toBe(400);
  });
});
