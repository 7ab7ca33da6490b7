/**
 * Review due dates with the daily review-reminders job (events/schedules.ts), against the
 * running workflow: reminders 7 and 3 days before, each exactly once however often the job
 * runs; at the due date the seat is reassigned once and the workflow seats a replacement
 * (or asks staff); a late replacement is escalated to staff once. "Now" is the schedule's
 * slot, so the job is driven through time by its input, not by waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import type { ReviewRemindersResult } from '#pipeline/review-reminders.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus } from '../support/registry-world.ts';
import { buildWorld, published, round, seated, submitted, until, type World } from '../support/review-world.ts';

let t: TestPlatform;
let w: World;

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true });
  w = await buildWorld(t, 'due', [
    { email: 'due-r1@example.org', name: 'Dana' },
    { email: 'due-r2@example.org', name: 'Dev' },
    { email: 'due-r3@example.org', name: 'Dot' },
  ]);
});
afterAll(() => t?.stop());

const DAY = 86_400_000;
const run = async (at: number) =>
  (await t.platform.invoke('reviewReminders', {
    job: 'review-reminders',
    scheduledTime: new Date(at).toISOString(),
  })) as ReviewRemindersResult;
const inbox = async (sub: string, kind: string) => (await queryAll(keys.inboxPartition(sub))).filter((n) => n.kind === kind);

describe('review due dates', () => {
  it('reminds, reassigns once, then escalates; each exactly once', async () => {
    const appId = await submitted(t, w);
    const seats = await seated(t, w, appId);
    const first = seats.map((s) => s.review!);
    const assignedAt = Math.max(...first.map((r) => Date.parse(r.dueAt) - 21 * DAY));
    const dueAt = Date.parse(first[0]!.dueAt);

    // Through the schedule itself: nothing is due today.
    const delivery = await t.platform.events.runScheduleNow('review-reminders');
    expect(delivery.status).toBe('delivered');

    // 6.5 days before due: the 7-day reminder, once, however often the job runs.
    expect((await run(dueAt - 6.5 * DAY)).reminded).toBe(2);
    expect((await run(dueAt - 6.4 * DAY)).reminded).toBe(0);
    // After a gap, straight to 2 days before: only the 3-day reminder goes out.
    expect((await run(dueAt - 2 * DAY)).reminded).toBe(2);
    expect((await run(dueAt - 1 * DAY)).reminded).toBe(0);
    for (const r of first) expect(await inbox(r.reviewerSub, 'review.reminder'), r.reviewerSub).toHaveLength(2);
    expect(assignedAt).toBeLessThan(dueAt);

    // At the due date both seats are reassigned; only one other reviewer is left, so the
    // workflow seats them in one seat and asks staff for the other.
    const late = await run(dueAt + 3_600_000);
    expect(late.reassigned).toBe(2);
    const after = await until('a replacement and a seat waiting for staff', async () => {
      const r = await round(t, w, appId);
      const replaced = r?.seats.filter((s) => s.review && s.review.status === 'assigned');
      return replaced?.length === 1 && r!.seats.some((s) => s.waitingFor === 'staff-assignment') ? r : undefined;
    });
    expect(
      after.reviews
        .filter((r) => r.status === 'reassigned')
        .map((r) => r.reviewerSub)
        .sort(),
    ).toEqual(first.map((r) => r.reviewerSub).sort());
    const replacement = after.seats.find((s) => s.review?.status === 'assigned')!.review!;
    expect(first.map((r) => r.reviewerSub)).not.toContain(replacement.reviewerSub);
    for (const r of first) {
      expect(await inbox(r.reviewerSub, 'review.late'), r.reviewerSub).toHaveLength(1);
      // Their access ended with the reassignment.
      expect(
        (await t.api('GET', `/applications/${appId}/review`, { token: w.reviewers.find((p) => p.sub === r.reviewerSub)!.token })).status,
      ).toBe(404);
    }
    await until('the replacement notice', async () => published(t, 'ReviewerAssigned', appId).length === 3);

    // The replacement was assigned on the real clock, 21 days "before" the simulated slot, so
    // it is already late at the next run: staff are alerted once (never a second reassignment),
    // whichever run sees it first, and the seat stays with the replacement.
    const again = await run(dueAt + 7_200_000);
    expect(again.reassigned).toBe(0);
    const replacementDue = Date.parse(replacement.dueAt);
    const later = await run(replacementDue + 3_600_000);
    expect(later.reassigned).toBe(0);
    expect(again.escalated + later.escalated).toBe(1);
    expect((await run(replacementDue + 2 * DAY)).escalated).toBe(0);
    const alerts = expectStatus(
      await t.api<{ items: { kind: string; applicationId: string }[] }>('GET', '/review-alerts', { token: w.staff.token }),
      200,
    ).json;
    expect(alerts.items.filter((a) => a.kind === 'review.late' && a.applicationId === appId)).toHaveLength(1);
    const still = (await round(t, w, appId))!;
    expect(still.seats.find((s) => s.seat === after.seats.find((x) => x.review?.status === 'assigned')!.seat)!.review!.status).toBe(
      'assigned',
    );
  });
});
