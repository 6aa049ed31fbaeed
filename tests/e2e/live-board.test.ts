import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { schema } from '@tansiq/hub-server';
import { capture, launchChromium, openConsole as open, signIn, type Console } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, connectSocket, login, seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

/** A title a user may type: markup-looking, starting with "<", Arabic inside. */
const TRICKY_TITLE = '<b>مواشٍ</b> دون وثائق قرب امساعد';

describe('live board: two consoles, EAST and WEST, in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let east: Console;
  let west: Console;

  const openConsole = (username: string) => open(browser, t.url, username, TEST_PASSWORD);

  /** Fills the composer the way an officer does: choices, a title, a point on the map, WEST. */
  async function compose(page: Page, title: string, below: number): Promise<void> {
    await page.getByTestId('new-alert').click();
    const form = page.getByTestId('composer');
    await form.locator('select[name=category]').selectOption('smuggling');
    await form.locator('select[name=severity]').selectOption('high');
    await form.locator('input[name=title]').fill(title);
    await form.locator('textarea[name=description]').fill('ثلاث شاحنات دون لوحات تتجه جنوبًا');
    await form.locator('select[name=tlp]').selectOption('AMBER');
    await page.getByTestId('pick-on-map').click();
    // A point in Libya, `below` px under its name (the drawer covers the map's inline end); each
    // alert gets its own spot, since a click on an existing marker opens that alert instead.
    const label = (await page.locator('.country-label--libya').boundingBox())!;
    await page.mouse.click(label.x + label.width / 2, label.y + label.height + below);
    await page.waitForSelector('[data-testid=picked-point]');
    await form.locator('input[name=recipients][value=WEST]').check();
  }

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    browser = await launchChromium();
    east = await openConsole('officer.east');
    west = await openConsole('officer.west');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the composer refuses an alert with nothing chosen, and says why in Arabic', async () => {
    await east.page.getByTestId('new-alert').click();
    await east.page.getByTestId('composer-submit').click();
    const problems = await east.page.getByTestId('composer-problems').innerText();
    expect(problems).toContain('اختر مركزًا مستلمًا واحدًا على الأقل');
    expect(problems).toContain('حدّد الموقع');
    expect(problems).toContain('اكتب عنوانًا للتنبيه');
    expect(await east.page.getByTestId('composer-problems').isVisible()).toBe(true);
    // The faulty fields are marked and the first one has the focus.
    const form = east.page.getByTestId('composer');
    for (const name of ['category', 'severity', 'tlp'])
      expect(await form.locator(`select[name=${name}]`).getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('input[name=title]').getAttribute('aria-invalid')).toBe('true');
    expect(await east.page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('category');
    await capture(east.page, 'board-composer-errors-ar');
    // Fixing a field clears its mark; the messages follow the language.
    await form.locator('input[name=title]').fill('عنوان');
    await expect.poll(() => form.locator('input[name=title]').getAttribute('aria-invalid')).toBeNull();
    await east.page.getByTestId('language-switch').click();
    await expect
      .poll(() => east.page.getByTestId('composer-problems').innerText())
      .toContain('Choose at least one recipient centre');
    expect(await east.page.getByTestId('composer-problems').innerText()).not.toMatch(/[\u0600-\u06FF]/);
    await east.page.getByTestId('language-switch').click();
    await expect.poll(() => east.page.evaluate(() => document.documentElement.lang)).toBe('ar');
    await east.page.getByTestId('composer').getByRole('button', { name: 'إغلاق' }).click();
    expect(await t.database.db.$count(schema.alerts)).toBe(0);
  });

  test('an alert raised at EAST for WEST appears at WEST within 2 s, in the list and as a marker', async () => {
    await compose(east.page, 'شاحنات وقود قرب المعبر', 30);
    await capture(east.page, 'board-composer-ar');
    const sentAt = Date.now();
    await east.page.getByTestId('composer-submit').click();
    const item = east.page.locator('[data-outbox-id]').first();
    const id = (await item.getAttribute('data-outbox-id'))!;
    await west.page.waitForSelector(`[data-testid=alert-list] [data-alert-id="${id}"]`, { timeout: 2000 });
    await west.page.waitForSelector(`.alert-pin[data-alert-id="${id}"]`, {
      timeout: 2000 - (Date.now() - sentAt),
    });
    expect(Date.now() - sentAt).toBeLessThan(2000);
    // Only after the hub's answer does EAST show it as at the hub.
    await expect.poll(() => item.getAttribute('data-state')).toBe('at_hub');
    // WEST's row is highlighted as new for the centre.
    expect(await west.page.locator(`[data-alert-id="${id}"].fresh`).count()).toBe(1);
    await capture(west.page, 'board-ar');
  });

  test('WEST acknowledges; EAST sees WEST’s acknowledgement in the outbox and the detail', async () => {
    const id = (await east.page.locator('[data-outbox-id]').first().getAttribute('data-outbox-id'))!;
    await west.page.locator(`[data-testid=alert-list] [data-alert-id="${id}"]`).click();
    await west.page.getByTestId('acknowledge').click();
    await west.page.waitForSelector('[data-testid=receipts] [data-centre=WEST][data-acknowledged=yes]');
    // WEST's console reported the alert received before it was acknowledged.
    await expect
      .poll(() => west.page.locator('[data-testid=receipts] [data-centre=WEST]').innerText(), {
        timeout: 5000,
      })
      .toMatch(/استُلم/);
    // No heading without content: an officer cannot cite, and no brief cites this alert yet.
    expect(await west.page.getByRole('heading', { name: 'موجزات تستشهد بهذا البلاغ' }).count()).toBe(0);
    await capture(west.page, 'board-detail-ar');

    await expect.poll(() => east.page.locator(`[data-outbox-id="${id}"]`).innerText()).toContain('الغرب');
    await east.page.locator(`[data-testid=alert-list] [data-alert-id="${id}"]`).click();
    await east.page.waitForSelector('[data-testid=receipts] [data-centre=WEST][data-acknowledged=yes]');
    const receipt = await east.page.locator('[data-testid=receipts] [data-centre=WEST]').innerText();
    expect(receipt).toMatch(/استُلم/);
    expect(receipt).toMatch(/أُقِرّ/);
    // An officer may not close or escalate: the buttons are not there.
    expect(await east.page.getByTestId('resolve').count()).toBe(0);
    expect(await east.page.getByTestId('escalate').count()).toBe(0);
    // The timeline starts with who raised the alert, from where, in Arabic; then the acknowledgement.
    const first = east.page.locator('[data-testid=timeline] li').first();
    await expect.poll(() => first.getAttribute('data-kind')).toBe('created');
    expect(await first.innerText()).toMatch(/رُفع التنبيه · officer\.east · المركز المشترك — الشرق/);
    await expect
      .poll(() => east.page.locator('[data-testid=timeline] li[data-kind=acknowledged]').count())
      .toBe(1);
  });

  test('EAST offline: the alert waits queued through a reload, then reaches WEST exactly once', async () => {
    const title = 'تسلل مجموعة مسلحة — أثناء الانقطاع';
    await east.context.setOffline(true);
    await east.page.waitForSelector('[data-testid=link-state][data-state=offline]');
    await compose(east.page, title, 70);
    await east.page.getByTestId('composer-submit').click();
    const queued = east.page.locator('[data-outbox-id][data-state=queued]');
    await queued.waitFor();
    const id = (await queued.getAttribute('data-outbox-id'))!;
    await capture(east.page, 'board-offline-queued-ar');

    await east.page.reload();
    await east.page.waitForSelector(`[data-outbox-id="${id}"][data-state=queued]`);
    await east.page.waitForSelector('[data-testid=link-state][data-state=offline]');
    // Still offline, the board shows what it had applied, from IndexedDB.
    await east.page.getByTestId('alert-list').getByText('شاحنات وقود قرب المعبر').waitFor();
    expect(await t.database.db.$count(schema.alerts, eq(schema.alerts.id, id))).toBe(0);

    await east.context.setOffline(false);
    await east.page
      .waitForSelector(`[data-outbox-id="${id}"][data-state=at_hub]`, { timeout: 20_000 })
      .catch(async (err: Error) => {
        const link = await east.page
          .locator('[data-testid=link-state]')
          .getAttribute('data-state')
          .catch(() => null);
        throw new Error(`${err.message}\nEAST is at ${east.page.url()}, link ${link}`);
      });
    await west.page.waitForSelector(`[data-testid=alert-list] [data-alert-id="${id}"]`);
    // Give any duplicate time to show up, then count: one row, one marker, one alert in the hub.
    await west.page.waitForTimeout(1500);
    expect(await west.page.locator(`[data-testid=alert-list] [data-alert-id="${id}"]`).count()).toBe(1);
    expect(await west.page.locator(`.alert-pin[data-alert-id="${id}"]`).count()).toBe(1);
    expect(await t.database.db.$count(schema.alerts, eq(schema.alerts.title, title))).toBe(1);
    const created = await t.database.db
      .select()
      .from(schema.events)
      .where(eq(schema.events.type, 'alert:created'));
    expect(created.filter((e) => (e.data as { alert: { id: string } }).alert.id === id)).toHaveLength(1);
  });

  test('WEST drops off while EAST raises two alerts; back online, it resumes and shows each once', async () => {
    const eastApi = api(t.url, (await login(t.url, 'officer.east')).accessToken);
    await west.context.setOffline(true);
    await west.page.waitForSelector('[data-testid=link-state][data-state=offline]');
    const titles = ['رصد قارب قرب الساحل', 'سيارات دون لوحات قرب الحدود'];
    const ids: string[] = [];
    for (const title of titles) {
      const res = await eastApi('POST', '/api/v1/alerts', {
        category: 'smuggling',
        severity: 'medium',
        title,
        location: { lat: 32.5, lng: 13 },
        tlp: 'AMBER',
        recipients: ['WEST'],
      });
      ids.push((res.body as { alert: { id: string } }).alert.id);
    }
    expect(await west.page.locator(`[data-alert-id="${ids[0]}"]`).count()).toBe(0);
    await west.context.setOffline(false);
    await west.page.waitForSelector('[data-testid=link-state][data-state=online]');
    for (const id of ids) await west.page.waitForSelector(`[data-testid=alert-list] [data-alert-id="${id}"]`);
    await west.page.waitForTimeout(1000);
    for (const id of ids)
      expect(await west.page.locator(`[data-testid=alert-list] [data-alert-id="${id}"]`).count()).toBe(1);
  });

  test('English, left to right: board, composer and detail', async () => {
    for (const c of [east, west]) {
      await c.page.getByTestId('language-switch').click();
      await expect.poll(() => c.page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    }
    await west.page.getByRole('button', { name: 'Close' }).click();
    await compose(east.page, 'Fuel trucks near the crossing', 110);
    await east.page.getByTestId('composer').getByRole('button', { name: 'Close' }).click();
  });

  test('a tablet (768×1024) gets the map above the list, in Arabic', async () => {
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
    const page = await context.newPage();
    const snapshots: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/alerts/snapshot')) snapshots.push(r.url());
    });
    await signIn(page, t.url, 'officer.west', TEST_PASSWORD);
    await page.waitForSelector('[data-testid=alert-list] [data-alert-id]');
    // A console with nothing stored starts from the snapshot, not from a replay of the whole log.
    expect(snapshots).toHaveLength(1);
    const map = (await page.locator('.base-map').boundingBox())!;
    const list = (await page.getByTestId('alert-list').boundingBox())!;
    expect(map.y + map.height).toBeLessThanOrEqual(list.y);
    // The header fits on one line: its height is one row of controls.
    const header = (await page.locator('.app-header').boundingBox())!;
    expect(header.height).toBeLessThan(60);
    await capture(page, 'board-tablet-ar');
    // A drawer leaves the map usable: at least 40% of the screen's height above it.
    await page.locator('[data-testid=alert-list] [data-alert-id]').first().click();
    const drawer = (await page.locator('.drawer').boundingBox())!;
    expect(drawer.y).toBeGreaterThanOrEqual(1024 * 0.4);
    await capture(page, 'board-tablet-detail-ar');
    await context.close();
  });

  test('a supervisor’s escalation stands out at WEST as an urgent notice that opens the alert', async () => {
    const [row] = await t.database.db
      .select({ id: schema.alerts.id })
      .from(schema.alerts)
      .where(eq(schema.alerts.title, 'شاحنات وقود قرب المعبر'));
    const id = row!.id;
    // The escalating supervisor has the alert open: the escalation reaches that console too.
    const own = await openConsole('supervisor.east');
    await own.page.locator(`[data-testid=alert-list] [data-alert-id="${id}"]`).click();
    const supervisor = api(t.url, (await login(t.url, 'supervisor.east')).accessToken);
    expect((await supervisor('POST', `/api/v1/alerts/${id}/escalate`, { note: 'لا رد' })).status).toBe(200);
    const notice = west.page.locator('[data-testid=notices] [data-kind=escalated_manual]');
    await notice.waitFor();
    // Another user of EAST is told; the supervisor who escalated is not (notices are about others).
    await east.page.locator('[data-testid=notices] [data-kind=escalated_manual]').waitFor();
    await expect.poll(() => own.page.getByTestId('timeline').innerText()).toContain('تصعيد');
    expect(await own.page.locator('[data-testid=notices] [data-kind=escalated_manual]').count()).toBe(0);
    await own.context.close();
    expect(await notice.innerText()).toContain('Escalated by Joint Centre — East: “شاحنات وقود قرب المعبر”');
    await notice.getByRole('button').first().click();
    await west.page.waitForSelector(`[data-testid=alert-detail][data-alert-id="${id}"]`);
    await expect.poll(() => west.page.getByTestId('timeline').innerText()).toContain('Escalated');
    await capture(west.page, 'board-escalated-en');
  });

  test('EAST’s supervisor closes the alert from its detail; it leaves WEST’s active list', async () => {
    const [row] = await t.database.db
      .select({ id: schema.alerts.id })
      .from(schema.alerts)
      .where(eq(schema.alerts.title, 'شاحنات وقود قرب المعبر'));
    const id = row!.id;
    const supervisor = await openConsole('supervisor.east');
    await supervisor.page.locator(`[data-testid=alert-list] [data-alert-id="${id}"]`).click();
    expect(await supervisor.page.getByTestId('acknowledge').count()).toBe(0);
    const page = supervisor.page;
    const dialog = page.getByTestId('confirm-decision');
    // Every decision asks again: cancelling changes nothing.
    await page.getByTestId('resolve').click();
    await dialog.waitFor();
    await page.getByTestId('confirm-no').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await t.database.db.$count(schema.alerts, eq(schema.alerts.status, 'resolved'))).toBe(0);
    // A false alarm cannot be confirmed without saying why.
    await page.getByTestId('false-alarm').click();
    await dialog.waitFor();
    expect(await page.getByTestId('confirm-yes').isDisabled()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('decision-note');
    await capture(page, 'detail-confirm-false-alarm-ar');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Resolved, with a note the timeline keeps.
    await page.getByTestId('resolve').click();
    await dialog.locator('textarea').fill('انصرفت الشاحنات جنوبًا');
    await page.getByTestId('confirm-yes').click();
    await expect.poll(() => page.getByTestId('detail-status').innerText()).toContain('مُغلق');
    await west.page
      .locator(`[data-testid=alert-list] [data-alert-id="${id}"]`)
      .waitFor({ state: 'detached' });
    expect(await t.database.db.$count(schema.alerts, eq(schema.alerts.status, 'resolved'))).toBe(1);
    await expect.poll(() => page.getByTestId('timeline').innerText()).toContain('انصرفت الشاحنات جنوبًا');
    // Reopened within the window: back on WEST's active list; closed again as a false alarm, with why.
    await page.getByTestId('reopen').click();
    await page.getByTestId('confirm-yes').click();
    await west.page.locator(`[data-testid=alert-list] [data-alert-id="${id}"]`).waitFor();
    await page.getByTestId('false-alarm').click();
    await dialog.locator('textarea').fill('قافلة مرخّصة');
    await page.getByTestId('confirm-yes').click();
    await expect.poll(() => page.getByTestId('detail-status').innerText()).toContain('إنذار كاذب');
    await expect
      .poll(async () =>
        page.locator('[data-testid=timeline] li').evaluateAll((l) => l.map((e) => e.dataset.kind)),
      )
      .toEqual(expect.arrayContaining(['resolved', 'reopened', 'false_alarm']));
    expect(supervisor.errors).toEqual([]);
    await supervisor.context.close();
  });

  test('a board account signs in to the wall: no list, no detail, no controls; a title stays text', async () => {
    const officer = api(t.url, (await login(t.url, 'officer.east')).accessToken);
    const raised = await officer('POST', '/api/v1/alerts', {
      category: 'smuggling',
      severity: 'low',
      title: TRICKY_TITLE,
      location: { lat: 31.6, lng: 25.0 },
      crossing: 'EMSAED',
      tlp: 'GREEN',
      recipients: ['WEST'],
    });
    const id = (raised.body as { alert: { id: string } }).alert.id;
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(`${t.url}/login`);
    await page.fill('input[name=username]', 'board');
    await page.fill('input[name=password]', TEST_PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/wall');
    const item = page.locator(`[data-testid=wall-ticker] [data-alert="${id}"]`);
    await item.waitFor();
    // A title that starts with "<" is text, isolated in a <bdi> (never mirrored, never HTML).
    expect(await item.locator('bdi.title').textContent()).toBe(TRICKY_TITLE);
    expect(await item.locator('b').count()).toBe(0);
    // The officer's board is not the board's: any other address leads back to the wall.
    await page.goto(`${t.url}/`);
    await page.waitForURL('**/wall');
    await page.getByTestId('wall').waitFor();
    expect(await page.locator('button, a[href], input, select, textarea').count()).toBe(0);
    await capture(page, 'board-role-wall-ar');
    await context.close();
  });

  test('nothing went off the machine and no page threw', () => {
    expect([...east.foreign, ...west.foreign]).toEqual([]);
    expect([...east.errors, ...west.errors]).toEqual([]);
  });
});

describe('live board: a joint centre with no console goes silent, then comes back', () => {
  let t: TestHub;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestHub({ config: { TANSIQ_CENTRE_SILENT_AFTER: '5', TANSIQ_WORKER_INTERVAL_MS: '300' } });
    await seedUsers(t.database);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('EAST sees SOUTH silent as an urgent notice, then SOUTH back when a console connects', async () => {
    // SOUTH is connected until EAST's console is live: the silence clock starts when the page is
    // ready, however long signing in takes on a busy machine.
    const southBefore = await connectSocket(t.url, (await login(t.url, 'officer.south')).accessToken);
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await signIn(page, t.url, 'officer.east', TEST_PASSWORD);
    await page.waitForSelector('[data-testid=link-state][data-state=online]');
    southBefore.close();
    const silent = page.locator('[data-testid=notices] [data-kind=centre_silent]', { hasText: 'الجنوب' });
    await silent.waitFor({ timeout: 20_000 });
    const chip = page.locator('[data-testid=silent-centre][data-centre=SOUTH]');
    await chip.waitFor();
    await capture(page, 'board-centre-silent-ar');
    // A reload resumes after the event: no notice again, but the status bar still knows.
    await page.reload();
    await page.waitForSelector('[data-testid=link-state][data-state=online]');
    await chip.waitFor();
    expect(await silent.count()).toBe(0);
    // SOUTH comes back with a console of its own: EAST is told, SOUTH is not told about itself.
    const south = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await signIn(south, t.url, 'officer.south', TEST_PASSWORD);
    await page
      .locator('[data-testid=notices] [data-kind=centre_back]', { hasText: 'الجنوب' })
      .waitFor({ timeout: 10_000 });
    await chip.waitFor({ state: 'detached' });
    await south.waitForSelector('[data-testid=link-state][data-state=online]');
    await south.locator('[data-testid=silent-centre][data-centre=SOUTH]').waitFor({ state: 'detached' });
    expect(await south.locator('[data-testid=notices] [data-kind=centre_back]').count()).toBe(0);
    await south.context().close();
  });
});
