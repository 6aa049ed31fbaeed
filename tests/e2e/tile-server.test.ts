import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, recordForeignRequests, signIn } from '../helpers/browser.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

// A 1×1 transparent PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let tiles: http.Server;
const tileRequests: string[] = [];
let t: TestHub;
let browser: Browser;

beforeAll(async () => {
  tiles = http.createServer((req, res) => {
    tileRequests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  });
  await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
  const { port } = tiles.address() as AddressInfo;
  t = await startTestHub({ config: { TANSIQ_TILE_URL: `http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.png` } });
  await seedUsers(t.database);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise((resolve) => tiles.close(resolve));
});

test('with TANSIQ_TILE_URL the console loads tiles from the centre’s own server (allowed by the CSP)', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const foreign = await recordForeignRequests(context);
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) cspViolations.push(msg.text());
  });
  await signIn(page, t.url, 'analyst', TEST_PASSWORD);
  await page.waitForSelector('.leaflet-tile-loaded');
  expect(tileRequests.length).toBeGreaterThan(0);
  expect(tileRequests.every((u) => /^\/tiles\/5\/\d+\/\d+\.png$/.test(u))).toBe(true);
  // Country outlines still drawn over the tiles; the legend names the tile server.
  expect(await page.locator('.leaflet-overlay-pane path').count()).toBeGreaterThanOrEqual(7);
  await page.locator('.legend summary').click();
  await expect.poll(() => page.locator('.legend .source').innerText()).toContain('خادم البلاطات');
  expect(cspViolations).toEqual([]);
  expect(foreign).toEqual([]);
});
