/**
 * Reviewers and staff around the running workflow, through the local HTTP API: recusal and
 * the automatic replacement, a seat nobody qualifies for and staff's hand assignment (with
 * the rules staff cannot override), the review's own rules (complete before submit, submit
 * once), the decision's (once, only when pending), and who may do what.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '#lib/aws-clients.ts';
import { config } from '#lib/config.ts';
import { getItem, queryAll } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus, person } from '../support/registry-world.ts';
import {
  all,
  anotherPathway,
  buildWorld,
  byReviewer,
  decide,
  executionSucceeded,
  openAssignments,
  putReviewer,
  published,
  round,
  score,
  seated,
  submitted,
  until,
  updateReviewer,
  waitForStatus,
  type World,
} from '../support/review-world.ts';

let t: TestPlatform;
let w: World;

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true });
  w = await buildWorld(t, 'rv', [
    { email: 'rv-ana@example.org', name: 'Ana' },
    { email: 'rv-ben@example.org', name: 'Ben' },
    { email: 'rv-cy@example.org', name: 'Cy', leadEligible: false },
  ]);
});
afterAll(() => t?.stop());

type Problem = { status: number; detail?: string; errors?: { field: string; code?: string }[]; reasons?: string[] };

describe('recusal', () => {
  it('a recusing reviewer loses access and the workflow seats a replacement, who completes the review', async () => {
    const p = await anotherPathway(t, w, 'Recusal Academy');
    const appId = await submitted(t, p);
    const seats = await seated(t, p, appId);
    const leaving = seats.find((s) => s.review!.role !== 'lead')!;
    const leaver = byReviewer(p, leaving.review!.reviewerSub);

    const recused = await t.api<{ status: string }>('POST', `/applications/${appId}/review/recuse`, {
      token: leaver.token,
      body: { reason: 'I coached this team last year.' },
    });
    expect(expectStatus(recused, 200).json.status).toBe('recused');
    // Access ends with the assignment: the application disappears for them.
    expect((await t.api('GET', `/applications/${appId}/review`, { token: leaver.token })).status).toBe(404);
    expect((await t.api('GET', `/applications/${appId}`, { token: leaver.token })).status).toBe(404);
    // Recusing twice is a conflict, not an error.
    expect((await t.api('POST', `/applications/${appId}/review/recuse`, { token: leaver.token, body: { reason: 'again' } })).status).toBe(
      404,
    );

    const after = await until('a replacement in the vacated seat', async () => {
      const r = await round(t, p, appId);
      const seat = r?.seats.find((s) => s.seat === leaving.seat);
      return seat?.review && seat.review.reviewerSub !== leaver.sub && seat.review.status === 'assigned' ? r : undefined;
    });
    const replacement = after.seats.find((s) => s.seat === leaving.seat)!.review!;
    expect(seats.map((s) => s.review!.reviewerSub)).not.toContain(replacement.reviewerSub);
    expect(after.reviews.find((r) => r.reviewerSub === leaver.sub)!.status).toBe('recused');
    // The replacement is told once (the notice follows the assignment, asynchronously).
    await until("the replacement's assignment notice", async () => published(t, 'ReviewerAssigned', appId).length === 3);
    expect(published(t, 'ReviewerAssigned', appId)).toHaveLength(3);

    // Staff cannot bring the recused reviewer back (a conflict rule, never overridable).
    const back = await t.api<Problem>('PUT', `/applications/${appId}/review-round/seats/${leaving.seat}`, {
      token: w.staff.token,
      body: { reviewerSub: leaver.sub, override: { load: true, availability: true } },
    });
    expect(back.status).toBe(422);
    expect(back.json.reasons).toContain('previously-recused');

    for (const s of after.seats) await score(t, byReviewer(p, s.review!.reviewerSub), appId, all('meeting'));
    await waitForStatus(t, p, appId, 'decision_pending');
    await decide(t, p, appId, 'not_yet');
    await waitForStatus(t, p, appId, 'not_yet');
    // Not yet is final: the pathway may open a new application, and nothing was certified.
    expect(await getItem(keys.openApplication(p.pathway.id), true)).toBeUndefined();
    expect(await queryAll(keys.pathway(p.pathway.id).PK, keys.certificationPrefix, true)).toHaveLength(0);
    expect(published(t, 'CertificationIssued', appId)).toHaveLength(0);
  });
});

describe('a seat nobody qualifies for', () => {
  it('waits for staff, who assign by hand within the rules', async () => {
    const p = await anotherPathway(t, w, 'Manual Academy');
    const [ana, ben, cy] = p.reviewers as [(typeof p.reviewers)[0], (typeof p.reviewers)[0], (typeof p.reviewers)[0]];
    // Only Ana is available; Dee lives in the pathway's district.
    await updateReviewer(t, p, ben, { available: false });
    await updateReviewer(t, p, cy, { available: false });
    const dee = await person(t, 'rv-dee@example.org', ['reviewer'], 'Dee');
    await putReviewer(t, p.staff, dee, { email: dee.email, name: 'Dee', districtId: p.district.id });

    const appId = await submitted(t, p);
    const waiting = await until('a seat waiting for staff', async () => {
      const r = await round(t, p, appId);
      return r?.round.stage === 'assigning' && r.seats.some((s) => s.waitingFor === 'staff-assignment') ? r : undefined;
    });
    expect(waiting.seats.filter((s) => s.review)).toHaveLength(1);
    expect(waiting.seats.find((s) => s.review)!.review!.reviewerSub).toBe(ana.sub);
    const vacant = waiting.seats.find((s) => s.waitingFor === 'staff-assignment')!;
    const queue = expectStatus(
      await t.api<{ items: { applicationId: string }[] }>('GET', '/review-queue?stage=assigning', { token: w.staff.token }),
      200,
    ).json;
    expect(queue.items.map((i) => i.applicationId)).toContain(appId);
    const alerts = expectStatus(
      await t.api<{ items: { kind: string; applicationId: string }[] }>('GET', '/review-alerts', { token: w.staff.token }),
      200,
    ).json;
    expect(alerts.items.filter((a) => a.kind === 'review.vacancy' && a.applicationId === appId)).toHaveLength(1);

    const seatPath = `/applications/${appId}/review-round/seats/${vacant.seat}`;
    // A conflict of interest is refused whatever the flags say.
    const conflicted = await t.api<Problem>('PUT', seatPath, {
      token: w.staff.token,
      body: { reviewerSub: dee.sub, override: { availability: true, load: true } },
    });
    expect(conflicted.status).toBe(422);
    expect(conflicted.json.reasons).toContain('same-district');
    // Eve's home district became the pathway's a moment ago and the pool's index has not
    // caught up (here: it does not list her at all): the hand assignment checks the profile
    // as it reads it now, the one the seat's write would be conditional on.
    const eve = await person(t, 'rv-eve@example.org', ['reviewer'], 'Eve');
    await putReviewer(t, p.staff, eve, { email: eve.email, name: 'Eve', available: false });
    await dynamoClient().send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: keys.reviewer(eve.sub),
        UpdateExpression: 'SET districtId = :d, version = version + :one REMOVE GSI2PK, GSI2SK',
        ExpressionAttributeValues: { ':d': p.district.id, ':one': 1 },
      }),
    );
    const moved = await t.api<Problem>('PUT', seatPath, {
      token: w.staff.token,
      body: { reviewerSub: eve.sub, override: { availability: true, load: true } },
    });
    expect(moved.status).toBe(422);
    expect(moved.json.reasons).toContain('same-district');
    // An absence needs the explicit override.
    const absent = await t.api<Problem>('PUT', seatPath, { token: w.staff.token, body: { reviewerSub: ben.sub } });
    expect(absent.status).toBe(422);
    expect(absent.json.reasons).toEqual(['unavailable']);
    // Teams and reviewers cannot assign.
    expect((await t.api('PUT', seatPath, { token: p.lead.token, body: { reviewerSub: ben.sub } })).status).toBe(403);
    expect((await t.api('PUT', seatPath, { token: ana.token, body: { reviewerSub: ben.sub } })).status).toBe(403);

    const assigned = await t.api<{ review: { reviewerSub: string; assignedBy: string }; overridden: { code: string }[] }>('PUT', seatPath, {
      token: w.staff.token,
      body: { reviewerSub: ben.sub, override: { availability: true } },
    });
    expect(expectStatus(assigned, 200).json.review).toMatchObject({ reviewerSub: ben.sub, assignedBy: w.staff.sub });
    expect(assigned.json.overridden.map((o) => o.code)).toEqual(['unavailable']);
    await until('the round to be reviewing', async () => (await round(t, p, appId))?.round.stage === 'reviewing');

    // The review's own rules: complete before submitting, submitting once.
    const mine = expectStatus(
      await t.api<{ review: { version: number } }>('GET', `/applications/${appId}/review`, { token: ben.token }),
      200,
    ).json;
    const partial = expectStatus(
      await t.api<{ version: number }>('PUT', `/applications/${appId}/review`, {
        token: ben.token,
        headers: { 'if-match': `"${mine.review.version}"` },
        body: { scores: [{ criterionId: 'RA-1.1', level: 'meeting' }] },
      }),
      200,
    ).json;
    const incomplete = await t.api<Problem>('POST', `/applications/${appId}/review/submit`, {
      token: ben.token,
      headers: { 'if-match': `"${partial.version}"` },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.json.errors!.map((e) => e.code).sort()).toEqual([
      'missing_comment',
      'missing_score',
      'missing_score',
      'missing_score',
    ]);
    const stale = await t.api<Problem>('PUT', `/applications/${appId}/review`, {
      token: ben.token,
      headers: { 'if-match': `"${mine.review.version}"` },
      body: { scores: [] },
    });
    expect(stale.status).toBe(412);
    const offRubric = await t.api<Problem>('PUT', `/applications/${appId}/review`, {
      token: ben.token,
      headers: { 'if-match': `"${partial.version}"` },
      body: { scores: [{ criterionId: 'RA-9.9', level: 'superb' }] },
    });
    expect(offRubric.status).toBe(422);
    expect(offRubric.json.errors!.map((e) => e.code).sort()).toEqual(['invalid_level', 'unknown_criterion']);

    const done = await score(t, ben, appId, all('meeting'));
    const twice = await t.api<Problem>('POST', `/applications/${appId}/review/submit`, {
      token: ben.token,
      headers: { 'if-match': `"${done.version}"` },
    });
    expect(twice.status).toBe(409);
    expect(twice.json.detail).toMatch(/already submitted/);

    // The decision: only once pending, only by staff, only once.
    const early = await t.api<Problem>('POST', `/applications/${appId}/decision`, {
      token: w.staff.token,
      body: { decision: 'certified', letter: { summary: 'x', strengths: [], areasForGrowth: [] } },
    });
    expect(early.status).toBe(409);
    await score(t, ana, appId, all('meeting'));
    await waitForStatus(t, p, appId, 'decision_pending');
    const byTeam = await t.api('POST', `/applications/${appId}/decision`, {
      token: p.lead.token,
      body: { decision: 'certified', letter: { summary: 'x', strengths: [], areasForGrowth: [] } },
    });
    expect(byTeam.status).toBe(403);
    const noChanges = await t.api<Problem>('POST', `/applications/${appId}/decision`, {
      token: w.staff.token,
      body: { decision: 'revise_and_resubmit', letter: { summary: 'x', strengths: [], areasForGrowth: [] } },
    });
    expect(noChanges.status).toBe(422);
    await decide(t, p, appId, 'certified');
    const again = await t.api<Problem>('POST', `/applications/${appId}/decision`, {
      token: w.staff.token,
      body: { decision: 'not_yet', letter: { summary: 'x', strengths: [], areasForGrowth: [] } },
    });
    expect(again.status).toBe(409);
    await waitForStatus(t, p, appId, 'certified');

    // Calibration sees every submitted review of this file.
    const report = expectStatus(
      await t.api<{ reviews: number; reviewers: { reviewerId: string; comparisons: number }[]; criteria: { criterionId: string }[] }>(
        'GET',
        '/review-calibration',
        {
          token: w.staff.token,
        },
      ),
      200,
    ).json;
    expect(report.reviews).toBeGreaterThanOrEqual(4);
    expect(report.reviewers.find((r) => r.reviewerId === ben.sub)!.comparisons).toBeGreaterThanOrEqual(4);
    expect((await t.api('GET', '/review-calibration', { token: ana.token })).status).toBe(403);
  });
});

describe('withdrawal during review', () => {
  it('closes the round, releases the reviewers and ends the workflow instead of leaving it waiting', async () => {
    const p = await anotherPathway(t, w, 'Withdrawn Academy');
    // Everyone available again (the test before took two reviewers out).
    for (const r of p.reviewers.slice(1)) await updateReviewer(t, p, r, { available: true });
    const appId = await submitted(t, p);
    const seats = await seated(t, p, appId);
    const [first, second] = seats.map((s) => byReviewer(p, s.review!.reviewerSub)) as [(typeof p.reviewers)[0], (typeof p.reviewers)[0]];
    await score(t, first, appId, all('meeting'));
    await until('the second seat to wait for its review', async () => {
      const r = await round(t, p, appId);
      return r?.seats.every((s) => s.waitingFor === 'review' || s.review?.status === 'submitted') ? r : undefined;
    });
    const app = expectStatus(await t.api<{ version: number }>('GET', `/applications/${appId}`, { token: p.lead.token }), 200).json;
    expectStatus(
      await t.api('POST', `/applications/${appId}/withdraw`, { token: p.lead.token, headers: { 'if-match': `"${app.version}"` } }),
      200,
    );

    const closed = await executionSucceeded(t, p, appId);
    expect(closed.round.stage).toBe('withdrawn');
    expect(closed.reviews.map((r) => r.status).sort()).toEqual(['reassigned', 'submitted']);
    for (const who of [first, second]) {
      expect((await t.api('GET', `/applications/${appId}`, { token: who.token })).status).toBe(404);
      expect(await openAssignments(t, w, who)).toBe(0);
    }
  });
});

describe('reviewer profiles', () => {
  it('a reviewer declares conflicts on their own profile; staff own the load limit', async () => {
    const ana = w.reviewers[0]!;
    const mine = expectStatus(
      await t.api<{ version: number; maxOpenAssignments: number }>('GET', '/me/reviewer-profile', { token: ana.token }),
      200,
    ).json;
    const updated = await t.api<{ conflicts: { pathwayIds: string[] } }>('PATCH', '/me/reviewer-profile', {
      token: ana.token,
      headers: { 'if-match': `"${mine.version}"` },
      body: { conflicts: { districtIds: [], pathwayIds: [w.pathway.id] } },
    });
    expect(expectStatus(updated, 200).json.conflicts.pathwayIds).toEqual([w.pathway.id]);
    const limit = await t.api<Problem>('PATCH', '/me/reviewer-profile', {
      token: ana.token,
      headers: { 'if-match': `"${mine.version + 1}"` },
      body: { maxOpenAssignments: 50 },
    });
    expect(limit.status).toBe(400);
    expect((await t.api('GET', '/me/reviewer-profile', { token: w.lead.token })).status).toBe(404);
    expect((await t.api('GET', '/reviewers', { token: ana.token })).status).toBe(403);
  });
});
