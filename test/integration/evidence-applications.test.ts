/**
 * Evidence as applications use it, through the local HTTP API: references are checked
 * when a response is written; submission freezes the exact versions and reviewers read
 * those even after the team uploads newer ones; evidence a submitted application
 * references cannot be deleted; a renewal starts with the previous cycle's links, each
 * marked unchanged or newer_version_available.
 *
 * Two moves have no route in this issue and are written straight into the table, as the
 * review pipeline and the certification decision would leave them: a reviewer's
 * assignment, and a decided (certified) application with the pathway's certification.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaFor, type LocatedCriterion } from '#core/framework.ts';
import { newId } from '#core/ids.ts';
import type { Level } from '#core/levels.ts';
import { SEED_FRAMEWORK_ID, seedFramework } from '#core/seed-framework.ts';
import { dynamoClient } from '#lib/aws-clients.ts';
import { put, transact, TransactionCancelled } from '#store/db.ts';
import { freezeForSubmission } from '#store/evidence-applications.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import * as keys from '#store/keys.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import {
  expectOk,
  fetchBytes,
  fileBody,
  pdfBytes,
  seedAvailableEvidence,
  uploadEvidence,
  uploadNewVersion,
  type Declared,
} from '../support/evidence.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { createDistrict, createPathway, createSchool, joinPathway, person, type Person } from '../support/registry-world.ts';

type Ref = { evidenceId: string; version?: number; kind?: string };
type Problem = { status: number; detail?: string; errors?: { field: string; code?: string; message: string }[]; applications?: string[] };
type Link = { criterionId: string; evidenceId: string; version?: number; status: string; latestVersion?: number };
type App = {
  id: string;
  version: number;
  status: string;
  level: string;
  renewal: boolean;
  responses?: { criterionId: string; narrative: string; evidence: Ref[]; version: number }[];
};

let t: TestPlatform;
let staff: Person;
let lead: Person;
let member: Person;
let otherLead: Person;
let reviewer: Person;
let pathwayP: string;
let pathwayQ: string;
/** A verified item with several versions per pathway: covers every required evidence kind. */
const filler: Record<string, string> = {};

const DAY = 86_400_000;
const isoDay = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

async function certify(pathwayId: string, level: Level, until: string) {
  const p = (await getPathway(pathwayId, true))!;
  await transact(certificationWrite(p, { level, until }, { sub: 'test' }, 'test'));
}

/** What the certification decision leaves: the application certified, the open-application guard released. */
async function markCertified(app: { id: string }, pathwayId: string) {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: t.platform.tableName,
      Key: keys.application(app.id),
      UpdateExpression: 'SET #s = :s, GSI3PK = :q',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'certified', ':q': 'APPSTATUS#certified' },
    }),
  );
  await dynamoClient().send(new DeleteCommand({ TableName: t.platform.tableName, Key: keys.openApplication(pathwayId) }));
}

async function assign(who: Person, appId: string, pathwayId: string) {
  await transact([
    put({
      ...keys.assignment(who.sub, appId),
      _type: 'assignment',
      sub: who.sub,
      applicationId: appId,
      pathwayId,
      active: true,
      role: 'reviewer',
      assignedAt: new Date().toISOString(),
    }),
  ]);
}

const respond = (
  token: string,
  appId: string,
  criterionId: string,
  body: unknown,
  headers: Record<string, string> = { 'if-none-match': '*' },
) =>
  t.api<{ version: number; evidence: Ref[] } & Problem>('PUT', `/applications/${appId}/responses/${criterionId}`, { token, body, headers });

/** Answers every criterion of the level: the given refs where named, plus the filler item for each required kind. */
async function answerAll(token: string, appId: string, pathwayId: string, level: Level, special: Record<string, Ref[]> = {}) {
  for (const c of criteriaFor(seedFramework, level)) {
    const required = c.criterion.evidence
      .filter((e) => e.required)
      .map((e, i) => ({ evidenceId: filler[pathwayId]!, version: i + 1, kind: e.kind }));
    const res = await respond(token, appId, c.criterion.id, {
      narrative: `How we meet ${c.criterion.id}.`,
      evidence: [...(special[c.criterion.id] ?? []), ...required],
    });
    expect(res.status, `${c.criterion.id}: ${res.text}`).toBe(201);
  }
}

async function open(token: string, pathwayId: string, target: string) {
  return expectOk(
    await t.api<App>('POST', `/pathways/${pathwayId}/applications`, { token, body: { target, frameworkId: SEED_FRAMEWORK_ID } }),
    201,
  );
}

async function submit(token: string, app: { id: string; version: number }) {
  return t.api<App & Problem>('POST', `/applications/${app.id}/submit`, { token, headers: { 'if-match': `"${app.version}"` } });
}

const criteria = (level: Level): LocatedCriterion[] => criteriaFor(seedFramework, level);

beforeAll(async () => {
  t = await startTestPlatform();
  await putPublishedFramework(seedFramework);
  staff = await person(t, 'staff@evapp.test', ['staff']);
  lead = await person(t, 'lead.p@evapp.test', ['pathway']);
  member = await person(t, 'member.p@evapp.test', ['pathway']);
  otherLead = await person(t, 'lead.q@evapp.test', ['pathway']);
  reviewer = await person(t, 'reviewer@evapp.test', ['reviewer']);
  const district = await createDistrict(t, staff);
  const school = await createSchool(t, staff, district.id);
  pathwayP = (await createPathway(t, staff, school.id)).id;
  pathwayQ = (await createPathway(t, staff, school.id)).id;
  await joinPathway(t, staff, pathwayP, lead, 'lead');
  await joinPathway(t, lead, pathwayP, member, 'member');
  await joinPathway(t, staff, pathwayQ, otherLead, 'lead');
  for (const p of [pathwayP, pathwayQ]) filler[p] = (await seedAvailableEvidence(p, { versions: 4, title: 'Filler' }))[0]!;
}, 120_000);

afterAll(() => t?.stop());

describe('a submitted application freezes its evidence', () => {
  const v1 = pdfBytes(9000, 21);
  const v2 = pdfBytes(9500, 22);
  let syllabus: Declared;
  let minutes: Declared;
  let app: App;

  beforeAll(async () => {
    // P holds candidacy and applies for silver.
    await certify(pathwayP, 'candidacy', isoDay(365));
    syllabus = await uploadEvidence(t, member.token, pathwayP, { name: 'Syllabus.pdf', type: 'application/pdf', bytes: v1 });
    minutes = await uploadEvidence(t, member.token, pathwayP, { name: 'Minutes.pdf', type: 'application/pdf', bytes: pdfBytes(3000, 23) });
    app = await open(lead.token, pathwayP, 'silver');
    const [a, b] = criteria('silver');
    await answerAll(member.token, app.id, pathwayP, 'silver', {
      [a!.criterion.id]: [{ evidenceId: syllabus.item.evidenceId }],
      [b!.criterion.id]: [{ evidenceId: minutes.item.evidenceId, version: 1 }],
    });
    const submitted = await submit(lead.token, app);
    expect(submitted.status, submitted.text).toBe(200);
    app = submitted.json;
    await assign(reviewer, app.id, pathwayP);
  });

  it('records the exact versions: a link without a version takes the current one', async () => {
    const ev = expectOk(
      await t.api<{ frozenAt?: string; links: (Link & { sha256?: string })[] }>('GET', `/applications/${app.id}/evidence`, {
        token: lead.token,
      }),
      200,
    );
    expect(ev.frozenAt).toBeDefined();
    const link = ev.links.find((l) => l.evidenceId === syllabus.item.evidenceId)!;
    expect(link).toMatchObject({ criterionId: criteria('silver')[0]!.criterion.id, version: 1, status: 'frozen' });
    expect(ev.links.every((l) => l.status === 'frozen' && typeof l.version === 'number')).toBe(true);
  });

  it('reviewers read exactly the submitted bytes, even after the team uploads a newer version', async () => {
    await uploadNewVersion(t, member.token, pathwayP, syllabus.item.evidenceId, {
      name: 'Syllabus 2025.pdf',
      type: 'application/pdf',
      bytes: v2,
    });
    const library = expectOk(
      await t.api<{ item: { current: { version: number } } }>('GET', `/pathways/${pathwayP}/evidence/${syllabus.item.evidenceId}`, {
        token: lead.token,
      }),
      200,
    );
    expect(library.item.current.version).toBe(2);

    const seen = expectOk(
      await t.api<{ version: { version: number; fileName: string }; download: { url: string; version: number } }>(
        'GET',
        `/applications/${app.id}/evidence/${syllabus.item.evidenceId}`,
        { token: reviewer.token },
      ),
      200,
    );
    expect(seen.version.version).toBe(1);
    expect(seen.download.version).toBe(1);
    expect((await fetchBytes(seen.download.url)).bytes.equals(v1)).toBe(true);
    // The reviewer never sees the library itself, and nothing the application does not reference.
    expect((await t.api('GET', `/pathways/${pathwayP}/evidence/${syllabus.item.evidenceId}`, { token: reviewer.token })).status).toBe(404);
    const unreferenced = await uploadEvidence(t, member.token, pathwayP, {
      name: 'Private.pdf',
      type: 'application/pdf',
      bytes: pdfBytes(1000, 24),
    });
    expect((await t.api('GET', `/applications/${app.id}/evidence/${unreferenced.item.evidenceId}`, { token: reviewer.token })).status).toBe(
      404,
    );
  });

  it('evidence a submitted application references cannot be deleted; the error says why', async () => {
    const res = await t.api<Problem>('DELETE', `/pathways/${pathwayP}/evidence/${minutes.item.evidenceId}`, { token: lead.token });
    expect(res.status).toBe(409);
    expect(res.json.detail).toMatch(/submitted application/);
    expect(res.json.applications).toEqual([app.id]);
    expect((await t.api('GET', `/pathways/${pathwayP}/evidence/${minutes.item.evidenceId}`, { token: lead.token })).status).toBe(200);
  });

  it('a renewal starts with the previous cycle\u2019s links, marked unchanged or newer_version_available', async () => {
    // The silver application was certified; silver now runs out within the renewal window.
    await markCertified(app, pathwayP);
    await certify(pathwayP, 'silver', isoDay(60));
    const renewal = await open(lead.token, pathwayP, 'renewal');
    expect(renewal).toMatchObject({ renewal: true, level: 'silver', status: 'draft' });

    const whole = expectOk(await t.api<App>('GET', `/applications/${renewal.id}`, { token: lead.token }), 200);
    const first = whole.responses!.find((r) => r.criterionId === criteria('silver')[0]!.criterion.id)!;
    expect(first.evidence).toContainEqual({ evidenceId: syllabus.item.evidenceId, version: 1 });
    expect(first.narrative).toBe('');

    const ev = expectOk(
      await t.api<{ frozenAt?: string; links: Link[] }>('GET', `/applications/${renewal.id}/evidence`, { token: lead.token }),
      200,
    );
    expect(ev.frozenAt).toBeUndefined();
    expect(ev.links.find((l) => l.evidenceId === syllabus.item.evidenceId)).toMatchObject({
      version: 1,
      status: 'newer_version_available',
      latestVersion: 2,
    });
    expect(ev.links.find((l) => l.evidenceId === minutes.item.evidenceId)).toMatchObject({
      version: 1,
      status: 'unchanged',
      latestVersion: 1,
    });

    // The team updates only what changed: the syllabus now cites version 2.
    const refs = first.evidence.map((r) => (r.evidenceId === syllabus.item.evidenceId ? { evidenceId: r.evidenceId, version: 2 } : r));
    expect(
      (
        await respond(
          lead.token,
          renewal.id,
          first.criterionId,
          { narrative: 'Updated for this cycle.', evidence: refs },
          { 'if-match': `"${first.version}"` },
        )
      ).status,
    ).toBe(200);
    const after = expectOk(await t.api<{ links: Link[] }>('GET', `/applications/${renewal.id}/evidence`, { token: lead.token }), 200);
    expect(after.links.find((l) => l.evidenceId === syllabus.item.evidenceId)).toMatchObject({ version: 2, status: 'unchanged' });
  });
});

describe('references are checked when a response is written', () => {
  let draft: App;
  let criterionId: string;
  let foreign: string;

  beforeAll(async () => {
    draft = await open(otherLead.token, pathwayQ, 'candidacy');
    criterionId = criteria('candidacy')[0]!.criterion.id;
    foreign = (await seedAvailableEvidence(pathwayP, { title: 'P only' }))[0]!;
  });

  async function refused(evidence: Ref[], code: string) {
    const res = await respond(otherLead.token, draft.id, criterionId, { narrative: 'x', evidence });
    expect(res.status, res.text).toBe(422);
    expect(res.json.errors).toContainEqual(expect.objectContaining({ field: 'evidence.0', code }));
    const whole = expectOk(await t.api<App>('GET', `/applications/${draft.id}`, { token: otherLead.token }), 200);
    expect(whole.responses!.find((r) => r.criterionId === criterionId)).toBeUndefined();
  }

  it("another pathway's evidence: 422, nothing written", () => refused([{ evidenceId: foreign }], 'other_pathway'));
  it('an id that names no item: 422', () => refused([{ evidenceId: newId('evidence') }], 'unknown_item'));
  it('an item whose file is still uploading: 422', async () => {
    const declared = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayQ}/evidence`, {
        token: otherLead.token,
        body: { ...fileBody('later.pdf', 'application/pdf', pdfBytes(100)), title: 'later' },
      }),
      201,
    );
    await refused([{ evidenceId: declared.item.evidenceId }], 'no_available_version');
  });
  it('a version that does not exist: 422', () => refused([{ evidenceId: filler[pathwayQ]!, version: 9 }], 'version_not_available'));
  it('a verified item of the pathway links', async () => {
    const res = await respond(otherLead.token, draft.id, criterionId, { narrative: 'ok', evidence: [{ evidenceId: filler[pathwayQ]! }] });
    expect(res.status, res.text).toBe(201);
  });
});

describe('deleting evidence and submitting', () => {
  it('an item only a draft cites can be deleted; the draft shows it removed and cannot be submitted until fixed', async () => {
    // Q's draft from the previous block: answer everything, citing an item that is then deleted.
    const list = expectOk(
      await t.api<{ items: App[] }>('GET', `/pathways/${pathwayQ}/applications?status=draft`, { token: otherLead.token }),
      200,
    );
    const draft = list.items[0]!;
    const doomed = await uploadEvidence(t, otherLead.token, pathwayQ, {
      name: 'Doomed.pdf',
      type: 'application/pdf',
      bytes: pdfBytes(1200, 30),
    });
    const [first, ...rest] = criteria('candidacy');
    const whole = expectOk(await t.api<App>('GET', `/applications/${draft.id}`, { token: otherLead.token }), 200);
    const existing = whole.responses!.find((r) => r.criterionId === first!.criterion.id)!;
    const required = first!.criterion.evidence
      .filter((e) => e.required)
      .map((e, i) => ({ evidenceId: filler[pathwayQ]!, version: i + 1, kind: e.kind }));
    expectOk(
      await respond(
        otherLead.token,
        draft.id,
        first!.criterion.id,
        { narrative: 'With a doomed file.', evidence: [{ evidenceId: doomed.item.evidenceId }, ...required] },
        { 'if-match': `"${existing.version}"` },
      ),
      200,
    );
    for (const c of rest) {
      const req = c.criterion.evidence
        .filter((e) => e.required)
        .map((e, i) => ({ evidenceId: filler[pathwayQ]!, version: i + 1, kind: e.kind }));
      expect(
        (await respond(otherLead.token, draft.id, c.criterion.id, { narrative: `How we meet ${c.criterion.id}.`, evidence: req })).status,
      ).toBe(201);
    }

    expect((await t.api('DELETE', `/pathways/${pathwayQ}/evidence/${doomed.item.evidenceId}`, { token: otherLead.token })).status).toBe(
      204,
    );
    const ev = expectOk(await t.api<{ links: Link[] }>('GET', `/applications/${draft.id}/evidence`, { token: otherLead.token }), 200);
    expect(ev.links.find((l) => l.evidenceId === doomed.item.evidenceId)?.status).toBe('removed');

    const current = expectOk(await t.api<App>('GET', `/applications/${draft.id}`, { token: otherLead.token }), 200);
    const refused = await submit(otherLead.token, current);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.errors).toEqual([
      expect.objectContaining({ field: `responses.${first!.criterion.id}.evidence.0`, code: 'unknown_item' }),
    ]);
    const still = expectOk(await t.api<App>('GET', `/applications/${draft.id}`, { token: otherLead.token }), 200);
    expect(still.status).toBe('draft');
    expect(
      (await t.api<{ frozenAt?: string }>('GET', `/applications/${draft.id}/evidence`, { token: otherLead.token })).json.frozenAt,
    ).toBeUndefined();
  });

  it('a deletion committed between freezing and the submission\u2019s write cancels the submission', async () => {
    const item = (await seedAvailableEvidence(pathwayQ))[0]!;
    const other = (await seedAvailableEvidence(pathwayQ))[0]!;
    const fakeApp = { id: newId('application'), pathwayId: pathwayQ, submissionNumber: 1 };
    const responses = [{ criterionId: 'RA-1.1', evidence: [{ evidenceId: item }] }];

    // Control: nothing deleted meanwhile, the writes go through.
    await transact(await freezeForSubmission(fakeApp, responses));

    const writes = await freezeForSubmission({ ...fakeApp, id: newId('application') }, responses);
    expect((await t.api('DELETE', `/pathways/${pathwayQ}/evidence/${other}`, { token: otherLead.token })).status).toBe(204);
    await expect(transact(writes)).rejects.toBeInstanceOf(TransactionCancelled);
  });
});
