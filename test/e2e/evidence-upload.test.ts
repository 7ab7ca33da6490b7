/**
 * A real browser against the local runtime: headless Chromium (Debian's chromium, driven
 * by playwright-core) opens a small page served by this test from its own http origin,
 * asks the local API for a presigned POST, uploads a file to the local S3 with a
 * multipart form exactly as a frontend would (fetch + FormData, and a plain HTML form
 * submit), then downloads it back with the presigned GET and compares the bytes.
 * Cross-origin fetches to the API and to S3 only succeed if both answer CORS for the
 * page's origin, which is the only origin this platform allows.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { pdfBytes } from '../support/evidence.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { createDistrict, createPathway, createSchool, joinPathway, person, type Person } from '../support/registry-world.ts';

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>pathcert upload test</title></head>
<body>
<h1>Evidence upload</h1>
<input type="file" id="file">
<iframe name="sink" id="sink"></iframe>
<script>
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (buf) => { let s = ''; for (const b of new Uint8Array(buf)) s += String.fromCharCode(b); return btoa(s); };

async function declare({ api, token, pathwayId }, file, sha256) {
  const res = await fetch(api + '/pathways/' + pathwayId + '/evidence', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
    body: JSON.stringify({ fileName: file.name, contentType: file.type, size: file.size, sha256, title: 'Uploaded from a browser', criterionIds: ['WBL-1.1'] }),
  });
  if (res.status !== 201) throw new Error('declare answered ' + res.status + ': ' + await res.text());
  return res.json();
}

// fetch + FormData: what a single-page app does; reading S3's answer needs CORS.
window.uploadWithFetch = async (ctx) => {
  const file = document.getElementById('file').files[0];
  const sha256 = hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  const { item, upload } = await declare(ctx, file, sha256);
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', file);
  const posted = await fetch(upload.url, { method: 'POST', body: form });
  return { evidenceId: item.evidenceId, status: posted.status, answer: await posted.text(), sha256, key: upload.key };
};

// A plain HTML form posted into an iframe: the fields work without any script on the upload itself.
window.uploadWithForm = async (ctx) => {
  const file = document.getElementById('file').files[0];
  const { item, upload } = await declare(ctx, file, undefined);
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = upload.url;
  form.enctype = 'multipart/form-data';
  form.target = 'sink';
  for (const [name, value] of Object.entries(upload.fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  const input = document.getElementById('file');
  input.name = 'file';
  form.appendChild(input);
  document.body.appendChild(form);
  const loaded = new Promise((resolve) => document.getElementById('sink').addEventListener('load', resolve, { once: true }));
  form.submit();
  await loaded;
  return { evidenceId: item.evidenceId };
};

window.downloadBack = async ({ api, token, pathwayId, evidenceId }) => {
  const res = await fetch(api + '/pathways/' + pathwayId + '/evidence/' + evidenceId, { headers: { authorization: 'Bearer ' + token } });
  const body = await res.json();
  if (!body.download) return { state: body.versions[0].state };
  const file = await fetch(body.download.url);
  const buf = await file.arrayBuffer();
  return { state: body.versions[0].state, status: file.status, sha256: hex(await crypto.subtle.digest('SHA-256', buf)), base64: base64(buf), fileName: body.download.fileName };
};
</script>
</body>
</html>`;

let server: Server;
let origin: string;
let t: TestPlatform;
let browser: Browser;
let page: Page;
let member: Person;
let pathwayId: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The page's origin is the only one the API and the bucket allow.
  t = await startTestPlatform({ allowedOrigins: [origin] });
  const staff = await person(t, 'staff@e2e.test', ['staff']);
  member = await person(t, 'member@e2e.test', ['pathway']);
  const district = await createDistrict(t, staff);
  const school = await createSchool(t, staff, district.id);
  pathwayId = (await createPathway(t, staff, school.id)).id;
  await joinPathway(t, staff, pathwayId, member, 'member');
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(origin);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

const context = () => ({ api: t.platform.apiUrl, token: member.token, pathwayId });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a browser uploads and downloads evidence', () => {
  it('fetch + FormData to the presigned POST, then the presigned GET gives the same bytes', async () => {
    const bytes = pdfBytes(180_000, 11);
    await page.setInputFiles('#file', { name: 'Work-based learning agreement.pdf', mimeType: 'application/pdf', buffer: bytes });
    const uploaded = await page.evaluate(
      (ctx) =>
        (
          globalThis as unknown as {
            uploadWithFetch: (c: unknown) => Promise<{ evidenceId: string; status: number; answer: string; sha256: string; key: string }>;
          }
        ).uploadWithFetch(ctx),
      context(),
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.answer).toContain(`<Key>${uploaded.key}</Key>`);
    expect(uploaded.sha256).toBe(sha256(bytes));
    await t.platform.s3Settled();

    const back = await page.evaluate(
      (ctx) =>
        (
          globalThis as unknown as {
            downloadBack: (c: unknown) => Promise<{ state: string; status: number; sha256: string; base64: string; fileName: string }>;
          }
        ).downloadBack(ctx),
      { ...context(), evidenceId: uploaded.evidenceId },
    );
    expect(back.state).toBe('available');
    expect(back.status).toBe(200);
    expect(back.sha256).toBe(sha256(bytes));
    expect(Buffer.from(back.base64, 'base64').equals(bytes)).toBe(true);
    expect(back.fileName).toBe('Work-based learning agreement.pdf');
  });

  it('a plain HTML form submit with the same fields works too', async () => {
    const bytes = pdfBytes(20_000, 12);
    await page.setInputFiles('#file', { name: 'Advisory board minutes.pdf', mimeType: 'application/pdf', buffer: bytes });
    const { evidenceId } = await page.evaluate(
      (ctx) => (globalThis as unknown as { uploadWithForm: (c: unknown) => Promise<{ evidenceId: string }> }).uploadWithForm(ctx),
      context(),
    );
    await t.platform.s3Settled();
    const back = await page.evaluate(
      (ctx) => (globalThis as unknown as { downloadBack: (c: unknown) => Promise<{ state: string; base64: string }> }).downloadBack(ctx),
      { ...context(), evidenceId },
    );
    expect(back.state).toBe('available');
    expect(Buffer.from(back.base64, 'base64').equals(bytes)).toBe(true);
  });

  it('a page from an origin the platform does not allow cannot read the API', async () => {
    const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>elsewhere</p>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const stranger = await browser.newPage();
      await stranger.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      const outcome = await stranger.evaluate(async ({ api, token, pathwayId: p }) => {
        try {
          await fetch(`${api}/pathways/${p}/evidence`, { headers: { authorization: `Bearer ${token}` } });
          return 'read';
        } catch {
          return 'blocked';
        }
      }, context());
      expect(outcome).toBe('blocked');
      await stranger.close();
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
