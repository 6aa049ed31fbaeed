import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Alert } from '@tansiq/shared';
import { capture, launchChromium, openConsole, type Console } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';
import { caller } from '../helpers/handovers.ts';
import { parseCsvBytes, periodOf } from '../helpers/trend-cases.ts';

const TITLE = 'مجموعة مهاجرين قرب التوم، بينهم أطفال';

describe('people involved and trends in Chromium: an officer reports, an analyst sees and exports', () => {
  let t: TestHub;
  let browser: Browser;
  let south: Console;
  let analyst: Console;
  let alert: Alert;

  /** Opens the composer and chooses what makes it a migration alert from the TUMMO crossing. */
  async function startMigrationAlert(page: Page): Promise<void> {
    await page.getByTestId('new-alert').click();
    const form = page.getByTestId('composer');
    await form.locator('select[name=category]').selectOption('irregular_migration');
    await form.locator('select[name=severity]').selectOption('medium');
    await form.locator('input[name=title]').fill(TITLE);
    await form.locator('select[name=crossing]').selectOption('TUMMO');
  }

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    browser = await launchChromium();
    south = await openConsole(browser, t.url, 'officer.south', TEST_PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('an officer raises a migration alert with the people involved in under 30 s', async () => {
    // The clock starts with the console online and ready.
    const started = Date.now();
    await startMigrationAlert(south.page);
    const form = south.page.getByTestId('composer');
    // The people section opens by itself for a migration alert.
    expect(await form.getByTestId('composer-people').getAttribute('open')).not.toBeNull();
    await form.locator('input[name="people.total"]').fill('14');
    await form.locator('input[name="people.women"]').fill('4');
    await form.locator('input[name="people.men"]').fill('8');
    await form.locator('input[name="people.children"]').fill('5');
    await form.locator('input[name="people.adults"]').fill('9');
    // Two taps for the unaccompanied children, one for the person needing care.
    const more = (what: string) => form.getByRole('button', { name: `${what}: واحد أكثر` });
    await more('أطفال غير مصحوبين').click();
    await more('أطفال غير مصحوبين').click();
    await more('بحاجة إلى رعاية طبية').click();
    await form.locator('select[name=tlp]').selectOption('GREEN');
    await form.locator('input[name=recipients][value=WEST]').check();
    await south.page.getByTestId('composer-submit').click();
    const item = south.page.locator('[data-outbox-id]').first();
    await expect.poll(() => item.getAttribute('data-state')).toBe('at_hub');
    expect(Date.now() - started).toBeLessThan(30_000);

    const id = (await item.getAttribute('data-outbox-id'))!;
    const officer = await caller(t.url, 'officer.south');
    alert = ((await officer('GET', `/api/v1/alerts/${id}`)).body as { alert: Alert }).alert;
    expect(alert.people).toEqual({
      total: 14,
      women: 4,
      men: 8,
      sexUnknown: 0,
      children: 5,
      adults: 9,
      ageUnknown: 0,
      unaccompaniedChildren: 2,
      injured: 0,
      deceased: 0,
      withDisabilities: 0,
      needMedicalCare: 1,
    });
    expect(alert.sector).toBe('NER');

    // The detail shows them.
    await south.page.locator(`[data-testid=alert-list] [data-alert-id="${id}"]`).click();
    const people = south.page.getByTestId('detail-people');
    await people.waitFor();
    expect(await people.locator('[data-field=women]').innerText()).toBe('4');
    expect(await people.innerText()).toContain('14');
    await capture(south.page, 'alert-detail-people-ar');

    // One more person found injured: the reporting centre changes the counts, the timeline keeps it.
    await south.page.getByTestId('edit-people').click();
    const edit = south.page.getByTestId('alert-detail').getByTestId('people-fields');
    await edit.getByRole('button', { name: 'مصابون: واحد أكثر' }).click();
    await south.page.getByTestId('save-people').click();
    await expect.poll(() => people.locator('[data-field=injured]').textContent()).toBe('1');
    await expect.poll(() => south.page.getByTestId('timeline').innerText()).toContain('الأشخاص المعنيون: 14');
  });

  test('a sum over the total is marked and nothing is sent; the section in both languages', async () => {
    const before = await south.page.locator('[data-outbox-id]').count();
    await startMigrationAlert(south.page);
    const form = south.page.getByTestId('composer');
    await form.locator('input[name="people.total"]').fill('3');
    await form.locator('input[name="people.women"]').fill('2');
    await form.locator('input[name="people.men"]').fill('2');
    await form.locator('select[name=tlp]').selectOption('GREEN');
    await form.locator('input[name=recipients][value=WEST]').check();
    await south.page.getByTestId('composer-submit').click();
    expect(await south.page.getByTestId('composer-problems').innerText()).toContain('الأشخاص المعنيون');
    expect(await form.locator('input[name="people.total"]').getAttribute('aria-invalid')).toBe('true');
    expect(await south.page.locator('[data-outbox-id]').count()).toBe(before);
    await form.locator('input[name="people.total"]').fill('');
    await form.getByTestId('composer-people').scrollIntoViewIfNeeded();
    await capture(south.page, 'composer-people-ar');
    await south.page.getByTestId('language-switch').click();
    await expect.poll(() => south.page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await form.getByRole('button', { name: 'Close' }).click();
  });

  /**
   * Earlier weeks for the charts to show: alerts raised through the API, then moved back in time in
   * the database (the hub stamps creation with its own clock).
   */
  async function seedEarlierWeeks(): Promise<void> {
    const cases = [
      { by: 'officer.south', crossing: 'TUMMO', category: 'irregular_migration', weeks: 1, total: 22 },
      { by: 'officer.south', crossing: 'GHAT', category: 'trafficking', weeks: 2, total: 6 },
      { by: 'officer.west', crossing: 'RAS_AJDIR', category: 'humanitarian', weeks: 2, total: 9 },
      { by: 'officer.east', crossing: 'EMSAED', category: 'irregular_migration', weeks: 3, total: 31 },
      { by: 'officer.south', crossing: 'TUMMO', category: 'irregular_migration', weeks: 3, total: 17 },
      { by: 'officer.west', crossing: 'WAZIN', category: 'smuggling', weeks: 4, total: 0 },
    ];
    for (const c of cases) {
      const women = Math.floor(c.total / 3);
      const children = Math.floor(c.total / 4);
      const res = await (
        await caller(t.url, c.by)
      )('POST', '/api/v1/alerts', {
        id: randomUUID(),
        category: c.category,
        severity: 'medium',
        title: `earlier ${c.crossing}`,
        location: { lat: 25, lng: 15 },
        crossing: c.crossing,
        tlp: 'GREEN',
        recipients: [],
        ...(c.total
          ? { people: { total: c.total, women, men: c.total - women, children, adults: c.total - children } }
          : {}),
      });
      expect(res.status).toBe(201);
      const id = (res.body as { alert: Alert }).alert.id;
      await t.database.db.execute(
        sql`update alerts set created_at = created_at - make_interval(weeks => ${c.weeks}) where id = ${id}`,
      );
    }
  }

  test('an analyst sees it in the trend for its week and sector, exports the CSV, and the numbers match', async () => {
    await seedEarlierWeeks();
    // A tall window: the screenshots show the whole page.
    analyst = await openConsole(browser, t.url, 'analyst', TEST_PASSWORD, { width: 1366, height: 1500 });
    const page = analyst.page;
    await page.getByTestId('nav-trends').click();
    await page.getByTestId('trend-by').selectOption('sector');
    const week = periodOf(new Date(alert.createdAt), 'week');
    const cell = page.locator(`[data-testid=trend-alerts-table] tr[data-period="${week}"] td[data-key=NER]`);
    await expect.poll(() => cell.textContent()).toBe('1');
    const people = page.locator(`[data-testid=trend-people-table] tr[data-period="${week}"]`);
    expect(await people.locator('td[data-key=women]').textContent()).toBe('4');
    expect(await people.locator('td[data-key=men]').textContent()).toBe('8');
    expect(await people.locator('td[data-key=total]').textContent()).toBe('14');
    await capture(page, 'trends-ar');

    // The table view shows the same numbers to the eye.
    await page.locator('#trend-alerts-h').locator('..').getByRole('button', { name: 'جدول' }).click();
    expect(await page.getByTestId('trend-alerts-table').isVisible()).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-counts').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tansiq-trends-sector-.*\.csv$/);
    const rows = parseCsvBytes(await fs.readFile((await download.path())!));
    const row = rows.find((r) => r.period === week && r.key === 'NER')!;
    expect(row).toMatchObject({
      alerts: '1',
      withPeople: '1',
      total: '14',
      women: '4',
      men: '8',
      children: '5',
    });
    expect(Number(row.alerts)).toBe(Number(await cell.textContent()));

    const [alerts] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-alerts').click(),
    ]);
    const exported = parseCsvBytes(await fs.readFile((await alerts.path())!));
    expect(exported.find((r) => r.id === alert.id)).toMatchObject({
      title: TITLE,
      total: '14',
      sector: 'NER',
    });

    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    expect([...south.errors, ...analyst.errors]).toEqual([]);
  });
});
