import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  fieldBoundaryProblems,
  launchChromium,
  openConsole,
  setLanguage,
  walkFocus,
  type Console,
} from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

/**
 * Keyboard only, screen by screen, in every role: each Tab stop shows where the focus is and is
 * not covered by other content, and every control on the screen is a Tab stop (WCAG 2.2 AA
 * 2.1.1, 2.4.7, 2.4.11), and every field's edge contrasts 3:1 with its surroundings (1.4.11). Text
 * contrast is axe-core's part, on every screen the suite captures.
 */
describe('every screen by keyboard alone', () => {
  let t: TestHub;
  let browser: Browser;
  let alertId: string;
  const opened: Console[] = [];

  async function as(username: string): Promise<Page> {
    const c = await openConsole(browser, t.url, username, TEST_PASSWORD);
    opened.push(c);
    return c.page;
  }

  async function expectKeyboardOnly(page: Page, screen: string): Promise<void> {
    const walk = await walkFocus(page);
    expect(walk.problems.join('\n'), `${screen}: ${walk.stops.length} stops`).toBe('');
    expect(walk.stops.length, screen).toBeGreaterThan(2);
    expect((await fieldBoundaryProblems(page)).join('\n'), `${screen}: field edges`).toBe('');
  }

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    browser = await launchChromium();
    const east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
    const res = await east('POST', '/api/v1/alerts', {
      category: 'smuggling',
      severity: 'high',
      title: 'شاحنات دون لوحات قرب امساعد',
      location: { lat: 31.58, lng: 25.05 },
      tlp: 'GREEN',
      recipients: ['WEST'],
    });
    alertId = (res.body as { alert: { id: string } }).alert.id;
  });
  afterAll(async () => {
    for (const c of opened) expect(c.errors, 'page errors').toEqual([]);
    await browser?.close();
    await t?.close();
  });

  test('sign-in', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await page.goto(`${t.url}/login`);
    await page.waitForSelector('input[name=username]');
    await expectKeyboardOnly(page, 'login');
    await page.context().close();
  });

  test("an officer's board, composer and alert detail, in Arabic and in English", async () => {
    const page = await as('officer.east');
    for (const language of ['ar', 'en'] as const) {
      await setLanguage(page, language);
      await expectKeyboardOnly(page, `board-${language}`);
      await page.getByTestId('new-alert').click();
      await page.getByTestId('composer').waitFor();
      await expectKeyboardOnly(page, `composer-${language}`);
      await page.keyboard.press('Escape');
      await page
        .getByTestId('composer')
        .getByRole('button', { name: language === 'ar' ? 'إغلاق' : 'Close' })
        .click()
        .catch(() => undefined);
      await page.locator(`[data-testid=alert-list] [data-alert-id="${alertId}"]`).click();
      await page.getByTestId('alert-detail').waitFor();
      await expectKeyboardOnly(page, `detail-${language}`);
      await page
        .getByTestId('alert-detail')
        .getByRole('button', { name: language === 'ar' ? 'إغلاق' : 'Close' })
        .click();
    }
    await setLanguage(page, 'ar');
  });

  test("a supervisor's decision, confirmed in a dialog that holds the focus", async () => {
    const page = await as('supervisor.east');
    await page.locator(`[data-testid=alert-list] [data-alert-id="${alertId}"]`).click();
    await page.getByTestId('resolve').click();
    await page.getByTestId('confirm-decision').waitFor();
    const walk = await walkFocus(page, 40);
    expect(walk.problems.join('\n')).toBe('');
    // The Tab key stays inside the dialog: its note, confirm and cancel.
    expect(walk.stops.map((s) => s.split(' ').slice(1).join(' '))).toEqual(
      expect.arrayContaining(['decision-note', 'confirm-yes', 'confirm-no']),
    );
    expect(walk.stops).toHaveLength(3);
    await page.keyboard.press('Escape');
    await expectKeyboardOnly(page, 'supervisor-detail');
  });

  /** Each screen of `paths`, opened by address, walked once it has loaded. */
  async function walkScreens(username: string, paths: string[]): Promise<void> {
    const page = await as(username);
    for (const path of paths) {
      await page.goto(`${t.url}${path}`);
      await page.waitForSelector('main h1');
      await page.waitForLoadState('networkidle');
      await expectKeyboardOnly(page, path);
    }
  }

  test("a supervisor's handovers", async () => {
    await walkScreens('supervisor.east', ['/handovers']);
  });

  test("an administrator's landing page, users, audit log and wall screens", async () => {
    await walkScreens('admin', ['/admin', '/admin/users', '/admin/audit', '/admin/devices']);
  });

  test("a coordinator's picture, meetings and a meeting; a supervisor's action items", async () => {
    const coordinator = api(t.url, (await login(t.url, 'coordinator')).accessToken);
    const made = await coordinator('POST', '/api/v1/meetings', {
      title: 'اجتماع التنسيق الأسبوعي',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      centres: ['EAST', 'SOUTH'],
      agenda: [{ text: 'مراجعة البلاغات المفتوحة' }],
    });
    const id = (made.body as { meeting: { id: string } }).meeting.id;
    await coordinator('POST', `/api/v1/meetings/${id}/actions`, {
      title: 'تحديث خطة الدوريات',
      centre: 'EAST',
      dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
    });
    await walkScreens('coordinator', ['/coordination', '/meetings', `/meetings/${id}`]);
    await walkScreens('supervisor.east', ['/meetings']);
  });

  test("an analyst's archive, editor and trends", async () => {
    await walkScreens('analyst', ['/briefs', '/briefs/new', '/trends']);
  });
});
