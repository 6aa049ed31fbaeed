import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { createRemoteSite, delayedRelay, type RemoteSite } from '../helpers/netns.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

const KBIT = 256;
const ONE_WAY_MS = 300;

/**
 * The console at a southern post over the link the issue measured: 256 kbit/s each way (tc's token
 * bucket on the veth pair) and 300 ms each way (a relay on the hub's side: this kernel has no
 * netem). Chromium runs in the namespace and knows the hub only across that link.
 */
describe('first load and reload over a 256 kbit/s link with 300 ms each way', () => {
  let hub: TestHub;
  let site: RemoteSite;
  let relay: Awaited<ReturnType<typeof delayedRelay>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    site = await createRemoteSite();
    hub = await startTestHub({ host: '127.0.0.1' });
    await seedUsers(hub.database);
    relay = await delayedRelay(site.hostAddress, { host: '127.0.0.1', port: hub.address.port }, ONE_WAY_MS);
    url = `http://${site.hostAddress}:${relay.port}`;
    await site.limitRate(KBIT);
    // A service worker needs a secure origin; the link's address stands for the centre's HTTPS name.
    browser = await launchChromium(site.chromium, [`--unsafely-treat-insecure-origin-as-secure=${url}`]);
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await relay?.close().catch(() => undefined);
    await hub?.close().catch(() => undefined);
    await site?.close();
  });

  test('the first load arrives compressed and the sign-in form is usable; a reload comes from the service worker (figures printed)', async () => {
    const encodings: Promise<[string, string | undefined, number]>[] = [];
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (/\.(js|css)$/.test(path))
        encodings.push(res.body().then((b) => [path, res.headers()['content-encoding'], b.length]));
    });

    // The clock starts when the browser is ready and asks for the page.
    const start = Date.now();
    await page.goto(`${url}/login`, { waitUntil: 'commit' });
    await page.locator('input[name=username]').waitFor({ state: 'visible', timeout: 60_000 });
    const usable = Date.now() - start;
    await page.waitForLoadState('load', { timeout: 60_000 });
    const loaded = Date.now() - start;
    process.stdout.write(
      `slow link (${KBIT} kbit/s, ${ONE_WAY_MS} ms each way): sign-in form usable after ${usable} ms, load event after ${loaded} ms\n`,
    );
    // The build compresses files of 1 KB and more. Chromium offers brotli over HTTPS only; over
    // this plain-HTTP link it takes the gzip twin.
    const scripts = (await Promise.all(encodings)).filter(([, , bytes]) => bytes >= 1024);
    expect(scripts.length).toBeGreaterThan(0);
    for (const [p, encoding] of scripts) expect(encoding, p).toBe('gzip');
    // The goal is 10 s (README records the figures); the bound leaves room for a busy CI machine
    // and still fails an uncompressed console (28 s before this was built).
    expect(usable).toBeLessThanOrEqual(15_000);

    // Signed in, with the service worker holding the console's files (it fetches them all over
    // the same link after the first load).
    await page.fill('input[name=username]', 'officer.south');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=user-menu]').waitFor({ timeout: 60_000 });
    const cachedAt = Date.now();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 120_000,
      polling: 250,
    });
    process.stdout.write(`service worker holding the console ${Date.now() - cachedAt} ms after sign-in\n`);

    const again = Date.now();
    await page.reload({ waitUntil: 'commit' });
    await page.locator('[data-testid=user-menu]').waitFor({ timeout: 60_000 });
    const reload = Date.now() - again;
    process.stdout.write(
      `slow link: reload through the service worker to the signed-in board ${reload} ms\n`,
    );
    // Goal 2 s; bound as above (a reload that fetched the console's files again would take ~10 s).
    expect(reload).toBeLessThanOrEqual(3_000);
  });
});
