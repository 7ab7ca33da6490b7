/**
 * People through the local HTTP API: /me, invitations by email accepted by the invitee's
 * own sign-in, team management (roles with If-Match, the last lead), district contacts,
 * idempotency and the audit trail of every membership change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import { transact, put } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
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

type Problem = { status: number; code?: string; currentVersion?: number; errors?: { in: string; field: string; code?: string }[] };
type Invitation = {
  id: string;
  email: string;
  role: string;
  status: string;
  scope: { kind: string; pathwayId?: string; districtId: string; pathwayName?: string };
};
type Member = { sub: string; role: string; email?: string; version: number };
type Page<T> = { items: T[]; nextCursor?: string };

let t: TestPlatform;
let staff: Person;
let districtLead: Person;
let lead: Person;
let district: { id: string };
let school: { id: string };
let pathway: { id: string; name: string };

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@alliance.test', ['staff']);
  districtLead = await person(t, 'dl@eastbay.test', ['district']);
  lead = await person(t, 'lead@eastbay.test', ['pathway'], 'Lee Lead');
  district = await createDistrict(t, staff, { name: 'East Bay Unified' });
  school = await createSchool(t, staff, district.id, 'Fremont High');
  await joinDistrict(t, staff, district.id, districtLead, 'lead');
  pathway = await createPathway(t, districtLead, school.id, { name: 'Media Academy' });
  await joinPathway(t, districtLead, pathway.id, lead, 'lead');
});

afterAll(() => t?.stop());

const newPathway = async () => {
  const p = await createPathway(t, districtLead, school.id);
  await joinPathway(t, districtLead, p.id, lead, 'lead');
  return p;
};

describe('/me', () => {
  it('creates the profile from the token and lists memberships with names and an assignment summary', async () => {
    const me = await person(t, 'Rita.Reviewer@Example.org', ['reviewer', 'pathway'], 'Rita Reviewer');
    await joinPathway(t, lead, pathway.id, me, 'member');
    const appId = newId('application');
    await transact([
      put({
        ...keys.assignment(me.sub, appId),
        _type: 'assignment',
        sub: me.sub,
        applicationId: appId,
        pathwayId: pathway.id,
        active: true,
        role: 'reviewer',
        assignedAt: new Date().toISOString(),
      }),
      put({
        ...keys.assignment(me.sub, newId('application')),
        _type: 'assignment',
        sub: me.sub,
        applicationId: 'x',
        pathwayId: pathway.id,
        active: false,
        role: 'reviewer',
        assignedAt: new Date().toISOString(),
      }),
    ]);
    const res = expectStatus(await t.api<Record<string, unknown>>('GET', '/me', { token: me.token }), 200);
    expect(res.json).toMatchObject({
      sub: me.sub,
      email: 'rita.reviewer@example.org',
      name: 'Rita Reviewer',
      groups: ['reviewer', 'pathway'],
      memberships: [
        {
          kind: 'pathway',
          role: 'member',
          pathwayId: pathway.id,
          pathwayName: 'Media Academy',
          districtId: district.id,
          districtName: 'East Bay Unified',
        },
      ],
      assignments: { active: 1, total: 2 },
    });
    // The profile item exists now (pattern 10), and the address is recorded (pattern 24).
    const again = expectStatus(await t.api<{ createdAt: string }>('GET', '/me', { token: me.token }), 200);
    expect(again.json.createdAt).toBe((res.json as { createdAt: string }).createdAt);
  });

  it('is 401 without a token', async () => {
    expect((await t.api('GET', '/me')).status).toBe(401);
  });
});

describe('invitations to a pathway', () => {
  it('the lead invites by email; the invitee sees it, accepts it, and becomes a member; a retried accept answers the same', async () => {
    const invitee = await person(t, 'new.member@eastbay.test', ['pathway'], 'Nia Member');
    const created = expectStatus(
      await t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, {
        token: lead.token,
        body: { email: 'New.Member@EastBay.test', role: 'member' },
      }),
      201,
    );
    expect(created.json).toMatchObject({
      email: 'new.member@eastbay.test',
      role: 'member',
      status: 'pending',
      scope: { kind: 'pathway', pathwayId: pathway.id, pathwayName: 'Media Academy' },
    });
    expect(created.headers.get('location')).toBe(`/pathways/${pathway.id}/invitations/${created.json.id}`);
    expectStatus(await t.api('GET', created.headers.get('location')!, { token: lead.token }), 200);

    const mine = expectStatus(await t.api<{ items: Invitation[] }>('GET', '/me/invitations', { token: invitee.token }), 200);
    expect(mine.json.items.map((i) => i.id)).toEqual([created.json.id]);

    // Before accepting, the invitee cannot see the pathway.
    expect((await t.api('GET', `/pathways/${pathway.id}`, { token: invitee.token })).status).toBe(404);
    const accepted = await accept(t, invitee, created.json.id);
    expect(accepted.membership).toMatchObject({ role: 'member', version: 1 });
    expect((await t.api('GET', `/pathways/${pathway.id}`, { token: invitee.token })).status).toBe(200);

    const retry = await accept(t, invitee, created.json.id);
    expect(retry.membership).toEqual(accepted.membership);
    expect((await t.api<{ items: Invitation[] }>('GET', '/me/invitations', { token: invitee.token })).json.items).toEqual([]);

    const members = expectStatus(
      await t.api<Page<Member>>('GET', `/pathways/${pathway.id}/members?limit=100`, { token: invitee.token }),
      200,
    );
    expect(members.json.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ sub: invitee.sub, role: 'member', email: invitee.email, name: 'Nia Member' })]),
    );
    // Leads first.
    expect(members.json.items[0]!.role).toBe('lead');

    const list = expectStatus(await t.api<Page<Invitation>>('GET', `/pathways/${pathway.id}/invitations`, { token: lead.token }), 200);
    expect(list.json.items.find((i) => i.id === created.json.id)?.status).toBe('accepted');
  });

  it('only the invited address can accept (404 for anyone else); an unverified address is 403', async () => {
    const inv = expectStatus(
      await t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, {
        token: lead.token,
        body: { email: 'only.me@eastbay.test', role: 'member' },
      }),
      201,
    );
    const other = await person(t, 'not.me@eastbay.test', ['pathway']);
    expect((await t.api('POST', `/me/invitations/${inv.json.id}/accept`, { token: other.token })).status).toBe(404);
    const unverified = await t.platform.issuer.issueToken({
      email: 'only.me@eastbay.test',
      groups: ['pathway'],
      claims: { email_verified: false },
    });
    expect((await t.api('POST', `/me/invitations/${inv.json.id}/accept`, { token: unverified })).status).toBe(403);
    expect((await t.api('GET', '/me/invitations', { token: unverified })).status).toBe(403);
    expect((await t.api('POST', `/me/invitations/${newId('invitation')}/accept`, { token: other.token })).status).toBe(404);
  });

  it('Idempotency-Key: the same key twice is one invitation with the same answer; another body with it is 422', async () => {
    const headers = { 'idempotency-key': 'invite-sam-0001' };
    const body = { email: 'sam@eastbay.test', role: 'member' };
    const first = expectStatus(
      await t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, { token: lead.token, body, headers }),
      201,
    );
    const second = expectStatus(
      await t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, { token: lead.token, body, headers }),
      201,
    );
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const reused = await t.api<Problem>('POST', `/pathways/${pathway.id}/invitations`, {
      token: lead.token,
      body: { ...body, role: 'lead' },
      headers,
    });
    expect(reused.status).toBe(422);
    // Without a key, inviting the same address again answers the pending invitation.
    const again = expectStatus(await t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, { token: lead.token, body }), 200);
    expect(again.json.id).toBe(first.json.id);
    const all = await t.api<Page<Invitation>>('GET', `/pathways/${pathway.id}/invitations?limit=100`, { token: lead.token });
    expect(all.json.items.filter((i) => i.email === 'sam@eastbay.test')).toHaveLength(1);
    // A different role while one is pending is a conflict.
    expect(
      (await t.api('POST', `/pathways/${pathway.id}/invitations`, { token: lead.token, body: { ...body, role: 'lead' } })).status,
    ).toBe(409);
  });

  it('inviting someone already on the team is 409', async () => {
    const res = await t.api<Problem>('POST', `/pathways/${pathway.id}/invitations`, {
      token: districtLead.token,
      body: { email: lead.email, role: 'member' },
    });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('already_member');
  });

  it('invitations expire after 14 days', async () => {
    const invitee = await person(t, 'late@eastbay.test', ['pathway']);
    const inv = expectStatus(
      await t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, {
        token: lead.token,
        body: { email: invitee.email, role: 'member' },
      }),
      201,
    );
    t.platform.clock.advanceDays(15);
    try {
      expect((await t.api<{ items: Invitation[] }>('GET', '/me/invitations', { token: invitee.token })).json.items).toEqual([]);
      const res = await t.api<Problem>('POST', `/me/invitations/${inv.json.id}/accept`, { token: invitee.token });
      expect(res.status).toBe(409);
      expect(res.json.code).toBe('invitation_expired');
      const view = await t.api<Invitation>('GET', `/pathways/${pathway.id}/invitations/${inv.json.id}`, { token: lead.token });
      expect(view.json.status).toBe('expired');
    } finally {
      t.platform.clock.setOffset(0);
    }
  });

  it('a revoked invitation cannot be accepted; an accepted one cannot be revoked', async () => {
    const invitee = await person(t, 'revoked@eastbay.test', ['pathway']);
    const inv = expectStatus(
      await t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, {
        token: lead.token,
        body: { email: invitee.email, role: 'member' },
      }),
      201,
    );
    expectStatus(await t.api('DELETE', `/pathways/${pathway.id}/invitations/${inv.json.id}`, { token: lead.token }), 204);
    expect((await t.api('POST', `/me/invitations/${inv.json.id}/accept`, { token: invitee.token })).status).toBe(404);
    expect((await t.api('DELETE', `/pathways/${pathway.id}/invitations/${inv.json.id}`, { token: lead.token })).status).toBe(404);

    const inv2 = expectStatus(
      await t.api<Invitation>('POST', `/pathways/${pathway.id}/invitations`, {
        token: lead.token,
        body: { email: invitee.email, role: 'member' },
      }),
      201,
    );
    await accept(t, invitee, inv2.json.id);
    const res = await t.api<Problem>('DELETE', `/pathways/${pathway.id}/invitations/${inv2.json.id}`, { token: lead.token });
    expect(res.status).toBe(409);
  });

  it('members cannot invite (403); outsiders cannot see the pathway (404); bad input is 400', async () => {
    const m = await person(t, 'plain.member@eastbay.test', ['pathway']);
    await joinPathway(t, lead, pathway.id, m, 'member');
    expect(
      (await t.api('POST', `/pathways/${pathway.id}/invitations`, { token: m.token, body: { email: 'x@y.test', role: 'member' } })).status,
    ).toBe(403);
    expect((await t.api('GET', `/pathways/${pathway.id}/invitations`, { token: m.token })).status).toBe(403);
    const outsider = await person(t, 'outsider@far.test', ['pathway']);
    expect(
      (await t.api('POST', `/pathways/${pathway.id}/invitations`, { token: outsider.token, body: { email: 'x@y.test', role: 'member' } }))
        .status,
    ).toBe(404);
    const bad = await t.api<Problem>('POST', `/pathways/${pathway.id}/invitations`, {
      token: lead.token,
      body: { email: 'not an email', role: 'owner' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors!.map((e) => e.field).sort()).toEqual(['email', 'role']);
    const badSub = await t.api<Problem>('DELETE', `/pathways/${pathway.id}/members/alice`, { token: lead.token });
    expect(badSub.status).toBe(400);
    expect(badSub.json.errors![0]).toMatchObject({ in: 'path', field: 'personSub' });
  });
});

describe('team management', () => {
  it('role changes need If-Match (428), refuse stale versions (412), and are audited', async () => {
    const p = await newPathway();
    const m = await person(t, 'promote.me@eastbay.test', ['pathway']);
    await joinPathway(t, lead, p.id, m, 'member');
    const path = `/pathways/${p.id}/members/${m.sub}`;
    expect((await t.api('PATCH', path, { token: lead.token, body: { role: 'lead' } })).status).toBe(428);
    const promoted = expectStatus(
      await t.api<Member>('PATCH', path, { token: lead.token, headers: { 'if-match': '"1"' }, body: { role: 'lead' } }),
      200,
    );
    expect(promoted.json).toMatchObject({ role: 'lead', version: 2 });
    expect(promoted.headers.get('etag')).toBe('"2"');
    const stale = await t.api<Problem>('PATCH', path, { token: lead.token, headers: { 'if-match': '"1"' }, body: { role: 'member' } });
    expect(stale.status).toBe(412);
    expect(stale.json.currentVersion).toBe(2);
    // The promoted lead now manages the team.
    expectStatus(await t.api('GET', `/pathways/${p.id}/invitations`, { token: m.token }), 200);

    const trail = await t.api<Page<{ action: string; actor: { sub: string }; changes: unknown[] }>>(
      'GET',
      `/pathways/${p.id}/audit?limit=100`,
      { token: lead.token },
    );
    const change = trail.json.items.find((e) => e.action === 'membership.role_changed');
    expect(change).toMatchObject({ actor: { sub: lead.sub }, changes: [{ field: 'role', from: 'member', to: 'lead' }] });
  });

  it('the last lead can neither be removed nor step down (409); with two leads one may go', async () => {
    const p = await newPathway();
    const leadPath = `/pathways/${p.id}/members/${lead.sub}`;
    const removeLast = await t.api<Problem>('DELETE', leadPath, { token: districtLead.token });
    expect(removeLast.status).toBe(409);
    expect(removeLast.json.code).toBe('last_lead');
    const stepDown = await t.api<Problem>('PATCH', leadPath, {
      token: lead.token,
      headers: { 'if-match': '"1"' },
      body: { role: 'member' },
    });
    expect(stepDown.status).toBe(409);

    const second = await person(t, 'second.lead@eastbay.test', ['pathway']);
    await joinPathway(t, lead, p.id, second, 'lead');
    expectStatus(await t.api('DELETE', leadPath, { token: second.token }), 204);
    expect((await t.api('GET', `/pathways/${p.id}`, { token: lead.token })).status).toBe(404);
    const members = await t.api<Page<Member>>('GET', `/pathways/${p.id}/members`, { token: second.token });
    expect(members.json.items.map((x) => x.sub)).toEqual([second.sub]);
    expect((await t.api('DELETE', `/pathways/${p.id}/members/${second.sub}`, { token: staff.token })).status).toBe(409);
    expect((await t.api('DELETE', leadPath, { token: second.token })).status).toBe(404);
  });

  it('two leads removing each other at the same time: exactly one removal succeeds', async () => {
    const p = await newPathway();
    const other = await person(t, 'race.lead@eastbay.test', ['pathway']);
    await joinPathway(t, lead, p.id, other, 'lead');
    const [a, b] = await Promise.all([
      t.api('DELETE', `/pathways/${p.id}/members/${other.sub}`, { token: lead.token }),
      t.api('DELETE', `/pathways/${p.id}/members/${lead.sub}`, { token: other.token }),
    ]);
    const statuses = [a.status, b.status].sort();
    // Either one succeeds and the other finds the team down to its last lead (409), or the
    // second caller was already removed and can no longer see the pathway (404).
    expect(statuses[0]).toBe(204);
    expect([404, 409]).toContain(statuses[1]);
    const left = await t.api<Page<Member>>('GET', `/pathways/${p.id}/members`, { token: staff.token });
    expect(left.json.items.filter((m) => m.role === 'lead')).toHaveLength(1);
  });

  it('a removed member loses access at once', async () => {
    const m = await person(t, 'leaving@eastbay.test', ['pathway']);
    await joinPathway(t, lead, pathway.id, m, 'member');
    expectStatus(await t.api('GET', `/pathways/${pathway.id}`, { token: m.token }), 200);
    expectStatus(await t.api('DELETE', `/pathways/${pathway.id}/members/${m.sub}`, { token: lead.token }), 204);
    expect((await t.api('GET', `/pathways/${pathway.id}`, { token: m.token })).status).toBe(404);
    const trail = await t.api<Page<{ action: string; entity: { id: string } }>>(
      'GET',
      `/pathways/${pathway.id}/audit?order=newest&limit=1`,
      { token: lead.token },
    );
    expect(trail.json.items[0]).toMatchObject({ action: 'membership.removed', entity: { id: m.sub } });
  });
});

describe('district contacts', () => {
  it('staff invite a district lead; after accepting they create pathways; staff remove them again', async () => {
    const d = await createDistrict(t, staff, { name: 'Harbor Unified' });
    const s = await createSchool(t, staff, d.id);
    const dl = await person(t, 'dl@harbor.test', ['district']);
    expect(
      (await t.api('POST', `/districts/${d.id}/invitations`, { token: districtLead.token, body: { email: dl.email, role: 'lead' } }))
        .status,
    ).toBe(404);
    const inv = expectStatus(
      await t.api<Invitation>('POST', `/districts/${d.id}/invitations`, { token: staff.token, body: { email: dl.email, role: 'lead' } }),
      201,
    );
    expect(inv.json.scope).toMatchObject({ kind: 'district', districtId: d.id, districtName: 'Harbor Unified' });
    expect(inv.headers.get('location')).toBe(`/districts/${d.id}/invitations/${inv.json.id}`);
    expectStatus(await t.api('GET', inv.headers.get('location')!, { token: staff.token }), 200);
    await accept(t, dl, inv.json.id);

    const members = expectStatus(await t.api<Page<Member>>('GET', `/districts/${d.id}/members`, { token: dl.token }), 200);
    expect(members.json.items).toEqual([expect.objectContaining({ sub: dl.sub, role: 'lead' })]);
    expect((await t.api('GET', `/districts/${d.id}/invitations`, { token: dl.token })).status).toBe(403);
    const p = await createPathway(t, dl, s.id);
    expect(p.districtId).toBe(d.id);

    const data = await person(t, 'data@harbor.test', ['district']);
    await joinDistrict(t, staff, d.id, data, 'data');
    expect(
      (
        await t.api('POST', `/schools/${s.id}/pathways`, {
          token: data.token,
          body: { name: 'Nope', sector: 'transportation', gradesServed: [9], model: 'wall_to_wall_academy', enrollment: 1 },
        })
      ).status,
    ).toBe(403);
    expect((await t.api('GET', `/districts/${d.id}/members`, { token: data.token })).status).toBe(403);

    expectStatus(await t.api('DELETE', `/districts/${d.id}/members/${dl.sub}`, { token: staff.token }), 204);
    expect((await t.api('GET', `/districts/${d.id}`, { token: dl.token })).status).toBe(404);
    const trail = await t.api<Page<{ action: string }>>('GET', `/districts/${d.id}/audit?limit=100`, { token: staff.token });
    expect(trail.json.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['invitation.created', 'invitation.accepted', 'membership.removed']),
    );
  });
});
