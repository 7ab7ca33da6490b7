/**
 * Issue 5's API around the running review, beyond the journey: a virtual review session
 * staff schedule appears in everyone's view (team, the seated reviewers, staff); staff may
 * reveal reviewers' names to the team in the thread; staff read the workflow execution's
 * status and history through the API. Everything through the local HTTP API, with the
 * review workflow running in the local Step Functions endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus } from '../support/registry-world.ts';
import { buildWorld, byReviewer, seated, submitted, type World } from '../support/review-world.ts';

let t: TestPlatform;
let w: World;
let appId: string;
let seatedSubs: string[];

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true });
  w = await buildWorld(t, 'rx', [
    { email: 'rx-ana@example.org', name: 'Ana Reviewer' },
    { email: 'rx-ben@example.org', name: 'Ben Reviewer' },
  ]);
  appId = await submitted(t, w);
  seatedSubs = (await seated(t, w, appId)).map((s) => s.review!.reviewerSub);
});
afterAll(() => t?.stop());

interface Session {
  id: string;
  startsAt: string;
  durationMinutes: number;
  meetingUrl: string;
  agenda?: string;
}

describe('virtual review sessions', () => {
  it('staff schedule one; the team, both reviewers and staff see it; the team cannot schedule', async () => {
    const body = {
      startsAt: '2030-03-01T17:00:00.000Z',
      durationMinutes: 90,
      meetingUrl: 'https://meet.example.org/rx-review',
      agenda: 'Student panel, then partners',
    };
    const created = expectStatus(await t.api<Session>('POST', `/applications/${appId}/sessions`, { token: w.staff.token, body }), 201).json;
    expect(created).toMatchObject(body);

    const viewers = [w.staff, w.lead, ...seatedSubs.map((sub) => byReviewer(w, sub))];
    for (const viewer of viewers) {
      const list = expectStatus(
        await t.api<{ items: Session[] }>('GET', `/applications/${appId}/sessions`, { token: viewer.token }),
        200,
      ).json;
      expect(
        list.items.map((s) => s.id),
        viewer.email,
      ).toEqual([created.id]);
      expect(list.items[0]).toMatchObject(body);
    }

    const byTeam = await t.api('POST', `/applications/${appId}/sessions`, {
      token: w.lead.token,
      body: { ...body, startsAt: '2030-03-02T17:00:00.000Z' },
    });
    expect(byTeam.status).toBe(403);
    const after = expectStatus(
      await t.api<{ items: Session[] }>('GET', `/applications/${appId}/sessions`, { token: w.staff.token }),
      200,
    ).json;
    expect(after.items).toHaveLength(1);
  });

  it('refuses a meeting link that is not https, and a session shorter than 15 minutes', async () => {
    const bad = await t.api<{ errors?: { field: string }[] }>('POST', `/applications/${appId}/sessions`, {
      token: w.staff.token,
      body: { startsAt: '2030-03-01T17:00:00.000Z', durationMinutes: 5, meetingUrl: 'http://meet.example.org/x' },
    });
    expect(bad.status, bad.text).toBe(400);
    const fields = (bad.json.errors ?? []).map((e) => e.field).join(' ');
    expect(fields).toContain('meetingUrl');
    expect(fields).toContain('durationMinutes');
  });
});

describe('reviewer names in the thread', () => {
  it('the team sees a role until staff reveal names; then the name', async () => {
    const reviewer = byReviewer(w, seatedSubs[0]!);
    expectStatus(
      await t.api('POST', `/applications/${appId}/messages`, { token: reviewer.token, body: { body: 'Please add the partner letters.' } }),
      201,
    );
    type Thread = { items: { body: string; author: { role: string; label: string; name?: string; sub?: string } }[] };
    const read = async () =>
      expectStatus(await t.api<Thread>('GET', `/applications/${appId}/messages`, { token: w.lead.token }), 200).json.items.find((m) =>
        m.body.startsWith('Please add'),
      )!;

    const hidden = await read();
    expect(hidden.author.role).toBe('reviewer');
    expect(hidden.author.name).toBeUndefined();
    expect(hidden.author.sub).toBeUndefined();

    // Only staff configure it.
    const byTeam = await t.api('PUT', `/applications/${appId}/thread-settings`, {
      token: w.lead.token,
      headers: { 'if-none-match': '*' },
      body: { revealReviewerNames: true },
    });
    expect(byTeam.status).toBe(403);
    expect((await read()).author.name).toBeUndefined();

    expectStatus(
      await t.api('PUT', `/applications/${appId}/thread-settings`, {
        token: w.staff.token,
        headers: { 'if-none-match': '*' },
        body: { revealReviewerNames: true },
      }),
      200,
    );
    const shown = await read();
    expect(shown.author).toMatchObject({ role: 'reviewer', sub: reviewer.sub, name: expect.stringMatching(/Reviewer$/) });
  });
});

describe('the workflow execution, for staff', () => {
  it('staff read its status and history through the API; nobody else may', async () => {
    type History = { execution: { status: string; name?: string; executionArn?: string }; events: { type: string }[] };
    const h = expectStatus(await t.api<History>('GET', `/applications/${appId}/review-round/history`, { token: w.staff.token }), 200).json;
    expect(h.execution.status).toBe('RUNNING');
    expect(JSON.stringify(h.execution)).toContain(appId);
    const types = h.events.map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types).toContain('TaskSucceeded');

    for (const who of [w.lead, byReviewer(w, seatedSubs[0]!)]) {
      expect([403, 404]).toContain((await t.api('GET', `/applications/${appId}/review-round/history`, { token: who.token })).status);
    }
  });
});
