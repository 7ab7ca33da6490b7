/**
 * The post-deploy smoke test's journey mode (`PATHCERT_SMOKE_JOURNEY=1 npm run
 * test:deployed`): the main journey of docs/journey.md, end to end, against a stack, with
 * real people signed in through the stack's smoke-test app client (smoke-users.ts):
 *
 * staff (created by an administrator, as staff are) find or create the smoke-test district
 * and school, create a new pathway for this run, and invite the smoke lead; the lead accepts
 * (the `pathway` group follows), opens a candidacy application under the newest published
 * framework, uploads evidence through the presigned S3 form, waits until it is verified,
 * answers every criterion and submits; the review workflow (Step Functions) seats the smoke
 * reviewers (invited to the reviewer pool on the first run, their `reviewer` group from
 * accepting); each scores every criterion; staff decide `certified`; the workflow issues the
 * candidacy certification; the pathway's standing says so, and it is not in the public
 * directory. Clean-up: the smoke reviewers are made unavailable again (so no real
 * application is seated with them between runs), the run's pathway is set inactive, and an
 * application a failed run left open is withdrawn.
 *
 * Idempotent across reruns: one district and school, reused (found by name); a new pathway
 * per run (a pathway that holds candidacy cannot apply for it again, and the next level,
 * Silver, would be listed publicly); users and reviewer profiles reused. docs/deploy.md,
 * section 7, says what stays.
 *
 * Each step is one test; after a failure the rest are skipped (clean-up still runs), and
 * every failure says which call answered what.
 *
 * Shared by test/deployed/journey.test.ts (a deployed stack) and
 * test/integration/deployed-smoke.test.ts (the local platform, inside `npm test`).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it as vitestIt } from 'vitest';
import { claimsOf, groupsOf, SmokeUsers, type SmokePerson } from './smoke-users.ts';
import { requestJson, type Answer } from './http.ts';
import type { JourneyTarget } from './target.ts';

/** The smoke-test district and school: their names say what they are. */
export const SMOKE_DISTRICT_NAME = 'Smoke Test District (automated, not a real district)';
export const SMOKE_SCHOOL_NAME = 'Smoke Test School (automated)';
const SMOKE_SECTOR = 'information_communication_technologies';

/** How long a poll waits: the review workflow, file verification and notifications are asynchronous. */
const POLL_MS = 150_000;
const STEP_TIMEOUT = POLL_MS + 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function defineJourneySuite(getTarget: () => JourneyTarget | Promise<JourneyTarget>): void {
  let target: JourneyTarget | undefined;
  let users: SmokeUsers;
  const tokens: Record<string, string> = {};
  const people: Record<string, SmokePerson> = {};
  const reviewerRoles: string[] = [];
  // What the run made, for later steps and for the clean-up.
  const run: {
    id: string;
    frameworkId?: string;
    criteria: { id: string; requiredKinds: string[] }[];
    districtId?: string;
    schoolId?: string;
    pathwayId?: string;
    applicationId?: string;
    evidence: { evidenceId: string; version: number }[];
  } = { id: `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`, criteria: [], evidence: [] };

  const call = async (
    who: string | undefined,
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    if (!target) throw new Error('no target');
    const token = who ? tokens[who] : undefined;
    if (who && !token) throw new Error(`${who} is not signed in`);
    return requestJson(target.apiUrl, method, path, { ...options, token });
  };
  /** The answer, or a failure naming the call, the caller, the status and the body. */
  const expectCall = async (
    who: string | undefined,
    method: string,
    path: string,
    status: number | number[],
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Answer> => {
    const answer = await call(who, method, path, options);
    const ok = Array.isArray(status) ? status : [status];
    if (!ok.includes(answer.status)) {
      throw new Error(
        `${who ?? 'anyone'} ${method} ${path} answered ${answer.status}, expected ${ok.join(' or ')} (${target?.source}): ${answer.text.slice(0, 800)}`,
      );
    }
    return answer;
  };
  /** Repeats a call until `done` holds; fails with the last answer after POLL_MS. */
  const poll = async (what: string, who: string, path: string, done: (a: Answer) => boolean): Promise<Answer> => {
    const deadline = Date.now() + POLL_MS;
    let answer = await call(who, 'GET', path);
    for (let attempt = 0; !(answer.status === 200 && done(answer)); attempt++) {
      if (Date.now() > deadline)
        throw new Error(
          `waited ${POLL_MS / 1000} s for ${what}: ${who} GET ${path} last answered ${answer.status} ${answer.text.slice(0, 800)}`,
        );
      await sleep(Math.min(2_000, 200 * 2 ** attempt));
      answer = await call(who, 'GET', path);
    }
    return answer;
  };
  /** Every page of a list. */
  const listAll = async (who: string, path: string): Promise<any[]> => {
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await expectCall(who, 'GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 200);
      items.push(...(page.json.items ?? []));
      cursor = page.json.nextCursor ?? undefined;
    } while (cursor);
    return items;
  };
  const emailOf = (role: string) => target!.emailPattern.replace('{role}', role);
  const signIn = async (role: string) => {
    tokens[role] = await users.signIn(people[role]!.email);
    return tokens[role];
  };

  describe('smoke test of a deployed stack: the main journey (journey mode, writes)', () => {
    // Each step builds on the ones before: after a failure the rest are skipped, not failed.
    let broken = false;
    const step = (name: string, fn: () => Promise<void>) =>
      vitestIt(
        name,
        async (ctx) => {
          if (broken || !target) ctx.skip();
          broken = true;
          await fn();
          broken = false;
        },
        STEP_TIMEOUT,
      );

    vitestIt(
      'finds the stack and signs the smoke staff user in through the smoke-test client',
      async () => {
        target = await getTarget();
        users = new SmokeUsers(target.userPoolId, target.clientId);
        people.staff = await users.ensure(emailOf('staff'), 'Smoke Test Staff (automated)');
        await users.addToGroup(people.staff.email, 'staff');
        const token = await signIn('staff');
        expect(claimsOf(token).iss, 'the token was not issued by this stack').toBe(target.issuerUrl);
        expect(groupsOf(token), 'the smoke staff user must be in the staff group').toContain('staff');
        await expectCall('staff', 'GET', '/me', 200);
      },
      STEP_TIMEOUT,
    );

    step('finds the framework to apply under: the newest published one', async () => {
      const id = target!.frameworkId ?? (await expectCall('staff', 'GET', '/frameworks?status=published&limit=1', 200)).json.items?.[0]?.id;
      if (!id)
        throw new Error(
          'no published framework on this stage: publish the certification framework first (docs/journey.md, section 1), or name one in PATHCERT_SMOKE_FRAMEWORK',
        );
      const framework = (await expectCall('staff', 'GET', `/frameworks/${id}`, 200)).json;
      if (framework.status !== 'published') throw new Error(`framework ${id} is ${framework.status}, not published`);
      run.frameworkId = id;
      for (const component of framework.components ?? []) {
        for (const standard of component.standards ?? []) {
          for (const criterion of standard.criteria ?? []) {
            if (!criterion.levels?.includes('candidacy')) continue;
            const requiredKinds = [
              ...new Set<string>(
                (criterion.evidence ?? []).filter((e: { required: boolean }) => e.required).map((e: { kind: string }) => e.kind),
              ),
            ];
            run.criteria.push({ id: criterion.id, requiredKinds });
          }
        }
      }
      if (run.criteria.length === 0) throw new Error(`framework ${id} has no criterion at candidacy`);
    });

    step('finds or creates the smoke-test district and school (reused by every run)', async () => {
      const districts = await listAll('staff', '/districts');
      run.districtId = districts.find((d) => d.name === SMOKE_DISTRICT_NAME)?.id;
      if (!run.districtId) {
        const created = await expectCall('staff', 'POST', '/districts', [200, 201], {
          body: { name: SMOKE_DISTRICT_NAME, state: 'CA', countyOrRegion: 'Smoke test' },
          headers: { 'idempotency-key': `smoke-district-${target!.stage}` },
        });
        run.districtId = created.json.id;
      }
      const schools = await listAll('staff', `/districts/${run.districtId}/schools`);
      run.schoolId = schools.find((s) => s.name === SMOKE_SCHOOL_NAME)?.id;
      if (!run.schoolId) {
        const created = await expectCall('staff', 'POST', `/districts/${run.districtId}/schools`, [200, 201], {
          body: { name: SMOKE_SCHOOL_NAME },
          headers: { 'idempotency-key': `smoke-school-${target!.stage}` },
        });
        run.schoolId = created.json.id;
      }
    });

    step("creates this run's pathway", async () => {
      const created = await expectCall('staff', 'POST', `/schools/${run.schoolId}/pathways`, 201, {
        body: {
          name: `Smoke Test Pathway ${run.id}`,
          sector: SMOKE_SECTOR,
          gradesServed: [9, 10, 11, 12],
          model: 'school_within_a_school',
          enrollment: 1,
        },
        headers: { 'idempotency-key': `smoke-pathway-${run.id}` },
      });
      run.pathwayId = created.json.id;
      expect(created.json.certificationLevel).toBeNull();
    });

    step('invites the smoke lead, who signs in and accepts; the pathway group follows', async () => {
      people.lead = await users.ensure(emailOf('lead'), 'Smoke Test Lead (automated)');
      const invitation = await expectCall('staff', 'POST', `/pathways/${run.pathwayId}/invitations`, 201, {
        body: { email: people.lead.email, role: 'lead' },
      });
      await signIn('lead');
      const mine = await expectCall('lead', 'GET', '/me/invitations', 200);
      expect(
        mine.json.items.map((i: { id: string }) => i.id),
        'the lead lists the invitation',
      ).toContain(invitation.json.id);
      const accepted = await expectCall('lead', 'POST', `/me/invitations/${invitation.json.id}/accept`, 200);
      expect(accepted.json.membership.role).toBe('lead');
      // Group sync: the next token carries the group of the membership's kind.
      expect(groupsOf(await signIn('lead')), 'after accepting, the lead is in the pathway group').toContain('pathway');
    });

    step('the lead opens a candidacy application', async () => {
      const created = await expectCall('lead', 'POST', `/pathways/${run.pathwayId}/applications`, 201, {
        body: { target: 'candidacy', frameworkId: run.frameworkId },
        headers: { 'idempotency-key': `smoke-application-${run.id}` },
      });
      expect(created.json.level).toBe('candidacy');
      run.applicationId = created.json.id;
    });

    step('the lead uploads evidence through the presigned S3 form, and it is verified', async () => {
      // One file per required kind a criterion asks for at once (at least one), cited by every criterion.
      const files = Math.max(1, ...run.criteria.map((c) => c.requiredKinds.length));
      for (let i = 0; i < files; i++) {
        const bytes = smokePdf(4096, i);
        const declared = await expectCall('lead', 'POST', `/pathways/${run.pathwayId}/evidence`, 201, {
          body: {
            fileName: `smoke-test-${i + 1}.pdf`,
            contentType: 'application/pdf',
            size: bytes.length,
            title: `Smoke test evidence ${i + 1} (automated)`,
          },
          headers: { 'idempotency-key': `smoke-evidence-${run.id}-${i}` },
        });
        const { url, fields } = declared.json.upload as { url: string; fields: Record<string, string> };
        const form = new FormData();
        for (const [k, v] of Object.entries(fields)) form.append(k, v);
        form.append('file', new Blob([bytes], { type: 'application/pdf' }), `smoke-test-${i + 1}.pdf`);
        const posted = await fetch(url, { method: 'POST', body: form });
        if (posted.status < 200 || posted.status >= 300)
          throw new Error(`S3 refused the presigned POST: ${posted.status} ${(await posted.text()).slice(0, 500)}`);
        const evidenceId = declared.json.item.evidenceId as string;
        const verified = await poll(
          'the file to be verified',
          'lead',
          `/pathways/${run.pathwayId}/evidence/${evidenceId}`,
          (a) => a.json.versions?.[0]?.state !== 'declared',
        );
        expect(verified.json.versions[0].state, `evidence ${evidenceId}: ${verified.text.slice(0, 500)}`).toBe('available');
        run.evidence.push({ evidenceId, version: verified.json.versions[0].version });
      }
    });

    step('the lead answers every criterion, citing the evidence', async () => {
      for (const criterion of run.criteria) {
        const evidence = criterion.requiredKinds.map((kind, i) => ({ ...run.evidence[i]!, kind }));
        await expectCall('lead', 'PUT', `/applications/${run.applicationId}/responses/${encodeURIComponent(criterion.id)}`, [200, 201], {
          body: { narrative: `Automated smoke test response for ${criterion.id} (run ${run.id}).`, evidence },
          headers: { 'if-match': '"0"' },
        });
      }
    });

    step('the smoke reviewers are in the pool: invited and accepted on the first run, made available again later', async () => {
      for (let i = 1; i <= target!.reviewers; i++) {
        const role = `reviewer${i}`;
        reviewerRoles.push(role);
        people[role] = await users.ensure(emailOf(role), `Smoke Test Reviewer ${i} (automated)`);
        await signIn(role);
        const sub = people[role].sub;
        const profile = await call('staff', 'GET', `/reviewers/${sub}`);
        // Every smoke reviewer may lead, so any of them can take any seat.
        const facts = { sectors: [SMOKE_SECTOR], leadEligible: true, maxOpenAssignments: 10 };
        if (profile.status === 404 || profile.json?.active === false) {
          // Through the API, as a real reviewer joins: the invitation, then their acceptance.
          const invited = await expectCall('staff', 'POST', '/reviewer-invitations', [200, 201], {
            body: { email: people[role].email, profile: facts },
          });
          const accepted = await expectCall(role, 'POST', `/me/invitations/${invited.json.id}/accept`, 200);
          expect(accepted.json.reviewer.sub).toBe(sub);
        } else if (profile.status !== 200) {
          throw new Error(`staff GET /reviewers/${sub} answered ${profile.status}: ${profile.text.slice(0, 500)}`);
        }
        const current = (await expectCall('staff', 'GET', `/reviewers/${sub}`, 200)).json;
        await expectCall('staff', 'PUT', `/reviewers/${sub}`, 200, {
          body: {
            ...facts,
            conflicts: current.conflicts ?? { districtIds: [], pathwayIds: [] },
            available: true,
            unavailable: [],
            active: true,
          },
          headers: { 'if-match': `"${current.version}"` },
        });
        expect(groupsOf(await signIn(role)), `${role} is in the reviewer group`).toContain('reviewer');
      }
    });

    step('the lead submits; the review workflow starts', async () => {
      const application = await expectCall('lead', 'GET', `/applications/${run.applicationId}`, 200);
      const submitted = await expectCall('lead', 'POST', `/applications/${run.applicationId}/submit`, 200, {
        headers: { 'if-match': `"${application.json.version}"` },
      });
      expect(submitted.json.status).toBe('submitted');
    });

    step('the workflow seats the smoke reviewers (staff reseat any seat it gave someone else)', async () => {
      const round = await poll(
        'every seat to be filled',
        'staff',
        `/applications/${run.applicationId}/review-round`,
        (a) => a.json.seats?.length > 0 && a.json.seats.every((s: any) => s.review),
      );
      const smokeSubs = new Set(reviewerRoles.map((r) => people[r]!.sub));
      const seated = new Set(round.json.seats.map((s: any) => s.review.reviewerSub));
      const free = [...smokeSubs].filter((sub) => !seated.has(sub));
      for (const seat of round.json.seats) {
        if (smokeSubs.has(seat.review.reviewerSub)) continue;
        // A real reviewer of this stage was seated (and notified): give the seat to a smoke reviewer.
        const sub = free.shift();
        if (!sub)
          throw new Error(
            `seat ${seat.seat} (${seat.role}) went to ${seat.review.reviewerSub}, not a smoke reviewer, and no free smoke reviewer can take it: raise PATHCERT_SMOKE_REVIEWERS (the stage seats ${round.json.seats.length})`,
          );
        await expectCall('staff', 'PUT', `/applications/${run.applicationId}/review-round/seats/${seat.seat}`, 200, {
          body: { reviewerSub: sub, reason: 'Automated smoke test: its application is reviewed by the smoke-test reviewers.' },
        });
      }
      for (const role of reviewerRoles) {
        const seatedHere = (await expectCall('staff', 'GET', `/applications/${run.applicationId}/review-round`, 200)).json.seats.some(
          (s: any) => s.review?.reviewerSub === people[role]!.sub,
        );
        if (seatedHere)
          await poll(`${role} to see the assignment`, role, '/me/reviews', (a) =>
            a.json.items.some((r: any) => r.applicationId === run.applicationId),
          );
      }
    });

    step('each seated smoke reviewer scores every criterion and submits', async () => {
      const round = (await expectCall('staff', 'GET', `/applications/${run.applicationId}/review-round`, 200)).json;
      const seatedRoles = reviewerRoles.filter((r) => round.seats.some((s: any) => s.review?.reviewerSub === people[r]!.sub));
      if (seatedRoles.length !== round.seats.length)
        throw new Error(
          `the round has ${round.seats.length} seats, ${seatedRoles.length} held by smoke reviewers: ${JSON.stringify(round.seats)}`,
        );
      for (const role of seatedRoles) {
        const review = await expectCall(role, 'GET', `/applications/${run.applicationId}/review`, 200);
        const saved = await expectCall(role, 'PUT', `/applications/${run.applicationId}/review`, 200, {
          body: {
            scores: run.criteria.map((c) => ({
              criterionId: c.id,
              level: 'meeting',
              comment: `Automated smoke test score (run ${run.id}).`,
            })),
          },
          headers: { 'if-match': `"${review.json.review.version}"` },
        });
        const submitted = await expectCall(role, 'POST', `/applications/${run.applicationId}/review/submit`, 200, {
          headers: { 'if-match': `"${saved.json.version}"` },
        });
        expect(submitted.json.status).toBe('submitted');
      }
    });

    step('the round reaches the decision; staff certify; the workflow issues the certification', async () => {
      // Equal scores: nothing to adjudicate.
      await poll(
        'the round to reach the decision stage',
        'staff',
        `/applications/${run.applicationId}/review-round`,
        (a) => a.json.round?.stage === 'decision',
      );
      await expectCall('staff', 'POST', `/applications/${run.applicationId}/decision`, 202, {
        body: {
          decision: 'certified',
          letter: {
            summary: `Automated smoke test (run ${run.id}): not a real certification.`,
            strengths: ['Smoke test'],
            areasForGrowth: [],
          },
        },
      });
      await poll('the application to be certified', 'lead', `/applications/${run.applicationId}`, (a) => a.json.status === 'certified');
      const decision = await expectCall('lead', 'GET', `/applications/${run.applicationId}/decision`, 200);
      expect(decision.json.decision).toBe('certified');
    });

    step("the pathway's standing: candidacy, certified until a date, and not in the public directory", async () => {
      const certifications = await expectCall('lead', 'GET', `/pathways/${run.pathwayId}/certifications`, 200);
      expect(certifications.json.items[0]).toMatchObject({ level: 'candidacy' });
      const pathway = await poll(
        'the pathway to show its level',
        'staff',
        `/pathways/${run.pathwayId}`,
        (a) => a.json.certificationLevel === 'candidacy',
      );
      expect(pathway.json.certifiedUntil).toBeTruthy();
      // Candidacy is never listed: the smoke data stays out of public view.
      await expectCall(undefined, 'GET', `/directory/${run.pathwayId}`, 404);
    });

    // Runs even after a failure: what a run leaves open is closed here, best effort, and reported.
    vitestIt(
      'cleans up: reviewers unavailable, an open application withdrawn, the pathway inactive',
      async (ctx) => {
        if (!target || !tokens.staff) ctx.skip();
        const problems: string[] = [];
        const attempt = async (what: string, fn: () => Promise<unknown>) => {
          try {
            await fn();
          } catch (error) {
            problems.push(`${what}: ${(error as Error).message}`);
          }
        };
        for (const role of reviewerRoles) {
          await attempt(`${role} unavailable`, async () => {
            const current = (await expectCall('staff', 'GET', `/reviewers/${people[role]!.sub}`, 200)).json;
            if (current.available === false) return;
            await expectCall('staff', 'PUT', `/reviewers/${people[role]!.sub}`, 200, {
              body: {
                sectors: current.sectors,
                conflicts: current.conflicts,
                unavailable: current.unavailable,
                maxOpenAssignments: current.maxOpenAssignments,
                leadEligible: current.leadEligible,
                active: current.active,
                available: false,
              },
              headers: { 'if-match': `"${current.version}"` },
            });
          });
        }
        if (run.applicationId) {
          await attempt('withdraw the open application', async () => {
            const app = (await expectCall('staff', 'GET', `/applications/${run.applicationId}`, 200)).json;
            if (['draft', 'submitted', 'in_review', 'decision_pending'].includes(app.status)) {
              await expectCall('staff', 'POST', `/applications/${run.applicationId}/withdraw`, 200, {
                headers: { 'if-match': `"${app.version}"` },
              });
            }
          });
        }
        if (run.pathwayId) {
          await attempt('pathway inactive', async () => {
            const pathway = (await expectCall('staff', 'GET', `/pathways/${run.pathwayId}`, 200)).json;
            if (pathway.status !== 'inactive')
              await expectCall('staff', 'PATCH', `/pathways/${run.pathwayId}`, 200, {
                body: { status: 'inactive' },
                headers: { 'if-match': `"${pathway.version}"` },
              });
          });
        }
        expect(problems, 'clean-up').toEqual([]);
      },
      STEP_TIMEOUT,
    );
  });
}

/** A small PDF the evidence verifier accepts (its leading bytes), different per index. */
function smokePdf(size: number, index: number): Uint8Array {
  const head = Buffer.from(`%PDF-1.7\n% pathcert smoke test evidence ${index}\n1 0 obj\n<< /Type /Catalog >>\nendobj\n`, 'latin1');
  const bytes = Buffer.alloc(size, 0x20);
  head.copy(bytes);
  for (let i = head.length; i < size; i++) bytes[i] = 0x20 + ((i * 7 + index) % 90);
  return bytes;
}
