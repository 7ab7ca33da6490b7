/**
 * Review executions that end abnormally outside the state machine's own Catch (an uncaught
 * error, a timeout, StopExecution) are noticed by the app: the local Step Functions endpoint
 * puts "Step Functions Execution Status Change" events on the local default bus, rule
 * review-execution-ended hands them to reviewExecutionEnded, and the round shows the failure,
 * staff get one alert with the restart action, reviews answer 409 until staff restart it.
 * An older execution that ends after a restart leaves the newer round alone.
 */
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
  reviewAlerts,
  reviewAndCertify,
  reviewerSpecs,
  round,
  score,
  seated,
  sfn,
  submitted,
  until,
  waitForStatus,
  type World,
} from '../support/review-world.ts';

let t: TestPlatform;
let w: World;

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true, stepFunctionsWaitTimeScale: 0 });
  w = await buildWorld(t, 'ended', reviewerSpecs('ended', ['Eda', 'Eli', 'Eve']));
});
afterAll(() => t?.stop());
afterEach(() => {
  delete process.env.PATHCERT_PIPELINE_FAULTS;
  resetFaults();
});

type Failure = { error: string; cause: string; execution: string; status?: string; stoppedAt?: string };

async function submittedApp(name: string): Promise<{ p: World; appId: string }> {
  const p = await anotherPathway(t, w, name);
  return { p, appId: await submitted(t, p) };
}

const alertsFor = (appId: string) => reviewAlerts(t, w, appId, 'pipeline.failed');

/**
 * Waits for the whole record of a failure: the round moves first, then the application's
 * failure and the staff alert are written together (pipeline/record-failure.ts), so a read
 * between the two writes sees only the round.
 */
async function failedRound(p: World, appId: string, status: string) {
  return until(`the round of ${appId} to show ${status}`, async () => {
    const r = await round(t, p, appId);
    const failure = (r?.round as { failure?: Failure } | undefined)?.failure;
    const recorded = (r?.application as { reviewFailure?: { status?: string } } | undefined)?.reviewFailure?.status === status;
    return r?.round.stage === 'failed' && failure?.status === status && recorded ? { ...r, failure } : undefined;
  });
}

/** Puts an event as the Step Functions service would (source aws.states, default bus). */
async function putStatusChange(detail: Record<string, unknown>) {
  const client = new EventBridgeClient({
    endpoint: t.platform.events.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'aws.states',
            DetailType: 'Step Functions Execution Status Change',
            Detail: JSON.stringify(detail),
            Resources: [String(detail.executionArn)],
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
  } finally {
    client.destroy();
  }
  await t.platform.events.settled();
}

describe('abnormal ends of review executions', () => {
  it('an uncaught error (the Catch itself fails): the round shows FAILED, one alert with the restart action', async () => {
    const { p, appId } = await submittedApp('Uncaught Academy');
    const seats = await seated(t, p, appId);
    // Aggregate fails, and so does RecordFailure, the Catch's own task: nothing inside the
    // workflow records the failure, the execution just ends FAILED.
    process.env.PATHCERT_PIPELINE_FAULTS = JSON.stringify({ permanent: ['aggregate', 'recordFailure'], match: appId });
    for (const s of seats) await score(t, byReviewer(p, s.review!.reviewerSub), appId, all('meeting'));

    const failed = await failedRound(p, appId, 'FAILED');
    expect(failed.execution?.status).toBe('FAILED');
    expect(failed.failure).toMatchObject({ execution: `${appId}-1`, error: 'InjectedFailure' });
    expect(failed.failure.cause).toMatch(/injected permanent failure in recordFailure/);
    expect(failed.failure.stoppedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(failed.application.reviewFailure).toMatchObject({ execution: `${appId}-1`, status: 'FAILED' });
    const alerts = await alertsFor(appId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.action).toEqual({
      title: 'Restart the review workflow',
      method: 'POST',
      path: `/applications/${appId}/review-round/start`,
    });
    // The decision is refused (the round is not waiting for one) and the queue shows it failed.
    const queue = expectStatus(
      await t.api<{ items: { applicationId: string }[] }>('GET', '/review-queue?stage=failed', { token: w.staff.token }),
      200,
    ).json;
    expect(queue.items.map((i) => i.applicationId)).toContain(appId);

    // A redelivered event changes nothing: still one alert.
    const deliveries = t.platform.events.deliveries().filter((d) => d.function === 'reviewExecutionEnded');
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    await t.platform.invoke('reviewExecutionEnded', {
      version: '0',
      id: 'redelivered',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {
        executionArn: failed.round.executionArn,
        stateMachineArn: t.platform.stateMachineArns.review,
        name: `${appId}-1`,
        status: 'FAILED',
        input: JSON.stringify({ applicationId: appId }),
        error: 'X',
        cause: 'Y',
      },
    });
    expect(await alertsFor(appId)).toHaveLength(1);

    // Staff restart: the round resumes and completes.
    delete process.env.PATHCERT_PIPELINE_FAULTS;
    expectStatus(await t.api('POST', `/applications/${appId}/review-round/start`, { token: w.staff.token }), 202);
    await waitForStatus(t, p, appId, 'decision_pending');
    await decide(t, p, appId, 'certified');
    await waitForStatus(t, p, appId, 'certified');
    const done = await executionSucceeded(t, p, appId);
    expect(done.application.reviewFailure).toBeUndefined();
  });

  it('StopExecution while reviews are pending: ABORTED on the round, an alert, reviews refused with 409 until a restart', async () => {
    const { p, appId } = await submittedApp('Stopped Academy');
    const seats = await seated(t, p, appId);
    const before = await round(t, p, appId);
    const client = sfn(t);
    try {
      await client.send(
        new StopExecutionCommand({ executionArn: before!.round.executionArn!, error: 'Operator', cause: 'stopped from the console' }),
      );
    } finally {
      client.destroy();
    }
    const failed = await failedRound(p, appId, 'ABORTED');
    expect(failed.execution?.status).toBe('ABORTED');
    expect(failed.failure).toMatchObject({ execution: `${appId}-1`, error: 'Operator', cause: 'stopped from the console' });
    const alerts = await alertsFor(appId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toBe('A review workflow was stopped');

    // A reviewer's work is refused while nothing would carry it on.
    const reviewer = byReviewer(p, seats[0]!.review!.reviewerSub);
    const mine = expectStatus(
      await t.api<{ review: { version: number } }>('GET', `/applications/${appId}/review`, { token: reviewer.token }),
      200,
    ).json;
    const refused = await t.api<{ detail: string }>('PUT', `/applications/${appId}/review`, {
      token: reviewer.token,
      headers: { 'if-match': `"${mine.review.version}"` },
      body: { scores: [{ criterionId: 'RA-1.1', level: 'meeting', comment: 'ok' }] },
    });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const submitRefused = await t.api('POST', `/applications/${appId}/review/submit`, {
      token: reviewer.token,
      headers: { 'if-match': `"${mine.review.version}"` },
    });
    expect(submitRefused.status).toBe(409);

    // Restart: the reviews go through and the review completes.
    expectStatus(await t.api('POST', `/applications/${appId}/review-round/start`, { token: w.staff.token }), 202);
    await until('the restarted round to take reviews', async () =>
      (await round(t, p, appId))?.round.stage === 'reviewing' ? true : undefined,
    );
    await reviewAndCertify(t, p, appId, seats);
    expect(await alertsFor(appId)).toHaveLength(1);
  });

  it('TIMED_OUT (as Step Functions reports it) fails the round; an older, superseded execution ending leaves the round alone', async () => {
    const { p, appId } = await submittedApp('Timeout Academy');
    await seated(t, p, appId);
    const live = (await round(t, p, appId))!;
    const base = {
      stateMachineArn: t.platform.stateMachineArns.review,
      input: JSON.stringify({ applicationId: appId }),
      inputDetails: { included: true },
      startDate: Date.now() - 60_000,
      output: null,
      outputDetails: null,
    };

    // An execution that is not the round's (an older one, or another name) ends: nothing changes.
    const stale = `${appId}-0-stale`;
    await putStatusChange({
      ...base,
      executionArn: live.round.executionArn!.replace(/[^:]+$/, stale),
      name: stale,
      status: 'ABORTED',
      stopDate: Date.now(),
      error: null,
      cause: null,
    });
    const unchanged = (await round(t, p, appId))!;
    expect(unchanged.round.stage).toBe('reviewing');
    expect(await alertsFor(appId)).toHaveLength(0);

    // The round's own execution times out.
    await putStatusChange({
      ...base,
      executionArn: live.round.executionArn,
      name: `${appId}-1`,
      status: 'TIMED_OUT',
      stopDate: Date.now(),
      error: 'States.Timeout',
      cause: null,
    });
    const failed = await failedRound(p, appId, 'TIMED_OUT');
    expect(failed.failure).toMatchObject({ error: 'States.Timeout', execution: `${appId}-1` });
    const alerts = await alertsFor(appId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toBe('A review workflow timed out');

    // Clean up the execution still waiting for reviews.
    const client = sfn(t);
    try {
      await client.send(new StopExecutionCommand({ executionArn: live.round.executionArn! }));
    } finally {
      client.destroy();
    }
  });

  it('the local endpoint puts RUNNING and SUCCEEDED status changes on the default bus too; only abnormal ends reach the handler', async () => {
    const { p, appId } = await submittedApp('Happy Academy');
    const done = await reviewAndCertify(t, p, appId);
    await t.platform.events.settled();
    const changes = t.platform.events
      .published()
      .filter((e) => e.source === 'aws.states' && e.detail.executionArn === done.round.executionArn)
      .map((e) => e.detail.status);
    expect(changes).toEqual(['RUNNING', 'SUCCEEDED']);
    const handled = t.platform.events
      .deliveries()
      .filter((d) => d.function === 'reviewExecutionEnded' && JSON.stringify(d).includes(appId));
    expect(handled).toHaveLength(0);
    expect(await alertsFor(appId)).toHaveLength(0);
  });
});
