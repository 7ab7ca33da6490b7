/**
 * The demo data: `seedIfEmpty` fills an empty store once, the seed is idempotent, and
 * what it wrote is usable through the API with the people's tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getReview, readRound } from '#store/reviews.ts';
import { readPerson } from '#store/people.ts';
import { getReviewer } from '#store/reviewers.ts';
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
    expect(summary?.created).toEqual({
      districts: 4,
      schools: 10,
      pathways: 13,
      memberships: 20,
      reviewers: 3,
      applications: 6,
      invitations: 1,
      benefits: 5,
      credentials: 9,
    });
    const text = printed.join('\n');
    for (const p of summary!.people) expect(text).toContain(p.email);
    expect(text.match(/TOKEN=ey/g)).toHaveLength(summary!.people.length);
    // The walk-through commands, with the reviewer's and the invitee's tokens.
    const review = summary!.demo.reviews[0]!;
    const invitation = summary!.demo.invitations[0]!;
    expect(text).toContain(`/applications/${review.applicationId}/review`);
    expect(text).toContain(`/me/invitations/${invitation.invitationId}/accept`);
    expect(text).toMatch(/REVIEWER=ey/);
    expect(text).toMatch(/INVITEE=ey/);
  });

  it('is idempotent: an existing store is left alone, and a second full run creates nothing', async () => {
    expect(await seedIfEmpty(t.platform, () => {})).toBeUndefined();
    const again = await seedDemoData();
    expect(again.created).toEqual({
      districts: 0,
      schools: 0,
      pathways: 0,
      memberships: 0,
      reviewers: 0,
      applications: 0,
      invitations: 0,
      benefits: 0,
      credentials: 0,
    });
    expect(again.demo).toEqual(summary!.demo);
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

  it('a certified profile shows the benefits its level unlocks and a credential that verifies', async () => {
    const profile = expectStatus(
      await t.api<{ level: string; benefits: { title: string }[]; credential: { id: string; url: string } | null }>(
        'GET',
        `/directory/${seedPathwayId('cv-health')}`,
      ),
      200,
    ).json;
    expect(profile.level).toBe('gold');
    expect(profile.benefits.map((b) => b.title)).toEqual([
      'Certification mark',
      'Innovation grant',
      'Network convenings',
      'Pathway coaching',
      'Student scholarship nominations',
    ]);
    expect(profile.credential).not.toBeNull();
    const credential = expectStatus(
      await t.api<{ jwt: string; status: string; level: string }>('GET', `/credentials/${profile.credential!.id}`),
      200,
    ).json;
    expect(credential).toMatchObject({ status: 'active', level: 'gold' });
    const verdict = expectStatus(
      await t.api<{ verified: boolean }>('POST', '/credentials/verify', { body: { credential: credential.jwt } }),
      200,
    ).json;
    expect(verdict.verified).toBe(true);
    // Silver unlocks less.
    const silver = expectStatus(
      await t.api<{ benefits: { title: string }[] }>('GET', `/directory/${seedPathwayId('cv-energy')}`),
      200,
    ).json;
    expect(silver.benefits.map((b) => b.title)).not.toContain('Innovation grant');
  });

  it("people's tokens see their own world", async () => {
    const ava = expectStatus(
      await t.api<{ memberships: { role: string; pathwayName?: string }[] }>('GET', '/me', {
        token: await tokenOf('ava.thompson@bayshore.example.org'),
      }),
      200,
    );
    expect(ava.json.memberships.map((m) => `${m.role} ${m.pathwayName}`).sort()).toEqual([
      'lead Computer Science and Game Design Pathway',
      'member Engineering and Architecture Academy',
    ]);
    const angela = await tokenOf('angela.ruiz@costaverde.example.org');
    const costaVerde = expectStatus(
      await t.api<Page<unknown>>('GET', `/districts/${seedDistrictId('costa-verde')}/pathways`, { token: angela }),
      200,
    );
    expect(costaVerde.json.items).toHaveLength(5);
    expect((await t.api('GET', `/pathways/${seedPathwayId('ac-agri')}`, { token: angela })).status).toBe(404);
    const priya = expectStatus(
      await t.api<{ assignments: { active: number } }>('GET', '/me', { token: await tokenOf('priya.natarajan@reviewers.example.org') }),
      200,
    );
    expect(priya.json.assignments.active).toBe(1);
  });

  it('applications exist in several states', async () => {
    const staff = await tokenOf('maya.okafor@alliance.example.org');
    const statusOf = async (key: string) => {
      const res = expectStatus(
        await t.api<Page<{ status: string; target: string }>>('GET', `/pathways/${seedPathwayId(key)}/applications`, { token: staff }),
        200,
      );
      return res.json.items.map((a) => `${a.target}:${a.status}`);
    };
    expect(await statusOf('mh-law')).toEqual(['silver:draft']);
    expect(await statusOf('eg-cyber')).toEqual(['renewal:draft']);
    expect(await statusOf('np-hospitality')).toEqual(['candidacy:submitted']);
    expect(await statusOf('bt-cs')).toEqual(['silver:in_review']);
    expect(await statusOf('hp-maritime')).toEqual(['candidacy:withdrawn']);
  });

  it('every seeded assignment is complete: a review in its seat, open, with a due date, on a reviewer with a profile', async () => {
    let assignments = 0;
    for (const p of summary!.people) {
      const { assignments: mine } = await readPerson(p.sub);
      for (const a of mine) {
        assignments++;
        const item = a as typeof a & { reviewId?: string; round?: number; dueAt?: string };
        expect(item.reviewId, `${p.email} on ${a.applicationId}`).toBeTruthy();
        expect(item.dueAt).toBeTruthy();
        const review = await getReview(a.applicationId, item.round!, item.reviewId!);
        expect(review).toMatchObject({ reviewerSub: p.sub, status: 'assigned', dueAt: item.dueAt });
        const round = (await readRound(a.applicationId, item.round!))!;
        expect(round.round.stage).toBe('reviewing');
        expect(round.seats.find((s) => s.seat === review!.seat)?.reviewId).toBe(review!.id);
        expect(round.snapshot.length).toBeGreaterThan(0);
        expect((await getReviewer(p.sub, true))?.openAssignments).toBeGreaterThan(0);
      }
    }
    expect(assignments).toBe(2);
    for (const email of [
      'priya.natarajan@reviewers.example.org',
      'tom.whitfield@reviewers.example.org',
      'imani.okoye@reviewers.example.org',
    ]) {
      const staff = await tokenOf('maya.okafor@alliance.example.org');
      const found = expectStatus(
        await t.api<{ reviewerProfile: boolean }>('GET', `/people?email=${encodeURIComponent(email)}`, { token: staff }),
        200,
      );
      expect(found.json.reviewerProfile, email).toBe(true);
    }
  });

  it('the printed reviewer opens the seeded review, saves scores and submits', async () => {
    const review = summary!.demo.reviews[0]!;
    const priya = await tokenOf(review.reviewers[0]!);
    const mine = expectStatus(
      await t.api<Page<{ applicationId: string; status: string; role: string; dueAt?: string }>>('GET', '/me/reviews', { token: priya }),
      200,
    );
    expect(mine.json.items).toEqual([expect.objectContaining({ applicationId: review.applicationId, status: 'assigned', role: 'lead' })]);
    expect(mine.json.items[0]!.dueAt).toBeTruthy();

    type Opened = {
      review: { version: number; status: string };
      rubric: { criteria: { id: string; rubric: { level: string }[] }[] };
      submission: unknown[];
    };
    const opened = expectStatus(await t.api<Opened>('GET', `/applications/${review.applicationId}/review`, { token: priya }), 200).json;
    expect(opened.submission.length).toBe(opened.rubric.criteria.length);
    const scores = opened.rubric.criteria.map((c) => ({
      criterionId: c.id,
      level: c.rubric[c.rubric.length - 1]!.level,
      comment: 'Clear evidence of practice this year.',
    }));
    const saved = await t.api<{ version: number; status: string }>('PUT', `/applications/${review.applicationId}/review`, {
      token: priya,
      body: { scores },
      headers: { 'if-match': `"${opened.review.version}"` },
    });
    expectStatus(saved, 200);
    const submitted = await t.api<{ status: string }>('POST', `/applications/${review.applicationId}/review/submit`, {
      token: priya,
      headers: { 'if-match': `"${saved.json.version}"` },
    });
    expectStatus(submitted, 200);
    expect(submitted.json.status).toBe('submitted');
  });

  it('the printed invitee lists and accepts the waiting invitation', async () => {
    const invitation = summary!.demo.invitations[0]!;
    // Emailed once, as an invitation made through the API is (the rerun above sent nothing).
    const emails = t.platform.ses.sent().filter((e) => e.to.includes(invitation.email));
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text).toContain(`/invitations/${invitation.invitationId}`);
    expect(emails[0]!.text).toContain('sign up with this email address');
    const sofia = await tokenOf(invitation.email);
    const listed = expectStatus(await t.api<{ items: { id: string; status: string }[] }>('GET', '/me/invitations', { token: sofia }), 200);
    expect(listed.json.items).toEqual([expect.objectContaining({ id: invitation.invitationId, status: 'pending' })]);
    const accepted = expectStatus(
      await t.api<{ invitation: { status: string }; membership: { role: string } }>(
        'POST',
        `/me/invitations/${invitation.invitationId}/accept`,
        { token: sofia },
      ),
      200,
    );
    expect(accepted.json).toMatchObject({ invitation: { status: 'accepted' }, membership: { role: 'member' } });
    const me = expectStatus(await t.api<{ memberships: { pathwayName?: string }[] }>('GET', '/me', { token: sofia }), 200);
    expect(me.json.memberships.map((m) => m.pathwayName)).toEqual([invitation.pathwayName]);
  });
});
