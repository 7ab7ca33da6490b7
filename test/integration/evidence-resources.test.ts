/**
 * Staff resources (exemplars and templates): the same upload path as evidence (form,
 * verification, quarantine), readable by every signed-in person once verified, managed
 * by staff only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headObject } from '#store/evidence-objects.ts';
import { exeBytes, expectOk, fetchBytes, fileBody, pdfBytes, postForm, textBytes, type Upload } from '../support/evidence.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { person, type Person } from '../support/registry-world.ts';

type ResourceAnswer = {
  resource: { resourceId: string; kind: string; title: string; revision: number; criterionIds: string[]; current?: { version: number } };
  versions: { version: number; state: string; quarantine?: { reason: string } }[];
  download?: { url: string; fileName: string };
};
type Declared = { resource: { resourceId: string }; version: { version: number }; upload: Upload };

let t: TestPlatform;
let staff: Person;
let teacher: Person;
let reviewer: Person;

async function addResource(body: Record<string, unknown>, bytes: Buffer, name: string, type: string): Promise<Declared> {
  const declared = expectOk(
    await t.api<Declared>('POST', '/resources', { token: staff.token, body: { ...fileBody(name, type, bytes), ...body } }),
    201,
  );
  expect(declared.upload.key).toBe(`pending/resources/${declared.resource.resourceId}/${declared.version.version}`);
  expect((await postForm(declared.upload, bytes, name, type)).status).toBe(201);
  await t.platform.s3Settled();
  return declared;
}

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@resources.test', ['staff']);
  teacher = await person(t, 'teacher@resources.test', ['pathway']);
  reviewer = await person(t, 'reviewer@resources.test', ['reviewer']);
}, 120_000);

afterAll(() => t?.stop());

describe('resources', () => {
  it('staff add an exemplar; every signed-in person finds it by kind and criterion and downloads it', async () => {
    const bytes = pdfBytes(6000, 5);
    const d = await addResource(
      { kind: 'exemplar', title: 'Exemplary integrated project', criterionIds: ['RA-1.1'] },
      bytes,
      'Integrated project exemplar.pdf',
      'application/pdf',
    );
    for (const who of [teacher, reviewer, staff]) {
      const list = expectOk(
        await t.api<{ items: { resourceId: string }[] }>('GET', '/resources?kind=exemplar&criterionId=RA-1.1', { token: who.token }),
        200,
      );
      expect(list.items.map((i) => i.resourceId)).toContain(d.resource.resourceId);
      const got = expectOk(await t.api<ResourceAnswer>('GET', `/resources/${d.resource.resourceId}`, { token: who.token }), 200);
      expect(got.versions).toEqual([expect.objectContaining({ version: 1, state: 'available' })]);
      expect((await fetchBytes(got.download!.url)).bytes.equals(bytes)).toBe(true);
    }
    expect(await headObject(`resources/${d.resource.resourceId}/1`)).toBeDefined();
    const other = expectOk(
      await t.api<{ items: { resourceId: string }[] }>('GET', '/resources?kind=template', { token: teacher.token }),
      200,
    );
    expect(other.items.map((i) => i.resourceId)).not.toContain(d.resource.resourceId);
  });

  it('templates get new versions; both stay readable', async () => {
    const v1 = textBytes('Advisory board agenda template v1\n');
    const v2 = textBytes('Advisory board agenda template v2\n');
    const d = await addResource({ kind: 'template', title: 'Advisory board agenda' }, v1, 'agenda.txt', 'text/plain');
    const next = expectOk(
      await t.api<Declared>('POST', `/resources/${d.resource.resourceId}/versions`, {
        token: staff.token,
        body: fileBody('agenda.txt', 'text/plain', v2),
      }),
      201,
    );
    expect(next.version.version).toBe(2);
    await postForm(next.upload, v2, 'agenda.txt', 'text/plain');
    await t.platform.s3Settled();
    const current = expectOk(await t.api<ResourceAnswer>('GET', `/resources/${d.resource.resourceId}`, { token: teacher.token }), 200);
    expect(current.resource.current?.version).toBe(2);
    expect((await fetchBytes(current.download!.url)).bytes.equals(v2)).toBe(true);
    const older = expectOk(
      await t.api<ResourceAnswer>('GET', `/resources/${d.resource.resourceId}?version=1`, { token: teacher.token }),
      200,
    );
    expect((await fetchBytes(older.download!.url)).bytes.equals(v1)).toBe(true);
  });

  it('a refused upload is quarantined and invisible to everyone but staff', async () => {
    const d = await addResource({ kind: 'template', title: 'Not a PDF' }, exeBytes(2000), 'template.pdf', 'application/pdf');
    expect((await t.api('GET', `/resources/${d.resource.resourceId}`, { token: teacher.token })).status).toBe(404);
    const list = expectOk(await t.api<{ items: { resourceId: string }[] }>('GET', '/resources?limit=100', { token: teacher.token }), 200);
    expect(list.items.map((i) => i.resourceId)).not.toContain(d.resource.resourceId);
    const asStaff = expectOk(
      await t.api<ResourceAnswer>('GET', `/resources/${d.resource.resourceId}?version=1`, { token: staff.token }),
      200,
    );
    expect(asStaff.versions[0]).toMatchObject({ state: 'quarantined', quarantine: { reason: 'executable' } });
    expect(new URL(asStaff.download!.url).pathname).toContain('/quarantine/resources/');
  });

  it('only staff manage: add, edit, version, delete', async () => {
    const d = await addResource({ kind: 'exemplar', title: 'Managed' }, pdfBytes(1000), 'm.pdf', 'application/pdf');
    const path = `/resources/${d.resource.resourceId}`;
    expect(
      (
        await t.api('POST', '/resources', {
          token: teacher.token,
          body: { ...fileBody('a.pdf', 'application/pdf', pdfBytes(10)), kind: 'exemplar', title: 'x' },
        })
      ).status,
    ).toBe(403);
    expect((await t.api('PATCH', path, { token: teacher.token, body: { title: 'x' }, headers: { 'if-match': '"1"' } })).status).toBe(403);
    expect((await t.api('DELETE', path, { token: reviewer.token })).status).toBe(403);
    expect(
      (await t.api('POST', `${path}/versions`, { token: teacher.token, body: fileBody('a.pdf', 'application/pdf', pdfBytes(10)) })).status,
    ).toBe(403);
    const edited = expectOk(
      await t.api<{ title: string; revision: number }>('PATCH', path, {
        token: staff.token,
        body: { title: 'Managed well' },
        headers: { 'if-match': '"1"' },
      }),
      200,
    );
    expect(edited).toMatchObject({ title: 'Managed well', revision: 2 });
    expect((await t.api('PATCH', path, { token: staff.token, body: { title: 'stale' }, headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await t.api('DELETE', path, { token: staff.token })).status).toBe(204);
    expect((await t.api('GET', path, { token: staff.token })).status).toBe(404);
    expect(await headObject(`resources/${d.resource.resourceId}/1`)).toBeUndefined();
  });

  it('the same file rules apply: 422 before any form', async () => {
    const res = await t.api<{ errors: { field: string; code: string }[] }>('POST', '/resources', {
      token: staff.token,
      body: { fileName: 'video.mov', contentType: 'video/quicktime', size: 1000, kind: 'exemplar', title: 'x' },
    });
    expect(res.status).toBe(422);
    expect(res.json.errors).toContainEqual(expect.objectContaining({ field: 'contentType', code: 'unsupported_type' }));
  });
});
