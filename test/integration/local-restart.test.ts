/**
 * A restart of the local platform keeps running reviews running, as AWS would: the
 * platform runs with persistence in a temporary data directory, stops while the review
 * execution waits for a reviewer, and starts again on the same directory. The token the
 * waiting task was given before the restart is still answerable (the reviewer's submit
 * answers it), the same execution carries on, and the review completes with a certification.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getSeat } from '#store/reviews.ts';
import type { PlatformOptions } from '../../infra/local/platform.ts';
import { startTestPlatform, uniqueName, type TestPlatform } from '../support/platform.ts';
import {
  all,
  buildWorld,
  byReviewer,
  history,
  reviewAndCertify,
  reviewerSpecs,
  round,
  score,
  seated,
  statesEntered,
  submitted,
  until,
} from '../support/review-world.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'pathcert-restart-'));
const options: Partial<PlatformOptions> = {
  persist: true,
  dataDir,
  ports: { http: 0, dynamodb: 0, s3: 0, stepFunctions: 0, eventBridge: 0, ses: 0, cognito: 0 },
  tableName: uniqueName('pathcert-restart'),
  bucketName: uniqueName('evidence-restart'),
  withStepFunctions: true,
  stepFunctionsWaitTimeScale: 0,
  // Schedules only on demand: the daily jobs have nothing to do with this test.
  scheduleTickMs: 0,
};
let t: TestPlatform | undefined;

afterAll(async () => {
  await t?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a local restart in the middle of a review', () => {
  it('resumes the waiting execution: a pre-restart task token is answered after it and the review completes', async () => {
    t = await startTestPlatform(options);
    const w = await buildWorld(t, 'restart', reviewerSpecs('restart'));
    const appId = await submitted(t, w);
    const seats = await seated(t, w, appId);
    // One review before the restart (its wait is over), one still pending across it.
    const [first, second] = seats;
    await score(t, byReviewer(w, first!.review!.reviewerSub), appId, all('meeting'));
    await until('the first seat to be answered', async () =>
      (await round(t!, w, appId))?.seats.find((s) => s.seat === first!.seat)?.waitingFor === null ? true : undefined,
    );
    const before = (await round(t, w, appId))!;
    expect(before.execution?.status).toBe('RUNNING');
    const pending = await until('the pending seat to hold its token', async () => {
      const seat = await getSeat(appId, before.round.round, second!.seat);
      return seat?.token ? seat : undefined;
    });

    await t.stop();
    t = undefined;
    t = await startTestPlatform(options);

    // The same execution is running again, waiting on the same token.
    const after = (await round(t, w, appId))!;
    expect(after.execution).toMatchObject({ status: 'RUNNING' });
    expect(after.round.executionArn).toBe(before.round.executionArn);
    expect((await getSeat(appId, before.round.round, second!.seat))?.token).toBe(pending.token);

    // The reviewer submits (which answers the pre-restart token), staff decide.
    const done = await reviewAndCertify(t, w, appId, [second!]);
    expect(done.round.executions).toEqual([`${appId}-1`]);
    expect(done.application.reviewFailure).toBeUndefined();
    const certifications = await t.api<{ items: { level: string; status: string }[] }>('GET', `/pathways/${w.pathway.id}/certifications`, {
      token: w.staff.token,
    });
    expect(certifications.json.items).toEqual([expect.objectContaining({ level: 'candidacy' })]);

    // One history across the restart: each state once, nothing replayed into it twice.
    const events = await history(t, done.round.executionArn!);
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    const entered = statesEntered(events);
    expect(entered.filter((s) => s === 'Prepare')).toHaveLength(1);
    expect(entered.filter((s) => s === 'AssignReviewers')).toHaveLength(1);
    expect(entered.filter((s) => s === 'AwaitReview')).toHaveLength(2);
    expect(entered.filter((s) => s === 'AwaitDecision')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'TaskFailed' || e.type === 'ExecutionFailed')).toHaveLength(0);
    // Both seats' waits ended with the reviewers' answers.
    const succeeded = events.filter((e) => e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.output?.includes('"submitted"'));
    expect(succeeded).toHaveLength(2);
  });
});
