/**
 * A property test of "a team never scores itself", against the real local platform (HTTP
 * API, DynamoDB Local, the review state machine): random sequences of memberships (joining
 * the pathway under review, another pathway of its district, the district itself, or a
 * pathway elsewhere), declared conflicts, memberships written straight into the table (as
 * the seed does, with no use case around them), recusals, review saves and submissions, and
 * staff's hand assignments, with the workflow assigning and replacing reviewers as it goes.
 *
 * After every action: no open review is held by someone who became conflicted through the
 * API (their seat is vacated in the same request). At the end, once the workflow settled:
 * no submitted review comes from a person who was conflicted when it was submitted, and
 * every vacated seat was filled again or is waiting for staff with a vacancy alert; every
 * seat lost to a conflict raised exactly one conflict alert.
 *
 * Bounded: CONFLICTS_RUNS runs (default 4) of at most 10 actions; no shrinking (each run is
 * a few seconds of real workflow). Replay a failing run with CONFLICTS_SEED=<seed printed>.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembership } from '#store/people.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectStatus, type Person } from '../support/registry-world.ts';
import {
  all,
  anotherPathway,
  buildWorld,
  reviewAlerts,
  reviewerSpecs,
  round,
  saveScores,
  seated,
  submitted,
  until,
  type World,
} from '../support/review-world.ts';

const SEED = Number(process.env.CONFLICTS_SEED ?? 20261206);
const RUNS = Number(process.env.CONFLICTS_RUNS ?? 4);
const MAX_ACTIONS = 10;

const kinds = [
  'join-pathway',
  'join-sibling',
  'join-district',
  'join-elsewhere',
  'declare-pathway',
  'declare-district',
  'direct-join',
  'recuse',
  'save',
  'submit',
  'staff-assign',
] as const;
type Kind = (typeof kinds)[number];
interface Action {
  kind: Kind;
  /** Which person: the current seat holders first, then the run's other reviewers. */
  who: number;
}

// Weighted toward what can go wrong: the seat holders (who 0–1 are the current ones) writing
// their review after a conflict arose, in the API or straight in the table.
const weights: Record<Kind, number> = {
  'join-pathway': 2,
  'join-sibling': 2,
  'join-district': 1,
  'join-elsewhere': 1,
  'declare-pathway': 1,
  'declare-district': 1,
  'direct-join': 3,
  recuse: 1,
  save: 2,
  submit: 4,
  'staff-assign': 1,
};
const actionArb = fc.record({
  kind: fc.oneof(...kinds.map((k) => ({ arbitrary: fc.constant(k), weight: weights[k] }))),
  who: fc.oneof({ arbitrary: fc.nat({ max: 1 }), weight: 3 }, { arbitrary: fc.nat({ max: 5 }), weight: 1 }),
});

let t: TestPlatform;
let elsewhere: { lead: Person; pathwayId: string };
const people = new Map<string, Person>();

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true });
  // A district, school and pathway of their own, with a lead (no reviewers).
  const other = await buildWorld(t, 'pc-elsewhere', []);
  elsewhere = { lead: other.lead, pathwayId: other.pathway.id };
});
afterAll(() => t?.stop());

interface ReviewRow {
  id: string;
  seat: number;
  reviewerSub: string;
  status: string;
  submittedAt?: string;
  conflict?: string[];
}
interface SeatRow {
  seat: number;
  waitingFor: string | null;
  review: ReviewRow | null;
}
interface RoundRow {
  seats: SeatRow[];
  reviews: ReviewRow[];
}

const isOpen = (r: { status: string }) => r.status === 'assigned' || r.status === 'in_progress';

async function readRound(w: World, appId: string): Promise<RoundRow> {
  return (await round(t, w, appId)) as unknown as RoundRow;
}

async function alerts(w: World, appId: string, kind: string): Promise<number> {
  return (await reviewAlerts(t, w, appId, kind)).length;
}

/** Invites (as `by`) and accepts (as `who`); nothing when `who` is already a member. */
async function join(path: string, by: Person, who: Person, role: string): Promise<boolean> {
  const inv = await t.api<{ id: string }>('POST', `${path}/invitations`, { token: by.token, body: { email: who.email, role } });
  expect(inv.status, inv.text).toBeLessThan(500);
  if (inv.status === 409) return false;
  expect([200, 201], inv.text).toContain(inv.status);
  const accepted = await t.api('POST', `/me/invitations/${inv.json.id}/accept`, { token: who.token });
  expect(accepted.status, accepted.text).toBeLessThan(500);
  return accepted.status === 200;
}

async function declare(who: Person, conflicts: { districtIds: string[]; pathwayIds: string[] }): Promise<boolean> {
  const profile = expectStatus(
    await t.api<{ version: number; conflicts: { districtIds: string[]; pathwayIds: string[] } }>('GET', '/me/reviewer-profile', {
      token: who.token,
    }),
    200,
  ).json;
  const merged = {
    districtIds: [...new Set([...profile.conflicts.districtIds, ...conflicts.districtIds])],
    pathwayIds: [...new Set([...profile.conflicts.pathwayIds, ...conflicts.pathwayIds])],
  };
  const res = await t.api('PATCH', '/me/reviewer-profile', {
    token: who.token,
    headers: { 'if-match': `"${profile.version}"` },
    body: { conflicts: merged },
  });
  expect(res.status, res.text).toBeLessThan(500);
  return res.status === 200;
}

async function saveDraft(who: Person, appId: string) {
  const mine = await t.api<{ review: { version: number } }>('GET', `/applications/${appId}/review`, { token: who.token });
  if (mine.status !== 200) return mine;
  return saveScores(t, who, appId, mine.json.review.version, all('meeting'));
}

/** One run: a fresh district, pathway and application under review, then the actions. */
async function run(actions: Action[], index: number): Promise<void> {
  const prefix = `pc${index}x${Date.now().toString(36)}`;
  const w = await buildWorld(t, prefix, reviewerSpecs(prefix, ['R0', 'R1', 'R2', 'R3']));
  for (const r of w.reviewers) people.set(r.sub, r);
  const sibling = await anotherPathway(t, w, `${prefix} Sibling Academy`);
  const appId = await submitted(t, w);
  await seated(t, w, appId);

  // When each person became conflicted with the pathway under review: through the API
  // (enforced at once) or straight in the table (enforced by the review's own writes).
  const viaApi = new Map<string, number>();
  const viaTable = new Map<string, number>();
  const conflictedSince = (sub: string) => Math.min(viaApi.get(sub) ?? Infinity, viaTable.get(sub) ?? Infinity);
  const mark = (map: Map<string, number>, sub: string) => {
    if (!map.has(sub)) map.set(sub, Date.now());
  };

  for (const [step, action] of actions.entries()) {
    const view = await readRound(w, appId);
    const holders = view.seats.flatMap((s) => (s.review && isOpen(s.review) ? [s.review.reviewerSub] : []));
    const pool = [...new Set([...holders, ...w.reviewers.map((r) => r.sub)])];
    const sub = pool[action.who % pool.length]!;
    const who = people.get(sub);
    if (!who) throw new Error(`no token for ${sub}`);
    const where = `run ${index} step ${step} ${action.kind} by ${sub}`;

    switch (action.kind) {
      case 'join-pathway':
        if (await join(`/pathways/${w.pathway.id}`, w.lead, who, 'member')) mark(viaApi, sub);
        break;
      case 'join-sibling':
        if (await join(`/pathways/${sibling.pathway.id}`, w.lead, who, 'member')) mark(viaApi, sub);
        break;
      case 'join-district':
        if (await join(`/districts/${w.district.id}`, w.staff, who, 'data')) mark(viaApi, sub);
        break;
      case 'join-elsewhere':
        await join(`/pathways/${elsewhere.pathwayId}`, elsewhere.lead, who, 'member');
        break;
      case 'declare-pathway':
        if (await declare(who, { districtIds: [], pathwayIds: [w.pathway.id] })) mark(viaApi, sub);
        break;
      case 'declare-district':
        if (await declare(who, { districtIds: [w.district.id], pathwayIds: [] })) mark(viaApi, sub);
        break;
      case 'direct-join': {
        const at = new Date().toISOString();
        try {
          await addMembership(
            {
              kind: 'pathway',
              sub,
              pathwayId: sibling.pathway.id,
              districtId: w.district.id,
              schoolId: w.school.id,
              role: 'member',
              since: at,
              version: 1,
              updatedAt: at,
            },
            { sub: 'seed', name: 'seed' },
          );
          mark(viaTable, sub);
        } catch {
          // Already a member of the sibling pathway: nothing changed.
        }
        break;
      }
      case 'recuse': {
        const res = await t.api('POST', `/applications/${appId}/review/recuse`, { token: who.token, body: { reason: 'Stepping aside.' } });
        expect(res.status, `${where}: ${res.text}`).toBeLessThan(500);
        break;
      }
      case 'save': {
        const res = await saveDraft(who, appId);
        expect(res.status, `${where}: ${res.text}`).toBeLessThan(500);
        if (res.status === 200) expect(conflictedSince(sub), `${where}: a conflicted reviewer saved scores`).toBe(Infinity);
        break;
      }
      case 'submit': {
        const draft = await saveDraft(who, appId);
        expect(draft.status, `${where}: ${draft.text}`).toBeLessThan(500);
        if (draft.status !== 200) break;
        const res = await t.api('POST', `/applications/${appId}/review/submit`, {
          token: who.token,
          headers: { 'if-match': `"${(draft.json as { version: number }).version}"` },
        });
        expect(res.status, `${where}: ${res.text}`).toBeLessThan(500);
        if (res.status === 200) expect(conflictedSince(sub), `${where}: a conflicted reviewer submitted`).toBe(Infinity);
        break;
      }
      case 'staff-assign': {
        const waiting = view.seats.find((s) => s.waitingFor === 'staff-assignment');
        if (!waiting) break;
        const res = await t.api('PUT', `/applications/${appId}/review-round/seats/${waiting.seat}`, {
          token: w.staff.token,
          body: { reviewerSub: sub, override: { load: true, availability: true } },
        });
        expect(res.status, `${where}: ${res.text}`).toBeLessThan(500);
        if (res.status === 200) expect(conflictedSince(sub), `${where}: staff seated a conflicted reviewer`).toBe(Infinity);
        break;
      }
    }

    // At every moment: nobody conflicted through the API still holds an open seat.
    const after = await readRound(w, appId);
    for (const r of after.reviews.filter(isOpen)) {
      expect(viaApi.has(r.reviewerSub), `${where}: ${r.reviewerSub} holds an open seat while conflicted`).toBe(false);
    }
  }

  // Let the workflow settle: every seat held, or waiting for staff.
  const settled = await until(
    `run ${index}: every seat held or waiting for staff`,
    async () => {
      const r = await readRound(w, appId);
      return r.seats.every(
        (s) => (s.review && (isOpen(s.review) || s.review.status === 'submitted')) || s.waitingFor === 'staff-assignment',
      )
        ? r
        : undefined;
    },
    20_000,
  );
  for (const r of settled.reviews) {
    if (r.status === 'submitted') {
      expect(Date.parse(r.submittedAt!) < conflictedSince(r.reviewerSub), `run ${index}: ${r.reviewerSub} submitted while conflicted`).toBe(
        true,
      );
    }
    if (r.status === 'recused' || r.status === 'reassigned') {
      const seat = settled.seats.find((s) => s.seat === r.seat)!;
      const replaced = seat.review !== null && seat.review.id !== r.id;
      if (!replaced) {
        expect(seat.waitingFor, `run ${index}: seat ${r.seat} vacated and neither filled nor waiting for staff`).toBe('staff-assignment');
        expect(await alerts(w, appId, 'review.vacancy'), `run ${index}: seat ${r.seat} vacated with no alert`).toBeGreaterThan(0);
      }
    }
  }
  const lostToConflict = settled.reviews.filter((r) => r.conflict && r.conflict.length > 0).length;
  const count = (status: string) => settled.reviews.filter((r) => r.status === status).length;
  console.log(
    `run ${index}: ${actions.map((a) => a.kind).join(' ')} → ${count('submitted')} submitted, ${count('recused')} recused (${lostToConflict} for a conflict), ${count('reassigned')} reassigned`,
  );
  expect(await alerts(w, appId, 'review.conflict'), `run ${index}: one conflict alert per seat lost to a conflict`).toBe(lostToConflict);
}

describe('review conflicts: property', () => {
  it(`random memberships, conflicts, recusals and reviews never let a conflicted review through (seed ${SEED}, ${RUNS} runs)`, async () => {
    console.log(`review-conflicts property: CONFLICTS_SEED=${SEED} CONFLICTS_RUNS=${RUNS}`);
    let index = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 4, maxLength: MAX_ACTIONS }), async (actions) => {
        await run(actions, index++);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);
});
