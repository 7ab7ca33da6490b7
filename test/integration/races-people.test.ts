/**
 * Races on one person's settings and one team's invitations, through the HTTP API.
 *
 * - 30 concurrent PUT /me/notification-preferences by one person: none answers 5xx (the
 *   old read-merge-write loop answered 500 for 7 to 18 of them once its retries ran out),
 *   and the stored preferences are one writer's whole set.
 * - 20 concurrent invitations of one address to one pathway or district, each with its own
 *   Idempotency-Key: exactly one pending invitation, one 201, the same role answers it (200),
 *   another role gets 409 `invitation_pending` naming it. The guard is released by revoking;
 *   an accepted or expired invitation no longer blocks a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getItem } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { accept, createDistrict, createPathway, createSchool, expectStatus, person, type Person } from '../support/registry-world.ts';

type Invitation = { id: string; email: string; role: string; status: string };
type Problem = { status: number; code?: string; invitationId?: string };
type Page<T> = { items: T[]; nextCursor?: string };

let t: TestPlatform;
let staff: Person;
let school: { id: string };
let district: { id: string };

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@races.test', ['staff']);
  district = await createDistrict(t, staff);
  school = await createSchool(t, staff, district.id);
});
afterAll(() => t?.stop());

const tally = (statuses: number[]) =>
  [...statuses.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<number, number>())]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${n}x${s}`)
    .join(', ');

describe('30 concurrent PUT /me/notification-preferences by one person', () => {
  it('no 5xx; every answer is 200 or 409/412/503 with Retry-After; the stored set is one of the written ones', async () => {
    const me = await person(t, 'prefs.racer@races.test', ['pathway']);
    // Every writer sends all four optional categories, so "one of the written ones" is checkable.
    const sets = Array.from({ length: 30 }, (_, i) => ({
      applications: (i & 1) === 0,
      reviewAssignments: (i & 2) === 0,
      certifications: (i & 4) === 0,
      renewals: (i & 8) === 0,
    }));
    const results = await Promise.all(
      sets.map((email) =>
        t.api<{ email: Record<string, boolean>; version: number }>('PUT', '/me/notification-preferences', {
          token: me.token,
          body: { email },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    console.log(`races: 30 concurrent preference writes -> ${tally(statuses)}`);
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect([409, 412, 503], r.text).toContain(r.status);
      expect(r.headers.get('retry-after')).toBeTruthy();
    }
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    const written = sets.map((s) => JSON.stringify(s));
    const final = expectStatus(
      await t.api<{ email: Record<string, boolean>; version: number }>('GET', '/me/notification-preferences', { token: me.token }),
      200,
    ).json;
    const optional = ({ applications, reviewAssignments, certifications, renewals }: Record<string, boolean>) =>
      JSON.stringify({ applications, reviewAssignments, certifications, renewals });
    expect(written).toContain(optional(final.email));
    // Every successful write counted once: the version is the number of 200s.
    expect(final.version).toBe(ok.length);
    // Each 200 answered a state that was some writer's whole set at that moment.
    for (const r of ok) expect(written).toContain(optional(r.json.email));
  });

  it('a partial update keeps the categories it does not name (merge, also on the first write)', async () => {
    const me = await person(t, 'prefs.partial@races.test', ['pathway']);
    await Promise.all([
      t.api('PUT', '/me/notification-preferences', { token: me.token, body: { email: { applications: false } } }),
      t.api('PUT', '/me/notification-preferences', { token: me.token, body: { email: { renewals: false } } }),
      t.api('PUT', '/me/notification-preferences', { token: me.token, body: { email: { certifications: false } } }),
    ]).then((rs) => rs.forEach((r) => expectStatus(r, 200)));
    const final = expectStatus(
      await t.api<{ email: Record<string, boolean>; version: number }>('GET', '/me/notification-preferences', { token: me.token }),
      200,
    ).json;
    expect(final.email).toMatchObject({
      applications: false,
      renewals: false,
      certifications: false,
      reviewAssignments: true,
      decisions: true,
      expiry: true,
    });
    expect(final.version).toBe(3);
    // An empty update writes nothing.
    expect(
      expectStatus(await t.api<{ version: number }>('PUT', '/me/notification-preferences', { token: me.token, body: { email: {} } }), 200)
        .json.version,
    ).toBe(3);
  });
});

async function inviteConcurrently(path: string, email: string, roles: string[]) {
  const results = await Promise.all(
    roles.map((role, i) =>
      t.api<Invitation & Problem>('POST', path, {
        token: staff.token,
        body: { email, role },
        headers: { 'idempotency-key': `race-invite-${Date.now()}-${i}` },
      }),
    ),
  );
  const all = expectStatus(await t.api<Page<Invitation>>('GET', `${path}?limit=100`, { token: staff.token }), 200).json.items;
  return { results, pending: all.filter((i) => i.email === email && i.status === 'pending') };
}

function expectOneWinner(results: Awaited<ReturnType<typeof inviteConcurrently>>['results'], pending: Invitation[], roles: string[]) {
  expect(pending, JSON.stringify(pending)).toHaveLength(1);
  const winner = pending[0]!;
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  results.forEach((r, i) => {
    if (roles[i] === winner.role) {
      expect([200, 201], r.text).toContain(r.status);
      expect(r.json.id).toBe(winner.id);
    } else {
      expect(r.status, r.text).toBe(409);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.json).toMatchObject({ code: 'invitation_pending', invitationId: winner.id });
    }
  });
  return winner;
}

describe('20 concurrent invitations of one address to one team (different Idempotency-Keys)', () => {
  it('pathway, same role: exactly one pending invitation; one 201, the rest 200 with it', async () => {
    const pathway = await createPathway(t, staff, school.id);
    const roles = Array.from({ length: 20 }, () => 'member');
    const { results, pending } = await inviteConcurrently(`/pathways/${pathway.id}/invitations`, 'same.role@races.test', roles);
    console.log(`races: 20 concurrent invitations, one role -> ${tally(results.map((r) => r.status))}`);
    expectOneWinner(results, pending, roles);
  });

  it('pathway, mixed roles: exactly one pending invitation; the other role gets 409 naming it', async () => {
    const pathway = await createPathway(t, staff, school.id);
    const roles = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'member' : 'lead'));
    const { results, pending } = await inviteConcurrently(`/pathways/${pathway.id}/invitations`, 'mixed.roles@races.test', roles);
    console.log(`races: 20 concurrent invitations, two roles -> ${tally(results.map((r) => r.status))}`);
    expectOneWinner(results, pending, roles);
  });

  it('district, mixed roles: exactly one pending invitation', async () => {
    const d = await createDistrict(t, staff);
    const roles = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? 'lead' : 'data'));
    const { results, pending } = await inviteConcurrently(`/districts/${d.id}/invitations`, 'district.contact@races.test', roles);
    console.log(`races: 20 concurrent district invitations -> ${tally(results.map((r) => r.status))}`);
    expectOneWinner(results, pending, roles);
  });

  it('the guard is released by revoking, and an accepted or expired invitation no longer blocks a new one', async () => {
    const pathway = await createPathway(t, staff, school.id);
    const path = `/pathways/${pathway.id}/invitations`;
    const invitee = await person(t, 'guard.cycle@races.test', ['pathway']);
    const guard = () => getItem(keys.pathwayPendingInvitation(pathway.id, invitee.email), true);

    const first = expectStatus(
      await t.api<Invitation>('POST', path, { token: staff.token, body: { email: invitee.email, role: 'member' } }),
      201,
    ).json;
    expect(await guard()).toMatchObject({ invitationId: first.id, role: 'member' });
    expectStatus(await t.api('DELETE', `${path}/${first.id}`, { token: staff.token }), 204);
    expect(await guard()).toBeUndefined();

    // After a revoke, a new invitation in another role is created (not a 409 naming the revoked one).
    const second = expectStatus(
      await t.api<Invitation>('POST', path, { token: staff.token, body: { email: invitee.email, role: 'lead' } }),
      201,
    ).json;
    expect((await t.api<Problem>('POST', path, { token: staff.token, body: { email: invitee.email, role: 'member' } })).json).toMatchObject(
      {
        code: 'invitation_pending',
        invitationId: second.id,
      },
    );

    // Expired: the guard still names it, but a new invitation replaces it.
    t.platform.clock.advanceDays(15);
    let third: Invitation;
    try {
      third = expectStatus(
        await t.api<Invitation>('POST', path, { token: staff.token, body: { email: invitee.email, role: 'member' } }),
        201,
      ).json;
      expect(await guard()).toMatchObject({ invitationId: third.id });
      // Accepted: a later invitation (a promotion to lead) replaces the stale guard, concurrently only once.
      await accept(t, invitee, third.id);
      const promotions = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.api<Invitation>('POST', path, {
            token: staff.token,
            body: { email: invitee.email, role: 'lead' },
            headers: { 'idempotency-key': `promote-${Date.now()}-${i}` },
          }),
        ),
      );
      expect(promotions.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
      const all = expectStatus(await t.api<Page<Invitation>>('GET', `${path}?limit=100`, { token: staff.token }), 200).json.items;
      expect(all.filter((i) => i.email === invitee.email && i.status === 'pending')).toHaveLength(1);
    } finally {
      t.platform.clock.setOffset(0);
    }
  });
});
