/**
 * The certification journey through the local HTTP API: opening (rules, one open
 * application), responses with per-response versions (stale → 412, concurrent writers →
 * exactly one winner), submit (completeness, idempotency, the lead only), withdraw, the
 * lists, and who sees what.
 *
 * Pathways, memberships and assignments are written straight into the table (their API
 * belongs to the registry and people groups); everything under test goes through HTTP.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completenessGaps } from '#core/completeness.ts';
import { criteriaFor, type LocatedCriterion } from '#core/framework.ts';
import { newId } from '#core/ids.ts';
import type { Level } from '#core/levels.ts';
import { SEED_FRAMEWORK_ID, seedFramework } from '#core/seed-framework.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { nowIso } from '#lib/clock.ts';
import { certificationHistoryItem, type ResponseRecord } from '#store/applications.ts';
import type { Application } from '#store/application-reads.ts';
import { queryAll } from '#store/db.ts';
import type { Pathway, PathwayRole } from '#store/entities.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import * as keys from '#store/keys.ts';
import { subjectForEmail } from '../../infra/local/dev-issuer.ts';
import { seedAvailableEvidence } from '../support/evidence.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

type Page<T> = { items: T[]; nextCursor?: string };
type Full = Application & { responses: ResponseRecord[] };
type ProblemBody = {
  status: number;
  type: string;
  detail?: string;
  errors?: { in: string; field: string; code?: string; message: string }[];
  currentVersion?: number;
  current?: ResponseRecord | null;
  reasons?: string[];
  openApplicationId?: string;
};

const DAY = 24 * 60 * 60 * 1000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

let t: TestPlatform;
let staff: string;

async function put(item: Record<string, unknown>) {
  await dynamoClient().send(new PutCommand({ TableName: t.platform.tableName, Item: item }));
}

interface Team {
  pathway: Pathway;
  lead: string;
  member: string;
  /** Evidence (issue 4): a verified item of the pathway's library (four versions), for references. */
  evidenceId: string;
}

let teams = 0;
/** A pathway with a lead and a member, each with their own token. */
async function team(certification: { level: Level; until: string } | null = null): Promise<Team> {
  const n = ++teams;
  const at = nowIso();
  const pathway: Pathway = {
    id: newId('pathway'),
    districtId: newId('district'),
    schoolId: newId('school'),
    name: `Health Academy ${n}`,
    sector: 'health_science_medical_technology',
    gradesServed: [9, 10, 11, 12],
    model: 'wall_to_wall_academy',
    enrollment: 320,
    status: 'active',
    certificationLevel: certification?.level ?? null,
    certifiedUntil: certification?.until ?? null,
    schoolName: `High School ${n}`,
    districtName: 'Test Unified',
    state: 'CA',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await put({ ...keys.pathway(pathway.id), ...keys.pathwayIndexes({ ...pathway, certified: false }), _type: 'pathway', ...pathway });
  const member = async (email: string, role: PathwayRole) => {
    const sub = subjectForEmail(email);
    await put({
      ...keys.pathwayMembership(sub, pathway.id),
      ...keys.pathwayMembershipIndexes(pathway.id, role, sub),
      _type: 'membership',
      kind: 'pathway',
      sub,
      pathwayId: pathway.id,
      districtId: pathway.districtId,
      schoolId: pathway.schoolId,
      role,
      since: at,
      email,
    });
    return t.token('pathway', { email });
  };
  const [evidenceId] = await seedAvailableEvidence(pathway.id, { versions: 4 });
  return {
    pathway,
    lead: await member(`lead${n}@example.org`, 'lead'),
    member: await member(`member${n}@example.org`, 'member'),
    evidenceId: evidenceId!,
  };
}

async function open(tm: Team, target: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return t.api<Application & Omit<ProblemBody, 'status'>>('POST', `/pathways/${tm.pathway.id}/applications`, {
    token: tm.lead,
    body: { target, ...extra },
    headers,
  });
}

/** A complete answer to a criterion: a narrative and one evidence reference per required kind (the team's item). */
function completeAnswer(c: LocatedCriterion, tm: Team) {
  return {
    narrative: `## ${c.criterion.id}\n\nOur team meets this criterion: ${c.criterion.text}`,
    evidence: c.criterion.evidence.filter((e) => e.required).map((e, i) => ({ evidenceId: tm.evidenceId, version: i + 1, kind: e.kind })),
  };
}

const respond = (
  token: string,
  appId: string,
  criterionId: string,
  body: unknown,
  headers: Record<string, string> = { 'if-none-match': '*' },
) => t.api<ResponseRecord & ProblemBody>('PUT', `/applications/${appId}/responses/${criterionId}`, { token, body, headers });

const auditOf = (pathwayId: string) => queryAll(keys.auditPartition({ kind: 'pathway', id: pathwayId }));

beforeAll(async () => {
  t = await startTestPlatform();
  await putPublishedFramework(seedFramework);
  staff = await t.token('staff', { email: 'app-staff@example.org' });
});
afterAll(() => t?.stop());

describe('the candidacy journey', () => {
  it('open → answer every applicable criterion → submit', async () => {
    const tm = await team();
    const opened = await open(tm, 'candidacy', {}, { 'idempotency-key': 'open-journey-1' });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({
      status: 'draft',
      target: 'candidacy',
      level: 'candidacy',
      frameworkId: SEED_FRAMEWORK_ID,
      version: 1,
      submissionNumber: 0,
    });
    expect(opened.headers.get('location')).toBe(`/applications/${opened.json.id}`);
    const id = opened.json.id;

    const empty = await t.api<Full>('GET', `/applications/${id}`, { token: tm.member });
    expect(empty.status).toBe(200);
    expect(empty.json.responses).toEqual([]);
    expect(empty.headers.get('etag')).toBe('"1"');

    const criteria = criteriaFor(seedFramework, 'candidacy');
    expect(criteria.length).toBeGreaterThan(3);
    for (const [i, c] of criteria.entries()) {
      // Lead and member share the work; creation is If-None-Match: * or version 0.
      const res =
        i % 2 === 0
          ? await respond(tm.lead, id, c.criterion.id, completeAnswer(c, tm))
          : await respond(tm.member, id, c.criterion.id, { ...completeAnswer(c, tm), version: 0 }, {});
      expect(res.status, c.criterion.id).toBe(201);
      expect(res.json.version).toBe(1);
      expect(res.headers.get('etag')).toBe('"1"');
    }
    const first = criteria[0]!.criterion.id;
    const edited = await respond(
      tm.member,
      id,
      first,
      { narrative: 'A better narrative with words.', evidence: completeAnswer(criteria[0]!, tm).evidence },
      { 'if-match': '"1"' },
    );
    expect(edited.status).toBe(200);
    expect(edited.json.version).toBe(2);

    const full = await t.api<Full>('GET', `/applications/${id}`, { token: tm.lead });
    expect(full.json.responses).toHaveLength(criteria.length);

    const submitted = await t.api<Application>('POST', `/applications/${id}/submit`, { token: tm.lead, headers: { 'if-match': '"1"' } });
    expect(submitted.status).toBe(200);
    expect(submitted.json).toMatchObject({ status: 'submitted', submissionNumber: 1, version: 2 });
    expect(submitted.json.submittedAt).toBeTruthy();
    expect(submitted.headers.get('etag')).toBe('"2"');

    // In the staff queue (status submitted, oldest first) and in the pathway's list.
    const queue = await t.api<Page<Application>>('GET', '/applications?status=submitted&limit=100', { token: staff });
    expect(queue.json.items.map((a) => a.id)).toContain(id);
    const byDefault = await t.api<Page<Application>>('GET', '/applications?limit=100', { token: staff });
    expect(byDefault.json.items.map((a) => a.id)).toContain(id);
    expect(
      (await t.api<Page<Application>>('GET', '/applications?status=draft&limit=100', { token: staff })).json.items.map((a) => a.id),
    ).not.toContain(id);
    const list = await t.api<Page<Application>>('GET', `/pathways/${tm.pathway.id}/applications`, { token: tm.member });
    expect(list.json.items.map((a) => a.id)).toEqual([id]);

    // Read-only to the team now.
    const late = await respond(tm.member, id, first, { narrative: 'too late' }, { 'if-match': '"2"' });
    expect(late.status).toBe(409);

    // The trail: opened, every response, submitted; never the narrative text itself.
    const audit = await auditOf(tm.pathway.id);
    const actions = audit.map((e) => e.action);
    expect(actions.filter((a) => a === 'application.opened')).toHaveLength(1);
    expect(actions.filter((a) => a === 'application.response.created')).toHaveLength(criteria.length);
    expect(actions.filter((a) => a === 'application.response.updated')).toHaveLength(1);
    expect(actions.filter((a) => a === 'application.submitted')).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('A better narrative');
    const update = audit.find((e) => e.action === 'application.response.updated') as { changes: { field: string; to: unknown }[] };
    expect(update.changes).toContainEqual(
      expect.objectContaining({ field: `responses.${first}.narrative`, to: { length: 'A better narrative with words.'.length } }),
    );
  });
});

describe('opening rules', () => {
  it('silver before candidacy → 422 with the reason', async () => {
    const tm = await team();
    const res = await open(tm, 'silver');
    expect(res.status).toBe(422);
    expect(res.json.errors).toContainEqual(expect.objectContaining({ field: 'target', code: 'requires_candidacy' }));
    expect(res.json.reasons).toEqual(['requires_candidacy']);
  });

  it('gold requires silver; renewal needs something to renew and an open window', async () => {
    const candidate = await team({ level: 'candidacy', until: isoDay(300) });
    expect((await open(candidate, 'gold')).json.reasons).toEqual(['requires_silver']);
    expect((await open(candidate, 'renewal')).json.reasons).toEqual(['level_not_renewable']);
    const fresh = await team();
    expect((await open(fresh, 'renewal')).json.reasons).toEqual(['nothing_to_renew']);

    const early = await team({ level: 'silver', until: isoDay(400) });
    const notYet = await open(early, 'renewal');
    expect(notYet.status).toBe(422);
    expect(notYet.json.reasons).toEqual(['renewal_window_not_open']);

    const due = await team({ level: 'silver', until: isoDay(90) });
    const renewal = await open(due, 'renewal');
    expect(renewal.status).toBe(201);
    expect(renewal.json).toMatchObject({ target: 'renewal', level: 'silver', renewal: true });

    const silver = await team({ level: 'candidacy', until: isoDay(300) });
    expect((await open(silver, 'silver')).status).toBe(201);
  });

  it('renewal after expiry is read from the certification history', async () => {
    const lapsed = await team(); // the pathway item no longer carries the expired level
    await put(
      certificationHistoryItem({
        id: newId('certification'),
        pathwayId: lapsed.pathway.id,
        level: 'gold',
        issuedAt: '2022-05-01T00:00:00.000Z',
        validUntil: '2025-05-01',
      }),
    );
    expect((await open(lapsed, 'silver')).json.reasons).toEqual(['already_beyond_level']);
    const res = await open(lapsed, 'renewal');
    expect(res.status).toBe(201);
    expect(res.json.level).toBe('gold');
  });

  it('one open application per pathway (409); withdrawing frees the pathway', async () => {
    const tm = await team();
    const first = await open(tm, 'candidacy');
    expect(first.status).toBe(201);
    const second = await open(tm, 'candidacy');
    expect(second.status).toBe(409);
    expect(second.json.openApplicationId).toBe(first.json.id);
    // Another failing rule as well: 422 listing both.
    const both = await open(tm, 'gold');
    expect(both.status).toBe(422);
    expect(both.json.reasons?.sort()).toEqual(['open_application_exists', 'requires_silver']);

    expect(
      (await t.api('POST', `/applications/${first.json.id}/withdraw`, { token: tm.member, headers: { 'if-match': '"1"' } })).status,
    ).toBe(403);
    expect((await t.api('POST', `/applications/${first.json.id}/withdraw`, { token: tm.lead })).status).toBe(428);
    expect(
      (await t.api('POST', `/applications/${first.json.id}/withdraw`, { token: tm.lead, headers: { 'if-match': '"5"' } })).status,
    ).toBe(412);
    const withdrawn = await t.api<Application>('POST', `/applications/${first.json.id}/withdraw`, {
      token: tm.lead,
      headers: { 'if-match': '"1"' },
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json).toMatchObject({ status: 'withdrawn', version: 2 });
    const again = await t.api<ProblemBody>('POST', `/applications/${first.json.id}/withdraw`, {
      token: tm.lead,
      headers: { 'if-match': '"2"' },
    });
    expect(again.status).toBe(409);

    const reopened = await open(tm, 'candidacy');
    expect(reopened.status).toBe(201);
    const list = await t.api<Page<Application>>('GET', `/pathways/${tm.pathway.id}/applications`, { token: tm.lead });
    expect(list.json.items.map((a) => a.id)).toEqual([reopened.json.id, first.json.id]);
    const onlyWithdrawn = await t.api<Page<Application>>('GET', `/pathways/${tm.pathway.id}/applications?status=withdrawn`, {
      token: tm.lead,
    });
    expect(onlyWithdrawn.json.items.map((a) => a.id)).toEqual([first.json.id]);
    const paged = await t.api<Page<Application>>('GET', `/pathways/${tm.pathway.id}/applications?limit=1`, { token: tm.lead });
    expect(paged.json.items.map((a) => a.id)).toEqual([reopened.json.id]);
    const next = await t.api<Page<Application>>('GET', `/pathways/${tm.pathway.id}/applications?limit=1&cursor=${paged.json.nextCursor}`, {
      token: tm.lead,
    });
    expect(next.json.items.map((a) => a.id)).toEqual([first.json.id]);
  });

  it('a retried open with the same Idempotency-Key creates one application', async () => {
    const tm = await team();
    const headers = { 'idempotency-key': 'open-retry-0001' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => open(tm, 'candidacy', {}, headers)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    const list = await t.api<Page<Application>>('GET', `/pathways/${tm.pathway.id}/applications`, { token: tm.lead });
    expect(list.json.items).toHaveLength(1);
  });

  it('members cannot open; an unknown or unpublished framework is 422', async () => {
    const tm = await team();
    expect(
      (await t.api('POST', `/pathways/${tm.pathway.id}/applications`, { token: tm.member, body: { target: 'candidacy' } })).status,
    ).toBe(403);
    const unknown = await open(tm, 'candidacy', { frameworkId: newId('framework') });
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors).toContainEqual(expect.objectContaining({ field: 'frameworkId', code: 'framework_not_published' }));
    const badTarget = await open(tm, 'platinum');
    expect(badTarget.status).toBe(400);
    expect(badTarget.json.errors?.[0]?.field).toBe('target');
  });
});

describe('responses', () => {
  let tm: Team;
  let appId: string;
  const criteria = criteriaFor(seedFramework, 'candidacy');
  const c0 = criteria[0]!.criterion.id;

  beforeAll(async () => {
    tm = await team();
    appId = (await open(tm, 'candidacy')).json.id;
  });

  it('needs a precondition; a stale write gets 412 with the current version and response', async () => {
    expect((await respond(tm.lead, appId, c0, { narrative: 'x' }, {})).status).toBe(428);
    expect((await respond(tm.lead, appId, c0, { narrative: 'First words.' })).status).toBe(201);
    const create2 = await respond(tm.member, appId, c0, { narrative: 'Also first?' });
    expect(create2.status).toBe(412);
    expect(create2.json.currentVersion).toBe(1);
    expect(await respond(tm.member, appId, c0, { narrative: 'Second words.' }, { 'if-match': '"1"' })).toMatchObject({ status: 200 });
    const stale = await respond(tm.lead, appId, c0, { narrative: 'Based on the first.' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe('"2"');
    expect(stale.json.currentVersion).toBe(2);
    expect(stale.json.current).toMatchObject({ criterionId: c0, version: 2, narrative: 'Second words.' });
    const bodyVersion = await respond(tm.lead, appId, c0, { narrative: 'Via the body.', version: 2 }, {});
    expect(bodyVersion.status).toBe(200);
    expect((await respond(tm.lead, appId, c0, { narrative: 'x', version: 1 }, { 'if-match': '"3"' })).status).toBe(400);
  });

  it('100 concurrent edits with the same If-Match: exactly one wins, 99 × 412, nothing silently lost', async () => {
    const c = criteria[1]!.criterion.id;
    expect((await respond(tm.lead, appId, c, { narrative: 'base' })).status).toBe(201);
    const tokens = [tm.lead, tm.member];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => respond(tokens[i % 2]!, appId, c, { narrative: `edit number ${i}` }, { 'if-match': '"1"' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(99);
    const winner = results.find((r) => r.status === 200)!;
    for (const r of results.filter((r) => r.status === 412)) expect(r.json.currentVersion).toBe(2);
    const stored = await t.api<Full>('GET', `/applications/${appId}`, { token: tm.lead });
    const response = stored.json.responses.find((r) => r.criterionId === c)!;
    expect(response.version).toBe(2);
    expect(response.narrative).toBe(winner.json.narrative);
    const audit = await auditOf(tm.pathway.id);
    expect(
      audit.filter((e) => e.action === 'application.response.updated' && JSON.stringify(e.changes).includes(`responses.${c}.`)),
    ).toHaveLength(1);
  });

  it('bounds: narrative size, evidence references, criterion ids', async () => {
    const c = criteria[2]!.criterion.id;
    const long = await respond(tm.lead, appId, c, { narrative: 'x'.repeat(20_001) });
    expect(long.status).toBe(400);
    expect(long.json.errors).toContainEqual(expect.objectContaining({ field: 'narrative' }));
    expect((await respond(tm.lead, appId, c, { narrative: 'x'.repeat(20_000) })).status).toBe(201);

    const badEvidence = await respond(tm.lead, appId, c, { narrative: 'ok', evidence: [{ evidenceId: 'doc-1' }] }, { 'if-match': '"1"' });
    expect(badEvidence.status).toBe(400);
    expect(badEvidence.json.errors?.[0]?.field).toBe('evidence.0.evidenceId');
    const tooMany = Array.from({ length: 21 }, () => ({ evidenceId: newId('evidence') }));
    expect((await respond(tm.lead, appId, c, { narrative: 'ok', evidence: tooMany }, { 'if-match': '"1"' })).status).toBe(400);
    const ev = tm.evidenceId;
    expect(
      (await respond(tm.lead, appId, c, { narrative: 'ok', evidence: [{ evidenceId: ev }, { evidenceId: ev }] }, { 'if-match': '"1"' }))
        .status,
    ).toBe(400);
    // Evidence (issue 4): a well-formed id that names no item of the pathway's library is 422.
    const unknown = await respond(
      tm.lead,
      appId,
      c,
      { narrative: 'ok', evidence: [{ evidenceId: newId('evidence') }] },
      { 'if-match': '"1"' },
    );
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors).toContainEqual(expect.objectContaining({ field: 'evidence.0', code: 'unknown_item' }));
    const unknownField = await respond(tm.lead, appId, c, { narrative: 'ok', score: 4 }, { 'if-match': '"1"' });
    expect(unknownField.json.errors).toContainEqual(expect.objectContaining({ field: 'score', code: 'unknown_field' }));
    const wrongType = await respond(tm.lead, appId, c, { narrative: 42 }, { 'if-match': '"1"' });
    expect(wrongType.status).toBe(400);
    const missing = await respond(tm.lead, appId, c, { evidence: [] }, { 'if-match': '"1"' });
    expect(missing.json.errors).toContainEqual(expect.objectContaining({ field: 'narrative' }));
    const typed = await respond(
      tm.lead,
      appId,
      c,
      { narrative: 'ok', evidence: [{ evidenceId: ev, version: 2, kind: 'syllabus' }] },
      { 'if-match': '"1"' },
    );
    expect(typed.status).toBe(200);
    expect(typed.json.evidence).toEqual([{ evidenceId: ev, version: 2, kind: 'syllabus' }]);

    // Unknown criterion: 404. A criterion the level does not assess: 422. Not an id at all: 400.
    expect((await respond(tm.lead, appId, 'ZZ-9.9', { narrative: 'ok' })).status).toBe(404);
    const goldOnly = seedFramework.components
      .flatMap((k) => k.standards.flatMap((s) => s.criteria))
      .find((k) => !k.levels.includes('candidacy'))!;
    const notAssessed = await respond(tm.lead, appId, goldOnly.id, { narrative: 'ok' });
    expect(notAssessed.status).toBe(422);
    expect(notAssessed.json.errors?.[0]?.code).toBe('criterion_not_applicable');
    expect((await respond(tm.lead, appId, 'not a criterion', { narrative: 'ok' })).status).toBe(400);
  });
});

describe('submitting', () => {
  it('with gaps → 422 listing every gap', async () => {
    const tm = await team();
    const app = (await open(tm, 'candidacy')).json;
    const criteria = criteriaFor(seedFramework, 'candidacy');
    // One narrative without evidence, one whitespace narrative, the rest unanswered.
    await respond(tm.lead, app.id, criteria[0]!.criterion.id, { narrative: 'We have a vision.' });
    await respond(tm.lead, app.id, criteria[1]!.criterion.id, { narrative: '   ' });
    const res = await t.api<ProblemBody>('POST', `/applications/${app.id}/submit`, { token: tm.lead, headers: { 'if-match': '"1"' } });
    expect(res.status).toBe(422);
    const expected = completenessGaps(seedFramework, 'candidacy', {
      [criteria[0]!.criterion.id]: { narrative: 'We have a vision.', evidence: [] },
      [criteria[1]!.criterion.id]: { narrative: '   ', evidence: [] },
    });
    expect(expected.length).toBeGreaterThan(criteria.length);
    expect(res.json.errors).toEqual(
      expected.map((g) => ({ in: 'body', field: `responses.${g.criterionId}`, message: g.message, code: g.code })),
    );
    const still = await t.api<Application>('GET', `/applications/${app.id}`, { token: tm.lead });
    expect(still.json.status).toBe('draft');
  });

  it('only the lead submits: members 403, another pathway\u2019s lead 404, staff 403', async () => {
    const tm = await team();
    const other = await team();
    const app = (await open(tm, 'candidacy')).json;
    expect((await t.api('POST', `/applications/${app.id}/submit`, { token: tm.member, headers: { 'if-match': '"1"' } })).status).toBe(403);
    expect((await t.api('POST', `/applications/${app.id}/submit`, { token: other.lead, headers: { 'if-match': '"1"' } })).status).toBe(404);
    expect((await t.api('GET', `/applications/${app.id}`, { token: other.lead })).status).toBe(404);
    expect((await respond(other.lead, app.id, criteriaFor(seedFramework, 'candidacy')[0]!.criterion.id, { narrative: 'x' })).status).toBe(
      404,
    );
    expect((await t.api('GET', `/pathways/${tm.pathway.id}/applications`, { token: other.member })).status).toBe(404);
    expect(
      (await t.api('POST', `/pathways/${tm.pathway.id}/applications`, { token: other.lead, body: { target: 'candidacy' } })).status,
    ).toBe(404);
    // Staff may see and withdraw but never submit for a team.
    expect((await t.api('POST', `/applications/${app.id}/submit`, { token: staff, headers: { 'if-match': '"1"' } })).status).toBe(403);
    expect((await t.api('GET', `/applications/${app.id}`, { token: staff })).status).toBe(200);
    expect((await t.api('POST', `/applications/${app.id}/submit`, { token: tm.lead })).status).toBe(428);
    // Non-staff, non-reviewers have no queue.
    expect((await t.api('GET', '/applications', { token: tm.lead })).status).toBe(403);
  });

  it('20 concurrent submits with one Idempotency-Key: one submission, identical answers', async () => {
    const tm = await team();
    const app = (await open(tm, 'candidacy')).json;
    for (const c of criteriaFor(seedFramework, 'candidacy')) {
      expect((await respond(tm.lead, app.id, c.criterion.id, completeAnswer(c, tm))).status).toBe(201);
    }
    const headers = { 'if-match': '"1"', 'idempotency-key': 'submit-once-0001' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => t.api<Application>('POST', `/applications/${app.id}/submit`, { token: tm.lead, headers })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    // The same answer (as JSON: the replays come from the stored record, whose key order DynamoDB does not keep).
    for (const a of answers) expect(a.json).toEqual(answers[0]!.json);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    expect(answers[0]!.json).toMatchObject({ status: 'submitted', submissionNumber: 1, version: 2 });
    const audit = await auditOf(tm.pathway.id);
    expect(audit.filter((e) => e.action === 'application.submitted')).toHaveLength(1);

    // Without the key, a second submit is refused by its stale version; with a fresh version, by the status.
    expect((await t.api('POST', `/applications/${app.id}/submit`, { token: tm.lead, headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await t.api('POST', `/applications/${app.id}/submit`, { token: tm.lead, headers: { 'if-match': '"2"' } })).status).toBe(409);
  });
});

describe('reviewers', () => {
  it('see an application and their queue only while assigned', async () => {
    const tm = await team();
    const app = (await open(tm, 'candidacy')).json;
    const email = 'assigned-reviewer@example.org';
    const sub = subjectForEmail(email);
    const reviewer = await t.token('reviewer', { email });
    expect((await t.api('GET', `/applications/${app.id}`, { token: reviewer })).status).toBe(404);

    const assignment = {
      ...keys.assignment(sub, app.id),
      _type: 'assignment',
      sub,
      applicationId: app.id,
      pathwayId: tm.pathway.id,
      active: true,
      role: 'reviewer',
      assignedAt: nowIso(),
    };
    await put(assignment);
    const seen = await t.api<Full>('GET', `/applications/${app.id}`, { token: reviewer });
    expect(seen.status).toBe(200);
    const mine = await t.api<Page<Application & { assignment: unknown }>>('GET', '/applications', { token: reviewer });
    expect(mine.json.items.map((a) => a.id)).toEqual([app.id]);
    expect(mine.json.items[0]?.assignment).toMatchObject({ role: 'reviewer' });
    // Reviewers read; they never write a team's answers.
    expect((await respond(reviewer, app.id, criteriaFor(seedFramework, 'candidacy')[0]!.criterion.id, { narrative: 'x' })).status).toBe(
      403,
    );

    await put({ ...assignment, active: false });
    expect((await t.api('GET', `/applications/${app.id}`, { token: reviewer })).status).toBe(404);
    expect((await t.api<Page<Application>>('GET', '/applications', { token: reviewer })).json.items).toEqual([]);
  });
});
