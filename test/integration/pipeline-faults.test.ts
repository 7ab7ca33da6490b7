/**
 * Fault injection into the review workflow's tasks (functions/pipeline/faults.ts: test-only,
 * off outside the local stage): transient failures on entry to and after the work of every
 * task still end in a correct certification with nothing done twice; a permanent failure
 * is recorded on the application and staff are alerted; a restarted execution resumes
 * from the table without duplicate assignments or notifications.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { resetFaults } from '#pipeline/faults.ts';
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
  openApplication,
  openAssignments,
  published,
  reviewAndCertify,
  round,
  score,
  seated,
  sfn,
  statesEntered,
  submit,
  until,
  waitForStatus,
  writeResponses,
  type World,
} from '../support/review-world.ts';

let t: TestPlatform;
let w: World;

beforeAll(async () => {
  // Retry pauses skipped: the retries themselves still happen, just without waiting.
  t = await startTestPlatform({ withStepFunctions: true, stepFunctionsWaitTimeScale: 0 });
  w = await buildWorld(t, 'faults', [
    { email: 'faults-r1@example.org', name: 'Fay' },
    { email: 'faults-r2@example.org', name: 'Flo' },
    { email: 'faults-r3@example.org', name: 'Fox' },
  ]);
});
afterAll(() => t?.stop());
afterEach(() => {
  delete process.env.PATHCERT_PIPELINE_FAULTS;
  resetFaults();
});

const TASKS = ['prepare', 'assign', 'awaitReview', 'aggregate', 'awaitStaff', 'decide'];

async function openAndWrite(p: World) {
  const app = await openApplication(t, p, 'candidacy');
  await writeResponses(t, p, app.id, 'Narrative');
  return app.id;
}

describe('fault injection', () => {
  it('transient failures in every task, before and after its work: the execution still certifies, once', async () => {
    const p = await anotherPathway(t, w, 'Flaky Academy');
    const appId = await openAndWrite(p);
    process.env.PATHCERT_PIPELINE_FAULTS = JSON.stringify({ transient: { '*': 1 }, match: appId });
    await submit(t, p, appId);

    const done = await reviewAndCertify(t, p, appId);

    // Every task failed transiently (on entry and after its work) and was retried.
    const events = await history(t, done.round.executionArn!);
    const failures = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(failures.length).toBeGreaterThanOrEqual(TASKS.length * 2);
    expect(new Set(failures)).toEqual(new Set(['TransientError']));
    const causes = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.cause ?? '');
    for (const task of TASKS)
      expect(
        causes.some((c) => c.includes(`in ${task}`)),
        task,
      ).toBe(true);
    // After-work failures show in the history of request/response tasks; a waiting task that
    // found its answer in the table answered its own token first, so its later failure is moot.
    for (const task of ['prepare', 'assign', 'aggregate', 'decide']) {
      expect(
        causes.some((c) => c.includes(`in ${task}.after`)),
        `${task}.after`,
      ).toBe(true);
    }

    // Nothing twice: two reviews, two assignments, one certification, each event once.
    expect(done.reviews).toHaveLength(2);
    expect(published(t, 'ReviewerAssigned', appId)).toHaveLength(2);
    expect(published(t, 'DecisionMade', appId)).toHaveLength(1);
    expect(published(t, 'CertificationIssued', appId)).toHaveLength(1);
    expect(await queryAll(keys.pathway(p.pathway.id).PK, keys.certificationPrefix, true)).toHaveLength(1);
    expect(await Promise.all(p.reviewers.map((r) => openAssignments(t, w, r)))).toEqual([0, 0, 0]);
  });

  it('a permanent failure is recorded and staff are alerted; a restart resumes without duplicates', async () => {
    const p = await anotherPathway(t, w, 'Broken Academy');
    const appId = await openAndWrite(p);
    process.env.PATHCERT_PIPELINE_FAULTS = JSON.stringify({ permanent: ['aggregate'], match: appId });
    await submit(t, p, appId);
    const seats = await seated(t, p, appId);
    for (const s of seats) await score(t, byReviewer(p, s.review!.reviewerSub), appId, all('meeting'));

    const failed = await until('the failure to be recorded', async () => {
      const r = await round(t, p, appId);
      return r?.execution?.status === 'FAILED' && r.application.reviewFailure ? r : undefined;
    });
    expect(failed.application.reviewFailure).toMatchObject({ error: 'InjectedFailure', execution: `${appId}-1` });
    expect(failed.application.reviewFailure!.cause).toMatch(/injected permanent failure in aggregate/);
    expect(failed.round.stage).toBe('failed');
    const alerts = expectStatus(
      await t.api<{ items: { kind: string; applicationId: string }[] }>('GET', '/review-alerts', { token: w.staff.token }),
      200,
    ).json;
    expect(alerts.items.filter((a) => a.kind === 'pipeline.failed' && a.applicationId === appId)).toHaveLength(1);
    const queue = expectStatus(
      await t.api<{ items: { applicationId: string }[] }>('GET', '/review-queue?stage=failed', { token: w.staff.token }),
      200,
    ).json;
    expect(queue.items.map((i) => i.applicationId)).toContain(appId);
    const failedHistory = await history(t, failed.round.executionArn!);
    expect(failedHistory.at(-1)!.type).toBe('ExecutionFailed');
    expect(statesEntered(failedHistory)).toContain('RecordFailure');

    // Staff fix the cause and restart: a new execution name, the same input.
    delete process.env.PATHCERT_PIPELINE_FAULTS;
    const started = expectStatus(
      await t.api<{ executionName: string }>('POST', `/applications/${appId}/review-round/start`, { token: w.staff.token }),
      202,
    ).json;
    expect(started.executionName).toBe(`${appId}-1-r1`);
    await waitForStatus(t, p, appId, 'decision_pending');
    // While it runs, a second restart is refused.
    expect((await t.api('POST', `/applications/${appId}/review-round/start`, { token: w.staff.token })).status).toBe(409);
    await decide(t, p, appId, 'certified');
    await waitForStatus(t, p, appId, 'certified');
    const resumed = await executionSucceeded(t, p, appId);
    expect(resumed.round.executions).toEqual([`${appId}-1`, `${appId}-1-r1`]);
    expect(resumed.application.reviewFailure).toBeUndefined();
    // The kept panel: no new assignment, no new notice; the seats answered from the table.
    expect(resumed.reviews).toHaveLength(2);
    expect(published(t, 'ReviewerAssigned', appId)).toHaveLength(2);
    expect(published(t, 'ReviewSubmitted', appId)).toHaveLength(2);
    expect(published(t, 'ApplicationSubmitted', appId)).toHaveLength(1);
    const restartHistory = await history(t, resumed.round.executionArn!);
    expect(restartHistory.at(-1)!.type).toBe('ExecutionSucceeded');
    expect(statesEntered(restartHistory).filter((s) => s === 'AwaitReview')).toHaveLength(2);
    expect(restartHistory.filter((e) => e.type === 'TaskFailed')).toHaveLength(0);
  });

  it('staff restart from the console: StartExecution with only {"applicationId"} resumes the round', async () => {
    const p = await anotherPathway(t, w, 'Console Academy');
    const appId = await openAndWrite(p);
    process.env.PATHCERT_PIPELINE_FAULTS = JSON.stringify({ permanent: ['assign'], match: appId });
    await submit(t, p, appId);
    await until('the failure to be recorded', async () => {
      const r = await round(t, p, appId);
      return r?.execution?.status === 'FAILED' && r.application.reviewFailure ? r : undefined;
    });
    delete process.env.PATHCERT_PIPELINE_FAULTS;

    // What staff type in the console (or the CLI): the review machine, the minimal input, no name.
    const client = sfn(t);
    try {
      const started = await client.send(
        new StartExecutionCommand({ stateMachineArn: t.platform.stateMachineArns.review, input: JSON.stringify({ applicationId: appId }) }),
      );
      expect(started.executionArn).toMatch(/:execution:pathcert-local-review:/);
    } finally {
      client.destroy();
    }
    const done = await reviewAndCertify(t, p, appId);
    expect(done.application.reviewFailure).toBeUndefined();
    expect(done.reviews).toHaveLength(2);
    expect(published(t, 'ReviewerAssigned', appId)).toHaveLength(2);
    expect(published(t, 'ApplicationSubmitted', appId)).toHaveLength(1);
  });
});
