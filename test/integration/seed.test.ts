/**
 * The demo data: `seedIfEmpty` fills an empty store once, the seed is idempotent, and
 * what it wrote is usable through the API with the people's tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData, seedDistrictId, seedIfEmpty, seedPathwayId } from '../../infra/local/seed.ts';
import type { SeedSummary } from '../../infra/local/seed/apply.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus } from '../support/registry-world.ts';

type Page<T> = { items: T[]; nextCursor?: string };

let t: TestPlatform;
let summary: SeedSummary | undefined;
const printed: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  summary = await seedIfEmpty(t.platform, (line) => printed.push(line));
});

afterAll(() => t?.stop());

const tokenOf = (email: string) => {
  const p = summary!.people.find((x) => x.email === email)!;
  return t.platform.issuer.issueToken({ email: p.email, name: p.name, groups: p.groups });
};

describe('demo data', () => {
  it('fills an empty store and prints a token for every person', () => {
    expect(summary?.created).toEqual({ districts: 4, schools: 10, pathways: 13, memberships: 20, applications: 6 });
    const text = printed.join('\n');
    for (const p of summary!.people) expect(text).toContain(p.email);
    expect(text.match(/TOKEN=ey/g)).toHaveLength(summary!.people.length);
  });

  it('is idempotent: an existing store is left alone, and a second full run creates nothing', async () => {
    expect(await seedIfEmpty(t.platform, () => {})).toBeUndefined();
    const again = await seedDemoData();
    expect(again.created).toEqual({ districts: 0, schools: 0, pathways: 0, memberships: 0, applications: 0 });
  });

  it('the public directory lists the validly certified silver and gold pathways', async () => {
    const res = expectStatus(await t.api<Page<{ name: string; level: string; state: string }>>('GET', '/directory'), 200);
    expect(res.json.items.map((e) => `${e.level} ${e.name}`)).toEqual([
      'gold Academy of Health and Medical Sciences',
      'gold Agriscience and Natural Resources Academy',
      'silver Building and Construction Trades Academy',
      'silver Business and Finance Academy',
      'gold Engineering and Architecture Academy',
      'silver Green Energy and Engineering Academy',
      'silver Information Technology and Cybersecurity Academy',
    ]);
    expect((await t.api<Page<unknown>>('GET', '/directory?state=MI')).json.items).toHaveLength(1);
  });

  it("people's tokens see their own world", async () => {
    const ava = expectStatus(await t.api<{ memberships: { role: string; pathwayName?: string }[] }>('GET', '/me', { token: await tokenOf('ava.thompson@bayshore.example.org') }), 200);
    expect(ava.json.memberships.map((m) => `${m.role} ${m.pathwayName}`).sort()).toEqual([
      'lead Computer Science and Game Design Pathway',
      'member Engineering and Architecture Academy',
    ]);
    const angela = await tokenOf('angela.ruiz@costaverde.example.org');
    const costaVerde = expectStatus(await t.api<Page<unknown>>('GET', `/districts/${seedDistrictId('costa-verde')}/pathways`, { token: angela }), 200);
    expect(costaVerde.json.items).toHaveLength(5);
    expect((await t.api('GET', `/pathways/${seedPathwayId('ac-agri')}`, { token: angela })).status).toBe(404);
    const priya = expectStatus(await t.api<{ assignments: { active: number } }>('GET', '/me', { token: await tokenOf('priya.natarajan@reviewers.example.org') }), 200);
    expect(priya.json.assignments.active).toBe(1);
  });

  it('applications exist in several states', async () => {
    const staff = await tokenOf('maya.okafor@alliance.example.org');
    const statusOf = async (key: string) => {
      const res = expectStatus(await t.api<Page<{ status: string; target: string }>>('GET', `/pathways/${seedPathwayId(key)}/applications`, { token: staff }), 200);
      return res.json.items.map((a) => `${a.target}:${a.status}`);
    };
    expect(await statusOf('mh-law')).toEqual(['silver:draft']);
    expect(await statusOf('eg-cyber')).toEqual(['renewal:draft']);
    expect(await statusOf('np-hospitality')).toEqual(['candidacy:submitted']);
    expect(await statusOf('bt-cs')).toEqual(['silver:in_review']);
    expect(await statusOf('hp-maritime')).toEqual(['candidacy:withdrawn']);
  });
});
