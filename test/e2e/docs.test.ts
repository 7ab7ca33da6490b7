/**
 * The API reference in a real browser: headless Chromium opens /docs on the local API with
 * every request to any other origin blocked (so it must work offline: no CDN, no web
 * fonts, no telemetry), Scalar renders the operations from /openapi.json, and its
 * built-in client sends a request to the API's own origin and shows the answer.
 *
 * Set DOCS_SCREENSHOT=<file.png> to keep a screenshot of the rendered page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let browser: Browser;
let page: Page;
const elsewhere: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const origin = new URL(t.platform.apiUrl).origin;
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    elsewhere.push(url);
    return route.abort('internetdisconnected');
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('/docs in Chromium', () => {
  it('renders the operations from /openapi.json with the renderer served by the API itself', async () => {
    const script = page.waitForResponse((r) => r.url().endsWith('/docs/assets/api-reference.js'));
    await page.goto(`${t.platform.apiUrl}/docs`);
    expect((await script).status()).toBe(200);
    // Operation summaries come from the route specs through the document.
    await page
      .getByText('Liveness check')
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(async (e: unknown) => {
        if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT });
        throw new Error(`${String(e)}\npage errors: ${pageErrors.join('; ')}\nblocked: ${elsewhere.join(' ')}`);
      });
    // Tags open on demand: the sidebar opens one and lists its operations.
    await page.getByText('Applications', { exact: true }).first().click();
    await page.getByText('Open an application (pathway lead, staff)').first().waitFor({ timeout: 10_000 });
    expect(await page.title()).toContain('pathcert');
    // Scalar's hosted extras (AI agent, developer toolbar) are off: they need the internet.
    expect(await page.getByText('Ask AI').count()).toBe(0);
    if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT, fullPage: false });
    expect(pageErrors).toEqual([]);
    // Nothing was fetched from another origin (each such request was blocked and recorded).
    expect(elsewhere).toEqual([]);
  });

  it("try it out: Scalar's client sends GET /health to this API and shows the answer", async () => {
    await page.getByText('Liveness check').first().click();
    const testRequest = page.getByRole('button', { name: /Test Request/i }).first();
    await testRequest.waitFor({ timeout: 10_000 });
    await testRequest.click();
    const sent = page.waitForResponse((r) => r.url() === `${t.platform.apiUrl}/health`, { timeout: 15_000 });
    await page.getByRole('button', { name: /^Send/i }).first().click();
    const answer = await sent;
    expect(answer.status()).toBe(200);
    await page.getByText('"stage"').first().waitFor({ timeout: 10_000 });
    if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT.replace(/\.png$/, '-try.png') });
    expect(elsewhere).toEqual([]);
  });
});
