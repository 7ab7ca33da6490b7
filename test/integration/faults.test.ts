/**
 * Faults injected at the AWS SDK client layer (test/support/fuzz/faults.ts): DynamoDB
 * throttling and S3 503 SlowDown, during API calls, review workflow tasks and the
 * S3-triggered functions.
 *
 * - Throttling the SDK's retries absorb is invisible: the API answers as usual.
 * - Throttling that outlasts them is a 503 with Retry-After (problem+json), never a 500,
 *   and nothing is half written: the retried request succeeds exactly once.
 * - A workflow task whose DynamoDB calls fail is retried by the state machine and the
 *   review still ends in one certification, with no duplicate assignment.
 * - An upload whose verification hits S3 SlowDown is verified once the notification is
 *   retried (Lambda's asynchronous retry, replayed here); an export whose queueing hits
 *   SlowDown answers 503, and the retry with the same Idempotency-Key yields a working export.
 *
 * Application-level fault injection inside the workflow's tasks (transient and permanent
 * task failures, restarts) is test/integration/pipeline-faults.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { clearFaults, injectFaults, injected, installFaultInjection } from '../support/fuzz/faults.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus } from '../support/registry-world.ts';
import { expectOk, fileBody, pdfBytes, postForm, s3Event, uploadEvidence, type Declared } from '../support/evidence.ts';
import {
  anotherPathway,
  buildWorld,
  CRITERIA,
  getApp,
  history,
  openApplication,
  openAssignments,
  published,
  reviewAndCertify,
  round,
  seated,
  submitted,
  until,
  writeResponses,
  type World,
} from '../support/review-world.ts';

let t: TestPlatform;
let w: World;

const WRITES = ['TransactWriteItems', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];

beforeAll(async () => {
  installFaultInjection();
  t = await startTestPlatform({ withStepFunctions: true, stepFunctionsWaitTimeScale: 0 });
  w = await buildWorld(t, 'sdkfaults', [
    { email: 'sdkfaults-r1@example.org', name: 'Sid' },
    { email: 'sdkfaults-r2@example.org', name: 'Sol' },
    { email: 'sdkfaults-r3@example.org', name: 'Sue' },
  ]);
}, 120_000);
afterAll(() => t?.stop());
afterEach((ctx) => {
  const spent = clearFaults();
  const count = (kind: string) => spent.filter((f) => f.kind === kind).length;
  const commands = [...new Set(spent.map((f) => `${f.service}:${f.command.replace(/Command$/, '')}`))].join(', ');
  console.log(
    `faults: ${ctx.task.name}: ${count('call')} whole calls and ${count('attempt')} single attempts failed (after any clear inside the test) [${commands}]`,
  );
});

function expectUnavailable(res: { status: number; headers: Headers; json: unknown; text: string }) {
  expect(res.status, res.text).toBe(503);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.json).toMatchObject({ status: 503, type: 'urn:pathcert:problem:service-unavailable' });
}

describe('DynamoDB throttling during API calls', () => {
  it('throttling the SDK retries absorb: the answer is the usual one', async () => {
    injectFaults({ service: 'dynamodb', error: 'ProvisionedThroughputExceededException', attempts: 2 });
    const res = await t.api<{ id: string }>('GET', `/pathways/${w.pathway.id}`, { token: w.lead.token });
    expect(expectStatus(res, 200).json.id).toBe(w.pathway.id);
    expect(injected().map((i) => i.kind)).toEqual(['attempt', 'attempt']);
  });

  it('a read throttled past the retries: 503 with Retry-After; the same read then succeeds', async () => {
    injectFaults({ service: 'dynamodb', error: 'ThrottlingException', calls: 10 });
    expectUnavailable(await t.api('GET', `/pathways/${w.pathway.id}/applications`, { token: w.lead.token }));
    clearFaults();
    expectStatus(await t.api('GET', `/pathways/${w.pathway.id}/applications`, { token: w.lead.token }), 200);
  });

  it('a write throttled past the retries: 503, nothing written; the retried write applies once', async () => {
    const p = await anotherPathway(t, w, 'Throttled Writes Academy');
    const app = await openApplication(t, p, 'candidacy');
    const path = `/applications/${app.id}/responses/${CRITERIA[0]}`;
    expectStatus(
      await t.api('PUT', path, { token: p.lead.token, headers: { 'if-none-match': '*' }, body: { narrative: 'Version one.' } }),
      201,
    );

    injectFaults({ service: 'dynamodb', error: 'ProvisionedThroughputExceededException', commands: WRITES, calls: 10 });
    expectUnavailable(
      await t.api('PUT', path, { token: p.lead.token, headers: { 'if-match': '"1"' }, body: { narrative: 'Version two.' } }),
    );
    expect(injected().length).toBeGreaterThan(0);
    clearFaults();

    const before = expectStatus(
      await t.api<{ responses: { criterionId: string; version: number; narrative: string }[] }>('GET', `/applications/${app.id}`, {
        token: p.lead.token,
      }),
      200,
    ).json;
    expect(before.responses.find((r) => r.criterionId === CRITERIA[0])).toMatchObject({ version: 1, narrative: 'Version one.' });
    const retried = await t.api<{ version: number }>('PUT', path, {
      token: p.lead.token,
      headers: { 'if-match': '"1"' },
      body: { narrative: 'Version two.' },
    });
    expect(expectStatus(retried, 200).json.version).toBe(2);
  });

  it('a submit throttled past the retries: 503; the retry with the same key submits once and starts one workflow', async () => {
    const p = await anotherPathway(t, w, 'Throttled Submit Academy');
    const app = await openApplication(t, p, 'candidacy');
    await writeResponses(t, p, app.id, 'Narrative');
    const version = (await getApp(t, p.lead.token, app.id)).version;
    const headers = { 'if-match': `"${version}"`, 'idempotency-key': `throttled-submit-${app.id}` };

    injectFaults({ service: 'dynamodb', error: 'ThrottlingException', commands: ['TransactWriteItems'], match: app.id, calls: 10 });
    expectUnavailable(await t.api('POST', `/applications/${app.id}/submit`, { token: p.lead.token, headers }));
    clearFaults();
    const unchanged = await getApp(t, p.lead.token, app.id);
    expect(unchanged).toMatchObject({ status: 'draft', version, submissionNumber: 0 });

    const ok = expectStatus(
      await t.api<{ status: string; submissionNumber: number }>('POST', `/applications/${app.id}/submit`, { token: p.lead.token, headers }),
      200,
    ).json;
    expect(ok.submissionNumber).toBe(1);
    const replay = await t.api('POST', `/applications/${app.id}/submit`, { token: p.lead.token, headers });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    await seated(t, p, app.id);
    const r = (await round(t, p, app.id))!;
    expect(r.round.executions).toEqual([`${app.id}-1`]);
    expect(published(t, 'ApplicationSubmitted', app.id)).toHaveLength(1);
  });
});

describe('DynamoDB throttling during the review workflow', () => {
  it('tasks whose writes are throttled past the SDK retries are retried by the state machine; one certification, nothing twice', async () => {
    const p = await anotherPathway(t, w, 'Throttled Pipeline Academy');
    const appId = await submitted(t, p);
    // From here on the workflow's writes about this application fail (whole calls, past
    // the SDK's retries) until 6 have failed; the test itself only reads meanwhile.
    injectFaults({ service: 'dynamodb', error: 'ProvisionedThroughputExceededException', commands: WRITES, match: appId, calls: 6 });
    await until('the injected throttling to be spent', async () => injected().filter((f) => f.kind === 'call').length === 6);
    const seats = await seated(t, p, appId);
    clearFaults();

    const done = await reviewAndCertify(t, p, appId, seats);
    expect(done.reviews).toHaveLength(2);
    expect(published(t, 'ReviewerAssigned', appId)).toHaveLength(2);
    expect(published(t, 'CertificationIssued', appId)).toHaveLength(1);
    expect(await queryAll(keys.pathway(p.pathway.id).PK, keys.certificationPrefix, true)).toHaveLength(1);
    const events = await history(t, done.round.executionArn!);
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
    // The throttled tasks failed as TransientError and the state machine ran them again.
    const failures = events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures)).toEqual(new Set(['TransientError']));
    // Every reviewer's load counter agrees with their active assignments (other tests' rounds included).
    for (const r of p.reviewers) {
      const load = await openAssignments(t, w, r);
      const active = (await queryAll(keys.personPartition(r.sub), keys.assignmentPrefix, true)).filter((a) => a.active === true);
      expect(load, r.email).toBe(active.length);
      expect(
        active.filter((a) => a.applicationId === appId),
        r.email,
      ).toEqual([]);
    }
  });
});

describe('S3 503 SlowDown', () => {
  async function declare(p: World, title: string, bytes: Buffer): Promise<Declared> {
    return expectOk(
      await t.api<Declared>('POST', `/pathways/${p.pathway.id}/evidence`, {
        token: p.lead.token,
        body: { ...fileBody(`${title}.pdf`, 'application/pdf', bytes), title },
      }),
      201,
    );
  }

  async function versionState(p: World, evidenceId: string): Promise<string> {
    const item = expectStatus(
      await t.api<{ versions?: { version: number; state: string }[]; current?: { state: string } }>(
        'GET',
        `/pathways/${p.pathway.id}/evidence/${evidenceId}`,
        { token: p.lead.token },
      ),
      200,
    ).json;
    return item.versions?.find((v) => v.version === 1)?.state ?? item.current?.state ?? 'unknown';
  }

  it('verification reads absorbed by the SDK retries: the upload becomes available', async () => {
    const bytes = pdfBytes(4096, 7);
    const declared = await declare(w, 'Slow read', bytes);
    injectFaults({ service: 's3', error: 'SlowDown', commands: ['GetObject'], attempts: 2 });
    expect((await postForm(declared.upload, bytes, 'Slow read.pdf', 'application/pdf')).status).toBe(201);
    await t.platform.s3Settled();
    expect(injected().filter((f) => f.command === 'GetObjectCommand')).toHaveLength(2);
    expect(await versionState(w, declared.item.evidenceId)).toBe('available');
  });

  it('a verification that fails on SlowDown is redone by the retried notification, once', async () => {
    const bytes = pdfBytes(4096, 8);
    const declared = await declare(w, 'Slow copy', bytes);
    injectFaults({ service: 's3', error: 'SlowDown', commands: ['CopyObject'], calls: 1 });
    expect((await postForm(declared.upload, bytes, 'Slow copy.pdf', 'application/pdf')).status).toBe(201);
    await t.platform.s3Settled();
    expect(injected().filter((f) => f.kind === 'call')).toHaveLength(1);
    clearFaults();
    // Not decided, not quarantined: the pending object waits for the retry.
    expect(await versionState(w, declared.item.evidenceId)).toBe('declared');

    // Lambda retries an asynchronous invocation that failed; the local S3 does not, so replay it.
    const event = s3Event(t.platform.bucketName, declared.upload.key, bytes.length);
    const first = (await t.platform.invoke('verifyUpload', event)) as { results: { outcome: string }[] };
    expect(first.results.map((r) => r.outcome)).toEqual(['available']);
    expect(await versionState(w, declared.item.evidenceId)).toBe('available');
    // A duplicate delivery changes nothing.
    const again = (await t.platform.invoke('verifyUpload', event)) as { results: { outcome: string }[] };
    expect(again.results.map((r) => r.outcome)).toEqual(['ignored']);
    expect(await versionState(w, declared.item.evidenceId)).toBe('available');
  });

  it('an export whose queueing hits SlowDown: 503; the retry with the same key builds a working export', async () => {
    const p = await anotherPathway(t, w, 'Slow Export Academy');
    const bytes = pdfBytes(8192, 9);
    const declared = await uploadEvidence(t, p.lead.token, p.pathway.id, {
      name: 'Exported.pdf',
      type: 'application/pdf',
      bytes,
      title: 'Exported',
    });
    const app = await openApplication(t, p, 'candidacy');
    expectStatus(
      await t.api('PUT', `/applications/${app.id}/responses/${CRITERIA[0]}`, {
        token: p.lead.token,
        headers: { 'if-none-match': '*' },
        body: { narrative: 'See the file.', evidence: [{ evidenceId: declared.item.evidenceId }] },
      }),
      201,
    );
    const headers = { 'idempotency-key': `slow-export-${app.id}` };
    injectFaults({ service: 's3', error: 'SlowDown', commands: ['PutObject'], calls: 1 });
    expectUnavailable(await t.api('POST', `/applications/${app.id}/exports`, { token: w.staff.token, headers }));
    clearFaults();

    const retried = await t.api<{ exportId: string; status: string }>('POST', `/applications/${app.id}/exports`, {
      token: w.staff.token,
      headers,
    });
    expect(retried.status, retried.text).toBe(202);
    // Not a replay of the export that could not be queued: a new one.
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    await t.platform.s3Settled();
    const view = expectStatus(
      await t.api<{ status: string; download?: { url: string } }>('GET', `/applications/${app.id}/exports/${retried.json.exportId}`, {
        token: w.staff.token,
      }),
      200,
    ).json;
    expect(view.status).toBe('ready');
    expect(view.download?.url).toBeTruthy();
  });
});
