/**
 * The store's guarantee behind load balancing: however many assignments race for one
 * reviewer, the conditional counter on their profile never lets them exceed their maximum
 * of open assignments; closing one frees exactly one slot; a seat is filled once.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import { queryAll } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { getReviewer, putReviewerByStaff } from '#store/reviewers.ts';
import { assignSeat, ConcurrentChange, ensureRound, ReviewerAtCapacity, submitReview, vacateReview } from '#store/reviews.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

let counter = 0;
const sub = () => `00000000-0000-5000-a000-${String(++counter).padStart(12, '0')}`;

async function reviewer(max: number) {
  const s = sub();
  await putReviewerByStaff(
    s,
    {
      name: `R ${s}`,
      sectors: [],
      conflicts: { districtIds: [], pathwayIds: [] },
      available: true,
      unavailable: [],
      maxOpenAssignments: max,
      leadEligible: true,
      active: true,
    },
    0,
  );
  return s;
}

async function rounds(n: number, seats = 1) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const applicationId = newId('application');
      await ensureRound({
        applicationId,
        pathwayId: newId('pathway'),
        districtId: newId('district'),
        schoolId: newId('school'),
        pathwayName: 'Capacity Academy',
        round: 1,
        level: 'silver',
        frameworkId: newId('framework'),
        frameworkVersion: '2026.1',
        seats,
      });
      return applicationId;
    }),
  );
}

/** As the pipeline does: a transaction that lost only to another one (TransactionConflict) is tried again. */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException' || attempt >= 20) throw error;
    }
  }
}

const assign = (applicationId: string, reviewerSub: string, seat = 1, overrideLoad = false) =>
  retrying(() => assignOnce(applicationId, reviewerSub, seat, overrideLoad));

const assignOnce = (applicationId: string, reviewerSub: string, seat: number, overrideLoad: boolean) =>
  assignSeat({
    round: { applicationId, pathwayId: 'pw', round: 1 },
    seat,
    expectedReviewId: null,
    reviewer: { sub: reviewerSub },
    role: 'co-reviewer',
    assignedBy: 'system',
    reassignedCount: 0,
    overrideLoad,
  });

describe("a reviewer's maximum open assignments", () => {
  it('concurrent assignments never exceed it, for any maximum and any number of racers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 8 }), async (max, racers) => {
        const r = await reviewer(max);
        const apps = await rounds(racers);
        const results = await Promise.allSettled(apps.map((a) => assign(a, r)));
        const won = results.filter((x) => x.status === 'fulfilled').length;
        const lost = results.filter((x) => x.status === 'rejected');
        expect(won).toBe(Math.min(max, racers));
        for (const l of lost) expect(l.reason).toBeInstanceOf(ReviewerAtCapacity);
        expect((await getReviewer(r, true))!.openAssignments).toBe(won);
        expect(await queryAll(keys.personPartition(r), keys.assignmentPrefix, true)).toHaveLength(won);
      }),
      { numRuns: 12 },
    );
  });

  it('submitting or recusing frees exactly one slot; staff may knowingly go past the limit', async () => {
    const r = await reviewer(1);
    const [a, b, c, d] = await rounds(4);
    const first = await assign(a!, r);
    await expect(assign(b!, r)).rejects.toBeInstanceOf(ReviewerAtCapacity);
    expect(await submitReview(first, [], first.version)).not.toBe('closed');
    expect((await getReviewer(r, true))!.openAssignments).toBe(0);
    const second = await assign(b!, r);
    expect(await vacateReview(second, 'recused', 'conflict found')).toBe(true);
    expect(await vacateReview(second, 'recused', 'twice')).toBe(false);
    expect((await getReviewer(r, true))!.openAssignments).toBe(0);
    await assign(c!, r);
    await assign(d!, r, 1, true);
    expect((await getReviewer(r, true))!.openAssignments).toBe(2);
  });

  it('a seat is filled once, whoever races for it', async () => {
    const reviewers = await Promise.all([reviewer(3), reviewer(3), reviewer(3)]);
    const [app] = await rounds(1);
    const results = await Promise.allSettled(reviewers.map((r) => assign(app!, r)));
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    for (const l of results.filter((x) => x.status === 'rejected')) {
      expect(l.reason).toBeInstanceOf(ConcurrentChange);
    }
    // The losers' counters were not touched (the transaction is all or nothing).
    const counts = await Promise.all(reviewers.map(async (r) => (await getReviewer(r, true))!.openAssignments));
    expect(counts.sort()).toEqual([0, 0, 1]);
  });
});
