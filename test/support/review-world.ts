/**
 * A world for the review pipeline's integration tests, built through the HTTP API the way
 * staff, teams and reviewers use it: a small published framework, a district with a
 * school and pathway, a pathway lead, a pool of reviewer profiles; and the steps of the
 * journey (open, write, submit, score, adjudicate, decide) as helpers.
 *
 * Waiting is by condition (polling the API or the table until something is true), never
 * by time: the workflow runs asynchronously in the local Step Functions endpoint.
 */
import { SFNClient, GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { expect } from 'vitest';
import type { Framework } from '#core/framework.ts';
import type { Level } from '#core/levels.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import { createDistrict, createPathway, createSchool, expectStatus, joinPathway, person, unique, type Person } from './registry-world.ts';
import type { TestPlatform } from './platform.ts';

export const REVIEW_FRAMEWORK_ID = 'fw_01KDVDNA00000000000000REVW';

const rubric = (what: string) =>
  ['beginning', 'developing', 'meeting', 'excelling'].map((level) => ({ level, descriptor: `${level}: ${what}` }));

/** Four criteria in two components, every one assessed at every level; only RA-1.1 asks for a file. */
export const reviewFramework: Framework = {
  id: REVIEW_FRAMEWORK_ID,
  status: 'published',
  publishedAt: '2026-01-01T00:00:00.000Z',
  version: '2026.9',
  title: 'Review pipeline test standards',
  components: [
    {
      id: 'RA',
      title: 'Rigorous academics',
      description: 'Academic core aligned to the theme.',
      standards: [
        {
          id: 'RA-1',
          title: 'Course sequence',
          criteria: [
            {
              id: 'RA-1.1',
              text: 'A four-year sequence of core courses aligned to the pathway theme.',
              levels: ['candidacy', 'silver', 'gold'],
              evidence: [{ kind: 'syllabus', description: 'Syllabi of the sequence', required: false }],
              rubric: rubric('sequence'),
            },
            {
              id: 'RA-1.2',
              text: 'Integrated projects across subjects each year.',
              levels: ['candidacy', 'silver', 'gold'],
              evidence: [],
              rubric: rubric('projects'),
            },
          ],
        },
      ],
    },
    {
      id: 'WBL',
      title: 'Work-based learning',
      description: 'A continuum of work-based learning.',
      standards: [
        {
          id: 'WBL-1',
          title: 'Continuum',
          criteria: [
            {
              id: 'WBL-1.1',
              text: 'Career awareness and exploration for every student.',
              levels: ['candidacy', 'silver', 'gold'],
              evidence: [],
              rubric: rubric('awareness'),
            },
            {
              id: 'WBL-1.2',
              text: 'Internships with industry partners.',
              levels: ['candidacy', 'silver', 'gold'],
              evidence: [],
              rubric: rubric('internships'),
            },
          ],
        },
      ],
    },
  ],
};

export const CRITERIA = ['RA-1.1', 'RA-1.2', 'WBL-1.1', 'WBL-1.2'] as const;

/** Waits until `fn` answers something truthy (polling; fails after `timeoutMs`). */
export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface ReviewerSpec {
  email: string;
  name: string;
  leadEligible?: boolean;
  maxOpenAssignments?: number;
  sectors?: string[];
  districtId?: string;
  conflicts?: { districtIds: string[]; pathwayIds: string[] };
  available?: boolean;
}

/**
 * Reviewer specs `<prefix>-r1@example.org`, `<prefix>-r2@example.org`, … one per name
 * (three by default: a panel of two and one to spare).
 */
export function reviewerSpecs(prefix: string, names: readonly string[] = ['Ria', 'Rob', 'Roy']): ReviewerSpec[] {
  return names.map((name, i) => ({ email: `${prefix}-r${i + 1}@example.org`, name }));
}

export interface World {
  staff: Person;
  lead: Person;
  district: { id: string };
  school: { id: string };
  pathway: { id: string; name: string; districtId: string };
  reviewers: Person[];
}

export async function putReviewer(t: TestPlatform, staff: Person, who: Person, spec: ReviewerSpec) {
  const res = await t.api<{ version: number }>('PUT', `/reviewers/${who.sub}`, {
    token: staff.token,
    headers: { 'if-none-match': '*' },
    body: {
      name: spec.name,
      email: spec.email,
      ...(spec.districtId ? { districtId: spec.districtId } : {}),
      sectors: spec.sectors ?? ['engineering_architecture'],
      conflicts: spec.conflicts ?? { districtIds: [], pathwayIds: [] },
      available: spec.available ?? true,
      unavailable: [],
      maxOpenAssignments: spec.maxOpenAssignments ?? 3,
      leadEligible: spec.leadEligible ?? true,
      active: true,
    },
  });
  return expectStatus(res, 201).json;
}

export async function buildWorld(t: TestPlatform, prefix: string, reviewerSpecs: ReviewerSpec[]): Promise<World> {
  await putPublishedFramework(reviewFramework);
  const staff = await person(t, `${prefix}-staff@example.org`, ['staff'], 'Sam Staff');
  const district = await createDistrict(t, staff);
  const school = await createSchool(t, staff, district.id);
  const pathway = await createPathway(t, staff, school.id, { name: unique(`${prefix} Engineering Academy`) });
  const lead = await person(t, `${prefix}-lead@example.org`, ['pathway'], 'Lee Lead');
  await joinPathway(t, staff, pathway.id, lead, 'lead');
  const reviewers: Person[] = [];
  for (const spec of reviewerSpecs) {
    const who = await person(t, spec.email, ['reviewer'], spec.name);
    await putReviewer(t, staff, who, spec);
    reviewers.push(who);
  }
  return { staff, lead, district, school, pathway, reviewers };
}

export interface AppView {
  id: string;
  status: string;
  version: number;
  submissionNumber: number;
  level: Level;
}

export async function getApp(t: TestPlatform, token: string, id: string): Promise<AppView> {
  return expectStatus(await t.api<AppView>('GET', `/applications/${id}`, { token }), 200).json;
}

export async function openApplication(t: TestPlatform, w: World, target: string): Promise<AppView> {
  const res = await t.api<AppView>('POST', `/pathways/${w.pathway.id}/applications`, {
    token: w.lead.token,
    body: { target, frameworkId: REVIEW_FRAMEWORK_ID },
  });
  return expectStatus(res, 201).json;
}

export async function writeResponses(t: TestPlatform, w: World, appId: string, text: string, evidence: Record<string, unknown[]> = {}) {
  for (const c of CRITERIA) {
    const current = await t.api<{ responses: { criterionId: string; version: number }[] }>('GET', `/applications/${appId}`, {
      token: w.lead.token,
    });
    const version = current.json.responses.find((r) => r.criterionId === c)?.version ?? 0;
    const res = await t.api('PUT', `/applications/${appId}/responses/${c}`, {
      token: w.lead.token,
      headers: version === 0 ? { 'if-none-match': '*' } : { 'if-match': `"${version}"` },
      body: { narrative: `${text} for ${c}.`, evidence: evidence[c] ?? [] },
    });
    expect([200, 201], res.text).toContain(res.status);
  }
}

export async function submit(t: TestPlatform, w: World, appId: string): Promise<AppView> {
  const app = await getApp(t, w.lead.token, appId);
  return expectStatus(
    await t.api<AppView>('POST', `/applications/${appId}/submit`, { token: w.lead.token, headers: { 'if-match': `"${app.version}"` } }),
    200,
  ).json;
}

export interface SeatView {
  seat: number;
  role: string;
  waitingFor: string | null;
  review: { id: string; reviewerSub: string; status: string; role: string; dueAt: string; version: number } | null;
}

export interface RoundBody {
  application: { status: string; reviewFailure?: { error: string; cause: string; execution: string } };
  round: {
    stage: string;
    round: number;
    executions: string[];
    executionArn?: string;
    aggregate?: { needsAdjudication: string[]; recommendation: string };
    waitingFor?: string;
  };
  seats: SeatView[];
  reviews: { id: string; reviewerSub: string; status: string }[];
  execution: { status: string; name?: string } | null;
}

export async function round(t: TestPlatform, w: World, appId: string): Promise<RoundBody | undefined> {
  const res = await t.api<RoundBody>('GET', `/applications/${appId}/review-round`, { token: w.staff.token });
  return res.status === 200 ? res.json : undefined;
}

/** Waits until every seat holds a reviewer; answers the seats. */
export async function seated(t: TestPlatform, w: World, appId: string, seats = 2): Promise<SeatView[]> {
  return until(`${seats} seated reviewers on ${appId}`, async () => {
    const r = await round(t, w, appId);
    const held = r?.seats.filter((s) => s.review && s.review.status !== 'recused' && s.review.status !== 'reassigned');
    return r && held?.length === seats && r.seats.every((s) => s.waitingFor !== 'staff-assignment') ? r.seats : undefined;
  });
}

export const byReviewer = (w: World, sub: string): Person => {
  const p = w.reviewers.find((r) => r.sub === sub);
  if (!p) throw new Error(`no reviewer ${sub} in the world`);
  return p;
};

/** The reviewer saves `levels` as their draft (PUT with If-Match on `version`); answers the API's response, unchecked. */
export function saveScores<T = { version: number }>(
  t: TestPlatform,
  reviewer: Person,
  appId: string,
  version: number,
  levels: Record<string, string>,
) {
  return t.api<T>('PUT', `/applications/${appId}/review`, {
    token: reviewer.token,
    headers: { 'if-match': `"${version}"` },
    body: {
      scores: Object.entries(levels).map(([criterionId, level]) => ({ criterionId, level, comment: `Scored ${level} on ${criterionId}.` })),
    },
  });
}

/** Saves scores as a draft and submits them, as the reviewer. */
export async function score(t: TestPlatform, reviewer: Person, appId: string, levels: Record<string, string>) {
  const mine = expectStatus(
    await t.api<{ review: { version: number } }>('GET', `/applications/${appId}/review`, { token: reviewer.token }),
    200,
  ).json;
  const draft = await saveScores(t, reviewer, appId, mine.review.version, levels);
  expectStatus(draft, 200);
  const sent = await t.api<{ status: string; version: number }>('POST', `/applications/${appId}/review/submit`, {
    token: reviewer.token,
    headers: { 'if-match': `"${draft.json.version}"` },
  });
  return expectStatus(sent, 200).json;
}

export const all = (level: string): Record<string, string> => Object.fromEntries(CRITERIA.map((c) => [c, level]));

export const letter = {
  summary: 'The pathway has built a coherent sequence with strong partners.',
  strengths: ['Integrated projects every year', 'An engaged advisory board'],
  areasForGrowth: [{ componentId: 'WBL', text: 'Extend internships to every student.' }],
};

export async function decide(t: TestPlatform, w: World, appId: string, decision: string, extra: Record<string, unknown> = {}) {
  const res = await t.api('POST', `/applications/${appId}/decision`, { token: w.staff.token, body: { decision, letter, ...extra } });
  return expectStatus(res, 202).json;
}

export async function waitForStatus(t: TestPlatform, w: World, appId: string, status: string): Promise<AppView> {
  return until(`application ${appId} to be ${status}`, async () => {
    const app = await getApp(t, w.staff.token, appId);
    return app.status === status ? app : undefined;
  });
}

/** Waits until the application's current review execution has succeeded; answers the round then. */
export async function executionSucceeded(t: TestPlatform, w: World, appId: string): Promise<RoundBody> {
  return until(`the execution of ${appId} to succeed`, async () => {
    const r = await round(t, w, appId);
    return r?.execution?.status === 'SUCCEEDED' ? r : undefined;
  });
}

/**
 * The rest of a review that certifies: each of `seats` (by default every seat, once seated)
 * scores `meeting` throughout, staff certify once the application waits for a decision;
 * answers the round when the certification is recorded and the execution succeeded.
 */
export async function reviewAndCertify(t: TestPlatform, w: World, appId: string, seats?: readonly SeatView[]): Promise<RoundBody> {
  for (const s of seats ?? (await seated(t, w, appId))) await score(t, byReviewer(w, s.review!.reviewerSub), appId, all('meeting'));
  await waitForStatus(t, w, appId, 'decision_pending');
  await decide(t, w, appId, 'certified');
  await waitForStatus(t, w, appId, 'certified');
  return executionSucceeded(t, w, appId);
}

export interface ReviewAlert {
  kind: string;
  applicationId?: string;
  title: string;
  body: string;
  action?: { title: string; method: string; path: string };
}

/** Staff's review alerts of one kind for an application (GET /review-alerts, first 100). */
export async function reviewAlerts(t: TestPlatform, w: World, appId: string, kind: string): Promise<ReviewAlert[]> {
  const res = expectStatus(await t.api<{ items: ReviewAlert[] }>('GET', '/review-alerts?limit=100', { token: w.staff.token }), 200).json;
  return res.items.filter((a) => a.kind === kind && a.applicationId === appId);
}

/** The reviewer's open assignments as staff read them on the profile (the load the assignment rules limit). */
export async function openAssignments(t: TestPlatform, w: World, who: Person): Promise<number> {
  return expectStatus(await t.api<{ openAssignments: number }>('GET', `/reviewers/${who.sub}`, { token: w.staff.token }), 200).json
    .openAssignments;
}

/** A new Step Functions client for the test platform (the caller may destroy it). */
export function sfn(t: TestPlatform): SFNClient {
  return new SFNClient({
    endpoint: t.platform.sfnEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** history's client: one per platform, since tests poll the history in loops. */
const historyClients = new WeakMap<TestPlatform, SFNClient>();

/** The execution's full history from the local Step Functions endpoint, through the real SDK. */
export async function history(t: TestPlatform, executionArn: string): Promise<HistoryEvent[]> {
  let client = historyClients.get(t);
  if (!client) historyClients.set(t, (client = sfn(t)));
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export const statesEntered = (events: HistoryEvent[]) =>
  events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name ?? '?');

/** Published domain events of a type for an application (from the local EventBridge). */
export function published(t: TestPlatform, detailType: string, applicationId: string) {
  return t.platform.events.published().filter((e) => e['detail-type'] === detailType && e.detail.applicationId === applicationId);
}

/** Another pathway in the same school, led by the same lead (one open application per pathway). */
export async function anotherPathway(t: TestPlatform, w: World, name: string): Promise<World> {
  const pathway = await createPathway(t, w.staff, w.school.id, { name: unique(name) });
  await joinPathway(t, w.staff, pathway.id, w.lead, 'lead');
  return { ...w, pathway };
}

/** Staff update of a reviewer profile (read, change, write with If-Match). */
export async function updateReviewer(t: TestPlatform, w: World, who: Person, change: Record<string, unknown>) {
  const current = expectStatus(
    await t.api<Record<string, unknown> & { version: number }>('GET', `/reviewers/${who.sub}`, { token: w.staff.token }),
    200,
  ).json;
  const { sub: _s, openAssignments: _o, version, createdAt: _c, updatedAt: _u, ...fields } = current;
  const res = await t.api('PUT', `/reviewers/${who.sub}`, {
    token: w.staff.token,
    headers: { 'if-match': `"${version}"` },
    body: { ...fields, ...change },
  });
  return expectStatus(res, 200).json;
}

/** A submitted application of a fresh draft: open, write every criterion, submit. */
export async function submitted(t: TestPlatform, w: World, target = 'candidacy'): Promise<string> {
  const opened = await openApplication(t, w, target);
  await writeResponses(t, w, opened.id, 'Narrative');
  await submit(t, w, opened.id);
  return opened.id;
}
