/**
 * Three simulated years of the daily recertification sweep over a population of silver and
 * gold certifications, against the local platform (DynamoDB Local, the local EventBridge):
 * some renewed before expiry, some after, some never; sweeps fired twice (one after the
 * other and at the same time) and days with no sweep at all. Time moves with the dev clock
 * and each sweep gets its slot as input, so nothing waits.
 *
 * A reference model replays the same days with the pure rules (core/recertification): the
 * events published must be exactly the model's (each notice, renewal opening and expiry
 * once, on the day it falls due or the first sweep after), and after every sweep each
 * pathway's level and directory listing must be what its certifications make valid that day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import type { Level } from '#core/levels.ts';
import { applySweepAction, sweepActions, type SweepCertification } from '#core/recertification/notices.ts';
import { addDaysTo, calendarDateOf, levelHeldOn, type CalendarDate } from '#core/recertification/validity.ts';
import { listPathwayApplications } from '#store/applications.ts';
import { issueCertification, latestCertification, type Certification } from '#store/certifications.ts';
import { deleteItem, getItem, transact } from '#store/db.ts';
import * as keys from '#store/keys.ts';
import { batchGet, certificationWrite, getPathway } from '#store/registry.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import { renewalApplicationId } from '#store/renewals.ts';
import type { SweepResult } from '#recertification/run.ts';
import { recordNotice } from '#recertification/records.ts';
import { credentialIssue } from '#credentials/issue.ts';
import { getCredential, getStatusList } from '#store/credentials.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { seededRandom } from '../support/random.ts';
import { createDistrict, createPathway, createSchool, person } from '../support/registry-world.ts';
import { reviewFramework } from '../support/review-world.ts';

const DAY = 86_400_000;
const PATHWAYS = 30;
const SIM_DAYS = 3 * 365 + 1;

let t: TestPlatform;

const setClock = (day: CalendarDate, time: string) => t.platform.clock.setOffset(Date.parse(`${day}T${time}Z`) - Date.now());

beforeAll(async () => {
  // Schedules fire only when the test says so: the sweep is invoked for each simulated day.
  // No rules: the events are counted as published; the notifier has its own tests.
  t = await startTestPlatform({ scheduleTickMs: 0, eventRules: [] });
  await putPublishedFramework(reviewFramework);
});
afterAll(async () => {
  t?.platform.clock.setOffset(0);
  await t?.stop();
});

interface ModelCert extends SweepCertification {
  pathwayId: string;
  validFrom: CalendarDate;
}

describe('recertification sweep over three years', () => {
  it('sends every notice, opens every renewal and applies every expiry exactly once; levels and directory stay right', async () => {
    const rnd = seededRandom(20261123);
    const start = calendarDateOf(Date.now());
    const staff = await person(t, 'recert-staff@example.org', ['staff']);
    const district = await createDistrict(t, staff);
    const school = await createSchool(t, staff, district.id);
    const pathwayIds: string[] = [];
    for (let i = 0; i < PATHWAYS; i++) pathwayIds.push((await createPathway(t, staff, school.id)).id);
    const actor = { sub: staff.sub, name: 'Staff' };

    const model = new Map<string, ModelCert>();
    const expected: string[] = [];

    /** What the pipeline's decision does for a certified application (functions/pipeline/decide.ts). */
    async function certify(pathwayId: string, level: Level, day: CalendarDate): Promise<Certification> {
      setClock(day, '10:00:00');
      const pathway = (await getPathway(pathwayId, true))!;
      const previous = await latestCertification(pathwayId);
      const issuedAt = `${day}T10:00:00.000Z`;
      const { certification, items } = issueCertification({
        id: newId('certification', Date.parse(issuedAt)),
        pathwayId,
        districtId: pathway.districtId,
        applicationId: newId('application'),
        level,
        issuedAt,
        previous,
      });
      // Its credential, as the decision writes it (functions/pipeline/decide.ts).
      const credential = await credentialIssue(certification, pathway, reviewFramework.version);
      items.push(
        ...credential.items,
        ...certificationWrite(pathway, { level, until: certification.expiresOn }, actor, previous ? 'renewed' : 'granted'),
        deleteItem(keys.openApplication(pathwayId)),
      );
      await transact(items);
      // A renewal at the same level decided by the old expiry continues from it (no lost months).
      if (previous && previous.level === level && day <= previous.expiresOn) {
        expect(certification).toMatchObject({ validFrom: previous.expiresOn, continuous: true });
      } else {
        expect(certification.validFrom).toBe(day);
      }
      const prev = previous ? model.get(previous.id) : undefined;
      if (prev && prev.status === 'active') prev.status = 'renewed';
      model.set(certification.id, { ...certification, noticesSent: [], pathwayId });
      return certification;
    }

    // The population: issued up to ~2.7 years before the start (some lapsed already, to be
    // expired by the first sweep), each with a plan: renew early, renew late, or never.
    const renewals = new Map<CalendarDate, { pathwayId: string; level: Level }[]>();
    let early = 0;
    let late = 0;
    for (const pathwayId of pathwayIds) {
      const level: Level = rnd.next() < 0.5 ? 'silver' : 'gold';
      const issued = addDaysTo(start, -rnd.int(0, 1000));
      const cert = await certify(pathwayId, level, issued);
      const plan = rnd.next();
      const renewOn =
        plan < 0.45 ? addDaysTo(cert.expiresOn, -rnd.int(1, 170)) : plan < 0.75 ? addDaysTo(cert.expiresOn, rnd.int(1, 60)) : undefined;
      if (renewOn && renewOn > start && renewOn < addDaysTo(start, SIM_DAYS)) {
        if (renewOn < cert.expiresOn) early++;
        else late++;
        renewals.set(renewOn, [...(renewals.get(renewOn) ?? []), { pathwayId, level }]);
      }
    }
    expect(early).toBeGreaterThan(5);
    expect(late).toBeGreaterThan(3);

    /** The model's sweep of a day: the pure rules over the recorded states. */
    function modelSweep(day: CalendarDate) {
      for (const c of model.values()) {
        for (const action of sweepActions({ certification: c, today: day })) {
          const next = applySweepAction(c, action);
          if (!next) continue;
          Object.assign(c, next);
          expected.push(
            action.kind === 'notice'
              ? `${day} CertificationExpiring ${c.id} ${action.daysBefore}`
              : action.kind === 'expire'
                ? `${day} CertificationExpired ${c.id}`
                : `${day} RenewalOpened ${c.id}`,
          );
        }
      }
    }

    async function checkPathways(day: CalendarDate) {
      const items = await batchGet(pathwayIds.map((id) => keys.pathway(id)));
      expect(items).toHaveLength(PATHWAYS);
      for (const p of items) {
        const history = [...model.values()].filter((c) => c.pathwayId === p.id);
        const level = levelHeldOn(history, day);
        const where = `${p.id} on ${day}`;
        expect(p.certificationLevel ?? null, where).toBe(level);
        if (level) expect(String(p.certifiedUntil) > day, where).toBe(true);
        expect(p.GSI4PK === 'DIRECTORY', `${where}: directory`).toBe(level === 'silver' || level === 'gold');
      }
    }

    const sweep = async (day: CalendarDate) =>
      (await t.platform.invoke('recertificationSweep', { job: 'recertification-sweep', scheduledTime: `${day}T07:00:00Z` })) as SweepResult;

    // Three years, day by day: gaps of 3-6 days now and then, double firings (in turn and at once).
    let gapLeft = 0;
    let sweeps = 0;
    let doubled = 0;
    let skipped = 0;
    let changed = false;
    for (let i = 0; i < SIM_DAYS; i++) {
      const day = addDaysTo(start, i);
      if (gapLeft === 0 && i > 0 && rnd.next() < 0.02) gapLeft = rnd.int(3, 6);
      if (gapLeft > 0) {
        gapLeft--;
        skipped++;
      } else {
        setClock(day, '07:00:05');
        const mode = rnd.next();
        if (mode < 0.04) {
          await Promise.all([sweep(day), sweep(day)]);
          doubled++;
        } else {
          await sweep(day);
          if (mode < 0.08) {
            const again = await sweep(day);
            expect(again.notices + again.renewalsOpened + again.expired, `second run on ${day}`).toBe(0);
            doubled++;
          }
        }
        sweeps++;
        const before = expected.length;
        modelSweep(day);
        // Levels can only change through an expiry or a decision: check then, and weekly anyway.
        if (expected.length > before || changed || sweeps % 7 === 0) await checkPathways(day);
        changed = false;
      }
      for (const r of renewals.get(day) ?? []) {
        await certify(r.pathwayId, r.level, day);
        changed = true;
      }
    }
    expect(skipped).toBeGreaterThan(10);
    expect(doubled).toBeGreaterThan(20);

    // Every event the model expects, each once, on its day; nothing else.
    const ours = new Set(model.keys());
    const published = t.platform.events
      .published()
      .filter(
        (e) =>
          ours.has(String(e.detail.certificationId)) &&
          ['CertificationExpiring', 'CertificationExpired', 'RenewalOpened'].includes(e['detail-type']),
      )
      .map(
        (e) =>
          `${e.time.slice(0, 10)} ${e['detail-type']} ${String(e.detail.certificationId)}${e['detail-type'] === 'CertificationExpiring' ? ` ${String(e.detail.daysBefore)}` : ''}`,
      );
    expect(published.sort()).toEqual(expected.sort());
    const count = (kind: string) => expected.filter((e) => e.includes(` ${kind} `)).length;
    expect(count('CertificationExpired')).toBeGreaterThan(8);
    expect(count('CertificationExpiring')).toBeGreaterThan(50);

    // The recorded state matches the model, and finished certifications left the sweep index.
    for (const c of model.values()) {
      const item = (await getItem(keys.certification(c.pathwayId, (c as unknown as Certification).issuedAt, c.id), true))!;
      expect({ status: item.status, noticesSent: item.noticesSent, renewalOpened: item.renewalOpened }, c.id).toEqual({
        status: c.status,
        noticesSent: [...c.noticesSent].sort((a, b) => b - a),
        renewalOpened: c.renewalOpened,
      });
      expect(
        Object.keys(item).filter((k) => k.startsWith('outbox_')),
        c.id,
      ).toEqual([]);
      if (c.status !== 'active') expect(item.GSI3PK, c.id).toBeUndefined();
    }

    // The status list flipped for exactly the expired ones: each expiry revoked its
    // credential in the sweep's transaction; renewed and active ones stay unrevoked.
    const lists = new Map<string, Set<number>>();
    for (const c of model.values()) {
      const credential = (await getCredential(c.id))!;
      expect(credential.revokedReason, c.id).toBe(c.status === 'expired' ? 'expired' : undefined);
      lists.set(credential.statusList, lists.get(credential.statusList) ?? new Set((await getStatusList(credential.statusList)).revoked));
      expect(lists.get(credential.statusList)!.has(credential.statusIndex), c.id).toBe(c.status === 'expired');
    }
    // And the published, signed list says the same (one expired and one active, read as a verifier would).
    const expiredOne = [...model.values()].find((c) => c.status === 'expired')!;
    const activeOne = [...model.values()].find((c) => c.status === 'active')!;
    for (const [c, revoked] of [
      [expiredOne, true],
      [activeOne, false],
    ] as const) {
      const v = await t.api<{ checks: { check: string; ok: boolean }[] }>('POST', '/credentials/verify', {
        body: { credential: (await getCredential(c.id))!.jwt },
      });
      expect(v.json.checks.find((x) => x.check === 'status')!.ok, c.id).toBe(!revoked);
    }

    // One renewal draft per opened renewal (the sweep's deterministic id), never a second.
    for (const pathwayId of pathwayIds) {
      const opened = [...model.values()].filter((c) => c.pathwayId === pathwayId && c.renewalOpened);
      const apps = (await listPathwayApplications(pathwayId, {}, 50)).items;
      expect(apps.map((a) => a.id).sort(), pathwayId).toEqual(opened.map((c) => renewalApplicationId(c.id)).sort());
      for (const a of apps) expect(a).toMatchObject({ status: 'draft', target: 'renewal', renewal: true });
    }
  }, 180_000);
});

describe('an interrupted sweep', () => {
  it('performs a recorded action the next run finds, once, after the running one had its chance', async () => {
    const staff = await person(t, 'recert-staff@example.org', ['staff']);
    const district = await createDistrict(t, staff);
    const pathwayId = (await createPathway(t, staff, (await createSchool(t, staff, district.id)).id)).id;
    const day = '2031-05-01';
    setClock(day, '06:00:00');
    const pathway = (await getPathway(pathwayId, true))!;
    const issuedAt = '2029-05-20T10:00:00.000Z';
    const { certification, items } = issueCertification({
      id: newId('certification', Date.parse(issuedAt)),
      pathwayId,
      districtId: pathway.districtId,
      applicationId: newId('application'),
      level: 'silver',
      issuedAt,
      previous: undefined,
    });
    await transact([
      ...items,
      ...certificationWrite(pathway, { level: 'silver', until: certification.expiresOn }, { sub: staff.sub }, 'granted'),
    ]);
    const recorded = await recordNotice(
      { ...certification, renewalOpened: true, noticesSent: [180, 90] },
      { kind: 'notice', daysBefore: 30, daysLeft: 19, expiresOn: certification.expiresOn, superseded: [] },
      { today: day, at: `${day}T07:00:01.000Z`, actor: { sub: 'test' } },
    );
    // The record needs the stored state it was computed from: this one has no notices yet.
    expect(recorded).toBeNull();
    const first = await recordNotice(
      certification,
      { kind: 'notice', daysBefore: 30, daysLeft: 19, expiresOn: certification.expiresOn, superseded: [180, 90] },
      { today: day, at: `${day}T07:00:01.000Z`, actor: { sub: 'test' } },
    );
    expect(first).not.toBeNull();
    const key = keys.certification(pathwayId, issuedAt, certification.id);
    const mine = () =>
      t.platform.events
        .published()
        .filter((e) => e.detail.certificationId === certification.id && e['detail-type'] === 'CertificationExpiring');

    // A run a minute later leaves it to the run that recorded it (it may still be publishing).
    setClock(day, '07:01:00');
    await t.platform.invoke('recertificationSweep', { scheduledTime: `${day}T07:00:00Z` });
    expect(mine()).toHaveLength(0);
    // The next day's run performs it, once, and the certification moves on to its next day.
    setClock(addDaysTo(day, 1), '07:00:05');
    const next = (await t.platform.invoke('recertificationSweep', { scheduledTime: `${addDaysTo(day, 1)}T07:00:00Z` })) as SweepResult;
    expect(next.resumed).toBe(1);
    await t.platform.invoke('recertificationSweep', { scheduledTime: `${addDaysTo(day, 1)}T07:00:00Z` });
    expect(mine().map((e) => e.detail.daysBefore)).toEqual([30]);
    const item = (await getItem(key, true))!;
    expect(Object.keys(item).filter((k) => k.startsWith('outbox_'))).toEqual([]);
    expect(item.GSI3SK).toBe(`${addDaysTo(certification.expiresOn, -7)}#${certification.id}`);
  });
});

describe('the local scheduler', () => {
  it('fires the sweep when the dev clock passes 07:00 UTC, with the slot as its input', async () => {
    t.platform.clock.setOffset(0);
    const at = t.platform.clock.state().now;
    // Moving the clock through the HTTP API, as a person would; the tick is what the timer does every second.
    const moved = await t.api<{ now: string }>('POST', '/_local/clock', { body: { advanceDays: 1 } });
    expect(moved.status).toBe(200);
    t.platform.events.tick();
    await t.platform.events.settled();
    const runs = t.platform.events.deliveries().filter((d) => 'schedule' in d.via && d.via.schedule === 'recertification-sweep');
    expect(runs).toHaveLength(1);
    const slot = new Date(Date.parse(moved.json.now) - (Date.parse(moved.json.now) % DAY) + 7 * 3_600_000);
    if (slot.getTime() > Date.parse(moved.json.now)) slot.setTime(slot.getTime() - DAY);
    expect(runs[0]).toMatchObject({
      function: 'recertificationSweep',
      status: 'delivered',
      payload: { job: 'recertification-sweep', scheduledTime: slot.toISOString().replace('.000Z', 'Z') },
    });
    expect((runs[0]!.result as SweepResult).today).toBe(slot.toISOString().slice(0, 10));
    expect(at < moved.json.now).toBe(true);
  });
});
