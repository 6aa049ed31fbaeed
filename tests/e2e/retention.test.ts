import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { login, seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

/** The ids of the alerts in the signed-in user's IndexedDB store. */
function storedIds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const name = (await indexedDB.databases()).map((d) => d.name!).find((n) => n.startsWith('tansiq-'))!;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const req = db.transaction('alerts').objectStore('alerts').getAllKeys();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return keys.map(String);
  });
}

describe("a console's storage forgets closed alerts past the retention age", () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    hub = await startTestHub({ config: { TANSIQ_CONSOLE_KEEP_CLOSED_DAYS: '30' } });
    await seedUsers(hub.database);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  test('closed and older than 30 days: gone after a reload; open ones of any age and recent ones stay', async () => {
    await signIn(page, hub.url, 'officer.west', TEST_PASSWORD);
    const east = await login(hub.url, 'officer.east');
    const res = await fetch(`${hub.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${east.accessToken}` },
      body: JSON.stringify({
        category: 'smuggling',
        severity: 'low',
        tlp: 'GREEN',
        title: 'قافلة للاحتفاظ',
        location: { lat: 32.1, lng: 12.1 },
        recipients: ['WEST'],
      }),
    });
    const { alert } = (await res.json()) as { alert: { id: string } };
    await expect.poll(() => storedIds(page), { timeout: 10_000 }).toContain(alert.id);

    // Two copies of it as a console that has run for months would hold them.
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await page.evaluate(
      async ({ id, old }) => {
        const name = (await indexedDB.databases()).map((d) => d.name!).find((n) => n.startsWith('tansiq-'))!;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open(name);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        const store = () => db.transaction('alerts', 'readwrite').objectStore('alerts');
        const original = await new Promise<Record<string, unknown>>((resolve) => {
          const req = store().get(id);
          req.onsuccess = () => resolve(req.result as Record<string, unknown>);
        });
        const tx = db.transaction('alerts', 'readwrite');
        tx.objectStore('alerts').put({ ...original, id: 'old-closed', status: 'resolved', updatedAt: old });
        tx.objectStore('alerts').put({ ...original, id: 'old-open', status: 'open', updatedAt: old });
        await new Promise((resolve) => (tx.oncomplete = resolve));
        db.close();
      },
      { id: alert.id, old },
    );
    expect(await storedIds(page)).toEqual(expect.arrayContaining(['old-closed', 'old-open', alert.id]));

    await page.reload();
    await page.waitForSelector('[data-testid=user-menu]');
    await expect.poll(() => storedIds(page), { timeout: 10_000 }).not.toContain('old-closed');
    expect(await storedIds(page)).toEqual(expect.arrayContaining(['old-open', alert.id]));
  });
});
