/**
 * "A team never scores itself" at every moment, not only at assignment: a seated reviewer
 * who joins the pathway or its district, or declares a conflict (themselves or through
 * staff), loses the seat at once; staff are alerted; the workflow seats a replacement; and
 * the conflicted reviewer's further writes are refused. The write path re-checks the rule
 * itself, so a membership created any other way (here: straight into the table, as the seed
 * does) cannot let a conflicted review through either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembership } from '#store/people.ts';
import { readAffiliations } from '#store/reviewers.ts';
import { getReview, submitReview as submitReviewInStore, vacateForConflict } from '#store/reviews.ts';
import { getItem } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { notificationItem } from '#store/messages.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus, joinDistrict, joinPathway, type Person } from '../support/registry-world.ts';
import {
  all,
  buildWorld,
  openAssignments,
  reviewAlerts,
  reviewerSpecs,
  round,
  saveScores,
  seated,
  submitted,
  until,
  updateReviewer,
  type SeatView,
  type World,
} from '../support/review-world.ts';

let t: TestPlatform;
const people = new Map<string, Person>();

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true });
});
afterAll(() => t?.stop());

type Problem = { status: number; code?: string; reasons?: string[] };

/** A world of its own (its own district), with three reviewers for a panel of two. */
async function world(prefix: string): Promise<World> {
  const w = await buildWorld(t, prefix, reviewerSpecs(prefix, ['A', 'B', 'C']));
  for (const r of w.reviewers) people.set(r.sub, r);
  return w;
}

const reviewer = (sub: string) => {
  const p = people.get(sub);
  if (!p) throw new Error(`reviewer ${sub} is not from this file`);
  return p;
};

async function saveDraft(who: Person, appId: string) {
  const mine = await t.api<{ review: { version: number } }>('GET', `/applications/${appId}/review`, { token: who.token });
  const version = mine.status === 200 ? mine.json.review.version : 1;
  return saveScores<Problem & { version: number }>(t, who, appId, version, all('meeting'));
}

const submitReview = (who: Person, appId: string, version: number) =>
  t.api<Problem>('POST', `/applications/${appId}/review/submit`, { token: who.token, headers: { 'if-match': `"${version}"` } });

const conflictAlerts = (w: World, appId: string) => reviewAlerts(t, w, appId, 'review.conflict');

/** An application under review with a seated reviewer who has saved a draft. */
async function underReview(w: World) {
  const appId = await submitted(t, w);
  const seats = await seated(t, w, appId);
  const seat = seats[seats.length - 1]!;
  const who = reviewer(seat.review!.reviewerSub);
  const draft = expectStatus(await saveDraft(who, appId), 200).json;
  // Reviewers of earlier worlds may hold seats elsewhere too: the load is compared, not assumed.
  const load = await openAssignments(t, w, who);
  return { appId, seat, who, draftVersion: draft.version, load };
}

/** The vacated seat holds another reviewer's open review (the workflow's replacement). */
async function replaced(w: World, appId: string, seat: SeatView, gone: Person) {
  return until('a replacement in the vacated seat', async () => {
    const r = await round(t, w, appId);
    const now = r?.seats.find((s) => s.seat === seat.seat);
    return now?.review && now.review.reviewerSub !== gone.sub && now.review.status === 'assigned' ? now.review : undefined;
  });
}

/** Everything that must hold once `who` lost their seat on `appId` for a conflict. */
async function expectVacated(w: World, appId: string, seat: SeatView, who: Person, code: string, draftVersion: number, load: number) {
  const r = (await round(t, w, appId))!;
  const closed = r.reviews.find((x) => x.id === seat.review!.id)! as { status: string; conflict?: string[] };
  expect(closed.status).toBe('recused');
  expect(closed.conflict).toContain(code);
  expect(await conflictAlerts(w, appId)).toHaveLength(1);
  const replacement = await replaced(w, appId, seat, who);
  expect(replacement.reviewerSub).not.toBe(who.sub);
  // Their load went down with the seat; every further write of that review is refused.
  expect(await openAssignments(t, w, who)).toBe(load - 1);
  const save = await saveDraft(who, appId);
  expect([404, 409]).toContain(save.status);
  expect(save.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const send = await submitReview(who, appId, draftVersion);
  expect([404, 409]).toContain(send.status);
  expect(send.headers.get('content-type')).toMatch(/application\/problem\+json/);
  // The alert went out once, however often the rule was enforced since.
  expect(await conflictAlerts(w, appId)).toHaveLength(1);
}

describe('a seated reviewer who becomes conflicted loses the seat', () => {
  it('joining the pathway team (an accepted invitation): seat vacated, staff alerted, replacement seated, writes refused', async () => {
    const w = await world('rcj');
    const { appId, seat, who, draftVersion, load } = await underReview(w);
    await joinPathway(t, w.lead, w.pathway.id, who, 'member');
    await expectVacated(w, appId, seat, who, 'pathway-member', draftVersion, load);
  });

  it('joining the district (an accepted district invitation): same', async () => {
    const w = await world('rcd');
    const { appId, seat, who, draftVersion, load } = await underReview(w);
    await joinDistrict(t, w.staff, w.district.id, who, 'data');
    await expectVacated(w, appId, seat, who, 'same-district', draftVersion, load);
  });

  it('declaring a conflict on their own profile: same', async () => {
    const w = await world('rcc');
    const { appId, seat, who, draftVersion, load } = await underReview(w);
    const profile = expectStatus(await t.api<{ version: number }>('GET', '/me/reviewer-profile', { token: who.token }), 200).json;
    const patched = await t.api('PATCH', '/me/reviewer-profile', {
      token: who.token,
      headers: { 'if-match': `"${profile.version}"` },
      body: { conflicts: { districtIds: [], pathwayIds: [w.pathway.id] } },
    });
    expectStatus(patched, 200);
    await expectVacated(w, appId, seat, who, 'declared-pathway-conflict', draftVersion, load);
  });

  it('staff recording a conflict with the district on the profile: same', async () => {
    const w = await world('rcs');
    const { appId, seat, who, draftVersion, load } = await underReview(w);
    await updateReviewer(t, w, who, { conflicts: { districtIds: [w.district.id], pathwayIds: [] } });
    await expectVacated(w, appId, seat, who, 'declared-district-conflict', draftVersion, load);
  });

  it('a conflict unrelated to the pathway changes nothing', async () => {
    const w = await world('rcn');
    const other = await world('rco');
    const { appId, seat, who } = await underReview(w);
    await joinPathway(t, other.lead, other.pathway.id, who, 'member');
    const r = (await round(t, w, appId))!;
    expect(r.reviews.find((x) => x.id === seat.review!.id)!.status).toBe('in_progress');
    expect(await conflictAlerts(w, appId)).toHaveLength(0);
    expectStatus(await saveDraft(who, appId), 200);
  });
});

describe('retries', () => {
  it('a vacancy whose request died before telling the workflow is finished by the next enforcement', async () => {
    const w = await world('rcp');
    const { appId, seat, who } = await underReview(w);
    const review = (await getReview(appId, 1, seat.review!.id))!;
    // The vacating transaction as enforceConflicts writes it, and then the request dies.
    const alert = notificationItem({ recipient: keys.staffInbox, kind: 'review.conflict', title: 't', body: 'b', applicationId: appId });
    expect(await vacateForConflict(review, 'Conflict of interest: test.', ['pathway-member'], alert)).toBe(true);
    expect((await getItem(keys.assignment(who.sub, appId), true))!.seatAnswerPending).toBe(true);
    // The retried request (any enforcement for this person) tells the seat's wait.
    const profile = expectStatus(await t.api<{ version: number }>('GET', '/me/reviewer-profile', { token: who.token }), 200).json;
    expectStatus(
      await t.api('PATCH', '/me/reviewer-profile', { token: who.token, headers: { 'if-match': `"${profile.version}"` }, body: {} }),
      200,
    );
    await replaced(w, appId, seat, who);
    expect((await getItem(keys.assignment(who.sub, appId), true))!.seatAnswerPending).toBeUndefined();
    // Enforcing again changes nothing and alerts nobody twice.
    expectStatus(
      await t.api('PATCH', '/me/reviewer-profile', { token: who.token, headers: { 'if-match': `"${profile.version + 1}"` }, body: {} }),
      200,
    );
    expect(await conflictAlerts(w, appId)).toHaveLength(1);
  });
});

describe('the write path checks the rule itself', () => {
  const direct = (w: World, who: Person) =>
    addMembership(
      {
        kind: 'pathway',
        sub: who.sub,
        pathwayId: w.pathway.id,
        districtId: w.district.id,
        schoolId: w.school.id,
        role: 'member',
        since: new Date().toISOString(),
        version: 1,
        updatedAt: new Date().toISOString(),
      },
      { sub: 'seed', name: 'seed' },
    );

  it('a membership written without the use case: the next draft save answers 409 and vacates the seat', async () => {
    const w = await world('rcw');
    const { appId, seat, who, draftVersion, load } = await underReview(w);
    await direct(w, who);
    const save = await saveDraft(who, appId);
    expect(save.status).toBe(409);
    expect(save.json.code).toBe('conflict_of_interest');
    expect(save.json.reasons).toContain('pathway-member');
    await expectVacated(w, appId, seat, who, 'pathway-member', draftVersion, load);
  });

  it('a membership written without the use case: the submission answers 409 and is not recorded', async () => {
    const w = await world('rcx');
    const { appId, seat, who, draftVersion, load } = await underReview(w);
    await direct(w, who);
    const send = await submitReview(who, appId, draftVersion);
    expect(send.status).toBe(409);
    expect(send.json.code).toBe('conflict_of_interest');
    const r = (await round(t, w, appId))!;
    expect(r.reviews.find((x) => x.id === seat.review!.id)!.status).toBe('recused');
    await expectVacated(w, appId, seat, who, 'pathway-member', draftVersion, load);
  });

  it('a submission whose conflict check predates a new membership is cancelled by the affiliation stamp', async () => {
    const w = await world('rcg');
    const { appId, seat, who } = await underReview(w);
    const review = (await getReview(appId, 1, seat.review!.id))!;
    // The check as the submit route makes it, then a profile change lands before the write
    // (it could have declared a conflict): the profile's version cancels the submission.
    const first = await readAffiliations(who.sub);
    await updateReviewer(t, w, who, { sectors: ['engineering_architecture', 'public_services'] });
    expect(
      await submitReviewInStore(review, review.scores, review.version, { stamp: first.stamp, profileVersion: first.profile!.version }),
    ).toBe('affiliations-changed');
    // Then a membership lands between check and write: the stamp cancels it.
    const before = await readAffiliations(who.sub);
    await direct(w, who);
    expect(
      await submitReviewInStore(review, review.scores, review.version, { stamp: before.stamp, profileVersion: before.profile!.version }),
    ).toBe('affiliations-changed');
    expect((await getReview(appId, 1, review.id))!.status).toBe('in_progress');
  });

  it('joining and submitting at the same moment: either the review was submitted before the membership, or it was refused', async () => {
    const w = await world('rcr');
    const { appId, seat, who, draftVersion } = await underReview(w);
    const inv = expectStatus(
      await t.api<{ id: string }>('POST', `/pathways/${w.pathway.id}/invitations`, {
        token: w.lead.token,
        body: { email: who.email, role: 'member' },
      }),
      201,
    ).json;
    const [send, joined] = await Promise.all([
      submitReview(who, appId, draftVersion),
      t.api<{ membership: { since: string } }>('POST', `/me/invitations/${inv.id}/accept`, { token: who.token }),
    ]);
    expectStatus(joined, 200);
    const r = (await round(t, w, appId))!;
    const review = r.reviews.find((x) => x.id === seat.review!.id)! as { status: string; submittedAt?: string };
    // The submission commits only if the membership had not (the stamp); the acceptance then
    // finds nothing open to vacate. Otherwise the submission is refused and the seat vacated.
    if (send.status === 200) {
      expect(review.status).toBe('submitted');
      expect(await conflictAlerts(w, appId)).toHaveLength(0);
    } else {
      expect([404, 409]).toContain(send.status);
      expect(review.status).toBe('recused');
      await replaced(w, appId, seat, who);
    }
  });
});
