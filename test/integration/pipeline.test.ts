/**
 * The certification review journey end to end, through the local HTTP API only, as a
 * pathway team, reviewers and staff would go through it, with the review state machine
 * running in the local Step Functions endpoint: open → write → upload → submit → assign →
 * two reviewers score → disagreement → staff adjudicate → decide → certified; then silver
 * with revise and resubmit → certified → in the public directory. Assertions read the
 * table, the published events and the execution history (GetExecutionHistory via SFNClient).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { pdfBytes, uploadEvidence } from '../support/evidence.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus } from '../support/registry-world.ts';
import {
  all,
  buildWorld,
  byReviewer,
  decide,
  executionSucceeded,
  getApp,
  history,
  openApplication,
  published,
  round,
  score,
  seated,
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
  t = await startTestPlatform({ withStepFunctions: true });
  w = await buildWorld(t, 'journey', [
    { email: 'journey-r1@example.org', name: 'Rita Reviewer' },
    { email: 'journey-r2@example.org', name: 'Raj Reviewer' },
    { email: 'journey-r3@example.org', name: 'Rosa Reviewer', leadEligible: false },
  ]);
});
afterAll(() => t?.stop());

describe('the certification journey', () => {
  let appId: string;

  it('candidacy: submit, two reviews that disagree, adjudication, certification', async () => {
    // The team opens, writes and uploads evidence.
    const opened = await openApplication(t, w, 'candidacy');
    appId = opened.id;
    const file = await uploadEvidence(t, w.lead.token, w.pathway.id, {
      name: 'syllabus.pdf',
      type: 'application/pdf',
      bytes: pdfBytes(4096),
      criterionIds: ['RA-1.1'],
    });
    await writeResponses(t, w, appId, 'Our pathway narrative', { 'RA-1.1': [{ evidenceId: file.item.evidenceId }] });
    const submitted = await submit(t, w, appId);
    expect(submitted.status).toBe('submitted');
    expect(submitted.submissionNumber).toBe(1);

    // The workflow assigns two reviewers; they see it in their own list.
    const seats = await seated(t, w, appId);
    const subs = seats.map((s) => s.review!.reviewerSub);
    expect(new Set(subs).size).toBe(2);
    expect(seats.filter((s) => s.review!.role === 'lead')).toHaveLength(1);
    await waitForStatus(t, w, appId, 'in_review');
    for (const sub of subs) {
      const mine = expectStatus(
        await t.api<{ items: { applicationId: string; dueAt: string; status: string }[] }>('GET', '/me/reviews', {
          token: byReviewer(w, sub).token,
        }),
        200,
      ).json;
      const item = mine.items.find((i) => i.applicationId === appId)!;
      expect(item.status).toBe('assigned');
      // Due in 21 days (the default).
      expect(Date.parse(item.dueAt) - Date.now()).toBeGreaterThan(20 * 86_400_000);
    }

    // A reviewer sees the frozen submission and the rubric; the team cannot read reviews.
    const lead = byReviewer(w, seats.find((s) => s.review!.role === 'lead')!.review!.reviewerSub);
    const other = byReviewer(
      w,
      subs.find((s) => s !== lead.sub)!,
    );
    const view = expectStatus(
      await t.api<{
        submission: { criterionId: string; narrative: string; evidence: { evidenceId: string; download: string }[] }[];
        rubric: { scale: string[]; criteria: { id: string }[] };
      }>('GET', `/applications/${appId}/review`, { token: lead.token }),
      200,
    ).json;
    expect(view.rubric.criteria.map((c) => c.id)).toEqual(['RA-1.1', 'RA-1.2', 'WBL-1.1', 'WBL-1.2']);
    expect(view.rubric.scale).toEqual(['beginning', 'developing', 'meeting', 'excelling']);
    const ra = view.submission.find((s) => s.criterionId === 'RA-1.1')!;
    expect(ra.narrative).toBe('Our pathway narrative for RA-1.1.');
    expect(ra.evidence[0]!.evidenceId).toBe(file.item.evidenceId);
    const download = await t.api<{ download: { url: string } }>('GET', ra.evidence[0]!.download, { token: lead.token });
    expect(download.status, download.text).toBe(200);
    // The team sees the application but may not review it (403, not 404).
    expect((await t.api('GET', `/applications/${appId}/review`, { token: w.lead.token })).status).toBe(403);

    // A reviewer posts in the thread; the team sees a role, not a name.
    expectStatus(
      await t.api('POST', `/applications/${appId}/messages`, { token: lead.token, body: { body: 'Could you share the WBL agreements?' } }),
      201,
    );
    const thread = expectStatus(
      await t.api<{ items: { author: { label: string; name?: string; sub?: string } }[] }>('GET', `/applications/${appId}/messages`, {
        token: w.lead.token,
      }),
      200,
    ).json;
    expect(thread.items[0]!.author).toEqual({ role: 'reviewer', label: 'Lead reviewer' });
    const inbox = await queryAll(keys.inboxPartition(w.lead.sub));
    expect(inbox.some((n) => n.kind === 'message.posted' && n.applicationId === appId)).toBe(true);

    // Two reviews that differ by two levels on WBL-1.2.
    await score(t, lead, appId, { ...all('meeting'), 'WBL-1.2': 'excelling' });
    await score(t, other, appId, { ...all('meeting'), 'WBL-1.2': 'developing' });
    const adjudicating = await until('adjudication', async () => {
      const r = await round(t, w, appId);
      return r?.round.stage === 'adjudication' && r.round.waitingFor === 'adjudication' ? r : undefined;
    });
    expect(adjudicating.round.aggregate!.needsAdjudication).toEqual(['WBL-1.2']);
    expect((await getApp(t, w.staff.token, appId)).status).toBe('in_review');

    // Staff adjudicate; the application moves to decision pending.
    expectStatus(
      await t.api('POST', `/applications/${appId}/review-round/adjudications`, {
        token: w.staff.token,
        body: {
          adjudications: [
            { criterionId: 'WBL-1.2', level: 'meeting', reason: 'Internships exist for most students, as both reviewers describe.' },
          ],
        },
      }),
      200,
    );
    await waitForStatus(t, w, appId, 'decision_pending');
    const pending = (await round(t, w, appId))!;
    expect(pending.round.aggregate!.recommendation).toBe('meets');

    // Staff certify; the workflow applies it.
    await decide(t, w, appId, 'certified');
    const certified = await waitForStatus(t, w, appId, 'certified');
    expect(certified.submissionNumber).toBe(1);
    const done = await executionSucceeded(t, w, appId);
    expect(done.round.stage).toBe('decided');

    // The certification, the pathway, the guard and the reviewers' access.
    const certs = await queryAll(keys.pathway(w.pathway.id).PK, keys.certificationPrefix, true);
    expect(certs).toHaveLength(1);
    const cert = certs[0]!;
    const today = new Date().toISOString().slice(0, 10);
    expect(cert).toMatchObject({ level: 'candidacy', status: 'active', issuedOn: today, validFrom: today, applicationId: appId });
    const expected = new Date(`${today}T00:00:00Z`);
    expected.setUTCMonth(expected.getUTCMonth() + 24);
    expect(String(cert.expiresOn)).toBe(expected.toISOString().slice(0, 10));
    expect(cert.GSI3PK).toBe('CERTS#EXPIRY');
    const pathway = expectStatus(
      await t.api<{ certificationLevel: string; certifiedUntil: string }>('GET', `/pathways/${w.pathway.id}`, { token: w.staff.token }),
      200,
    ).json;
    expect(pathway.certificationLevel).toBe('candidacy');
    expect(pathway.certifiedUntil).toBe(cert.expiresOn);
    const guard = await queryAll(keys.pathway(w.pathway.id).PK, 'OPENAPP', true);
    expect(guard).toHaveLength(0);
    expect((await t.api('GET', `/applications/${appId}/review`, { token: lead.token })).status).toBe(404);

    // The team reads and downloads the letter.
    const decision = expectStatus(
      await t.api<{ decision: string; letter: { summary: string }; applied: { certificationId: string } }>(
        'GET',
        `/applications/${appId}/decision`,
        { token: w.lead.token },
      ),
      200,
    ).json;
    expect(decision.decision).toBe('certified');
    expect(decision.applied.certificationId).toBe(cert.id);
    const md = await t.api('GET', `/applications/${appId}/decision/letter`, { token: w.lead.token });
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.text).toContain('## Areas for growth');
    expect(md.text).toContain('### Work-based learning');

    // Each event exactly once.
    expect(published(t, 'ApplicationSubmitted', appId)).toHaveLength(1);
    expect(published(t, 'ReviewerAssigned', appId)).toHaveLength(2);
    expect(published(t, 'ReviewSubmitted', appId)).toHaveLength(2);
    expect(published(t, 'DecisionMade', appId)).toHaveLength(1);
    const issued = published(t, 'CertificationIssued', appId);
    expect(issued).toHaveLength(1);
    expect(issued[0]!.detail).toMatchObject({ level: 'candidacy', certificationId: cert.id, expiresOn: cert.expiresOn });

    // The execution history from the local Step Functions endpoint.
    const events = await history(t, done.round.executionArn!);
    expect(events.at(-1)!.type).toBe('ExecutionSucceeded');
    const entered = statesEntered(events);
    for (const state of [
      'Prepare',
      'AssignReviewers',
      'Reviews',
      'AwaitReview',
      'Aggregate',
      'AwaitAdjudication',
      'AwaitDecision',
      'ApplyDecision',
    ]) {
      expect(entered, state).toContain(state);
    }
    expect(entered.filter((s) => s === 'Aggregate')).toHaveLength(2);
    expect(entered.length).toBeLessThanOrEqual(40);
    expect(done.round.executions).toEqual([`${appId}-1`]);
  });

  it('silver: revise and resubmit, then certified and listed in the public directory', async () => {
    const opened = await openApplication(t, w, 'silver');
    const id = opened.id;
    await writeResponses(t, w, id, 'Silver narrative');
    await submit(t, w, id);
    let seats = await seated(t, w, id);
    for (const s of seats) await score(t, byReviewer(w, s.review!.reviewerSub), id, all('developing'));
    await waitForStatus(t, w, id, 'decision_pending');
    expect((await round(t, w, id))!.round.aggregate!.recommendation).toBe('does-not-meet');
    await decide(t, w, id, 'revise_and_resubmit', {
      requiredChanges: [{ criterionId: 'WBL-1.2', change: 'Describe internships for every student.' }],
    });
    await waitForStatus(t, w, id, 'revise_and_resubmit');

    // The team reads what must change, revises and resubmits: a second execution for submission 2.
    const asked = expectStatus(
      await t.api<{ requiredChanges: { criterionId: string }[] }>('GET', `/applications/${id}/decision`, { token: w.lead.token }),
      200,
    ).json;
    expect(asked.requiredChanges.map((c) => c.criterionId)).toEqual(['WBL-1.2']);
    await writeResponses(t, w, id, 'Revised silver narrative');
    const again = await submit(t, w, id);
    expect(again.submissionNumber).toBe(2);
    seats = await seated(t, w, id);
    for (const s of seats) await score(t, byReviewer(w, s.review!.reviewerSub), id, all('meeting'));
    await waitForStatus(t, w, id, 'decision_pending');
    await decide(t, w, id, 'certified');
    await waitForStatus(t, w, id, 'certified');

    const r = await executionSucceeded(t, w, id);
    expect(r.round.round).toBe(2);
    expect(r.round.executions).toEqual([`${id}-2`]);
    const first = await history(t, r.round.executionArn!.replace(/-2$/, '-1'));
    expect(first.at(-1)!.type).toBe('ExecutionSucceeded');

    // Silver from today; the candidacy certification is continued by it.
    const certs = await queryAll(keys.pathway(w.pathway.id).PK, keys.certificationPrefix, true);
    expect(certs.map((c) => `${c.level}:${c.status}`).sort()).toEqual(['candidacy:renewed', 'silver:active']);
    const certHistory = expectStatus(
      await t.api<{ items: { level: string; status: string }[] }>('GET', `/pathways/${w.pathway.id}/certifications`, {
        token: w.lead.token,
      }),
      200,
    ).json;
    expect(certHistory.items.map((c) => `${c.level}:${c.status}`)).toEqual(['silver:active', 'candidacy:renewed']);
    const directory = expectStatus(
      await t.api<{ items: { pathwayId?: string; id?: string; level: string }[] }>('GET', '/directory'),
      200,
    ).json;
    const listed = directory.items.find((e) => (e.pathwayId ?? e.id) === w.pathway.id);
    expect(listed?.level).toBe('silver');
    expect(published(t, 'CertificationIssued', id)).toHaveLength(1);
    expect(published(t, 'DecisionMade', id)).toHaveLength(2);
  });
});
