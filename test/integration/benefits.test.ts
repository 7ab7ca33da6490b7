/**
 * Network benefits by level (issue 19) against the local platform: the catalog (versioned,
 * audited), benefits unlocked and lost with every certification change in the transaction
 * that makes it (a decision through the review workflow, staff withdrawal, the sweep's
 * expiry), BenefitsChanged published and told once, and requests for capacity-limited
 * benefits counted without races.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import type { Level } from '#core/levels.ts';
import { entitlementChange, getEntitlement } from '#store/benefits.ts';
import { getItem, queryAll, transact } from '#store/db.ts';
import { issueCertification, latestCertification, type Certification } from '#store/certifications.ts';
import * as keys from '#store/keys.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { createPathway, expectStatus, joinDistrict, joinPathway, person, type Person } from '../support/registry-world.ts';
import { buildWorld, reviewAndCertify, submitted, until, type World } from '../support/review-world.ts';

let t: TestPlatform;
let w: World;
let member: Person;
let dlead: Person;
let outsider: Person;
const ben: Record<'mark' | 'coaching' | 'scholarship' | 'grant', string> = { mark: '', coaching: '', scholarship: '', grant: '' };

beforeAll(async () => {
  t = await startTestPlatform({ withStepFunctions: true, stepFunctionsWaitTimeScale: 0 });
  w = await buildWorld(t, 'benefits', [
    { email: 'benefits-r1@example.org', name: 'Bea' },
    { email: 'benefits-r2@example.org', name: 'Bo' },
  ]);
  member = await person(t, 'benefits-member@example.org', ['pathway'], 'Mia Member');
  dlead = await person(t, 'benefits-dlead@example.org', ['district'], 'Dee District');
  outsider = await person(t, 'benefits-outsider@example.org', ['pathway'], 'Otto');
  await joinPathway(t, w.lead, w.pathway.id, member, 'member');
  await joinDistrict(t, w.staff, w.district.id, dlead, 'lead');
  for (const p of [w.lead, member, dlead]) expectStatus(await t.api('GET', '/me', { token: p.token }), 200);

  const create = async (body: Record<string, unknown>) =>
    expectStatus(
      await t.api<{ id: string }>('POST', '/benefits', {
        token: w.staff.token,
        body: { description: 'For the network.', active: true, ...body },
      }),
      201,
    ).json.id;
  ben.mark = await create({ title: 'Use of the certification mark', kind: 'certification_mark', minLevel: 'candidacy' });
  ben.coaching = await create({ title: 'Coaching visits', kind: 'coaching', minLevel: 'silver' });
  ben.scholarship = await create({
    title: 'Student scholarship nominations',
    kind: 'scholarship',
    minLevel: 'silver',
    capacity: { perPathway: 3, period: 'year' },
  });
  ben.grant = await create({ title: 'Grant eligibility', kind: 'grant', minLevel: 'gold' });
}, 180_000);

afterAll(async () => {
  t?.platform.clock.setOffset(0);
  await t?.stop();
});

const published = (detailType: string, pathwayId: string) =>
  t.platform.events
    .published()
    .filter((e) => e['detail-type'] === detailType && (e.detail as { pathwayId?: string }).pathwayId === pathwayId);

const inboxKinds = async (sub: string, kind: string) =>
  (await queryAll<Record<string, unknown>>(keys.inboxPartition(sub))).filter((n) => n.kind === kind);

/** What decide.ts does for a certified application, without a review: the certification, the pathway's level and the benefits in one transaction. */
async function certify(pathwayId: string, level: Level, issuedAt = new Date().toISOString()): Promise<Certification> {
  const pathway = (await getPathway(pathwayId, true))!;
  const previous = await latestCertification(pathwayId);
  const { certification, items } = issueCertification({
    id: newId('certification'),
    pathwayId,
    districtId: pathway.districtId,
    applicationId: newId('application'),
    level,
    issuedAt,
    previous,
  });
  const benefits = await entitlementChange({
    pathway,
    previousLevel: pathway.certificationLevel,
    level,
    at: issuedAt,
    cause: 'issued',
    certificationId: certification.id,
  });
  await transact([
    ...items,
    ...certificationWrite(pathway, { level, until: certification.expiresOn }, { sub: 'test' }, 'granted'),
    ...benefits.items,
  ]);
  return certification;
}

async function freshPathway(name: string) {
  const p = await createPathway(t, w.staff, w.school.id, { name: `${name} ${Date.now().toString(36)}`, enrollment: 120 });
  await joinPathway(t, w.staff, p.id, w.lead, 'lead');
  return p;
}

const benefitsOf = async (pathwayId: string, token = w.lead.token) =>
  expectStatus(
    await t.api<{
      level: Level | null;
      benefits: { id: string; capacity?: { used: number; remaining: number } }[];
      cause?: { kind: string };
    }>('GET', `/pathways/${pathwayId}/benefits`, { token }),
    200,
  ).json;

describe('the catalog', () => {
  it('is versioned by revision (If-Match), audited, and hides inactive entries from all but staff', async () => {
    const created = await t.api<{ id: string; revision: number }>('POST', '/benefits', {
      token: w.staff.token,
      body: {
        title: 'Spring convening',
        description: 'Two days.',
        kind: 'convening',
        minLevel: 'candidacy',
        active: true,
        availableFrom: '2027-03-01',
        availableUntil: '2027-04-30',
      },
    });
    expectStatus(created, 201);
    expect(created.headers.get('etag')).toBe('"1"');
    const id = created.json.id;
    const path = `/benefits/${id}`;
    const body = { title: 'Spring convening', description: 'Two days in Oakland.', kind: 'convening', minLevel: 'silver', active: false };

    expectStatus(await t.api('PUT', path, { token: w.staff.token, body }), 428);
    expectStatus(await t.api('PUT', path, { token: w.staff.token, body, headers: { 'if-match': '"7"' } }), 412);
    const replaced = await t.api<{ revision: number; minLevel: string; availableFrom?: string }>('PUT', path, {
      token: w.staff.token,
      body,
      headers: { 'if-match': '"1"' },
    });
    expect(expectStatus(replaced, 200).json).toMatchObject({ revision: 2, minLevel: 'silver' });
    expect(replaced.json.availableFrom).toBeUndefined();
    expectStatus(await t.api('PUT', path, { token: w.staff.token, body, headers: { 'if-match': '"1"' } }), 412);

    // Inactive: staff still read it; everyone else is told it does not exist, and lists leave it out.
    expectStatus(await t.api('GET', path, { token: w.staff.token }), 200);
    expectStatus(await t.api('GET', path, { token: w.lead.token }), 404);
    const listed = async (token: string, q = '') => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = expectStatus(
          await t.api<{ items: { id: string }[]; nextCursor?: string }>(
            'GET',
            `/benefits?limit=2${q}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
            { token },
          ),
          200,
        ).json;
        ids.push(...page.items.map((b) => b.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await listed(w.lead.token)).not.toContain(id);
    expect(await listed(w.lead.token)).toEqual(expect.arrayContaining(Object.values(ben)));
    expect(await listed(w.staff.token, '&includeInactive=true')).toContain(id);

    const audit = expectStatus(
      await t.api<{ items: { action: string; changes: { field: string }[] }[] }>('GET', `${path}/audit`, { token: w.staff.token }),
      200,
    ).json.items;
    expect(audit.map((a) => a.action)).toEqual(['benefit.created', 'benefit.updated']);
    expect(audit[1]!.changes.map((c) => c.field).sort()).toEqual(['active', 'availableFrom', 'availableUntil', 'description', 'minLevel']);

    // Validation: a window that ends before it starts; only staff write.
    const bad = await t.api<{ errors: { field: string }[] }>('POST', '/benefits', {
      token: w.staff.token,
      body: { ...body, availableFrom: '2027-05-01', availableUntil: '2027-04-01' },
    });
    expect(expectStatus(bad, 400).json.errors.map((e) => e.field)).toContain('availableUntil');
    expectStatus(await t.api('POST', '/benefits', { token: w.lead.token, body }), 403);
  });
});

describe('benefits follow each certification change', () => {
  it('a certification decided through the review workflow unlocks in its transaction; BenefitsChanged is published and told once', async () => {
    const appId = await submitted(t, w, 'candidacy');
    await reviewAndCertify(t, w, appId);
    const entitlement = await getEntitlement(w.pathway.id, true);
    expect(entitlement).toMatchObject({ level: 'candidacy', benefitIds: [ben.mark], cause: { kind: 'issued' } });
    expect(await benefitsOf(w.pathway.id)).toMatchObject({ level: 'candidacy', benefits: [{ id: ben.mark }], cause: { kind: 'issued' } });

    const events = await until('BenefitsChanged', async () => {
      const e = published('BenefitsChanged', w.pathway.id);
      return e.length > 0 ? e : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({
      cause: 'issued',
      previousLevel: null,
      level: 'candidacy',
      unlocked: [ben.mark],
      lost: [],
      certificationId: entitlement!.cause.certificationId,
    });
    // The team and the district lead are told, in-app (and by email), once.
    for (const p of [w.lead, member, dlead]) {
      const notices = await until(`${p.email}'s notice`, async () => {
        const n = await inboxKinds(p.sub, 'benefits.changed');
        return n.length > 0 ? n : undefined;
      });
      expect(notices, p.email).toHaveLength(1);
      expect(notices[0]).toMatchObject({ link: `/pathways/${w.pathway.id}/benefits` });
    }
    expect(await inboxKinds(outsider.sub, 'benefits.changed')).toHaveLength(0);
    // The decision records what it changed.
    const decision = expectStatus(
      await t.api<{ applied: { benefits?: { unlocked: string[] } } }>('GET', `/applications/${appId}/decision`, { token: w.lead.token }),
      200,
    ).json;
    expect(decision.applied.benefits?.unlocked).toEqual([ben.mark]);
  });

  it('withdrawing the higher certification loses what is above the level that remains; the last one loses everything', async () => {
    const p = await freshPathway('Withdrawal Academy');
    const silver = await certify(p.id, 'silver', new Date(Date.now() - 3_600_000).toISOString());
    const gold = await certify(p.id, 'gold');
    expect((await benefitsOf(p.id)).benefits.map((b) => b.id).sort()).toEqual([ben.mark, ben.coaching, ben.scholarship, ben.grant].sort());
    // The public profile shows what the level unlocks (titles and kinds).
    const profile = expectStatus(
      await t.api<{ level: string; benefits: { id: string; kind: string }[] }>('GET', `/directory/${p.id}`),
      200,
    ).json;
    expect(profile.benefits.map((b) => b.id).sort()).toEqual([ben.mark, ben.coaching, ben.scholarship, ben.grant].sort());
    const path = `/pathways/${p.id}/certifications/${gold.id}/withdraw`;

    expectStatus(await t.api('POST', path, { token: w.lead.token, body: { reason: 'Program closed.' } }), 403);
    expectStatus(await t.api('POST', path, { token: w.staff.token, body: {} }), 400);
    const res = await t.api<{
      certification: { status: string; withdrawal: { reason: string } };
      pathway: { level: Level | null };
      benefits: { lost: string[] };
    }>('POST', path, {
      token: w.staff.token,
      body: { reason: 'Work-based learning no longer offered.' },
    });
    expect(expectStatus(res, 200).json).toMatchObject({
      certification: { status: 'revoked', withdrawal: { reason: 'Work-based learning no longer offered.' } },
      pathway: { level: 'silver' },
      benefits: { lost: [ben.grant] },
    });
    // Revoked, out of the sweep's index once its events are out; the pathway and its benefits at silver.
    const item = await getItem(keys.certification(p.id, gold.issuedAt, gold.id), true);
    expect(item).toMatchObject({ status: 'revoked' });
    expect(item!.GSI3PK).toBeUndefined();
    expect(Object.keys(item!).filter((k) => k.startsWith('outbox_'))).toEqual([]);
    expect((await getPathway(p.id, true))!.certificationLevel).toBe('silver');
    expect(
      expectStatus(await t.api<{ benefits: { id: string }[] }>('GET', `/directory/${p.id}`), 200).json.benefits.map((b) => b.id),
    ).not.toContain(ben.grant);
    // The silver it had continued runs on its own term again: active, back in the sweep's index.
    expect(await getItem(keys.certification(p.id, silver.issuedAt, silver.id), true)).toMatchObject({
      status: 'active',
      GSI3PK: 'CERTS#EXPIRY',
    });
    expect((await benefitsOf(p.id)).benefits.map((b) => b.id).sort()).toEqual([ben.mark, ben.coaching, ben.scholarship].sort());
    expect(published('CertificationWithdrawn', p.id).map((e) => e.detail)).toEqual([
      expect.objectContaining({ certificationId: gold.id, level: 'gold', withdrawnBy: w.staff.sub }),
    ]);
    expect(
      published('BenefitsChanged', p.id)
        .filter((e) => (e.detail as { cause: string }).cause === 'withdrawn')
        .map((e) => e.detail),
    ).toEqual([expect.objectContaining({ previousLevel: 'gold', level: 'silver', unlocked: [], lost: [ben.grant] })]);

    // The same withdrawal again answers as the first (a lost answer retried); anything else on it is a conflict.
    expectStatus(await t.api('POST', path, { token: w.staff.token, body: { reason: 'Work-based learning no longer offered.' } }), 200);
    const again = await t.api<{ code?: string; certificationStatus?: string }>('POST', path, {
      token: w.staff.token,
      body: { reason: 'Another reason.' },
    });
    expect(expectStatus(again, 409).json).toMatchObject({ code: 'not_active', certificationStatus: 'revoked' });
    expect(published('CertificationWithdrawn', p.id)).toHaveLength(1);
    // With an Idempotency-Key a retry replays the first answer exactly.
    const key = `withdraw-${Date.now()}`;
    const first = await t.api('POST', `/pathways/${p.id}/certifications/${silver.id}/withdraw`, {
      token: w.staff.token,
      body: { reason: 'Closed.' },
      headers: { 'idempotency-key': key },
    });
    const retry = await t.api('POST', `/pathways/${p.id}/certifications/${silver.id}/withdraw`, {
      token: w.staff.token,
      body: { reason: 'Closed.' },
      headers: { 'idempotency-key': key },
    });
    expect(expectStatus(first, 200).json).toEqual(expectStatus(retry, 200).json);
    expect(first.json).toMatchObject({ pathway: { level: null, certifiedUntil: null } });
    expect((await benefitsOf(p.id)).benefits).toEqual([]);
    expect(published('CertificationWithdrawn', p.id)).toHaveLength(2);
    // Nothing held: no directory entry; the history shows both, with the reason.
    expectStatus(await t.api('GET', `/directory/${p.id}`), 404);
    const history = expectStatus(
      await t.api<{ items: { id: string; status: string; withdrawal?: { reason: string } }[] }>('GET', `/pathways/${p.id}/certifications`, {
        token: w.lead.token,
      }),
      200,
    ).json.items;
    expect(history.map((c) => c.status)).toEqual(['revoked', 'revoked']);
    expect(history[1]!.withdrawal?.reason).toBe('Closed.');
    const audit = expectStatus(
      await t.api<{ items: { action: string }[] }>('GET', `/pathways/${p.id}/audit?order=oldest&limit=100`, { token: w.lead.token }),
      200,
    ).json.items.map((a) => a.action);
    expect(audit.filter((a) => a === 'certification.withdrawn')).toHaveLength(2);
    expect(audit).toContain('pathway.certification.withdrawn');
    // A certification that is not active cannot be withdrawn; an unknown one is not there.
    expectStatus(
      await t.api('POST', `/pathways/${p.id}/certifications/${newId('certification')}/withdraw`, {
        token: w.staff.token,
        body: { reason: 'Closed.' },
      }),
      404,
    );
  });

  it("the sweep's expiry loses the benefits in the expiry's transaction, announced once however often the sweep runs", async () => {
    const p = await freshPathway('Expiry Academy');
    const issuedOn = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const silver = await certify(p.id, 'silver', issuedOn);
    expect((await benefitsOf(p.id)).level).toBe('silver');
    // The day after it expires.
    const day = silver.expiresOn;
    t.platform.clock.setOffset(Date.parse(`${day}T08:00:00Z`) - Date.now());
    const sweep = () => t.platform.invoke('recertificationSweep', { job: 'recertification-sweep', scheduledTime: `${day}T07:00:00Z` });
    await Promise.all([sweep(), sweep()]);
    await sweep();
    t.platform.clock.setOffset(0);
    expect((await getPathway(p.id, true))!.certificationLevel).toBeNull();
    expect(await getEntitlement(p.id, true)).toMatchObject({
      level: null,
      benefitIds: [],
      cause: { kind: 'expired', certificationId: silver.id },
    });
    expect((await benefitsOf(p.id)).benefits).toEqual([]);
    const changed = published('BenefitsChanged', p.id).filter((e) => (e.detail as { cause: string }).cause === 'expired');
    expect(changed.map((e) => e.detail)).toEqual([expect.objectContaining({ previousLevel: 'silver', level: null, unlocked: [] })]);
    expect([...(changed[0]!.detail as { lost: string[] }).lost].sort()).toEqual([ben.mark, ben.coaching, ben.scholarship].sort());
    expect(published('CertificationExpired', p.id)).toHaveLength(1);
  });
});

describe('requests for capacity-limited benefits', () => {
  it('counts units per pathway and year under a condition: racing requests never exceed capacity; declines and withdrawals give units back', async () => {
    const p = await freshPathway('Scholarship Academy');
    await certify(p.id, 'silver');
    const path = `/pathways/${p.id}/benefit-requests`;
    const ask = (units = 1, token = w.lead.token, headers: Record<string, string> = {}) =>
      t.api<{ id: string; status: string; window: string; code?: string }>('POST', path, {
        token,
        body: { benefitId: ben.scholarship, units },
        headers,
      });

    // Not requestable, unknown, too many units: 422 with the field.
    const coaching = await t.api<{ errors: { code: string }[] }>('POST', path, { token: w.lead.token, body: { benefitId: ben.coaching } });
    expect(expectStatus(coaching, 422).json.errors.map((e) => e.code)).toEqual(['not_requestable']);
    expect(
      expectStatus(
        await t.api<{ errors: { code: string }[] }>('POST', path, { token: w.lead.token, body: { benefitId: newId('benefit') } }),
        422,
      ).json.errors[0]!.code,
    ).toBe('unknown_benefit');
    expect(expectStatus(await ask(4), 422).json).toMatchObject({ errors: [{ field: 'units', code: 'too_many_units' }] });

    // Five at once for three places: exactly three get one.
    const raced = await Promise.all([1, 2, 3, 4, 5].map(() => ask(1)));
    expect(raced.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409]);
    expect(raced.filter((r) => r.status === 409).every((r) => r.json.code === 'capacity_exhausted')).toBe(true);
    const ids = raced.filter((r) => r.status === 201).map((r) => r.json.id);
    expect((await benefitsOf(p.id)).benefits.find((b) => b.id === ben.scholarship)?.capacity).toMatchObject({ used: 3, remaining: 0 });

    // Staff decline one (a unit comes back), the team withdraws another, staff approve the third.
    const decide = (id: string, decision: string, token = w.staff.token) =>
      t.api<{ status: string }>('POST', `${path}/${id}/decision`, { token, body: { decision, note: 'Thank you.' } });
    expectStatus(await decide(ids[0]!, 'declined', w.lead.token), 403);
    expect(expectStatus(await decide(ids[0]!, 'declined'), 200).json.status).toBe('declined');
    expect(expectStatus(await decide(ids[0]!, 'approved'), 409).json).toMatchObject({ code: 'not_requested' });
    expect(
      expectStatus(await t.api<{ status: string }>('POST', `${path}/${ids[1]}/withdraw`, { token: dlead.token }), 200).json.status,
    ).toBe('withdrawn');
    expectStatus(await decide(ids[2]!, 'approved'), 200);
    expect((await benefitsOf(p.id)).benefits.find((b) => b.id === ben.scholarship)?.capacity).toMatchObject({ used: 1, remaining: 2 });

    // An Idempotency-Key makes a retried request one request; two units fit, a third does not.
    const key = `request-${Date.now()}`;
    const a = await ask(2, dlead.token, { 'idempotency-key': key });
    const b = await ask(2, dlead.token, { 'idempotency-key': key });
    expect(expectStatus(a, 201).json.id).toBe(expectStatus(b, 201).json.id);
    expect(expectStatus(await ask(1), 409).json.code).toBe('capacity_exhausted');

    // Lists: the pathway's newest first with cursors; the staff queue by status.
    const firstPage = expectStatus(
      await t.api<{ items: { id: string }[]; nextCursor?: string }>('GET', `${path}?limit=2`, { token: dlead.token }),
      200,
    ).json;
    expect(firstPage.items[0]!.id).toBe(a.json.id);
    const rest = expectStatus(
      await t.api<{ items: { id: string }[] }>('GET', `${path}?limit=10&cursor=${encodeURIComponent(firstPage.nextCursor!)}`, {
        token: dlead.token,
      }),
      200,
    ).json;
    expect([...firstPage.items, ...rest.items].map((r) => r.id).sort()).toEqual([...ids, a.json.id].sort());
    const queue = expectStatus(
      await t.api<{ items: { id: string }[] }>('GET', '/benefit-requests?status=requested&limit=100', { token: w.staff.token }),
      200,
    ).json;
    expect(queue.items.map((r) => r.id)).toContain(a.json.id);
    expectStatus(await t.api('GET', path, { token: outsider.token }), 404);

    // The staff report counts the requests and the students reached.
    const report = expectStatus(
      await t.api<{
        scholarshipStudents: number;
        scholarshipPathways: number;
        benefits: { id: string; requests: Record<string, number>; unitsHeld: number }[];
      }>('GET', '/reports/benefits', { token: w.staff.token }),
      200,
    ).json;
    expect(report.benefits.find((x) => x.id === ben.scholarship)).toMatchObject({
      requests: { requested: 1, approved: 1, declined: 1, withdrawn: 1 },
      unitsHeld: 3,
    });
    expect(report.scholarshipStudents).toBeGreaterThanOrEqual(120);
    // The network's progress counts the students in pathways that unlock scholarships too.
    const progress = expectStatus(
      await t.api<{ scholarshipStudents: number; scholarshipPathways: number }>('POST', '/network/progress/refresh', {
        token: w.staff.token,
      }),
      200,
    ).json;
    expect(progress.scholarshipStudents).toBe(report.scholarshipStudents);
    expect(progress.scholarshipPathways).toBe(report.scholarshipPathways);
  });

  it('a pathway below the level is refused with 422, also once it lost the level', async () => {
    const p = await freshPathway('Candidate Academy');
    await certify(p.id, 'candidacy');
    const res = await t.api<{ errors: { code: string }[] }>('POST', `/pathways/${p.id}/benefit-requests`, {
      token: w.lead.token,
      body: { benefitId: ben.scholarship },
    });
    expect(expectStatus(res, 422).json.errors.map((e) => e.code)).toEqual(['level_too_low']);

    const q = await freshPathway('Lapsing Academy');
    const silver = await certify(q.id, 'silver');
    expectStatus(
      await t.api('POST', `/pathways/${q.id}/certifications/${silver.id}/withdraw`, { token: w.staff.token, body: { reason: 'Closed.' } }),
      200,
    );
    expectStatus(
      await t.api('POST', `/pathways/${q.id}/benefit-requests`, { token: w.lead.token, body: { benefitId: ben.scholarship } }),
      422,
    );
  });
});
