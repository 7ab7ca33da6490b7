/**
 * Bulk export of an application's evidence: requested through the API by staff or an
 * assigned reviewer, built by the export worker (started by the request marker's S3
 * notification), streamed to S3, read back as a ZIP with the exact bytes, with progress
 * visible while it builds and integrity checked against what was verified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaFor } from '#core/framework.ts';
import { newId } from '#core/ids.ts';
import { SEED_FRAMEWORK_ID, seedFramework } from '#core/seed-framework.ts';
import { put, transact } from '#store/db.ts';
import { createExport, getExport } from '#store/evidence-exports.ts';
import { putObject } from '#store/evidence-objects.ts';
import { putPublishedFramework } from '#store/frameworks.ts';
import * as keys from '#store/keys.ts';
import { runExport } from '#uploads/export.ts';
import { expectOk, fetchBytes, pdfBytes, textBytes, uploadEvidence, type Declared } from '../support/evidence.ts';
import { expectSafeCsv } from '../support/csv.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { createDistrict, createPathway, createSchool, joinPathway, person, type Person } from '../support/registry-world.ts';
import { readZip } from '../support/zip-reader.ts';

type ExportView = {
  exportId: string;
  status: string;
  progress: { itemsDone: number; itemsTotal: number; bytesWritten: number };
  error?: string;
  size?: number;
  download?: { url: string; fileName: string };
};

let t: TestPlatform;
let staff: Person;
let lead: Person;
let reviewer: Person;
let otherReviewer: Person;
let pathwayId: string;
let applicationId: string;
const files: { declared: Declared; bytes: Buffer; criterionId: string; name: string }[] = [];

async function assign(who: Person, appId: string) {
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

beforeAll(async () => {
  t = await startTestPlatform();
  staff = await person(t, 'staff@export.test', ['staff']);
  lead = await person(t, 'lead@export.test', ['pathway']);
  reviewer = await person(t, 'reviewer@export.test', ['reviewer']);
  otherReviewer = await person(t, 'other.reviewer@export.test', ['reviewer']);
  const district = await createDistrict(t, staff);
  const school = await createSchool(t, staff, district.id);
  pathwayId = (await createPathway(t, staff, school.id)).id;
  await joinPathway(t, staff, pathwayId, lead, 'lead');
  await putPublishedFramework(seedFramework);
  applicationId = expectOk(
    await t.api<{ id: string }>('POST', `/pathways/${pathwayId}/applications`, {
      token: lead.token,
      body: { target: 'candidacy', frameworkId: SEED_FRAMEWORK_ID },
    }),
    201,
  ).id;
  const criteria = criteriaFor(seedFramework, 'candidacy').map((c) => c.criterion.id);
  // Two files with the same name: the archive must keep both.
  const uploads = [
    { name: 'Syllabus.pdf', type: 'application/pdf', bytes: pdfBytes(70_000, 1) },
    { name: 'Syllabus.pdf', type: 'application/pdf', bytes: pdfBytes(30_000, 2) },
    { name: 'minutes.csv', type: 'text/csv', bytes: textBytes('date,attendees\n2025-01-10,12\n=cmd,"quoted, value"\n') },
  ];
  for (const [i, u] of uploads.entries()) {
    // The last title hides a formula behind a zero-width space, and another after a ;.
    const title = i === 2 ? '\u200B=HYPERLINK("http://x") minutes; @SUM(1)' : `Item ${i + 1}`;
    const declared = await uploadEvidence(t, lead.token, pathwayId, { ...u, title });
    files.push({ declared, bytes: u.bytes, criterionId: criteria[i]!, name: u.name });
  }
  for (const f of files) {
    const res = await t.api('PUT', `/applications/${applicationId}/responses/${f.criterionId}`, {
      token: lead.token,
      body: { narrative: 'See the attached evidence.', evidence: [{ evidenceId: f.declared.item.evidenceId }] },
      headers: { 'if-none-match': '*' },
    });
    expectOk(res, 201);
  }
  await assign(reviewer, applicationId);
}, 120_000);

afterAll(() => t?.stop());

describe('bulk export', () => {
  it('an assigned reviewer requests it, polls it, and downloads one ZIP of every file', async () => {
    const requested = await t.api<ExportView>('POST', `/applications/${applicationId}/exports`, { token: reviewer.token });
    expect(requested.status).toBe(202);
    expect(requested.json.status).toBe('queued');
    await t.platform.s3Settled();

    const ready = expectOk(
      await t.api<ExportView>('GET', `/applications/${applicationId}/exports/${requested.json.exportId}`, { token: reviewer.token }),
      200,
    );
    expect(ready.status).toBe('ready');
    expect(ready.progress).toMatchObject({ itemsDone: 3, itemsTotal: 3 });
    expect(ready.download?.fileName).toMatch(/\.zip$/);
    const zip = await fetchBytes(ready.download!.url);
    expect(zip.status).toBe(200);
    expect(zip.bytes.length).toBe(ready.size);
    expect(zip.headers.get('content-disposition')).toMatch(/^attachment;/);

    const { entries } = readZip(zip.bytes);
    expect(entries.map((e) => e.name).sort()).toEqual(
      ['files/Syllabus (2).pdf', 'files/Syllabus.pdf', 'files/minutes.csv', 'manifest.csv'].sort(),
    );
    const byName = new Map(entries.map((e) => [e.name, e.data]));
    const contents = [byName.get('files/Syllabus.pdf'), byName.get('files/Syllabus (2).pdf'), byName.get('files/minutes.csv')];
    expect(contents.map((c) => c!.length).sort()).toEqual(files.map((f) => f.bytes.length).sort());
    for (const f of files)
      expect(
        contents.some((c) => c!.equals(f.bytes)),
        f.name,
      ).toBe(true);
    const manifest = byName.get('manifest.csv')!.toString('utf8');
    const rows = expectSafeCsv(manifest);
    expect(rows[0]).toEqual(['file', 'evidence_id', 'version', 'title', 'criteria', 'content_type', 'size', 'sha256', 'verified_at']);
    expect(
      rows
        .slice(1)
        .map((r) => r[3])
        .sort(),
    ).toEqual(['Item 1', 'Item 2', `'\u200B=HYPERLINK("http://x") minutes;' @SUM(1)`].sort());
    for (const f of files) {
      expect(manifest).toContain(f.declared.item.evidenceId);
      expect(manifest).toContain(f.criterionId);
    }
    // The request marker is consumed.
    expect(
      (await t.api<ExportView>('GET', `/applications/${applicationId}/exports/${requested.json.exportId}`, { token: staff.token })).status,
    ).toBe(200);
  });

  it('shows progress while it builds', async () => {
    const exportId = newId('export');
    await createExport({
      exportId,
      applicationId,
      pathwayId,
      status: 'queued',
      requestedAt: new Date().toISOString(),
      requestedBy: { sub: staff.sub },
      progress: { itemsDone: 0, itemsTotal: 0, bytesWritten: 0 },
      fileName: 'progress.zip',
    });
    const seen: ExportView[] = [];
    const outcome = await runExport(exportId, {
      onProgress: async () => {
        seen.push(
          expectOk(await t.api<ExportView>('GET', `/applications/${applicationId}/exports/${exportId}`, { token: reviewer.token }), 200),
        );
      },
    });
    expect(outcome).toBe('ready');
    expect(seen[0]).toMatchObject({ status: 'building', progress: { itemsDone: 0, itemsTotal: 3 } });
    expect(seen.at(-1)).toMatchObject({ status: 'ready', progress: { itemsDone: 3, itemsTotal: 3 } });
    // A second notification for the same export does nothing.
    expect(await runExport(exportId)).toBe('skipped');
  });

  it('staff may export; the team, and reviewers not assigned, may not', async () => {
    expect((await t.api('POST', `/applications/${applicationId}/exports`, { token: staff.token })).status).toBe(202);
    expect((await t.api('POST', `/applications/${applicationId}/exports`, { token: lead.token })).status).toBe(403);
    expect((await t.api('POST', `/applications/${applicationId}/exports`, { token: otherReviewer.token })).status).toBe(404);
    await t.platform.s3Settled();
  });

  it('a retried request with the same Idempotency-Key is the same export', async () => {
    const headers = { 'idempotency-key': `export-${newId('export')}` };
    const first = await t.api<ExportView>('POST', `/applications/${applicationId}/exports`, { token: reviewer.token, headers });
    const again = await t.api<ExportView>('POST', `/applications/${applicationId}/exports`, { token: reviewer.token, headers });
    expect(first.status).toBe(202);
    expect(again.json.exportId).toBe(first.json.exportId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    await t.platform.s3Settled();
  });

  it('fails, saying why, when a stored file no longer matches what was verified', async () => {
    const f = files[2]!;
    const key = `evidence/${pathwayId}/${f.declared.item.evidenceId}/1`;
    const tampered = Buffer.from(f.bytes);
    tampered[0] = tampered[0]! ^ 0xff;
    await putObject(key, tampered, 'text/csv');
    try {
      const requested = expectOk(await t.api<ExportView>('POST', `/applications/${applicationId}/exports`, { token: staff.token }), 202);
      await t.platform.s3Settled();
      const failed = expectOk(
        await t.api<ExportView>('GET', `/applications/${applicationId}/exports/${requested.exportId}`, { token: staff.token }),
        200,
      );
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/CRC-32/);
      expect(failed.download).toBeUndefined();
      expect((await getExport(requested.exportId, true))?.key).toBeUndefined();
    } finally {
      await putObject(key, f.bytes, 'text/csv');
    }
  });
});
