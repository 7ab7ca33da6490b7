/**
 * The evidence library through the local HTTP API and the local S3: declare → presigned
 * POST form → the local S3's notification runs the real verifier → available or
 * quarantined; versions; downloads; and every kind of bad input, each with a clear error
 * and nothing else changed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import { getObjectStream, headObject } from '#store/evidence-objects.ts';
import {
  exeBytes,
  expectOk,
  fetchBytes,
  fileBody,
  pdfBytes,
  postForm,
  s3Event,
  sha256,
  textBytes,
  uploadEvidence,
  uploadNewVersion,
  type Declared,
} from '../support/evidence.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { createDistrict, createPathway, createSchool, joinDistrict, joinPathway, person, type Person } from '../support/registry-world.ts';

type VersionView = { version: number; state: string; sha256?: string; quarantine?: { reason: string; message: string }; size: number };
type ItemAnswer = {
  item: {
    evidenceId: string;
    revision: number;
    latestVersion: number;
    title: string;
    criterionIds: string[];
    current?: { version: number };
  };
  versions: VersionView[];
  download?: { url: string; version: number; fileName: string; expiresAt: string };
};
type Problem = { status: number; detail?: string; errors?: { field: string; code?: string; message: string }[]; currentVersion?: number };

let t: TestPlatform;
let staff: Person;
let lead: Person;
let member: Person;
let otherLead: Person;
let districtLead: Person;
let dataContact: Person;
let pathwayA: string;
let pathwayB: string;

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@evidence.test', ['staff']);
  lead = await person(t, 'lead.a@evidence.test', ['pathway'], 'Lee Lead');
  member = await person(t, 'member.a@evidence.test', ['pathway'], 'Mo Member');
  otherLead = await person(t, 'lead.b@evidence.test', ['pathway']);
  districtLead = await person(t, 'district.lead@evidence.test', ['district']);
  dataContact = await person(t, 'district.data@evidence.test', ['district']);
  const district = await createDistrict(t, staff);
  const school = await createSchool(t, staff, district.id);
  pathwayA = (await createPathway(t, staff, school.id)).id;
  pathwayB = (await createPathway(t, staff, school.id)).id;
  await joinPathway(t, staff, pathwayA, lead, 'lead');
  await joinPathway(t, lead, pathwayA, member, 'member');
  await joinPathway(t, staff, pathwayB, otherLead, 'lead');
  await joinDistrict(t, staff, district.id, districtLead, 'lead');
  await joinDistrict(t, staff, district.id, dataContact, 'data');
}, 120_000);

afterAll(() => t?.stop());
afterEach(() => {
  t.platform.clock.setOffset(0);
});

const getItem = (token: string, pathwayId: string, evidenceId: string, query = '') =>
  t.api<ItemAnswer>('GET', `/pathways/${pathwayId}/evidence/${evidenceId}${query}`, { token });

async function libraryIds(pathwayId: string): Promise<string[]> {
  const page = expectOk(
    await t.api<{ items: { evidenceId: string }[] }>('GET', `/pathways/${pathwayId}/evidence?limit=100`, { token: staff.token }),
    200,
  );
  return page.items.map((i) => i.evidenceId);
}

describe('upload, verify, download', () => {
  it('a member declares a PDF, uploads it with the form, and gets the same bytes back with its file name', async () => {
    const bytes = pdfBytes(5000);
    const declared = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayA}/evidence`, {
        token: member.token,
        body: {
          ...fileBody('Syllabus – Engineering 1.pdf', 'application/pdf', bytes),
          title: 'Engineering 1 syllabus',
          criterionIds: ['RA-1.1', 'CTE-2.1'],
        },
      }),
      201,
    );
    // The form writes exactly one server-chosen key under the pathway's pending prefix.
    expect(declared.upload.key).toBe(`pending/${pathwayA}/${declared.item.evidenceId}/1`);
    expect(declared.upload.fields.key).toBe(declared.upload.key);
    expect(declared.upload.fields['Content-Type']).toBe('application/pdf');
    const policy = JSON.parse(Buffer.from(declared.upload.fields.Policy!, 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual(['content-length-range', 5000, 5000]);
    expect(policy.conditions).toContainEqual(['eq', '$key', declared.upload.key]);
    expect(declared.version).toMatchObject({ version: 1, state: 'declared' });

    const posted = await postForm(declared.upload, bytes, 'Syllabus – Engineering 1.pdf', 'application/pdf');
    expect(posted.status).toBe(201);
    await t.platform.s3Settled();

    const got = expectOk(await getItem(member.token, pathwayA, declared.item.evidenceId), 200);
    expect(got.versions[0]).toMatchObject({ version: 1, state: 'available', sha256: sha256(bytes), size: 5000 });
    expect(got.item.current?.version).toBe(1);
    expect(got.item.criterionIds).toEqual(['RA-1.1', 'CTE-2.1']);
    const dl = await fetchBytes(got.download!.url);
    expect(dl.status).toBe(200);
    expect(dl.bytes.equals(bytes)).toBe(true);
    expect(dl.headers.get('content-disposition')).toContain("filename*=UTF-8''Syllabus%20%E2%80%93%20Engineering%201.pdf");
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment;/);
    // The pending object is gone; the readable one is under evidence/.
    expect(await headObject(declared.upload.key)).toBeUndefined();
    expect(await headObject(`evidence/${pathwayA}/${declared.item.evidenceId}/1`)).toBeDefined();
  });

  it('a new upload of the same item is a new version; the older one stays readable', async () => {
    const v1 = pdfBytes(3000, 1);
    const v2 = pdfBytes(4000, 2);
    const first = await uploadEvidence(t, lead.token, pathwayA, { name: 'Advisory minutes.pdf', type: 'application/pdf', bytes: v1 });
    const second = await uploadNewVersion(t, member.token, pathwayA, first.item.evidenceId, {
      name: 'Advisory minutes (rev).pdf',
      type: 'application/pdf',
      bytes: v2,
    });
    expect(second.version.version).toBe(2);
    expect(second.upload.key).toBe(`pending/${pathwayA}/${first.item.evidenceId}/2`);

    const now = expectOk(await getItem(lead.token, pathwayA, first.item.evidenceId), 200);
    expect(now.versions.map((v) => [v.version, v.state])).toEqual([
      [2, 'available'],
      [1, 'available'],
    ]);
    expect(now.item.current?.version).toBe(2);
    expect((await fetchBytes(now.download!.url)).bytes.equals(v2)).toBe(true);
    const older = expectOk(await getItem(lead.token, pathwayA, first.item.evidenceId, '?version=1'), 200);
    expect(older.download?.version).toBe(1);
    expect((await fetchBytes(older.download!.url)).bytes.equals(v1)).toBe(true);
  });

  it('lists the library by title, filterable by criterion', async () => {
    await uploadEvidence(t, lead.token, pathwayA, {
      name: 'wbl.txt',
      type: 'text/plain',
      bytes: textBytes('Work-based learning agreement\n'),
      title: 'A WBL agreement',
      criterionIds: ['WBL-1.1'],
    });
    const all = expectOk(
      await t.api<{ items: { title: string }[] }>('GET', `/pathways/${pathwayA}/evidence?limit=100`, { token: member.token }),
      200,
    );
    const titles = all.items.map((i) => i.title);
    expect(titles).toEqual([...titles].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    const tagged = expectOk(
      await t.api<{ items: { title: string }[] }>('GET', `/pathways/${pathwayA}/evidence?criterionId=WBL-1.1`, { token: member.token }),
      200,
    );
    expect(tagged.items.map((i) => i.title)).toEqual(['A WBL agreement']);
  });

  it('retags with If-Match on the revision; a stale revision is a 412', async () => {
    const d = await uploadEvidence(t, lead.token, pathwayA, { name: 'plan.pdf', type: 'application/pdf', bytes: pdfBytes(1500) });
    const path = `/pathways/${pathwayA}/evidence/${d.item.evidenceId}`;
    expect((await t.api('PATCH', path, { token: member.token, body: { criterionIds: ['CSS-1.1'] } })).status).toBe(428);
    const ok = await t.api<{ revision: number; criterionIds: string[] }>('PATCH', path, {
      token: member.token,
      body: { criterionIds: ['CSS-1.1'] },
      headers: { 'if-match': '"1"' },
    });
    expect(expectOk(ok, 200)).toMatchObject({ revision: 2, criterionIds: ['CSS-1.1'] });
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await t.api<Problem>('PATCH', path, { token: member.token, body: { title: 'Plan' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.json.currentVersion).toBe(2);
  });
});

describe('who may see and do what', () => {
  let evidenceId: string;
  beforeAll(async () => {
    evidenceId = (
      await uploadEvidence(t, member.token, pathwayA, { name: 'support-plan.pdf', type: 'application/pdf', bytes: pdfBytes(2222) })
    ).item.evidenceId;
  });

  it("another pathway's team gets 404 for the library, the item and uploads", async () => {
    expect((await t.api('GET', `/pathways/${pathwayA}/evidence`, { token: otherLead.token })).status).toBe(404);
    expect((await getItem(otherLead.token, pathwayA, evidenceId)).status).toBe(404);
    // Asking through their own pathway does not reveal it either.
    expect((await getItem(otherLead.token, pathwayB, evidenceId)).status).toBe(404);
    const declare = await t.api('POST', `/pathways/${pathwayA}/evidence`, {
      token: otherLead.token,
      body: { ...fileBody('x.pdf', 'application/pdf', pdfBytes(100)), title: 'x' },
    });
    expect(declare.status).toBe(404);
  });

  it('the district lead reads; the data contact sees the pathway but not its evidence (403); nobody else uploads', async () => {
    expect((await getItem(districtLead.token, pathwayA, evidenceId)).status).toBe(200);
    expect((await getItem(dataContact.token, pathwayA, evidenceId)).status).toBe(403);
    const declare = await t.api('POST', `/pathways/${pathwayA}/evidence`, {
      token: districtLead.token,
      body: { ...fileBody('x.pdf', 'application/pdf', pdfBytes(100)), title: 'x' },
    });
    expect(declare.status).toBe(403);
  });

  it('only the lead deletes; afterwards the item and its file are gone', async () => {
    const d = await uploadEvidence(t, member.token, pathwayA, { name: 'old.pdf', type: 'application/pdf', bytes: pdfBytes(1200) });
    const path = `/pathways/${pathwayA}/evidence/${d.item.evidenceId}`;
    const url = expectOk(await getItem(member.token, pathwayA, d.item.evidenceId), 200).download!.url;
    expect((await t.api('DELETE', path, { token: member.token })).status).toBe(403);
    expect((await t.api('DELETE', path, { token: lead.token })).status).toBe(204);
    expect((await getItem(lead.token, pathwayA, d.item.evidenceId)).status).toBe(404);
    expect((await fetchBytes(url)).status).toBe(404);
    expect(await libraryIds(pathwayA)).not.toContain(d.item.evidenceId);
  });
});

describe('bad input: a clear error, and nothing else changes', () => {
  async function declareProblem(body: Record<string, unknown>) {
    const before = await libraryIds(pathwayA);
    const res = await t.api<Problem>('POST', `/pathways/${pathwayA}/evidence`, { token: member.token, body: { title: 'Bad', ...body } });
    expect(await libraryIds(pathwayA)).toEqual(before);
    return res;
  }

  it('oversize: 422 before any form is issued', async () => {
    const res = await declareProblem({ fileName: 'huge.pdf', contentType: 'application/pdf', size: 50 * 1024 * 1024 + 1 });
    expect(res.status).toBe(422);
    expect(res.json.errors).toContainEqual(expect.objectContaining({ field: 'size', code: 'too_large' }));
    expect(res.text).not.toContain('X-Amz-Signature');
  });

  it('a type that is not allowed (an executable, a zip): 422 naming what is allowed', async () => {
    for (const [fileName, contentType] of [
      ['setup.exe', 'application/x-msdownload'],
      ['bundle.zip', 'application/zip'],
    ]) {
      const res = await declareProblem({ fileName, contentType, size: 1000 });
      expect(res.status).toBe(422);
      expect(res.json.errors).toContainEqual(expect.objectContaining({ field: 'contentType', code: 'unsupported_type' }));
      expect(res.json.detail).toContain('Allowed:');
    }
  });

  it('a name that does not fit its type, an empty file, a malformed checksum: every problem listed', async () => {
    const res = await declareProblem({ fileName: 'report.exe', contentType: 'application/pdf', size: 0, sha256: 'abc' });
    expect(res.status).toBe(422);
    const codes = res.json.errors!.map((e) => `${e.field}:${e.code}`).sort();
    expect(codes).toEqual(['fileName:extension_mismatch', 'sha256:invalid_format', 'size:empty']);
  });

  it('unknown fields and missing fields are 400', async () => {
    expect((await declareProblem({ fileName: 'a.pdf', contentType: 'application/pdf', size: 10, bucket: 'x' })).status).toBe(400);
    expect((await declareProblem({ contentType: 'application/pdf', size: 10 })).status).toBe(400);
  });

  async function quarantined(d: Declared): Promise<VersionView> {
    const got = expectOk(await getItem(member.token, pathwayA, d.item.evidenceId), 200);
    expect(got.download).toBeUndefined();
    expect(got.item.current).toBeUndefined();
    return got.versions[0]!;
  }

  it('a spoofed type (a program named .pdf) is quarantined with the reason, served to staff only', async () => {
    const d = await uploadEvidence(t, member.token, pathwayA, { name: 'invoice.pdf', type: 'application/pdf', bytes: exeBytes(3000) });
    const v = await quarantined(d);
    expect(v.state).toBe('quarantined');
    expect(v.quarantine).toMatchObject({ reason: 'executable' });
    expect(v.quarantine!.message).toMatch(/Windows program/);
    // Out of the readable prefix; only staff get a link, to the quarantine copy.
    expect(await headObject(`evidence/${pathwayA}/${d.item.evidenceId}/1`)).toBeUndefined();
    expect((await getItem(lead.token, pathwayA, d.item.evidenceId, '?version=1')).json.download).toBeUndefined();
    const asStaff = expectOk(await getItem(staff.token, pathwayA, d.item.evidenceId, '?version=1'), 200);
    expect(new URL(asStaff.download!.url).pathname).toContain(`/quarantine/${pathwayA}/`);
    // The uploader is told why in their inbox, once; nobody else is.
    const inbox = expectOk(
      await t.api<{ items: { kind: string; title: string; body: string; link?: string }[] }>('GET', '/notifications', {
        token: member.token,
      }),
      200,
    );
    const told = inbox.items.filter(
      (n) => n.kind === 'evidence.rejected' && n.link === `/pathways/${pathwayA}/evidence/${d.item.evidenceId}`,
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toContain('invoice.pdf');
    expect(told[0]!.body).toMatch(/Windows program/);
    const leads = expectOk(await t.api<{ items: { kind: string; link?: string }[] }>('GET', '/notifications', { token: lead.token }), 200);
    expect(leads.items.filter((n) => n.link === told[0]!.link)).toHaveLength(0);
  });

  it('a checksum that does not match is quarantined (sha256_mismatch)', async () => {
    const bytes = pdfBytes(2500);
    const d = await uploadEvidence(t, member.token, pathwayA, {
      name: 'scan.pdf',
      type: 'application/pdf',
      bytes,
      sha256: sha256(pdfBytes(2500, 9)),
    });
    expect((await quarantined(d)).quarantine?.reason).toBe('sha256_mismatch');
  });

  it('a file of another size than declared is quarantined (the local S3 enforces no policy; the verifier does)', async () => {
    const declared = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayA}/evidence`, {
        token: member.token,
        body: { ...fileBody('short.pdf', 'application/pdf', pdfBytes(4000)), title: 'short' },
      }),
      201,
    );
    expect((await postForm(declared.upload, pdfBytes(1000), 'short.pdf', 'application/pdf')).status).toBe(201);
    await t.platform.s3Settled();
    expect((await quarantined(declared)).quarantine?.reason).toBe('size_mismatch');
  });

  it('key tampering (another pathway\u2019s prefix, an undeclared id) is refused by the verifier: the object is deleted, the declaration unchanged', async () => {
    const bytes = pdfBytes(1000);
    const declared = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayA}/evidence`, {
        token: member.token,
        body: { ...fileBody('t.pdf', 'application/pdf', bytes), title: 'tamper' },
      }),
      201,
    );
    const id = declared.item.evidenceId;
    const tampered = [`pending/${pathwayB}/${id}/1`, `pending/${pathwayA}/${id}/1x/2`, `pending/${pathwayA}/${newId('evidence')}/1`];
    for (const key of tampered) {
      const posted = await postForm(declared.upload, bytes, 't.pdf', 'application/pdf', { key });
      expect(posted.status).toBe(201);
    }
    await t.platform.s3Settled();
    for (const key of tampered) expect(await headObject(key), key).toBeUndefined();
    const got = expectOk(await getItem(member.token, pathwayA, id), 200);
    expect(got.versions[0]?.state).toBe('declared');
    expect(await headObject(`evidence/${pathwayA}/${id}/1`)).toBeUndefined();
    // The API never takes a key: the declaration body has no such field.
    const withKey = await t.api('POST', `/pathways/${pathwayA}/evidence`, {
      token: member.token,
      body: { ...fileBody('t.pdf', 'application/pdf', bytes), title: 't', key: `pending/${pathwayB}/x/1` },
    });
    expect(withKey.status).toBe(400);
  });

  it("a traversal key in A's form (pending/A/../../evidence/B/...) is refused by the S3 front; B's verified file stays intact", async () => {
    const original = pdfBytes(2100, 7);
    const victim = await uploadEvidence(t, otherLead.token, pathwayB, { name: 'b.pdf', type: 'application/pdf', bytes: original });
    const victimKey = `evidence/${pathwayB}/${victim.item.evidenceId}/1`;
    const evil = pdfBytes(2100, 9);
    const declared = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayA}/evidence`, {
        token: member.token,
        body: { ...fileBody('a.pdf', 'application/pdf', evil), title: 'attack' },
      }),
      201,
    );
    const keys = [
      `pending/${pathwayA}/../../${victimKey}`,
      `pending/${pathwayA}/${declared.item.evidenceId}/../../../${victimKey}`,
      `pending/${pathwayA}/%2e%2e/%2E%2E/${victimKey}`,
      `pending/./${pathwayA}/${declared.item.evidenceId}/1`,
    ];
    for (const key of keys) {
      const posted = await postForm(declared.upload, evil, 'a.pdf', 'application/pdf', { key });
      expect(posted.status, key).toBe(400);
      expect(posted.text).toContain('<Code>InvalidArgument</Code>');
    }
    await t.platform.s3Settled();
    const stream = await getObjectStream(victimKey);
    const chunks: Buffer[] = [];
    for await (const c of stream.body) chunks.push(Buffer.from(c));
    expect(Buffer.concat(chunks).equals(original)).toBe(true);
    const got = expectOk(await getItem(otherLead.token, pathwayB, victim.item.evidenceId), 200);
    expect(got.versions[0]).toMatchObject({ state: 'available', sha256: sha256(original) });
    expect(expectOk(await getItem(member.token, pathwayA, declared.item.evidenceId), 200).versions[0]?.state).toBe('declared');
  });

  it('the S3-triggered handlers ignore a notified key with . or .. segments and delete nothing', async () => {
    const original = pdfBytes(2200, 5);
    const victim = await uploadEvidence(t, otherLead.token, pathwayB, { name: 'b2.pdf', type: 'application/pdf', bytes: original });
    const victimKey = `evidence/${pathwayB}/${victim.item.evidenceId}/1`;
    const keys = [`pending/${pathwayA}/../../${victimKey}`, `pending/./${pathwayA}/x/1`, `pending/${pathwayA}/%2e%2e/%2e%2e/${victimKey}`];
    for (const key of keys) {
      const verified = (await t.platform.invoke('verifyUpload', s3Event(t.platform.bucketName, key, original.length))) as {
        results: unknown[];
      };
      expect(verified.results).toEqual([{ outcome: 'ignored', key, reason: 'dot_segment' }]);
    }
    const exported = (await t.platform.invoke(
      'exportEvidence',
      s3Event(t.platform.bucketName, `exports/requests/../../${victimKey}`, 1),
    )) as { results: unknown[] };
    expect(exported.results).toEqual([{ key: `exports/requests/../../${victimKey}`, outcome: 'not_a_request' }]);
    await t.platform.invoke('outcomeUploads', s3Event(t.platform.bucketName, `outcomes/../${victimKey}`, 1));
    expect(await headObject(victimKey)).toBeDefined();
    expect(expectOk(await getItem(otherLead.token, pathwayB, victim.item.evidenceId), 200).versions[0]?.state).toBe('available');
  });

  it('an upload after its form expired is refused; so is an expired download link', async () => {
    // The form is signed two hours in the past (dev clock), so S3's clock finds it expired.
    t.platform.clock.setOffset(-2 * 60 * 60 * 1000);
    const bytes = pdfBytes(1300);
    const declared = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayA}/evidence`, {
        token: member.token,
        body: { ...fileBody('late.pdf', 'application/pdf', bytes), title: 'late' },
      }),
      201,
    );
    t.platform.clock.setOffset(0);
    expect(Date.parse(declared.upload.expiresAt)).toBeLessThan(Date.now());
    await postForm(declared.upload, bytes, 'late.pdf', 'application/pdf');
    await t.platform.s3Settled();
    expect((await quarantined(declared)).quarantine?.reason).toBe('upload_expired');

    const good = await uploadEvidence(t, member.token, pathwayA, { name: 'fine.pdf', type: 'application/pdf', bytes });
    t.platform.clock.setOffset(-2 * 60 * 60 * 1000);
    const link = expectOk(await getItem(member.token, pathwayA, good.item.evidenceId), 200).download!.url;
    t.platform.clock.setOffset(0);
    const res = await fetchBytes(link);
    expect(res.status).toBe(403);
    expect(res.bytes.toString('utf8')).toContain('Request has expired');
  });

  it('a declared upload that never arrives expires; a late arrival changes nothing', async () => {
    const bytes = pdfBytes(1100);
    const declared = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayA}/evidence`, {
        token: member.token,
        body: { ...fileBody('never.pdf', 'application/pdf', bytes), title: 'never' },
      }),
      201,
    );
    t.platform.clock.setOffset(2 * 60 * 60 * 1000);
    const got = expectOk(await getItem(member.token, pathwayA, declared.item.evidenceId), 200);
    expect(got.versions[0]).toMatchObject({ state: 'expired' });
    t.platform.clock.setOffset(0);
    await postForm(declared.upload, bytes, 'never.pdf', 'application/pdf');
    await t.platform.s3Settled();
    expect(expectOk(await getItem(member.token, pathwayA, declared.item.evidenceId), 200).versions[0]?.state).toBe('expired');
    expect(await headObject(declared.upload.key)).toBeUndefined();
  });
});

describe('the hourly expiry of declared uploads', () => {
  it('expires what never arrived, by the schedule\u2019s slot, and leaves verified uploads alone', async () => {
    const waiting = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayA}/evidence`, {
        token: member.token,
        body: { ...fileBody('waiting.pdf', 'application/pdf', pdfBytes(900)), title: 'waiting' },
      }),
      201,
    );
    const done = await uploadEvidence(t, member.token, pathwayA, { name: 'done.pdf', type: 'application/pdf', bytes: pdfBytes(950) });
    const slot = (ms: number) => ({ job: 'upload-expiry', scheduledTime: new Date(Date.now() + ms).toISOString() });
    // Not yet due: nothing changes.
    await t.platform.invoke('expireUploads', slot(10 * 60 * 1000));
    const { queryAll } = await import('#store/db.ts');
    const keys = await import('#store/keys.ts');
    const stateOf = async (id: string) => (await queryAll(keys.evidencePartition(id), keys.versionPrefix, true))[0]?.state;
    expect(await stateOf(waiting.item.evidenceId)).toBe('declared');
    const run = (await t.platform.invoke('expireUploads', slot(3 * 60 * 60 * 1000))) as { expired: number };
    expect(run.expired).toBeGreaterThanOrEqual(1);
    // Read straight from the table: no reader expired it on the way.
    expect(await stateOf(waiting.item.evidenceId)).toBe('expired');
    expect(await stateOf(done.item.evidenceId)).toBe('available');
    const again = (await t.platform.invoke('expireUploads', slot(3 * 60 * 60 * 1000))) as { expired: number };
    expect(again.expired).toBe(0);
  });
});

describe('notifications: duplicates and out-of-order deliveries change nothing', () => {
  it('replaying an item\u2019s first notification after a second version became current', async () => {
    const v1 = pdfBytes(1800, 3);
    const first = await uploadEvidence(t, member.token, pathwayA, { name: 'dup.pdf', type: 'application/pdf', bytes: v1 });
    await uploadNewVersion(t, member.token, pathwayA, first.item.evidenceId, {
      name: 'dup.pdf',
      type: 'application/pdf',
      bytes: pdfBytes(1900, 4),
    });
    const before = expectOk(await getItem(member.token, pathwayA, first.item.evidenceId), 200);

    const results = await Promise.all([
      t.platform.invoke('verifyUpload', s3Event(t.platform.bucketName, first.upload.key, v1.length)),
      t.platform.invoke('verifyUpload', s3Event(t.platform.bucketName, first.upload.key, v1.length)),
    ]);
    for (const r of results)
      expect((r as { results: { outcome: string; reason?: string }[] }).results[0]).toMatchObject({ outcome: 'ignored' });
    const after = expectOk(await getItem(member.token, pathwayA, first.item.evidenceId), 200);
    expect(after.versions).toEqual(before.versions);
    expect(after.item.current?.version).toBe(2);
    // The readable v1 object is untouched.
    const stream = await getObjectStream(`evidence/${pathwayA}/${first.item.evidenceId}/1`);
    const chunks: Buffer[] = [];
    for await (const c of stream.body) chunks.push(Buffer.from(c));
    expect(Buffer.concat(chunks).equals(v1)).toBe(true);
  });

  it('two deliveries of the same new upload decide it once', async () => {
    const bytes = pdfBytes(1700);
    const declared = expectOk(
      await t.api<Declared>('POST', `/pathways/${pathwayA}/evidence`, {
        token: member.token,
        body: { ...fileBody('twice.pdf', 'application/pdf', bytes), title: 'twice' },
      }),
      201,
    );
    await postForm(declared.upload, bytes, 'twice.pdf', 'application/pdf');
    // The local S3 delivered once already; deliver again concurrently with it.
    const again = t.platform.invoke('verifyUpload', s3Event(t.platform.bucketName, declared.upload.key, bytes.length));
    await Promise.all([again, t.platform.s3Settled()]);
    const got = expectOk(await getItem(member.token, pathwayA, declared.item.evidenceId), 200);
    expect(got.versions).toHaveLength(1);
    expect(got.versions[0]).toMatchObject({ state: 'available', sha256: sha256(bytes) });
    const audit = await t.api<{ items: { action: string; entity: { id: string } }[] }>('GET', `/pathways/${pathwayA}/audit?limit=100`, {
      token: staff.token,
    });
    if (audit.status === 200) {
      const decided = audit.json.items.filter((e) => e.entity.id === declared.item.evidenceId && e.action === 'evidence.version.available');
      expect(decided).toHaveLength(1);
    }
  });
});
