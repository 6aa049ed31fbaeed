import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Alert } from '@tansiq/shared';
import { capture, launchChromium, openConsole, type Console } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { openTestPglite } from '../helpers/db.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';
import { caller, seedIncomingSupervisors, testClock } from '../helpers/handovers.ts';

describe('shift handover in Chromium: EAST drafts, the incoming supervisor returns, then accepts', () => {
  let t: TestHub;
  let browser: Browser;
  const clock = testClock();
  const consoles: Console[] = [];
  let outgoing: Console;
  let incoming: Console;
  let handoverId = '';
  let alert: Alert;
  const TASK = 'استبدال بطارية جهاز الإرسال عند المعبر';

  async function open(username: string, viewport?: { width: number; height: number }): Promise<Console> {
    const c = await openConsole(browser, t.url, username, TEST_PASSWORD, viewport);
    consoles.push(c);
    return c;
  }

  const status = (page: Page) => page.getByTestId('handover-status').getAttribute('class');

  beforeAll(async () => {
    const database = await openTestPglite();
    await seedUsers(database);
    await seedIncomingSupervisors(database);
    t = await startTestHub({ database, clock: clock.now });
    const officer = await caller(t.url, 'officer.east');
    const raised = await officer('POST', '/api/v1/alerts', {
      category: 'fuel_smuggling',
      severity: 'high',
      title: 'صهاريج وقود قرب امساعد',
      location: { lat: 31.58, lng: 25.05 },
      tlp: 'AMBER',
      recipients: [],
    });
    alert = (raised.body as { alert: Alert }).alert;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of consoles) await c.context.close();
    await browser?.close();
    await t?.close();
  });

  test('the outgoing supervisor drafts (the open alert is pre-filled), flags a task and submits', async () => {
    outgoing = await open('supervisor.east');
    const { page } = outgoing;
    await page.getByTestId('nav-handovers').click();
    // Shift times read in Africa/Tripoli (shifts change at 08:00 and 20:00 there), whatever the
    // browser's own zone (UTC here).
    expect(await page.getByTestId('shift-EAST').innerText()).toMatch(/(08|20):00 – \S+ (08|20):00/);
    await page.getByTestId('open-draft').click();
    await page.waitForSelector('[data-testid=handover-sheet][data-status=draft]');
    await page.waitForSelector(`[data-testid=compiled] a[data-alert="${alert.id}"]`);
    await page.getByTestId('add-task').click();
    await page.locator('input[name=task]').last().fill(TASK);
    await page.locator('input[name=task-flag]').last().check();
    await page.locator('textarea[name=notes]').fill('الوردية هادئة عدا ما ذُكر');
    await page.waitForSelector('[data-testid=save-state][data-state=saved]');
    handoverId = page.url().split('/').pop()!;
    // A reload shows what was typed: it is at the hub.
    await page.reload();
    await page.waitForSelector('[data-testid=handover-sheet][data-status=draft]');
    expect(await page.locator('input[name=task]').last().inputValue()).toBe(TASK);
    // A dropped link: what is typed stays on the device, survives a reload, and reaches the hub
    // when the link is back.
    await outgoing.context.setOffline(true);
    await page.getByTestId('add-event').click();
    await page.getByLabel('الحدث').last().fill('مرور قافلة إغاثة عند 14:00');
    await page.waitForSelector('[data-testid=save-state][data-state=pending]');
    await page.reload();
    await page.waitForSelector('[data-testid=handover-sheet][data-status=draft]');
    expect(await page.getByLabel('الحدث').last().inputValue()).toBe('مرور قافلة إغاثة عند 14:00');
    await outgoing.context.setOffline(false);
    await page.waitForSelector('[data-testid=save-state][data-state=saved]', { timeout: 20_000 });
    const saved = await (await caller(t.url, 'supervisor.east'))('GET', `/api/v1/handovers/${handoverId}`);
    expect(JSON.stringify(saved.body)).toContain('مرور قافلة إغاثة عند 14:00');
    await capture(page, 'handover-draft-ar');
    await page.getByTestId('submit-handover').click();
    await page.waitForSelector('[data-testid=handover-sheet][data-status=submitted]');
  });

  test('the incoming supervisor returns it with a question; the outgoing answers and resubmits', async () => {
    incoming = await open('incoming.east');
    const { page } = incoming;
    await page.goto(`${t.url}/handovers/${handoverId}`);
    await page.waitForSelector('[data-testid=accept-handover]');
    expect(
      await page.locator(`[data-carried], [data-testid=compiled] a[data-alert="${alert.id}"]`).count(),
    ).toBe(1);
    await capture(page, 'handover-review-ar');
    await page.locator('textarea[name=question]').fill('هل وصلت البطارية البديلة؟');
    await page.getByTestId('return-handover').click();
    await page.waitForSelector('[data-testid=handover-sheet][data-status=draft]');

    // The outgoing console follows the event: back to a draft, with the question in the thread.
    await outgoing.page.waitForSelector('[data-testid=handover-sheet][data-status=draft]');
    await outgoing.page.waitForSelector('[data-testid=thread] >> text=هل وصلت البطارية البديلة؟');
    await outgoing.page.locator('textarea[name=answer]').fill('ليس بعد، طُلبت من المخزن');
    await outgoing.page.getByTestId('submit-handover').click();
    await outgoing.page.waitForSelector('[data-testid=handover-sheet][data-status=submitted]');
    // The outgoing supervisor has no accept button on their own handover.
    expect(await outgoing.page.getByTestId('accept-handover').count()).toBe(0);
  });

  test('the incoming supervisor accepts: sealed, first link of the chain', async () => {
    const { page } = incoming;
    await page.waitForSelector('[data-testid=handover-sheet][data-status=submitted]');
    await page.getByTestId('accept-handover').click();
    await page.waitForSelector('[data-testid=handover-sheet][data-status=accepted]');
    await page.waitForSelector('[data-testid=seal]');
    expect(await page.getByTestId('thread').locator('li').count()).toBe(2);
    expect(await status(page)).toContain('accepted');
    await capture(page, 'handover-accepted-ar');
  });

  test('an EAST officer sees the accepted handover; a WEST officer sees nothing of it', async () => {
    const east = await open('officer.east');
    await east.page.goto(`${t.url}/handovers`);
    await east.page.waitForSelector(
      `[data-testid=handover-history] a[href="/handovers/${handoverId}"][data-status=accepted]`,
    );
    await east.page.click(`[data-testid=handover-history] a[href="/handovers/${handoverId}"]`);
    await east.page.waitForSelector('[data-testid=handover-sheet][data-status=accepted]');
    expect(await east.page.locator(`[data-carried]`).count()).toBe(0);
    expect(await east.page.getByText(TASK).count()).toBe(1);
    expect(await east.page.getByTestId('open-draft').count()).toBe(0);
    expect(await east.page.getByTestId('submit-handover').count()).toBe(0);
    await capture(east.page, 'handover-history-ar');

    const west = await open('officer.west');
    await west.page.goto(`${t.url}/handovers/${handoverId}`);
    await west.page.waitForSelector('.main [role=alert]');
    expect(await west.page.getByTestId('handover-sheet').count()).toBe(0);
    expect(await west.page.getByText(TASK).count()).toBe(0);
    expect(
      await west.page.locator(`[data-testid=handover-history] a[href="/handovers/${handoverId}"]`).count(),
    ).toBe(0);
    expect(
      await west.page
        .locator('[data-testid^=shift-]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))),
    ).toEqual(['shift-WEST']);
  });

  test('the print view: A4, both languages, seal and chain position', async () => {
    const { page } = incoming;
    await page.goto(`${t.url}/handovers/${handoverId}/print`);
    await page.waitForSelector('[data-testid=print-seal]');
    const text = await page.getByTestId('handover-print').innerText();
    expect(text).toContain('محضر تسليم الوردية / Shift handover record');
    expect(text).toContain('Seal no. 1');
    expect(text).toMatch(/[0-9a-f]{64}/);
    await capture(page, 'handover-print-ar', { fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    await capture(page, 'handover-print-paper-ar', { fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });

  test('the next shift’s draft carries the flagged task; English, left to right', async () => {
    clock.advanceHours(12);
    const { page } = incoming;
    await page.goto(`${t.url}/handovers`);
    await page.getByTestId('open-draft').click();
    await page.waitForSelector('[data-testid=handover-sheet][data-status=draft]');
    await page.waitForSelector(`[data-testid=carried] [data-carried="${TASK}"]`);
    expect(page.url()).not.toContain(handoverId);
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await page.getByTestId('carried').getByText('Carried over from earlier shifts').waitFor();
    await page.goto(`${t.url}/handovers/${handoverId}`);
    await page.waitForSelector('[data-testid=handover-sheet][data-status=accepted]');
    await page.goto(`${t.url}/handovers/${handoverId}/print`);
    await page.waitForSelector('[data-testid=print-seal]');
    expect(await page.getByTestId('handover-print').innerText()).toContain(
      'Shift handover record / محضر تسليم الوردية',
    );
  });

  test('a tablet (768×1024) shows the handovers screen, in Arabic', async () => {
    const tablet = await open('incoming.east', { width: 768, height: 1024 });
    await tablet.page.goto(`${t.url}/handovers/${handoverId}`);
    await tablet.page.waitForSelector('[data-testid=handover-sheet][data-status=accepted]');
    await capture(tablet.page, 'handover-tablet-ar');
  });

  test('no request left 127.0.0.1 and no page raised an error', () => {
    for (const c of consoles) {
      expect(c.foreign).toEqual([]);
      expect(c.errors).toEqual([]);
    }
  });
});
