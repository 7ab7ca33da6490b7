/**
 * Outcome data through the local HTTP API: JSON submission, replacement and audit,
 * validation with paths, small-cell suppression for everyone but staff (every numeric cell
 * of every non-staff answer scanned), the equity comparison, CSV uploads through the real
 * presigned POST and S3 notification, the staff export, partners, and network progress
 * served from precomputed items (DynamoDB commands counted).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onClientCreated } from '#lib/aws-clients.ts';
import { newId } from '#core/ids.ts';
import { seedFramework } from '#core/seed-framework.ts';
import { nowIso } from '#lib/clock.ts';
import { publish } from '#events/publish.ts';
import { getItem, put, queryAll, queryPage, transact } from '#store/db.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import { partitions } from '#store/keys.ts';
import * as keys from '#store/keys.ts';
import { latestHeadline } from '#store/outcomes.ts';
import { certificationWrite, getPathway } from '#store/registry.ts';
import { expectSafeCsv } from '../support/csv.ts';
import type { CountView } from '#core/outcomes/model.ts';
import type { PublicYear } from '#core/outcomes/suppression.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { insiderDisclosures, type DistrictInput } from '../unit/core/outcomes/adversary.ts';
import {
  createDistrict,
  createPathway,
  createSchool,
  expectStatus,
  joinDistrict,
  joinPathway,
  person,
  type Person,
} from '../support/registry-world.ts';

// Every DynamoDB command the in-process functions send, by name.
const commands: string[] = [];
onClientCreated((client, service) => {
  if (service !== 'dynamodb') return;
  (client as DynamoDBClient).middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
});

const YEAR = '2024-25';
const THRESHOLD = 10;

let t: TestPlatform;
let staff: Person;
let lead: Person;
let dataContact: Person;
let otherLead: Person;
let pathwayLead: Person;
let district: { id: string };
let otherDistrict: { id: string };
let p1: { id: string; name: string };
let p2: { id: string };
let foreign: { id: string };

const districtCounts = {
  enrolled: { all: 400, english_learner: 60, students_with_disabilities: 8, hispanic_latino: 250, white: 100, asian: 50 },
  cohort: { all: 100, english_learner: 15, students_with_disabilities: 8 },
  graduated_on_time: { all: 90, english_learner: 12, students_with_disabilities: 6 },
  dropped_out: { all: 5, english_learner: 2, students_with_disabilities: 1 },
};
const p1Counts = {
  enrolled: { all: 120, english_learner: 30, students_with_disabilities: 5, hispanic_latino: 70, white: 30, asian: 20 },
  cohort: { all: 30, english_learner: 9, students_with_disabilities: 3 },
  graduated_on_time: { all: 27, english_learner: 7, students_with_disabilities: 3 },
  dropped_out: { all: 2, english_learner: 1, students_with_disabilities: 0 },
};
const p2Counts = {
  enrolled: { all: 80, english_learner: 12, students_with_disabilities: 2 },
  cohort: { all: 25, english_learner: 5 },
  graduated_on_time: { all: 24, english_learner: 5 },
  dropped_out: { all: 1, english_learner: 0 },
};

const submit = (who: Person, body: unknown, districtId = district.id, year = YEAR) =>
  t.api<Record<string, unknown>>('PUT', `/districts/${districtId}/outcomes/${year}`, { token: who.token, body });

/** Every `{ value: n }` cell that holds a count (not a rate, share, ratio or change), with its path. */
function countCells(value: unknown, path: string[] = [], out: { path: string; value: number }[] = []) {
  if (Array.isArray(value)) value.forEach((v, i) => countCells(v, [...path, String(i)], out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const parent = path[path.length - 1] ?? '';
    const rateLike = [
      'rate',
      'pathwayRate',
      'referenceRate',
      'differencePp',
      'pathwayShare',
      'districtShare',
      'ratio',
      'change',
      'changePp',
    ];
    if ('value' in o && typeof o.value === 'number' && !rateLike.includes(parent)) out.push({ path: path.join('.'), value: o.value });
    for (const [k, v] of Object.entries(o)) countCells(v, [...path, k], out);
  }
  return out;
}

function expectNoSmallCells(body: unknown) {
  const small = countCells(body).filter((c) => c.value <= THRESHOLD);
  expect(small, JSON.stringify(small.slice(0, 5))).toEqual([]);
}

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@alliance.test', ['staff']);
  lead = await person(t, 'lead@riverside.test', ['district']);
  dataContact = await person(t, 'data@riverside.test', ['district']);
  otherLead = await person(t, 'lead@bayview.test', ['district']);
  pathwayLead = await person(t, 'plead@riverside.test', ['pathway']);
  district = await createDistrict(t, staff, { name: 'Riverside Unified' });
  otherDistrict = await createDistrict(t, staff, { name: 'Bayview Unified', state: 'OR' });
  const school = await createSchool(t, staff, district.id);
  const otherSchool = await createSchool(t, staff, otherDistrict.id);
  await joinDistrict(t, staff, district.id, lead, 'lead');
  await joinDistrict(t, staff, district.id, dataContact, 'data');
  await joinDistrict(t, staff, otherDistrict.id, otherLead, 'lead');
  p1 = await createPathway(t, lead, school.id, { name: '=SUM(A1:A9) Health Academy', enrollment: 300 });
  // Names that hide a formula behind an invisible character, or after a ; (a cell break in ;-locales).
  p2 = await createPathway(t, lead, school.id, { name: '\u200B=HYPERLINK("http://x") Bio; -2+cmd|\'/C calc\'!A0\tx', enrollment: 200 });
  foreign = await createPathway(t, otherLead, otherSchool.id, { enrollment: 150 });
  await joinPathway(t, lead, p1.id, pathwayLead, 'lead');
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('JSON submission', () => {
  it('validates every problem with its path and stores nothing', async () => {
    const res = await submit(lead, {
      district: { enrolled: { all: 10, english_learner: 12 } },
      pathways: [
        { pathwayId: foreign.id, counts: { enrolled: { all: 5 } } },
        { pathwayId: p1.id, counts: { graduated_on_time: { all: 5 }, cohort: { all: 3 } } },
      ],
    });
    expectStatus(res, 400);
    const fields = (res.json.errors as { field: string; code: string }[]).map((e) => `${e.field}:${e.code}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'district.counts.enrolled.english_learner:group_exceeds_total',
        'pathways.0.pathwayId:pathway_not_in_district',
        'pathways.1.counts.graduated_on_time.all:numerator_exceeds_denominator',
      ]),
    );
    const unknown = await submit(lead, { pathways: [{ pathwayId: p1.id, counts: { enrolled: { all: 5, martians: 2 } } }] });
    expectStatus(unknown, 400);
    const audit = await queryAll(keys.auditPartition({ kind: 'district', id: district.id }));
    expect(audit.filter((a) => String(a.action).startsWith('outcomes.'))).toHaveLength(0);
  });

  it('refuses callers outside the district (404) and pathway teams (403)', async () => {
    const body = { pathways: [{ pathwayId: p1.id, counts: p1Counts }] };
    expectStatus(await submit(otherLead, body), 404);
    expectStatus(await submit(pathwayLead, body), 403);
  });

  it('stores a submission, is idempotent by content, replaces atomically and audits', async () => {
    const first = expectStatus(
      await submit(dataContact, { district: districtCounts, pathways: [{ pathwayId: p1.id, counts: p1Counts }] }),
      201,
    );
    const again = expectStatus(
      await submit(dataContact, { district: districtCounts, pathways: [{ pathwayId: p1.id, counts: p1Counts }] }),
      200,
    );
    expect(again.json.unchanged).toBe(true);
    expect(again.json.submissionId).toBe(first.json.submissionId);

    const replaced = expectStatus(
      await submit(lead, {
        district: districtCounts,
        pathways: [
          { pathwayId: p1.id, counts: p1Counts },
          { pathwayId: p2.id, counts: p2Counts },
        ],
      }),
      200,
    );
    expect(replaced.json.replaced).toBe(first.json.submissionId);
    expect(replaced.json.pathwayIds).toEqual([p1.id, p2.id].sort());

    const audit = (await queryAll(keys.auditPartition({ kind: 'district', id: district.id }))).filter((a) =>
      String(a.action).startsWith('outcomes.'),
    );
    expect(audit.map((a) => a.action)).toEqual(['outcomes.submitted', 'outcomes.replaced']);
    expect(audit[0]!.actor).toMatchObject({ sub: dataContact.sub });
    expect(audit[1]!.actor).toMatchObject({ sub: lead.sub });
    expect(audit[1]!.changes).toEqual(
      expect.arrayContaining([{ field: 'submissionId', from: first.json.submissionId, to: replaced.json.submissionId }]),
    );

    const staffView = expectStatus(await t.api<{ years: string[] }>('GET', `/pathways/${p2.id}/outcomes`, { token: staff.token }), 200);
    expect(staffView.json.years).toEqual([YEAR]);
  });
});

describe('replacement', () => {
  it('drops the views of a pathway left out of a resubmission', async () => {
    const year = '2021-22';
    expectStatus(
      await submit(
        lead,
        {
          pathways: [
            { pathwayId: p1.id, counts: p1Counts },
            { pathwayId: p2.id, counts: p2Counts },
          ],
        },
        district.id,
        year,
      ),
      201,
    );
    let p2Years = expectStatus(await t.api<{ years: string[] }>('GET', `/pathways/${p2.id}/outcomes`, { token: staff.token }), 200);
    expect(p2Years.json.years).toContain(year);
    expectStatus(await submit(lead, { pathways: [{ pathwayId: p1.id, counts: p1Counts }] }, district.id, year), 200);
    p2Years = expectStatus(await t.api<{ years: string[] }>('GET', `/pathways/${p2.id}/outcomes`, { token: staff.token }), 200);
    expect(p2Years.json.years).not.toContain(year);
    const p1Years = expectStatus(await t.api<{ years: string[] }>('GET', `/pathways/${p1.id}/outcomes`, { token: staff.token }), 200);
    expect(p1Years.json.years).toContain(year);
  });
});

describe('suppression', () => {
  it('staff see raw counts, including small ones', async () => {
    const res = expectStatus(
      await t.api<{ latest: { counts: Record<string, Record<string, unknown>> } }>('GET', `/pathways/${p1.id}/outcomes`, {
        token: staff.token,
      }),
      200,
    );
    expect(res.json.latest.counts.enrolled!.students_with_disabilities).toEqual({ value: 5 });
    expect(res.json.latest.counts.dropped_out!.all).toEqual({ value: 2 });
  });

  it('non-staff answers never carry a count at or below the threshold, and say what is suppressed', async () => {
    const answers = [
      await t.api('GET', `/pathways/${p1.id}/outcomes`, { token: pathwayLead.token }),
      await t.api('GET', `/pathways/${p1.id}/outcomes/${YEAR}/comparison`, { token: pathwayLead.token }),
      await t.api('GET', `/pathways/${p1.id}/outcomes/trends?metric=dropped_out&group=english_learner`, { token: pathwayLead.token }),
      await t.api('GET', `/pathways/${p2.id}/outcomes/trends?countMetric=enrolled&group=students_with_disabilities`, { token: lead.token }),
      await t.api('GET', `/districts/${district.id}/outcomes/${YEAR}`, { token: lead.token }),
      await t.api('GET', `/districts/${district.id}/outcomes/${YEAR}`, { token: dataContact.token }),
      await t.api('GET', `/network/outcomes/trends?metric=graduated_on_time&group=english_learner`, { token: otherLead.token }),
      await t.api('GET', `/network/outcomes/trends?countMetric=dropped_out`, { token: pathwayLead.token }),
    ];
    for (const res of answers) {
      expectStatus(res, 200);
      expectNoSmallCells(res.json);
    }
    const pathway = answers[0]!.json as { suppressed: boolean; latest: { counts: Record<string, Record<string, unknown>> } };
    expect(pathway.suppressed).toBe(true);
    expect(pathway.latest.counts.enrolled!.students_with_disabilities).toEqual({ suppressed: true, reason: 'privacy' });
    // Revealed numbers cannot give the hidden ones back: some cell besides the small ones is
    // hidden too (and no hidden cell says why: a reason would bound it).
    type Counts = Record<string, Record<string, { value?: number; suppressed?: boolean }>>;
    const hiddenLarge: string[] = [];
    for (const path of [`/pathways/${p1.id}/outcomes`, `/pathways/${p2.id}/outcomes`]) {
      const raw = expectStatus(await t.api<{ latest: { counts: Counts } }>('GET', path, { token: staff.token }), 200).json.latest.counts;
      const seen = expectStatus(await t.api<{ latest: { counts: Counts } }>('GET', path, { token: lead.token }), 200).json.latest.counts;
      for (const [m, groups] of Object.entries(seen)) {
        for (const [g, cell] of Object.entries(groups)) {
          if (cell.suppressed && raw[m]![g]!.value! > THRESHOLD) hiddenLarge.push(`${path} ${m}/${g}`);
        }
      }
    }
    expect(hiddenLarge.length).toBeGreaterThan(0);
    expect(JSON.stringify(answers.map((a) => a.json))).not.toMatch(/small_cell|complementary/);
    // The staff version of the same answers does carry small counts (the scan can fail).
    const staffAnswer = await t.api('GET', `/districts/${district.id}/outcomes/${YEAR}`, { token: staff.token });
    expect(countCells(staffAnswer.json).some((c) => c.value <= THRESHOLD)).toBe(true);
  });

  it('no small group can be recovered by subtraction from what a district lead sees', async () => {
    type View = Record<string, Record<string, { value?: number; suppressed?: boolean }>>;
    const d = expectStatus(
      await t.api<{ district: { counts: View } }>('GET', `/districts/${district.id}/outcomes/${YEAR}`, { token: lead.token }),
      200,
    ).json.district.counts;
    const pv: View[] = [];
    for (const p of [p1, p2]) {
      pv.push(
        expectStatus(await t.api<{ latest: { counts: View } }>('GET', `/pathways/${p.id}/outcomes`, { token: lead.token }), 200).json.latest
          .counts,
      );
    }
    const revealed = (v: View, m: string, g: string) => v[m]?.[g]?.value;
    const leaks: string[] = [];
    for (const [metric, groups] of Object.entries(d)) {
      for (const group of Object.keys(groups)) {
        // The district's students outside its pathways.
        const total = revealed(d, metric, group);
        const parts = pv.map((v) => (v[metric]?.[group] === undefined ? 0 : revealed(v, metric, group)));
        if (total !== undefined && parts.every((x) => x !== undefined)) {
          const rest = total - parts.reduce((a: number, b) => a + b, 0);
          if (rest <= THRESHOLD) leaks.push(`district ${metric}/${group}: outside pathways = ${rest}`);
        }
      }
    }
    // Within each report: students outside a subset group, and non-graduates of the cohort.
    for (const [name, v] of [
      ['district', d],
      ['p1', pv[0]!],
      ['p2', pv[1]!],
    ] as const) {
      for (const [metric, groups] of Object.entries(v)) {
        const all = revealed(v, metric, 'all');
        for (const group of ['english_learner', 'students_with_disabilities']) {
          const part = revealed(v, metric, group);
          if (all !== undefined && part !== undefined && all - part <= THRESHOLD)
            leaks.push(`${name} ${metric}: all − ${group} = ${all - part}`);
        }
        void groups;
      }
      for (const group of Object.keys(v.cohort ?? {})) {
        const cohort = revealed(v, 'cohort', group);
        const grads = revealed(v, 'graduated_on_time', group);
        if (cohort !== undefined && grads !== undefined && cohort - grads <= THRESHOLD)
          leaks.push(`${name} ${group}: cohort − graduates = ${cohort - grads}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('gives profiles and applications a headline: suppressed unless raw', async () => {
    const pub = await latestHeadline(p2.id);
    expect(pub?.schoolYear).toBe(YEAR);
    expectNoSmallCells(pub);
    expect(pub?.enrolled).toEqual({ value: 80 });
    const raw = await latestHeadline(p2.id, true);
    expect(raw?.rates.graduated_on_time).toEqual({ value: 24 / 25 });
    expect(await latestHeadline(foreign.id)).toBeNull();
  });

  it('hides the district report from pathway teams and other districts', async () => {
    expectStatus(await t.api('GET', `/districts/${district.id}/outcomes/${YEAR}`, { token: pathwayLead.token }), 403);
    expectStatus(await t.api('GET', `/districts/${district.id}/outcomes/${YEAR}`, { token: otherLead.token }), 404);
    expectStatus(await t.api('GET', `/pathways/${p2.id}/outcomes`, { token: pathwayLead.token }), 404);
  });
});

describe('comparison', () => {
  it('compares with the district, flags gaps with a configurable threshold, and bounds the parameters', async () => {
    type Comparison = {
      comparisons: { metric: string; group: string; differencePp: unknown }[];
      representation: unknown[];
      flags: unknown[];
      config: { gapPp: number };
    };
    const res = expectStatus(
      await t.api<Comparison>('GET', `/pathways/${p1.id}/outcomes/${YEAR}/comparison?gapPp=1&ratio=0.9`, { token: staff.token }),
      200,
    );
    expect(res.json.config.gapPp).toBe(1);
    const grad = res.json.comparisons.find((c) => c.metric === 'graduated_on_time' && c.group === 'all');
    // 27/30 = 90% against 90/100 = 90%.
    expect(grad?.differencePp).toEqual({ value: 0 });
    expect(res.json.representation.length).toBeGreaterThan(0);
    expectStatus(await t.api('GET', `/pathways/${p1.id}/outcomes/${YEAR}/comparison?gapPp=80`, { token: staff.token }), 400);
    expectStatus(await t.api('GET', `/pathways/${p1.id}/outcomes/${YEAR}/comparison?ratio=abc`, { token: staff.token }), 400);
  });
});

describe('CSV uploads', () => {
  async function upload(who: Person, csv: string) {
    const declared = expectStatus(
      await t.api<{ upload: { id: string }; form: { url: string; fields: Record<string, string> } }>(
        'POST',
        `/districts/${district.id}/outcomes/uploads`,
        {
          token: who.token,
          body: { size: Buffer.byteLength(csv) },
        },
      ),
      201,
    );
    const form = new FormData();
    for (const [name, value] of Object.entries(declared.json.form.fields)) form.append(name, value);
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'outcomes.csv');
    const res = await fetch(declared.json.form.url, { method: 'POST', body: form });
    expect(res.status, await res.text()).toBe(201);
    await t.platform.s3Settled();
    return declared.json.upload.id;
  }
  const rows = (lines: string[]) => ['school_year,entity_type,entity_id,metric,student_group,count', ...lines].join('\r\n') + '\r\n';

  it('stores a valid file like a JSON submission', async () => {
    const csv = rows([
      `2023-24,district,${district.id},enrolled,all,390`,
      `2023-24,district,${district.id},enrolled,english_learner,55`,
      `2023-24,pathway,${p1.id},enrolled,all,110`,
      `2023-24,pathway,${p1.id},enrolled,english_learner,25`,
    ]);
    const id = await upload(dataContact, csv);
    const status = expectStatus(
      await t.api<{ upload: { status: string; schoolYear: string } }>('GET', `/districts/${district.id}/outcomes/uploads/${id}`, {
        token: dataContact.token,
      }),
      200,
    );
    expect(status.json.upload).toMatchObject({ status: 'stored', schoolYear: '2023-24' });
    const years = expectStatus(await t.api<{ years: string[] }>('GET', `/pathways/${p1.id}/outcomes`, { token: staff.token }), 200);
    expect(years.json.years).toEqual(expect.arrayContaining(['2023-24', YEAR]));
    expect([...years.json.years].sort()).toEqual(years.json.years);
  });

  it('records every error with row and column (formulas included) and stores nothing', async () => {
    const csv = rows([
      `2022-23,pathway,${p1.id},enrolled,all,100`,
      `2022-23,pathway,${foreign.id},enrolled,all,20`,
      `2022-23,pathway,${p1.id},enrolled,english_learner,=1+1`,
      `2022-23,pathway,${p1.id},enroled,all,4`,
      `2022-23,pathway,${p1.id},cohort,all,-3`,
    ]);
    const id = await upload(lead, csv);
    type Status = {
      upload: { status: string; errorCount: number };
      errors: { items: { row: number; column: number; code: string }[]; nextCursor?: string };
    };
    const page1 = expectStatus(
      await t.api<Status>('GET', `/districts/${district.id}/outcomes/uploads/${id}?limit=2`, { token: lead.token }),
      200,
    );
    expect(page1.json.upload.status).toBe('invalid');
    expect(page1.json.errors.items).toHaveLength(2);
    const page2 = expectStatus(
      await t.api<Status>('GET', `/districts/${district.id}/outcomes/uploads/${id}?limit=100&cursor=${page1.json.errors.nextCursor}`, {
        token: lead.token,
      }),
      200,
    );
    const all = [...page1.json.errors.items, ...page2.json.errors.items];
    expect(all.length).toBe(page1.json.upload.errorCount);
    const codes = all.map((e) => `${e.row}:${e.column}:${e.code}`);
    expect(codes).toEqual(
      expect.arrayContaining(['3:3:pathway_not_in_district', '4:6:formula', '5:4:unknown_metric', '6:6:negative_count']),
    );
    const years = expectStatus(await t.api<{ years: string[] }>('GET', `/pathways/${p1.id}/outcomes`, { token: staff.token }), 200);
    expect(years.json.years).not.toContain('2022-23');
    // Another district's lead cannot read the status.
    expectStatus(await t.api('GET', `/districts/${district.id}/outcomes/uploads/${id}`, { token: otherLead.token }), 404);
  });

  it('expires a declared upload whose file never came, after a grace, by the hourly job and on read', async () => {
    const declare = async () =>
      expectStatus(
        await t.api<{ upload: { id: string; status: string } }>('POST', `/districts/${district.id}/outcomes/uploads`, {
          token: lead.token,
          body: { size: 100 },
        }),
        201,
      ).json.upload;
    const statusOf = async (id: string) =>
      expectStatus(
        await t.api<{ upload: { status: string } }>('GET', `/districts/${district.id}/outcomes/uploads/${id}`, { token: lead.token }),
        200,
      ).json.upload.status;
    const waiting = await declare();
    expect(waiting.status).toBe('declared');
    const slot = (ms: number) => ({ job: 'upload-expiry', scheduledTime: new Date(Date.now() + ms).toISOString() });
    type Run = { outcomeUploads: { expired: number } };
    // The form lapses after 5 minutes; a late notification still has an hour.
    expect(((await t.platform.invoke('expireUploads', slot(30 * 60 * 1000))) as Run).outcomeUploads.expired).toBe(0);
    expect(await statusOf(waiting.id)).toBe('declared');
    expect(((await t.platform.invoke('expireUploads', slot(2 * 60 * 60 * 1000))) as Run).outcomeUploads.expired).toBe(1);
    expect(await statusOf(waiting.id)).toBe('expired');
    expect(((await t.platform.invoke('expireUploads', slot(2 * 60 * 60 * 1000))) as Run).outcomeUploads.expired).toBe(0);
    // Nothing is left waiting: the processed uploads left the expiry index when processing began.
    expect((await queryPage({ partition: partitions.declaredOutcomeUploads })).items).toEqual([]);

    // A reader past the grace sees (and records) the expiry before any job runs.
    const other = await declare();
    t.platform.clock.setOffset(2 * 60 * 60 * 1000);
    try {
      expect(await statusOf(other.id)).toBe('expired');
    } finally {
      t.platform.clock.setOffset(0);
    }
    expect((await getItem(keys.outcomeUpload(other.id), true))?.status).toBe('expired');
    expect((await getItem(keys.outcomeUpload(other.id), true))?.GSI3PK).toBeUndefined();
  });

  it('refuses a declared size over the limit', async () => {
    const res = await t.api('POST', `/districts/${district.id}/outcomes/uploads`, { token: lead.token, body: { size: 900_000_000 } });
    expectStatus(res, 400);
  });
});

describe('outcome summaries on applications', () => {
  it('show reviewers (suppressed) and staff (raw) the pathway\u2019s latest outcomes; the team\u2019s answer is unchanged', async () => {
    await putPublishedFramework(seedFramework);
    const opened = expectStatus(
      await t.api<{ id: string }>('POST', `/pathways/${p1.id}/applications`, { token: pathwayLead.token, body: { target: 'candidacy' } }),
      201,
    );
    const appId = opened.json.id;
    type Headline = { schoolYear: string; enrolled: unknown; rates: Record<string, unknown> };
    type AppView = { id: string; responses: unknown[]; outcomes?: Headline | null };

    const team = expectStatus(await t.api<AppView>('GET', `/applications/${appId}`, { token: pathwayLead.token }), 200).json;
    expect(Object.keys(team)).not.toContain('outcomes');

    const staffView = expectStatus(await t.api<AppView>('GET', `/applications/${appId}`, { token: staff.token }), 200).json;
    expect(staffView.outcomes?.schoolYear).toBe(YEAR);
    expect(staffView.outcomes?.enrolled).toEqual({ value: p1Counts.enrolled.all });
    expect(staffView.outcomes?.rates.graduated_on_time).toEqual({ value: 27 / 30 });

    const reviewer = await person(t, 'reviewer@alliance.test', ['reviewer']);
    expectStatus(await t.api('GET', `/applications/${appId}`, { token: reviewer.token }), 404);
    await transact([
      put({
        ...keys.assignment(reviewer.sub, appId),
        _type: 'assignment',
        sub: reviewer.sub,
        applicationId: appId,
        pathwayId: p1.id,
        active: true,
        role: 'reviewer',
        assignedAt: nowIso(),
      }),
    ]);
    const reviewerView = expectStatus(await t.api<AppView>('GET', `/applications/${appId}`, { token: reviewer.token }), 200).json;
    expect(reviewerView.outcomes?.schoolYear).toBe(YEAR);
    expectNoSmallCells(reviewerView);
    // The same suppressed numbers the pathway's own outcome route shows.
    const own = expectStatus(
      await t.api<{ latest: { counts: { enrolled: { all: unknown } } } }>('GET', `/pathways/${p1.id}/outcomes`, {
        token: pathwayLead.token,
      }),
      200,
    ).json;
    expect(reviewerView.outcomes?.enrolled).toEqual(own.latest.counts.enrolled.all);
    expect(JSON.stringify(reviewerView.outcomes)).toMatch(/"value":/);

    // A pathway without outcome data: null, not missing.
    const foreignLead = await person(t, 'flead@bayview.test', ['pathway']);
    await joinPathway(t, otherLead, foreign.id, foreignLead, 'lead');
    const foreignApp = expectStatus(
      await t.api<{ id: string }>('POST', `/pathways/${foreign.id}/applications`, {
        token: foreignLead.token,
        body: { target: 'candidacy' },
      }),
      201,
    ).json;
    expect(
      expectStatus(await t.api<AppView>('GET', `/applications/${foreignApp.id}`, { token: staff.token }), 200).json.outcomes,
    ).toBeNull();
  });
});

describe('export, partners and network progress', () => {
  it('exports a school year as CSV for staff only, with neutralized cells', async () => {
    const res = await t.api('GET', `/network/outcomes/${YEAR}/export.csv`, { token: staff.token });
    expectStatus(res, 200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.text).toContain(`'=SUM(A1:A9) Health Academy`);
    expect(res.text).not.toMatch(/,=SUM/);
    expect(res.text).toContain(`${p1.id},`);
    // Strictly parsed, every field is the stored text with quotes only where a formula could start.
    const rows = expectSafeCsv(res.text);
    const names = new Map(rows.slice(1).map((r) => [r[2], r[3]]));
    expect(names.get(p1.id)).toBe(`'=SUM(A1:A9) Health Academy`);
    expect(names.get(p2.id)).toBe(`'\u200B=HYPERLINK("http://x") Bio;' -2+cmd|'/C calc'!A0\tx`);
    expect(rows[0]).toEqual([
      'school_year',
      'entity_type',
      'entity_id',
      'entity_name',
      'district_id',
      'district_name',
      'metric',
      'student_group',
      'student_group_label',
      'count',
    ]);
    for (const row of rows.slice(1)) expect(Number(row[9])).toBeGreaterThanOrEqual(0);
    expectStatus(await t.api('GET', `/network/outcomes/${YEAR}/export.csv`, { token: lead.token }), 403);
  });

  it('lets staff export every report as CSV (?format=csv), raw and neutralized; nobody else', async () => {
    const csv = async (path: string, who: Person = staff) => {
      const res = await t.api('GET', path, { token: who.token });
      expectStatus(res, 200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
      // (fetch's text() drops the byte order mark the export starts with.)
      expect(res.text.replace(/^\uFEFF/, '').startsWith('field,value\r\n')).toBe(true);
      expect(expectSafeCsv(res.text)[0]).toEqual(['field', 'value']);
      return res.text;
    };
    // Staff exports carry the raw counts, small ones included.
    const districtCsv = await csv(`/districts/${district.id}/outcomes/${YEAR}?format=csv`);
    expect(districtCsv).toContain('district.counts.enrolled.students_with_disabilities,8\r\n');
    expect(districtCsv).toContain('suppressed,false\r\n');
    const comparison = await csv(`/pathways/${p1.id}/outcomes/${YEAR}/comparison?format=csv&gapPp=1`);
    expect(comparison).toContain('config.gapPp,1\r\n');
    expect(comparison).toMatch(/\r\ncomparisons\.0\.metric,/);
    expect(await csv(`/pathways/${p1.id}/outcomes?format=csv`)).toContain(`pathwayId,${p1.id}\r\n`);
    expect(await csv(`/pathways/${p1.id}/outcomes/trends?format=csv`)).toContain('metric,graduated_on_time\r\n');
    expect(await csv('/network/outcomes/trends?format=csv')).toContain('suppressed,false\r\n');
    expect(await csv('/network/progress?format=csv')).toMatch(/\r\nstale,(true|false)\r\n/);
    // JSON stays the default.
    expect(
      expectStatus(await t.api('GET', `/pathways/${p1.id}/outcomes?format=json`, { token: staff.token }), 200).headers.get('content-type'),
    ).toMatch(/json/);
    // Others may read (suppressed) reports but not export them; who may not read still gets 404.
    expectStatus(await t.api('GET', `/pathways/${p1.id}/outcomes?format=csv`, { token: pathwayLead.token }), 403);
    expectStatus(await t.api('GET', `/districts/${district.id}/outcomes/${YEAR}?format=csv`, { token: lead.token }), 403);
    expectStatus(await t.api('GET', `/districts/${district.id}/outcomes/${YEAR}?format=csv`, { token: otherLead.token }), 404);
    expectStatus(await t.api('GET', `/pathways/${p1.id}/outcomes?format=xlsx`, { token: staff.token }), 400);
  });

  it('records partners per pathway and lists them network-wide for staff', async () => {
    const created = await t.api<{ id: string }>('POST', `/pathways/${p1.id}/partners`, {
      token: pathwayLead.token,
      body: { organization: 'Riverside Hospital', sector: 'Health care', engagement: 'ongoing', studentsServed: 24 },
    });
    expectStatus(created, 201);
    expectStatus(
      await t.api('POST', `/pathways/${p1.id}/partners`, {
        token: pathwayLead.token,
        body: { organization: 'X', sector: 'Y', engagement: 'forever', studentsServed: 1 },
      }),
      400,
    );
    const list = expectStatus(
      await t.api<{ items: { id: string }[] }>('GET', `/pathways/${p1.id}/partners`, { token: dataContact.token }),
      200,
    );
    expect(list.json.items.map((p) => p.id)).toEqual([created.json.id]);
    const all = expectStatus(await t.api<{ items: { id: string }[] }>('GET', '/partners', { token: staff.token }), 200);
    expect(all.json.items.map((p) => p.id)).toContain(created.json.id);
    expectStatus(await t.api('GET', '/partners', { token: lead.token }), 403);
    const exported = await t.api('GET', '/partners?format=csv', { token: staff.token });
    expectStatus(exported, 200);
    expectSafeCsv(exported.text);
    expect(exported.text).toMatch(/\r\nitems\.\d+\.organization,Riverside Hospital\r\n/);
  });

  it('counts students in certified pathways from precomputed items, in one read', async () => {
    for (const [id, level] of [
      [p1.id, 'gold'],
      [p2.id, 'candidacy'],
      [foreign.id, 'silver'],
    ] as const) {
      const p = (await getPathway(id, true))!;
      await transact(certificationWrite(p, { level, until: '2099-06-30' }, { sub: 'test' }, 'granted'));
    }
    expectStatus(await t.api('POST', '/network/progress/refresh', { token: lead.token }), 403);
    expectStatus(await t.api('POST', '/network/progress/refresh', { token: staff.token }), 200);

    commands.length = 0;
    type Progress = {
      current: {
        students: number;
        target: number;
        targetYear: number;
        countedLevels: string[];
        byLevel: Record<string, { students: number }>;
        byState: Record<string, { students: number }>;
        byDistrict: Record<string, { students: number }>;
      };
      byYear: unknown[];
    };
    const res = expectStatus(await t.api<Progress>('GET', '/network/progress', { token: pathwayLead.token }), 200);
    // The caller's access (one Query of their partition) and the progress items (one Query).
    expect(commands).toEqual(['QueryCommand', 'QueryCommand']);
    const c = res.json.current;
    expect(c.countedLevels).toEqual(['silver', 'gold']);
    expect(c).toMatchObject({ students: 450, target: 1_000_000, targetYear: 2030 });
    expect(c.byLevel.gold?.students).toBe(300);
    expect(c.byLevel.silver?.students).toBe(150);
    expect(c.byLevel.candidacy).toBeUndefined();
    expect(c.byState.CA?.students).toBe(300);
    expect(c.byState.OR?.students).toBe(150);
    expect(c.byDistrict[district.id]?.students).toBe(300);
    expect(res.json.byYear).toHaveLength(1);
  });

  it('is recomputed off the request path: not by submissions, but when a certification is issued', async () => {
    const before = await getItem(keys.networkProgress(), true);
    expect(before?.students).toBe(450);
    // A changed submission stores and recomputes the year's views, but leaves progress alone.
    expectStatus(
      await submit(
        lead,
        { pathways: [{ pathwayId: p1.id, counts: { ...p1Counts, enrolled: { ...p1Counts.enrolled, all: 121 } } }] },
        district.id,
        '2020-21',
      ),
      201,
    );
    // Whatever the submission published has been delivered, so an unchanged computedAt means nothing recomputed it.
    await t.platform.events.settled();
    expect((await getItem(keys.networkProgress(), true))?.computedAt).toBe(before?.computedAt);

    const p = (await getPathway(p2.id, true))!;
    await transact(certificationWrite(p, { level: 'silver', until: '2099-06-30' }, { sub: 'test' }, 'granted'));
    await publish([
      {
        detailType: 'CertificationIssued',
        detail: {
          certificationId: newId('certification'),
          applicationId: newId('application'),
          pathwayId: p2.id,
          districtId: district.id,
          level: 'silver',
          issuedOn: nowIso().slice(0, 10),
          expiresOn: '2099-06-30',
        },
      },
    ]);
    await t.platform.events.settled();
    type Progress = { current: { students: number; byLevel: Record<string, { students: number }> } };
    const res = expectStatus(await t.api<Progress>('GET', '/network/progress', { token: pathwayLead.token }), 200);
    expect(res.json.current.students).toBe(650);
    expect(res.json.current.byLevel.silver?.students).toBe(350);
  });
});

describe('GET /directory/{pathwayId}', () => {
  it('shows level, validity and suppressed headline outcomes; null when the pathway reported none', async () => {
    type Profile = { level: string; validUntil: string; outcomes: { schoolYear: string; enrolled: unknown } | null };
    const profile = expectStatus(await t.api<Profile>('GET', `/directory/${p1.id}`), 200).json;
    expect(profile).toMatchObject({ level: 'gold', validUntil: '2099-06-30' });
    expect(profile.outcomes?.schoolYear).toBe(YEAR);
    expectNoSmallCells(profile);
    const own = expectStatus(
      await t.api<{ latest: { counts: { enrolled: { all: unknown } } } }>('GET', `/pathways/${p1.id}/outcomes`, {
        token: pathwayLead.token,
      }),
      200,
    ).json;
    expect(profile.outcomes?.enrolled).toEqual(own.latest.counts.enrolled.all);
    expect(expectStatus(await t.api<Profile>('GET', `/directory/${foreign.id}`), 200).json.outcomes).toBeNull();
    // Directory search (sector, district, state, level) is covered by directory.test.ts.
    const listed = expectStatus(
      await t.api<{ items: { id: string }[] }>('GET', `/directory?level=gold&districtId=${district.id}&state=CA`),
      200,
    ).json;
    expect(listed.items.map((i) => i.id)).toEqual([p1.id]);
  });
});

describe('insiders (issue 15): a district data contact subtracting its own counts', () => {
  const YR = '2018-19';
  const GROUPS = ['all', 'gender_female', 'gender_male', 'gender_nonbinary'] as const;
  const cCounts = { enrolled: { all: 100, gender_female: 50, gender_male: 46, gender_nonbinary: 4 } };
  const aCounts = { enrolled: { all: 100, gender_female: 50, gender_male: 39, gender_nonbinary: 11 } };

  it("the network trends no longer give away pathway C's 4 non-binary students, and nothing X can read pins it", async () => {
    const xLead = await person(t, 'lead@x-unified.test', ['district']);
    const xData = await person(t, 'data@x-unified.test', ['district']);
    const yLead = await person(t, 'lead@y-unified.test', ['district']);
    const yData = await person(t, 'data@y-unified.test', ['district']);
    const x = await createDistrict(t, staff, { name: 'X Unified' });
    const y = await createDistrict(t, staff, { name: 'Y Unified' });
    await joinDistrict(t, staff, x.id, xLead, 'lead');
    await joinDistrict(t, staff, x.id, xData, 'data');
    await joinDistrict(t, staff, y.id, yLead, 'lead');
    await joinDistrict(t, staff, y.id, yData, 'data');
    const a = await createPathway(t, xLead, (await createSchool(t, staff, x.id)).id, { name: 'Pathway A' });
    const c = await createPathway(t, yLead, (await createSchool(t, staff, y.id)).id, { name: 'Pathway C' });

    // 1. Y submits C; 2. X submits A.
    expectStatus(await submit(yData, { pathways: [{ pathwayId: c.id, counts: cCounts }] }, y.id, YR), 201);
    expectStatus(await submit(xData, { pathways: [{ pathwayId: a.id, counts: aCounts }] }, x.id, YR), 201);

    // 3. What X's data contact reads: the network trends of each gender group.
    type Trend = { counts: { schoolYear: string; count: { value?: number; suppressed?: boolean } }[] };
    const network: Record<string, unknown> = {};
    for (const g of GROUPS) {
      const res = expectStatus(
        await t.api<Trend>('GET', `/network/outcomes/trends?countMetric=enrolled&group=${g}`, { token: xData.token }),
        200,
      );
      network[g] = res.json.counts.find((p) => p.schoolYear === YR)!.count;
    }
    // The figure: 15 − 11 = 4. Now withheld (staff still see 15).
    expect(network.gender_nonbinary).toEqual({ suppressed: true, reason: 'privacy' });
    const staffTrend = expectStatus(
      await t.api<Trend>('GET', '/network/outcomes/trends?countMetric=enrolled&group=gender_nonbinary', { token: staff.token }),
      200,
    );
    expect(staffTrend.json.counts.find((p) => p.schoolYear === YR)!.count).toEqual({ value: 15 });
    // all − female − male − X's own non-binary would give it back too: another figure is withheld.
    expect(GROUPS.filter((g) => g !== 'gender_nonbinary' && (network[g] as { suppressed?: boolean }).suppressed)).not.toEqual([]);

    // 4. Everything published about the year (the union of what anyone non-staff reads: the
    //    network, X's pathway as X reads it, C as Y reads it) and X's own raw counts, through
    //    the LP adversary: no count of C between 1 and 10 is pinned, nor is X's view of it.
    type Outcomes = { latest: { schoolYear: string; counts: CountView } };
    const aView = expectStatus(await t.api<Outcomes>('GET', `/pathways/${a.id}/outcomes`, { token: xData.token }), 200).json.latest;
    const cView = expectStatus(await t.api<Outcomes>('GET', `/pathways/${c.id}/outcomes`, { token: yData.token }), 200).json.latest;
    expect([aView.schoolYear, cView.schoolYear]).toEqual([YR, YR]);
    expectStatus(await t.api('GET', `/pathways/${c.id}/outcomes`, { token: xData.token }), 404); // X cannot read C itself
    expect(cView.counts.enrolled!.gender_nonbinary).toEqual({ suppressed: true, reason: 'privacy' });
    const published: PublicYear = {
      districts: new Map(),
      pathways: new Map([
        [a.id, aView.counts],
        [c.id, cView.counts],
      ]),
      network: { counts: { enrolled: network }, rateBases: {}, pathways: 2 },
      unauditedUnknowns: 0,
    };
    const year: DistrictInput[] = [
      { districtId: y.id, pathways: [{ pathwayId: c.id, counts: cCounts }] },
      { districtId: x.id, pathways: [{ pathwayId: a.id, counts: aCounts }] },
    ];
    expect(insiderDisclosures(year, published, { kind: 'district', districtId: x.id }, THRESHOLD)).toEqual([]);
    expect(insiderDisclosures(year, published, { kind: 'district', districtId: y.id }, THRESHOLD)).toEqual([]);
    // The same check on what was published before finds the attack (the check can fail).
    const before = {
      ...published,
      network: {
        ...published.network!,
        counts: {
          enrolled: { all: { value: 200 }, gender_female: { value: 100 }, gender_male: { value: 85 }, gender_nonbinary: { value: 15 } },
        },
      },
    };
    before.pathways = new Map([
      ...published.pathways,
      [
        a.id,
        {
          enrolled: {
            all: { value: 100 },
            gender_female: { value: 50 },
            gender_male: { suppressed: true, reason: 'privacy' },
            gender_nonbinary: { suppressed: true, reason: 'privacy' },
          },
        },
      ],
    ]);
    expect(insiderDisclosures(year, before, { kind: 'district', districtId: x.id }, THRESHOLD).map((d) => d.what)).toEqual([
      `pathway:${c.id}|enrolled|gender_nonbinary`,
    ]);
  });
});

describe('coalitions (issue 15): one person with district roles in several districts', () => {
  // Two school years. X's A and Y's B withhold 11 and 12 non-binary students (beside 5 and 6
  // male ones), W's D 13 (beside 7); Z's C has 4.
  // - 2017-18, X, Y and Z report: the network showed 27 before; X and Y together subtract 23.
  // - 2016-17, W reports too: the shared pattern may show 40 (any two districts are left with
  //   at least 15), but X, Y and W together are left with C's 4.
  const YEARS = { pair: '2017-18', triple: '2016-17' } as const;
  const GROUPS = ['all', 'gender_female', 'gender_male', 'gender_nonbinary'] as const;
  const counts = {
    A: { enrolled: { all: 100, gender_female: 84, gender_male: 5, gender_nonbinary: 11 } },
    B: { enrolled: { all: 120, gender_female: 102, gender_male: 6, gender_nonbinary: 12 } },
    D: { enrolled: { all: 110, gender_female: 90, gender_male: 7, gender_nonbinary: 13 } },
    C: { enrolled: { all: 100, gender_female: 50, gender_male: 46, gender_nonbinary: 4 } },
  };
  type Trend = { counts: { schoolYear: string; count: { value?: number; suppressed?: boolean } }[] };
  type Outcomes = { latest: { schoolYear: string; counts: CountView } };

  it("neither a two-district nor a three-district person can recover Z's small cell; staff see raw; teams their own", async () => {
    const world: Record<string, { district: { id: string }; data: Person; pathway: { id: string } }> = {};
    for (const [name, key] of [
      ['X', 'A'],
      ['Y', 'B'],
      ['W', 'D'],
      ['Z', 'C'],
    ] as const) {
      const data = await person(t, `data@${name.toLowerCase()}-coalition.test`, ['district']);
      const d = await createDistrict(t, staff, { name: `${name} Coalition Unified` });
      await joinDistrict(t, staff, d.id, data, 'lead');
      const p = await createPathway(t, data, (await createSchool(t, staff, d.id)).id, { name: `Pathway ${key}` });
      world[key] = { district: d, data, pathway: p };
    }
    for (const [yr, keys] of [
      [YEARS.pair, ['C', 'A', 'B']],
      [YEARS.triple, ['C', 'A', 'B', 'D']],
    ] as const) {
      for (const key of keys) {
        const w = world[key]!;
        expectStatus(await submit(w.data, { pathways: [{ pathwayId: w.pathway.id, counts: counts[key] }] }, w.district.id, yr), 201);
      }
    }
    // Two people: district roles in X and Y; in X, Y and W (more than the shared pattern's 2).
    const both = await person(t, 'both@coalition.test', ['district']);
    const three = await person(t, 'three@coalition.test', ['district']);
    for (const key of ['A', 'B'] as const) await joinDistrict(t, staff, world[key]!.district.id, both, 'data');
    for (const key of ['A', 'B', 'D'] as const) await joinDistrict(t, staff, world[key]!.district.id, three, 'lead');
    const team = await person(t, 'team@coalition.test', ['pathway']);
    await joinPathway(t, world.A!.data, world.A!.pathway.id, team, 'member');

    const networkAs = async (who: Person, yr: string) => {
      const out: Record<string, unknown> = {};
      for (const g of GROUPS) {
        const res = expectStatus(
          await t.api<Trend>('GET', `/network/outcomes/trends?countMetric=enrolled&group=${g}`, { token: who.token }),
          200,
        );
        out[g] = res.json.counts.find((p) => p.schoolYear === yr)!.count;
      }
      return out;
    };
    /** A pathway's report of `yr` as `who` reads it (the latest year through the trends' sibling route). */
    const pathwayAs = async (who: Person, key: keyof typeof counts, yr: string) => {
      type Trends = { counts: { schoolYear: string; count: Record<string, unknown> }[] };
      const view: CountView = { enrolled: {} };
      for (const g of GROUPS) {
        const res = expectStatus(
          await t.api<Trends>('GET', `/pathways/${world[key]!.pathway.id}/outcomes/trends?countMetric=enrolled&group=${g}`, {
            token: who.token,
          }),
          200,
        );
        (view.enrolled as Record<string, unknown>)[g] = res.json.counts.find((p) => p.schoolYear === yr)!.count;
      }
      return view;
    };

    // Staff: raw counts.
    expect((await networkAs(staff, YEARS.pair)).gender_nonbinary).toEqual({ value: 27 });
    expect((await networkAs(staff, YEARS.triple)).gender_nonbinary).toEqual({ value: 40 });
    // A team still reads its own pathway (its larger cells shown).
    const teamView = expectStatus(await t.api<Outcomes>('GET', `/pathways/${world.A!.pathway.id}/outcomes`, { token: team.token }), 200)
      .json.latest;
    expect(teamView.schoolYear).toBe(YEARS.pair);
    expect([teamView.counts.enrolled!.all, teamView.counts.enrolled!.gender_female]).toEqual([{ value: 100 }, { value: 84 }]);

    const ids = (keys: readonly (keyof typeof counts)[]) => keys.map((k) => world[k]!.district.id);
    for (const [who, own, yr, reporting] of [
      [both, ['A', 'B'], YEARS.pair, ['A', 'B', 'C']],
      [three, ['A', 'B', 'D'], YEARS.triple, ['A', 'B', 'D', 'C']],
    ] as const) {
      // Everything the person reads of the year: the network trends, each of their districts'
      // pathways, and the others as their own contacts read them (the most anyone shows).
      const network = await networkAs(who, yr);
      const pathways = new Map<string, CountView>();
      for (const key of reporting) {
        const mine = (own as readonly string[]).includes(key);
        pathways.set(world[key]!.pathway.id, await pathwayAs(mine ? who : world[key]!.data, key, yr));
      }
      expectStatus(await t.api('GET', `/pathways/${world.C!.pathway.id}/outcomes`, { token: who.token }), 404);
      const published: PublicYear = {
        districts: new Map(),
        pathways,
        network: { counts: { enrolled: network }, rateBases: {}, pathways: reporting.length },
        unauditedUnknowns: 0,
      };
      const year: DistrictInput[] = reporting.map((key) => ({
        districtId: world[key]!.district.id,
        pathways: [{ pathwayId: world[key]!.pathway.id, counts: counts[key] }],
      }));
      const coalition = { kind: 'coalition', districtIds: ids(own), pathwayIds: [] } as const;
      expect(insiderDisclosures(year, published, coalition, THRESHOLD), `${own.join('+')} in ${yr}`).toEqual([]);
      expect(network.gender_nonbinary).toEqual({ suppressed: true, reason: 'privacy' });
    }
    // In 2016-17 the shared pattern (safe for any two districts) shows the total: X's own
    // data contact reads 40; the three-district person read a view computed for them above.
    expect((await networkAs(world.A!.data, YEARS.triple)).gender_nonbinary).toEqual({ value: 40 });
  });
});
