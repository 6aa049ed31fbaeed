import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { schema } from '@tansiq/hub-server';
import { launchChromium, signIn } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { createRemoteSite, type RemoteSite } from '../helpers/netns.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

/**
 * A console at a southern post: Chromium in a network namespace of its own, the hub across a
 * 256 kbit/s link. The route then goes dark for 30 s with the interface up (packets dropped, not
 * refused), which the browser cannot see for itself: only the hub's heartbeat tells.
 */
describe('a dead link to the hub', () => {
  let t: TestHub;
  let site: RemoteSite;
  let browser: Browser;
  let page: Page;

  async function raise(title: string): Promise<string> {
    await page.getByTestId('new-alert').click();
    const form = page.getByTestId('composer');
    await form.locator('select[name=category]').selectOption('smuggling');
    await form.locator('select[name=severity]').selectOption('high');
    await form.locator('input[name=title]').fill(title);
    await form.locator('select[name=crossing]').selectOption('TUMMO');
    await form.locator('select[name=tlp]').selectOption('GREEN');
    await form.locator('input[name=recipients][value=WEST]').check();
    await page.getByTestId('composer-submit').click();
    const item = page.locator('[data-outbox-id]', { hasText: title });
    await item.waitFor();
    return (await item.getAttribute('data-outbox-id'))!;
  }

  /** The link states the status bar showed, with the time each began (ms since the epoch). */
  function linkStates(): Promise<Array<{ state: string; at: number }>> {
    return page.evaluate(
      () => (window as unknown as { linkStates: Array<{ state: string; at: number }> }).linkStates,
    );
  }

  beforeAll(async () => {
    site = await createRemoteSite();
    t = await startTestHub({ host: site.hostAddress });
    await seedUsers(t.database);
    browser = await launchChromium(site.chromium);
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  });
  afterAll(async () => {
    // The namespace goes even when something before it fails to close.
    await browser?.close().catch(() => undefined);
    await t?.close().catch(() => undefined);
    await site?.close();
  });

  test('is called within 10 s on a 256 kbit/s link, and what was queued reaches the hub once after it', async () => {
    await signIn(page, t.url, 'officer.south', TEST_PASSWORD);
    await page.waitForSelector('[data-testid=link-state][data-state=online]');
    await page.evaluate(() => {
      const w = window as unknown as { linkStates: Array<{ state: string; at: number }> };
      const el = document.querySelector('[data-testid=link-state]')!;
      w.linkStates = [{ state: el.getAttribute('data-state')!, at: Date.now() }];
      new MutationObserver(() => {
        const state = el.getAttribute('data-state')!;
        if (state !== w.linkStates.at(-1)!.state) w.linkStates.push({ state, at: Date.now() });
      }).observe(el, { attributes: true, attributeFilter: ['data-state'] });
    });

    // A slow but working link: a heartbeat and a half pass with no false alarm.
    await site.limitRate(256);
    await page.waitForTimeout(12_000);
    expect((await linkStates()).map((s) => s.state)).toEqual(['online']);

    // The route goes dark. An alert raised at that instant goes out and gets no answer.
    await site.blackHole();
    const darkAt = Date.now();
    const lost = await raise('قافلة مركبات دون لوحات قرب التوم — أثناء العتمة');
    await page.waitForSelector('[data-testid=link-state]:not([data-state=online])', { timeout: 15_000 });
    const noticedAfter = (await linkStates())[1]!.at - darkAt;
    process.stdout.write(`dead link noticed after ${noticedAfter} ms\n`);
    expect(noticedAfter).toBeLessThanOrEqual(10_000);
    // And one raised after the status bar said so, which waits in the outbox.
    const waiting = await raise('قافلة مركبات دون لوحات قرب التوم — بعد الإنذار');
    for (const id of [lost, waiting])
      expect(await page.locator(`[data-outbox-id="${id}"]`).getAttribute('data-state')).toBe('queued');

    await page.waitForTimeout(Math.max(0, darkAt + 30_000 - Date.now()));
    expect((await linkStates()).some((s) => s.state === 'online' && s.at > darkAt)).toBe(false);
    await site.restore();
    const backAt = Date.now();
    for (const id of [lost, waiting])
      await page.waitForSelector(`[data-outbox-id="${id}"][data-state=at_hub]`, { timeout: 30_000 });
    process.stdout.write(`queued alerts at the hub ${Date.now() - backAt} ms after the link returned\n`);

    for (const id of [lost, waiting]) {
      expect(await t.database.db.$count(schema.alerts, eq(schema.alerts.id, id))).toBe(1);
      const created = await t.database.db
        .select()
        .from(schema.events)
        .where(eq(schema.events.type, 'alert:created'));
      expect(created.filter((e) => (e.data as { alert: { id: string } }).alert.id === id)).toHaveLength(1);
    }
    expect(await page.locator('[data-testid=link-state]').getAttribute('data-state')).toBe('online');
  });
});
