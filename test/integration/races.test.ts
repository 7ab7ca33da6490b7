/**
 * Races through the HTTP API: many callers at once on one thing, and nothing is lost or
 * done twice.
 *
 * - 100 concurrent conflicting edits of one draft response: exactly one wins, the other
 *   99 get 412 with the current version (and the winner's text), and the stored response
 *   is the winner's. The same for 100 concurrent first writes (If-None-Match: *).
 *   (test/integration/applications.test.ts has the two-writer variant with its audit
 *   trail; here the losers' 412 must also carry the ETag and what won, so they can merge.)
 * - 50 concurrent submits with one Idempotency-Key: one submission, one execution of the
 *   review workflow (local Step Functions ListExecutions), every caller the same answer
 *   (applications.test.ts checks 20 submits without the workflow running).
 * - Reviewer load under concurrency: the store-level property (any maximum, any number of
 *   racers) is test/integration/reviews-capacity.test.ts; here the same limit holds end to
 *   end, for the workflow assigning panels of many applications submitted at once and for
 *   staff assigning one reviewer to many waiting seats at once through the API.
 */
import { ListExecutionsCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus, person } from '../support/registry-world.ts';
import {
  anotherPathway,
  buildWorld,
  CRITERIA,
  getApp,
  openApplication,
  openAssignments,
  putReviewer,
  round,
  sfn,
  until,
  writeResponses,
  type World,
} from '../support/review-world.ts';

let t: TestPlatform;
let w: World;

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true, stepFunctionsWaitTimeScale: 0 });
  w = await buildWorld(t, 'races', []);
}, 120_000);
afterAll(() => t?.stop());

interface ResponseBody {
  narrative: string;
  version: number;
}
interface StaleProblem {
  status: number;
  currentVersion: number;
  current: ResponseBody | null;
}

const tally = (statuses: number[]) =>
  [...statuses.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<number, number>())]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${n}x${s}`)
    .join(', ');

async function executionsOf(applicationId: string): Promise<ExecutionListItem[]> {
  const client = sfn(t);
  try {
    const out: ExecutionListItem[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListExecutionsCommand({ stateMachineArn: t.platform.stateMachineArns.review, maxResults: 1000, nextToken }),
      );
      out.push(...(page.executions ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return out.filter((e) => e.name?.startsWith(applicationId));
  } finally {
    client.destroy();
  }
}

describe('100 concurrent conflicting edits of one draft response', () => {
  it('replacing version 1: one wins, 99 get 412 with the current version, the winner is stored', async () => {
    const app = await openApplication(t, w, 'candidacy');
    const criterion = CRITERIA[0];
    const path = `/applications/${app.id}/responses/${criterion}`;
    expectStatus(
      await t.api('PUT', path, { token: w.lead.token, headers: { 'if-none-match': '*' }, body: { narrative: 'First draft.' } }),
      201,
    );

    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        t.api<ResponseBody & StaleProblem>('PUT', path, {
          token: w.lead.token,
          headers: { 'if-match': '"1"' },
          body: { narrative: `Edit number ${i}.` },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    console.log(`races: 100 concurrent edits of version 1 -> ${tally(statuses)}`);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(99);
    const winner = results.find((r) => r.status === 200)!.json;
    expect(winner.version).toBe(2);
    for (const lost of results.filter((r) => r.status === 412)) {
      expect(lost.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(lost.json.status).toBe(412);
      expect(lost.json.currentVersion).toBe(2);
      expect(lost.headers.get('etag')).toBe('"2"');
      // The loser sees what won, so it can merge its edit and retry: nothing is lost silently.
      expect(lost.json.current?.narrative).toBe(winner.narrative);
    }
    const stored = expectStatus(
      await t.api<{ responses: (ResponseBody & { criterionId: string })[] }>('GET', `/applications/${app.id}`, { token: w.lead.token }),
      200,
    ).json;
    const response = stored.responses.find((r) => r.criterionId === criterion)!;
    expect(response).toMatchObject({ version: 2, narrative: winner.narrative });

    // A loser that retries with the version it was given succeeds.
    const retry = await t.api<ResponseBody>('PUT', path, {
      token: w.lead.token,
      headers: { 'if-match': '"2"' },
      body: { narrative: 'Merged edit.' },
    });
    expect(expectStatus(retry, 200).json.version).toBe(3);
  });

  it('creating the first version: one 201, 99 get 412 naming version 1', async () => {
    const app = await openApplication(t, await anotherPathway(t, w, 'Race Create Academy'), 'candidacy');
    const path = `/applications/${app.id}/responses/${CRITERIA[1]}`;
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        t.api<ResponseBody & StaleProblem>('PUT', path, {
          token: w.lead.token,
          headers: { 'if-none-match': '*' },
          body: { narrative: `Creator ${i}.` },
        }),
      ),
    );
    console.log(`races: 100 concurrent first writes -> ${tally(results.map((r) => r.status))}`);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const losers = results.filter((r) => r.status === 412);
    expect(losers).toHaveLength(99);
    const winner = results.find((r) => r.status === 201)!.json;
    for (const lost of losers) expect(lost.json).toMatchObject({ currentVersion: 1, current: { narrative: winner.narrative } });
  });
});

describe('50 concurrent submits with one Idempotency-Key', () => {
  it('submit once, start one execution, answer everyone alike', async () => {
    const p = await anotherPathway(t, w, 'Race Submit Academy');
    const app = await openApplication(t, p, 'candidacy');
    await writeResponses(t, p, app.id, 'Complete narrative');
    const version = (await getApp(t, p.lead.token, app.id)).version;

    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.api<{ status: string; version: number; submissionNumber: number }>('POST', `/applications/${app.id}/submit`, {
          token: p.lead.token,
          headers: { 'if-match': `"${version}"`, 'idempotency-key': `submit-${app.id}` },
        }),
      ),
    );
    console.log(
      `races: 50 concurrent submits, one Idempotency-Key -> ${tally(results.map((r) => r.status))}, ${results.filter((r) => r.headers.get('idempotent-replayed') === 'true').length} replays`,
    );
    const failures = results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.text.slice(0, 200)}`);
    expect(failures).toEqual([]);
    // The replays answer exactly what the one real submission answered (key order aside).
    for (const r of results) expect(r.json).toEqual(results[0]!.json);
    expect(results[0]!.json).toMatchObject({ status: 'submitted', submissionNumber: 1 });
    expect(results.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);

    const after = await getApp(t, p.lead.token, app.id);
    expect(after.submissionNumber).toBe(1);
    // The workflow starts right after the submission is stored; wait until it shows up.
    const executions = await until('the review execution to be listed', async () => {
      const list = await executionsOf(app.id);
      return list.length > 0 ? list : undefined;
    });
    expect(executions.map((e) => e.name)).toEqual([`${app.id}-1`]);
    // Still one once every caller has had its answer and the dust has settled.
    expect(await executionsOf(app.id)).toHaveLength(1);
  });
});

describe('concurrent reviewer assignment never exceeds a maximum load', () => {
  it('the workflow assigns panels for applications submitted at once within every reviewer\u2019s maximum', async () => {
    const maxima = [2, 1, 2];
    const reviewers = await Promise.all(
      maxima.map(async (max, i) => {
        const who = await person(t, `races-load-${i}@example.org`, ['reviewer'], `Load Reviewer ${i}`);
        await putReviewer(t, w.staff, who, { email: who.email, name: `Load Reviewer ${i}`, maxOpenAssignments: max });
        return { who, max };
      }),
    );
    // Six pathways, each one complete application, submitted at the same moment.
    const apps: { p: World; id: string; version: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const p = await anotherPathway(t, w, `Race Load Academy ${i}`);
      const app = await openApplication(t, p, 'candidacy');
      await writeResponses(t, p, app.id, 'Narrative');
      apps.push({ p, id: app.id, version: (await getApp(t, p.lead.token, app.id)).version });
    }
    const submitted = await Promise.all(
      apps.map((a) => t.api('POST', `/applications/${a.id}/submit`, { token: a.p.lead.token, headers: { 'if-match': `"${a.version}"` } })),
    );
    expect(submitted.map((r) => r.status)).toEqual(apps.map(() => 200));

    // Each round settles: every seat is held or waits for staff (nobody free qualifies).
    for (const a of apps) {
      await until(`the panel of ${a.id} to settle`, async () => {
        const r = await round(t, w, a.id);
        return (
          r &&
          r.seats.length > 0 &&
          r.seats.every((s) => (s.review && s.review.status === 'assigned') || s.waitingFor === 'staff-assignment')
        );
      });
    }
    let seated = 0;
    for (const { who, max } of reviewers) {
      const open = await openAssignments(t, w, who);
      const active = (await queryAll(keys.personPartition(who.sub), keys.assignmentPrefix, true)).filter((a) => a.active === true);
      expect(open, who.email).toBeLessThanOrEqual(max);
      expect(active, who.email).toHaveLength(open);
      seated += open;
    }
    // Capacity was the only limit: every free slot was used.
    console.log(`races: 6 applications submitted at once, 12 seats, reviewer maxima ${maxima.join('/')} -> ${seated} seated`);
    expect(seated).toBe(maxima.reduce((a, b) => a + b, 0));
  });

  it('staff assigning one reviewer to many waiting seats at once: only up to the maximum succeed', async () => {
    const who = await person(t, 'races-staff-pick@example.org', ['reviewer'], 'Picked Reviewer');
    await putReviewer(t, w.staff, who, { email: who.email, name: 'Picked Reviewer', maxOpenAssignments: 2, available: false });
    // Seats waiting for staff from the previous test (its reviewers are full).
    const waiting: { appId: string; seat: number }[] = [];
    const list = expectStatus(
      await t.api<{ items: { id: string }[] }>('GET', '/applications?status=in_review&limit=100', { token: w.staff.token }),
      200,
    ).json.items;
    for (const a of list) {
      const r = await round(t, w, a.id);
      const seat = r?.seats.find((s) => s.waitingFor === 'staff-assignment');
      if (seat) waiting.push({ appId: a.id, seat: seat.seat });
    }
    expect(waiting.length).toBeGreaterThanOrEqual(4);

    const results = await Promise.all(
      waiting.map((s) =>
        t.api<{ errors?: { code?: string }[] }>('PUT', `/applications/${s.appId}/review-round/seats/${s.seat}`, {
          token: w.staff.token,
          // Unavailable on purpose, so the workflow cannot race us for this reviewer; staff override that, not the load.
          body: { reviewerSub: who.sub, reason: 'Filling the waiting seat', override: { availability: true } },
        }),
      ),
    );
    console.log(
      `races: staff assign one reviewer (maximum 2) to ${waiting.length} seats at once -> ${tally(results.map((r) => r.status))}`,
    );
    const ok = results.filter((r) => r.status >= 200 && r.status < 300);
    expect(ok).toHaveLength(2);
    for (const r of results.filter((x) => x.status >= 300)) {
      expect(r.status, r.text).toBe(422);
      expect(r.json.errors?.map((e) => e.code)).toContain('at-capacity');
    }
    expect(await openAssignments(t, w, who)).toBe(2);
    const active = (await queryAll(keys.personPartition(who.sub), keys.assignmentPrefix, true)).filter((a) => a.active === true);
    expect(active).toHaveLength(2);
  });
});
