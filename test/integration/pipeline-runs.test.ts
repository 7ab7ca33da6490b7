/**
 * One review execution per application, whoever starts it (issue 14). The review state
 * machine runs in the local Step Functions endpoint; starts come from submit, the staff API
 * and the SDK's StartExecution with only `{"applicationId"}` (what the console and the CLI
 * send), one after another and at the same moment. Whatever the order, one execution owns
 * the round, every other one ends at once with a readable output, and when the review
 * ends nothing for the application is RUNNING (ListExecutions).
 */
import { DescribeExecutionCommand, ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markReviewFailed } from '#pipeline/record-failure.ts';
import { executionArnFor, executionName } from '#pipeline/workflow.ts';
import { getApplication } from '#store/application-reads.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus } from '../support/registry-world.ts';
import {
  anotherPathway,
  buildWorld,
  getApp,
  openApplication,
  published,
  reviewAndCertify,
  reviewerSpecs,
  round,
  seated,
  submitted,
  until,
  sfn,
  type World,
} from '../support/review-world.ts';

let t: TestPlatform;
let w: World;
let machineArn: string;

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true, scheduleTickMs: 0 });
  w = await buildWorld(t, 'runs', reviewerSpecs('runs', ['Rui Reviewer', 'Rina Reviewer', 'Remy Reviewer']));
  machineArn = t.platform.stateMachineArns.review!;
});
afterAll(() => t?.stop());

/** StartExecution as the console or the CLI does it: no name, only the application id. */
async function consoleStart(applicationId: string): Promise<string> {
  const out = await sfn(t).send(new StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify({ applicationId }) }));
  return out.executionArn!;
}

async function finished(executionArn: string): Promise<{ status: string; output: Record<string, unknown> | undefined }> {
  return until(`${executionArn} to end`, async () => {
    const d = await sfn(t).send(new DescribeExecutionCommand({ executionArn }));
    return d.status === 'RUNNING'
      ? undefined
      : { status: d.status!, output: d.output ? (JSON.parse(d.output) as Record<string, unknown>) : undefined };
  });
}

/** ARNs of this application's executions that are RUNNING (ListExecutions on the local server). */
async function running(applicationId: string, also: string[] = []): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn(t).send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING', nextToken }));
    for (const e of page.executions ?? [])
      if (e.name?.startsWith(applicationId) || also.includes(e.executionArn!)) arns.push(e.executionArn!);
    nextToken = page.nextToken;
  } while (nextToken);
  return arns;
}

describe('one review execution per application', () => {
  let certifiedApp: string;
  let certifiedWorld: World;

  it(
    'submit, then two console starts at the same moment and one later: one owner, the others end at once, nothing left RUNNING',
    { timeout: 180_000 },
    async () => {
      const world = await anotherPathway(t, w, 'Runs Concurrent');
      // Submit starts `<appId>-1`; two console starts at the same moment race its first task.
      const appId = await submitted(t, world);
      const [a, b] = await Promise.all([consoleStart(appId), consoleStart(appId)]);

      const owner = await until('an owner of the round', async () => (await round(t, world, appId))?.round.executionArn);
      const submitArn = executionArnFor(executionName(appId, 1), machineArn);
      const starts = [submitArn, a, b];
      expect(starts).toContain(owner);
      for (const arn of starts.filter((x) => x !== owner)) {
        const end = await finished(arn);
        expect(end.status).toBe('SUCCEEDED');
        expect(end.output).toEqual({ outcome: 'already-running', applicationId: appId, owner });
      }

      // A later start while the review runs (README's CLI command) ends at once too.
      await seated(t, world, appId);
      const later = await consoleStart(appId);
      expect((await finished(later)).output).toEqual({ outcome: 'already-running', applicationId: appId, owner });
      // The staff API refuses it with a clear code instead of starting anything.
      const api = await t.api<{ code: string; executionArn: string }>('POST', `/applications/${appId}/review-round/start`, {
        token: world.staff.token,
      });
      expect(api.status).toBe(409);
      expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(api.json.code).toBe('review_running');

      // Only the owner's panel exists: two seats, two reviews, each reviewer notified once.
      const r = (await round(t, world, appId))!;
      expect(r.reviews).toHaveLength(2);
      expect(r.round.executions).toEqual([owner.split(':').pop()]);

      const done = await reviewAndCertify(t, world, appId);
      expect(done.round.executionArn).toBe(owner);
      expect(await running(appId, [...starts, later])).toEqual([]);
      expect(published(t, 'DecisionMade', appId)).toHaveLength(1);
      expect(published(t, 'CertificationIssued', appId)).toHaveLength(1);
      certifiedApp = appId;
      certifiedWorld = world;
    },
  );

  it('a decided application: the API answers 409, a console start ends at once, decision and certification unchanged', async () => {
    const appId = certifiedApp;
    const world = certifiedWorld;
    const before = (await round(t, world, appId))! as unknown as { decision: unknown };
    const certsBefore = expectStatus(
      await t.api<{ items: unknown[] }>('GET', `/pathways/${world.pathway.id}/certifications`, { token: world.staff.token }),
      200,
    ).json;
    expect(certsBefore.items).toHaveLength(1);

    const api = await t.api<{ code: string; status: string; type: string }>('POST', `/applications/${appId}/review-round/start`, {
      token: world.staff.token,
    });
    expect(api.status).toBe(409);
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(api.json.code).toBe('already_decided');

    // The console, twice and at the same moment.
    const starts = await Promise.all([consoleStart(appId), consoleStart(appId)]);
    for (const arn of starts) {
      const end = await finished(arn);
      expect(end.status).toBe('SUCCEEDED');
      expect(end.output).toEqual({ outcome: 'already-decided', applicationId: appId, status: 'certified' });
    }
    const after = (await round(t, world, appId))! as unknown as {
      decision: unknown;
      round: { executionArn: string; executions: string[] };
    };
    expect(after.decision).toEqual(before.decision);
    expect(after.round.executionArn).toBe((before as unknown as { round: { executionArn: string } }).round.executionArn);
    const certsAfter = expectStatus(
      await t.api<{ items: unknown[] }>('GET', `/pathways/${world.pathway.id}/certifications`, { token: world.staff.token }),
      200,
    ).json;
    expect(certsAfter).toEqual(certsBefore);
    expect((await getApp(t, world.staff.token, appId)).status).toBe('certified');
    expect(published(t, 'DecisionMade', appId)).toHaveLength(1);
    expect(published(t, 'CertificationIssued', appId)).toHaveLength(1);
    expect(await running(appId, starts)).toEqual([]);
  });

  it('a draft and a withdrawn application: the API answers 409, a console start ends at once', { timeout: 120_000 }, async () => {
    const world = await anotherPathway(t, w, 'Runs Draft');
    const draft = await openApplication(t, world, 'candidacy');
    const api = await t.api<{ code: string }>('POST', `/applications/${draft.id}/review-round/start`, { token: world.staff.token });
    expect([api.status, api.json.code]).toEqual([409, 'not_submitted']);
    const start = await consoleStart(draft.id);
    expect(await finished(start)).toEqual({
      status: 'SUCCEEDED',
      output: { outcome: 'not-submitted', applicationId: draft.id, status: 'draft' },
    });
    expect((await getApp(t, world.staff.token, draft.id)).status).toBe('draft');

    const other = await anotherPathway(t, w, 'Runs Withdrawn');
    const appId = await submitted(t, other);
    await seated(t, other, appId);
    const app = await getApp(t, other.lead.token, appId);
    expectStatus(
      await t.api('POST', `/applications/${appId}/withdraw`, { token: other.lead.token, headers: { 'if-match': `"${app.version}"` } }),
      200,
    );
    const owner = (await round(t, other, appId))!.round.executionArn!;
    expect((await finished(owner)).status).toBe('SUCCEEDED');
    const withdrawn = await t.api<{ code: string }>('POST', `/applications/${appId}/review-round/start`, { token: other.staff.token });
    expect([withdrawn.status, withdrawn.json.code]).toEqual([409, 'withdrawn']);
    const late = await consoleStart(appId);
    expect((await finished(late)).output).toEqual({ outcome: 'withdrawn', applicationId: appId, status: 'withdrawn' });
    expect(await running(appId, [late])).toEqual([]);
  });

  it('a restart after the owner was stopped takes the round over and finishes the review', { timeout: 180_000 }, async () => {
    const world = await anotherPathway(t, w, 'Runs Takeover');
    const appId = await submitted(t, world);
    await seated(t, world, appId);
    const first = (await round(t, world, appId))!.round.executionArn!;
    const { StopExecutionCommand } = await import('@aws-sdk/client-sfn');
    await sfn(t).send(new StopExecutionCommand({ executionArn: first }));
    expect((await finished(first)).status).toBe('ABORTED');

    const restart = expectStatus(
      await t.api<{ executionArn: string }>('POST', `/applications/${appId}/review-round/start`, { token: world.staff.token }),
      202,
    ).json;
    const owner = await until('the restart to own the round', async () => {
      const r = await round(t, world, appId);
      return r?.round.executionArn === restart.executionArn ? r : undefined;
    });
    // The kept panel: the same two reviewers, nobody assigned twice.
    expect(owner.reviews).toHaveLength(2);
    // The stopped owner's end, handled late (its ownership check passed before the restart
    // claimed the round), must not fail the restarted round: the write is owner-conditioned.
    const app = (await getApplication(appId, true))!;
    const late = await markReviewFailed(
      app,
      { error: 'States.Aborted', cause: '', at: new Date().toISOString(), execution: 'late', status: 'ABORTED' },
      first,
    );
    expect(late).toEqual({ recorded: false });
    expect((await round(t, world, appId))!.round.stage).not.toBe('failed');
    await reviewAndCertify(t, world, appId);
    expect(await running(appId, [first, restart.executionArn])).toEqual([]);
  });
});
