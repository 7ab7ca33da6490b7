/**
 * Evidence helpers for integration tests: declare a file through the API, POST it to the
 * local S3 with the presigned form exactly as a browser form would (multipart/form-data,
 * every field, then the file last), and wait for the verifier the notification runs.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { ApiResult, TestPlatform } from './platform.ts';

export interface Upload {
  url: string;
  fields: Record<string, string>;
  key: string;
  expiresAt: string;
}

export interface Declared {
  item: { evidenceId: string; pathwayId: string; revision: number; latestVersion: number; title: string; criterionIds: string[] };
  version: { version: number; state: string; fileName: string; size: number };
  upload: Upload;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export const pdfBytes = (n = 2048, seed = 1) => {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1');
  const body = Buffer.alloc(Math.max(0, n - head.length));
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + seed) % 251;
  return Buffer.concat([head, body]).subarray(0, n);
};

export const textBytes = (text: string) => Buffer.from(text, 'utf8');

/** A Windows program's first bytes, whatever it is called. */
export const exeBytes = (n = 1024) => {
  const b = Buffer.alloc(n, 0x90);
  b.write('MZ', 0, 'latin1');
  return b;
};

export function fileBody(name: string, type: string, bytes: Uint8Array, extra: Record<string, unknown> = {}) {
  return { fileName: name, contentType: type, size: bytes.length, ...extra };
}

/** POSTs the form to S3 as a browser would; answers S3's status and body. */
export async function postForm(upload: Upload, bytes: Uint8Array, fileName: string, type: string, override: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...upload.fields, ...override })) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), fileName);
  const res = await fetch(upload.url, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

export function expectOk<T>(res: ApiResult<T>, status: number): T {
  expect(res.status, `${res.status}: ${res.text}`).toBe(status);
  return res.json;
}

/** Declares, uploads and waits for verification; answers the declaration. */
export async function uploadEvidence(
  t: TestPlatform,
  token: string,
  pathwayId: string,
  file: { name: string; type: string; bytes: Uint8Array; title?: string; criterionIds?: string[]; sha256?: string },
): Promise<Declared> {
  const declared = expectOk(
    await t.api<Declared>('POST', `/pathways/${pathwayId}/evidence`, {
      token,
      body: {
        ...fileBody(file.name, file.type, file.bytes, file.sha256 ? { sha256: file.sha256 } : {}),
        title: file.title ?? file.name,
        criterionIds: file.criterionIds ?? [],
      },
    }),
    201,
  );
  const posted = await postForm(declared.upload, file.bytes, file.name, file.type);
  expect(posted.status, posted.text).toBe(201);
  await t.platform.s3Settled();
  return declared;
}

export async function uploadNewVersion(
  t: TestPlatform,
  token: string,
  pathwayId: string,
  evidenceId: string,
  file: { name: string; type: string; bytes: Uint8Array },
): Promise<Declared> {
  const declared = expectOk(
    await t.api<Declared>('POST', `/pathways/${pathwayId}/evidence/${evidenceId}/versions`, {
      token,
      body: fileBody(file.name, file.type, file.bytes),
    }),
    201,
  );
  const posted = await postForm(declared.upload, file.bytes, file.name, file.type);
  expect(posted.status, posted.text).toBe(201);
  await t.platform.s3Settled();
  return declared;
}

export async function fetchBytes(url: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/**
 * Evidence items with verified versions, written straight into the table (no file in the
 * bucket): for tests that need valid references to link, not files to read.
 */
export async function seedAvailableEvidence(
  pathwayId: string,
  options: { count?: number; versions?: number; title?: string } = {},
): Promise<string[]> {
  const { newId } = await import('#core/ids.ts');
  const { putNew, transact } = await import('#store/db.ts');
  const keys = await import('#store/keys.ts');
  const { versionItem } = await import('#store/evidence.ts');
  const ids: string[] = [];
  const versions = options.versions ?? 1;
  for (let n = 0; n < (options.count ?? 1); n++) {
    const evidenceId = newId('evidence');
    const at = new Date().toISOString();
    const owner = { kind: 'evidence' as const, evidenceId, pathwayId };
    const records = Array.from({ length: versions }, (_, i) => ({
      owner: 'evidence' as const,
      evidenceId,
      pathwayId,
      version: i + 1,
      state: 'available' as const,
      fileName: `evidence-${n + 1}-v${i + 1}.pdf`,
      contentType: 'application/pdf',
      size: 1000 + i,
      sha256: createHash('sha256')
        .update(`${evidenceId}:${i + 1}`)
        .digest('hex'),
      declaredBy: 'seed',
      declaredAt: at,
      verifiedAt: at,
      uploadExpiresAt: at,
      expiresAt: at,
    }));
    const last = records.at(-1)!;
    await transact([
      putNew({
        ...keys.evidenceItem(evidenceId),
        ...keys.evidenceItemIndexes({ evidenceId, pathwayId, title: options.title ?? `Seeded evidence ${n + 1}` }),
        _type: 'evidenceItem',
        evidenceId,
        pathwayId,
        title: options.title ?? `Seeded evidence ${n + 1}`,
        criterionIds: [],
        createdBy: 'seed',
        createdAt: at,
        updatedAt: at,
        revision: 1,
        latestVersion: versions,
        current: {
          version: last.version,
          fileName: last.fileName,
          contentType: last.contentType,
          size: last.size,
          sha256: last.sha256,
          verifiedAt: at,
        },
      }),
      ...records.map((v) => putNew(versionItem(owner, v))),
    ]);
    ids.push(evidenceId);
  }
  return ids;
}

/** The ObjectCreated:Post notification S3 sends for `key`, to replay a delivery by hand (the local S3's own builder). */
export { s3ObjectCreatedEvent as s3Event } from '../../infra/local/s3.ts';
