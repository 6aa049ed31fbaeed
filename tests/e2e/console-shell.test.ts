import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, recordForeignRequests, capture, signIn } from '../helpers/browser.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

describe('console shell in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let foreign: string[];
  const pageErrors: string[] = [];
  const websockets: string[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    foreign = await recordForeignRequests(context);
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('websocket', (ws) => websockets.push(ws.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const html = (attr: 'lang' | 'dir') => page.evaluate((a) => document.documentElement.getAttribute(a), attr);

  test('loads in Arabic, right to left, with the basemap drawn', async () => {
    await signIn(page, t.url, 'officer.east', TEST_PASSWORD);
    await page.waitForSelector('[data-countries-drawn]:not([data-countries-drawn="0"])');
    expect(await html('lang')).toBe('ar');
    expect(await html('dir')).toBe('rtl');
    await expect.poll(() => page.locator('header').innerText()).toContain('تنسيق');
    const drawn = Number(await page.getAttribute('[data-countries-drawn]', 'data-countries-drawn'));
    expect(drawn).toBeGreaterThanOrEqual(7);
    expect(await page.locator('.leaflet-overlay-pane path:not(.sector)').count()).toBe(drawn);
    // Over them, the eight border sectors of the bundled dataset.
    expect(await page.locator('.leaflet-overlay-pane path.sector').count()).toBe(8);
    await expect.poll(() => page.locator('.country-label--libya').innerText()).toBe('ليبيا');
    // In Arabic the side panel stands at the right, the map at the left.
    const panel = await page.locator('.side').boundingBox();
    const map = await page.locator('.base-map').boundingBox();
    expect(panel!.x).toBeGreaterThan(map!.x);
    await expect.poll(() => page.locator('.status-bar').innerText()).toContain('إصدار');
    await capture(page, 'shell-ar');
  });

  test('switching to English flips to left to right and is remembered', async () => {
    await page.getByTestId('language-switch').click();
    expect(await html('lang')).toBe('en');
    expect(await html('dir')).toBe('ltr');
    await expect.poll(() => page.locator('.side h1').innerText()).toBe('Live board');
    await expect.poll(() => page.locator('.country-label--libya').innerText()).toBe('Libya');
    const panel = await page.locator('.side').boundingBox();
    const map = await page.locator('.base-map').boundingBox();
    expect(panel!.x).toBeLessThan(map!.x);

    await page.reload();
    await page.waitForSelector('[data-countries-drawn]:not([data-countries-drawn="0"])');
    expect(await html('dir')).toBe('ltr');
    await page.getByTestId('language-switch').click();
    expect(await html('dir')).toBe('rtl');
  });

  test('no request left 127.0.0.1 and the page raised no error', () => {
    expect(foreign).toEqual([]);
    expect(websockets.filter((u) => !new URL(u).hostname.startsWith('127.0.0.1'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
