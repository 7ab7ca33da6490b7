/**
 * No wait without an end (issue 14): every task-token wait of the review workflow times out
 * at a deadline taken from the domain's due dates, and the timeout is handled, never a
 * failed execution. The local Step Functions server runs with a wait-time scale of 1e-6, so
 * a wait of days times out in about a second; the dev clock is moved so that the domain
 * (due dates, alert periods) agrees that the time has passed. The review-reminders schedule
 * is off (scheduleTickMs 0): whatever is reassigned, escalated or alerted here, the
 * workflow's own timeouts did it, as the execution history shows.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus } from '../support/registry-world.ts';
import {
  all,
  anotherPathway,
  buildWorld,
  byReviewer,
  decide,
  executionSucceeded,
  history,
  reviewAndCertify,
  reviewerSpecs,
  round,
  score,
  seated,
  statesEntered,
  submitted,
  until,
  waitForStatus,
  type World,
} from '../support/review-world.ts';

let t: TestPlatform;
let w: World;

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true, stepFunctionsWaitTimeScale: 1e-6, scheduleTickMs: 0 });
  w = await buildWorld(
    t,
    'waits',
    reviewerSpecs('waits', ['Wes Reviewer', 'Wanda Reviewer', 'Walt Reviewer', 'Wren Reviewer', 'Wyn Reviewer', 'Wade Reviewer']),
  );
});
afterEach(() => t.platform.clock.setOffset(0));
afterAll(() => t?.stop());

const timedOut = (events: HistoryEvent[], error: string) =>
  events.filter((e) => e.type === 'TaskTimedOut' && e.taskTimedOutEventDetails?.error === error);

/** The staff inbox's notifications of a kind for an application (every page). */
async function staffInbox(kind: string, applicationId: string) {
  const items: { kind: string; applicationId?: string; title: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = expectStatus(
      await t.api<{ items: typeof items; nextCursor?: string }>(
        'GET',
        `/notifications?inbox=staff&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: w.staff.token },
      ),
      200,
    ).json;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items.filter((n) => n.kind === kind && n.applicationId === applicationId);
}

/** `until`, but a failure says where the execution stands (its status and last events). */
async function waitFor<T>(arn: string, what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 90_000): Promise<T> {
  try {
    return await until(what, fn, timeoutMs);
  } catch (error) {
    const events = await history(t, arn).catch(() => []);
    const last = events
      .slice(-12)
      .map((e) =>
        [e.type, e.stateEnteredEventDetails?.name ?? e.taskFailedEventDetails?.error ?? e.executionFailedEventDetails?.cause ?? ''].join(
          ' ',
        ),
      );
    throw new Error(`${(error as Error).message}; ${events.length} events, last: ${last.join(' | ')}`, { cause: error });
  }
}

describe('every wait of the review workflow ends', () => {
  it(
    'a late seat is reassigned when its wait times out, a late replacement is escalated, and the execution keeps running',
    { timeout: 240_000 },
    async () => {
      const world = await anotherPathway(t, w, 'Waits Seats');
      const appId = await submitted(t, world);
      const first = await seated(t, world, appId);
      const firstReviews = first.map((s) => s.review!.id);
      const arn = (await round(t, world, appId))!.round.executionArn!;

      // Before the due date each seat's wait times out (re-armed at most every 20 days) and waits again quietly.
      await waitFor(arn, 'quiet seat timeouts', async () => timedOut(await history(t, arn), 'States.Timeout').length >= 2);
      expect(statesEntered(await history(t, arn))).toContain('SeatOverdue');
      expect((await round(t, world, appId))!.reviews.every((x) => firstReviews.includes(x.id) && x.status === 'assigned')).toBe(true);

      // Past the due date (21 days) and the grace day: the next timeout (or the clock of the next
      // lap, whichever comes first) reassigns each seat.
      t.platform.clock.advanceDays(23);
      const replaced = await waitFor(arn, 'both seats reassigned and seated again', async () => {
        const r = await round(t, world, appId);
        const gone = r?.reviews.filter((x) => firstReviews.includes(x.id) && x.status === 'reassigned');
        const held = r?.seats.filter((s) => s.review && !firstReviews.includes(s.review.id) && s.review.status === 'assigned');
        return gone?.length === 2 && held?.length === 2 ? r : undefined;
      });
      expect(replaced.execution?.status).toBe('RUNNING');

      // The replacements are late too: staff are alerted (once per seat), the seats stay open.
      t.platform.clock.advanceDays(23);
      const alerts = await waitFor(arn, 'two late-again alerts', async () => {
        const found = (await staffInbox('review.late', appId)).filter((n) => /late again/.test(n.title));
        return found.length === 2 ? found : undefined;
      });
      expect(alerts).toHaveLength(2);
      const escalated = (await round(t, world, appId))!;
      expect(escalated.execution?.status).toBe('RUNNING');
      expect(escalated.seats.every((s) => s.review?.status === 'assigned')).toBe(true);

      // The review still completes through the same execution.
      const done = await reviewAndCertify(t, world, appId, escalated.seats);
      expect(done.round.executionArn).toBe(arn);
      const events = await history(t, arn);
      expect(events.some((e) => e.type === 'ExecutionFailed')).toBe(false);
    },
  );

  it(
    'adjudication and decision waits alert staff on schedule and keep waiting; the execution does not fail',
    { timeout: 240_000 },
    async () => {
      const world = await anotherPathway(t, w, 'Waits Staff');
      const appId = await submitted(t, world);
      const seats = await seated(t, world, appId);
      const arn = (await round(t, world, appId))!.round.executionArn!;
      const [a, b] = seats.map((s) => byReviewer(world, s.review!.reviewerSub));
      await score(t, a!, appId, { ...all('meeting'), 'WBL-1.2': 'excelling' });
      await score(t, b!, appId, { ...all('meeting'), 'WBL-1.2': 'beginning' });
      await waitFor(arn, 'adjudication', async () => (await round(t, world, appId))?.round.waitingFor === 'adjudication');

      // Nothing before the alert period (7 days) has passed: the waits time out and wait again quietly.
      await waitFor(arn, 'a few quiet timeouts', async () => timedOut(await history(t, arn), 'States.Timeout').length >= 2);
      expect(await staffInbox('review.waiting', appId)).toEqual([]);

      t.platform.clock.advanceDays(8);
      const adjudication = await waitFor(arn, 'an adjudication alert', async () => {
        const found = await staffInbox('review.waiting', appId);
        return found.length ? found : undefined;
      });
      expect(adjudication).toHaveLength(1);
      expect(adjudication[0]!.title).toMatch(/adjudication/);
      expect((await round(t, world, appId))!.execution?.status).toBe('RUNNING');

      expectStatus(
        await t.api('POST', `/applications/${appId}/review-round/adjudications`, {
          token: w.staff.token,
          body: {
            adjudications: [{ criterionId: 'WBL-1.2', level: 'meeting', reason: 'Both reviews describe internships for most students.' }],
          },
        }),
        200,
      );
      await waitForStatus(t, world, appId, 'decision_pending');
      await waitFor(arn, 'the decision wait', async () => (await round(t, world, appId))?.round.waitingFor === 'decision');

      t.platform.clock.advanceDays(8);
      await waitFor(arn, 'a decision alert', async () => {
        const found = (await staffInbox('review.waiting', appId)).filter((n) => /decision/.test(n.title));
        return found.length === 1 ? found : undefined;
      });
      // One alert per period, however many times the wait timed out meanwhile.
      await waitFor(arn, 'more timeouts after the alert', async () => timedOut(await history(t, arn), 'States.Timeout').length >= 6);
      expect(await staffInbox('review.waiting', appId)).toHaveLength(2);
      expect((await round(t, world, appId))!.execution?.status).toBe('RUNNING');

      await decide(t, world, appId, 'certified');
      const done = await executionSucceeded(t, world, appId);
      expect(done.round.executionArn).toBe(arn);
      const names = statesEntered(await history(t, arn));
      expect(names).toContain('AdjudicationOverdue');
      expect(names).toContain('DecisionOverdue');
    },
  );
});
