import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { desc } from 'drizzle-orm';
import { schema } from '@tansiq/hub-server';
import { capture, launchChromium, openConsole, type Console } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

describe('the composer never cuts what is typed or pasted', () => {
  let t: TestHub;
  let browser: Browser;
  let east: Console;

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    browser = await launchChromium();
    east = await openConsole(browser, t.url, 'officer.east', TEST_PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('10,000 characters pasted into the title and the description: kept, counted, marked, not sent', async () => {
    const page = east.page;
    await page.getByTestId('new-alert').click();
    const form = page.getByTestId('composer');
    const long = 'تهريب '.repeat(2000).trim(); // 11,999 characters
    await form.locator('input[name=title]').fill(long);
    await form.locator('textarea[name=description]').fill(long);
    // Nothing was cut.
    expect((await form.locator('input[name=title]').inputValue()).length).toBe(long.length);
    expect((await form.locator('textarea[name=description]').inputValue()).length).toBe(long.length);
    // The counters show the limit as the officer types.
    expect(await page.locator('#composer-title-count').innerText()).toContain(`${long.length} / 200`);
    expect(await page.locator('#composer-description-count').innerText()).toContain(`${long.length} / 5000`);
    await form.locator('select[name=category]').selectOption('smuggling');
    await form.locator('select[name=severity]').selectOption('low');
    await form.locator('select[name=crossing]').selectOption('EMSAED');
    await form.locator('select[name=tlp]').selectOption('GREEN');
    await form.locator('input[name=recipients][value=WEST]').check();
    await page.getByTestId('composer-submit').click();
    const problems = await page.getByTestId('composer-problems').innerText();
    expect(problems).toContain(`${long.length - 200}`);
    expect(problems).toContain(`${long.length - 5000}`);
    expect(await form.locator('input[name=title]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('title');
    await capture(page, 'composer-too-long-ar');
    expect(await page.locator('[data-outbox-id]').count()).toBe(0);

    // Shortened, it goes.
    await form.locator('input[name=title]').fill('شاحنات مواشٍ قرب امساعد');
    await form.locator('textarea[name=description]').fill(long.slice(0, 5000));
    await expect.poll(() => page.getByTestId('composer-problems').count()).toBe(0);
    await page.getByTestId('composer-submit').click();
    await expect
      .poll(() => page.locator('[data-outbox-id]').first().getAttribute('data-state'))
      .toBe('at_hub');
    const [stored] = await t.database.db
      .select({ description: schema.alerts.description })
      .from(schema.alerts);
    expect(stored!.description).toBe(long.slice(0, 5000).trim());
    expect(east.errors).toEqual([]);
  });

  test('the map keeps Libya in view beside the drawer, and Send is always visible', async () => {
    const page = east.page;
    await page.getByTestId('new-alert').click();
    const drawer = (await page.locator('.drawer').boundingBox())!;
    const libya = (await page.locator('.country-label--libya').boundingBox())!;
    // In Arabic the drawer is on the left: Libya's label lies wholly to its right, inside the map.
    await expect
      .poll(async () => (await page.locator('.country-label--libya').boundingBox())!.x)
      .toBeGreaterThan(drawer.x + drawer.width);
    expect(libya.y).toBeGreaterThan(0);
    const send = (await page.getByTestId('composer-submit').boundingBox())!;
    expect(send.y + send.height).toBeLessThanOrEqual(768);
    expect(send.y).toBeGreaterThan(drawer.y);
    await capture(page, 'composer-open-ar');
    await page.getByTestId('composer').getByRole('button', { name: 'إغلاق' }).click();
  });

  test('a repeat alert takes at most 6 interactions, by keyboard only', async () => {
    const page = east.page;
    // The first alert of the kind: category, severity and sharing chosen once.
    await page.getByTestId('new-alert').click();
    const form = page.getByTestId('composer');
    await form.locator('select[name=category]').selectOption('fuel_smuggling');
    await form.locator('select[name=severity]').selectOption('high');
    await form.locator('select[name=tlp]').selectOption('AMBER');
    await form.locator('input[name=title]').fill('صهاريج وقود قرب رأس اجدير');
    await form.locator('select[name=crossing]').selectOption('RAS_AJDIR');
    await form.locator('input[name=recipients][value=WEST]').check();
    await page.getByTestId('composer-submit').click();
    // The first test raised one alert; this is the second.
    const before = 2;
    await expect.poll(() => t.database.db.$count(schema.alerts)).toBe(before);

    // The same kind again, with the keyboard alone. Tab only moves; each other key press is counted.
    let interactions = 0;
    const press = async (key: string) => {
      interactions++;
      await page.keyboard.press(key);
    };
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 60; i++) {
        if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await page.locator('body').focus();
    await tabTo('[data-testid=new-alert]');
    await press('Enter');
    // The remembered choices are there; recipients are not.
    await expect.poll(() => form.locator('select[name=category]').inputValue()).toBe('fuel_smuggling');
    expect(await form.locator('select[name=severity]').inputValue()).toBe('high');
    expect(await form.locator('select[name=tlp]').inputValue()).toBe('AMBER');
    expect(await form.locator('input[name=recipients]:checked').count()).toBe(0);
    await tabTo('input[name=title]');
    interactions++;
    await page.keyboard.type('صهاريج مرة أخرى');
    await tabTo('select[name=crossing]');
    await press('ArrowDown');
    await tabTo('input[name=recipients][value=WEST]');
    await press('Space');
    await tabTo('[data-testid=composer-submit]');
    await press('Enter');
    await expect.poll(() => t.database.db.$count(schema.alerts)).toBe(before + 1);
    expect(interactions).toBeLessThanOrEqual(6);
    const [latest] = await t.database.db
      .select()
      .from(schema.alerts)
      .orderBy(desc(schema.alerts.createdAt))
      .limit(1);
    expect(latest).toMatchObject({
      title: 'صهاريج مرة أخرى',
      category: 'fuel_smuggling',
      severity: 'high',
      tlp: 'AMBER',
      recipients: ['WEST'],
    });
    expect(latest!.crossing).not.toBeNull();
    expect(east.errors).toEqual([]);
  });

  test("the officer's own position, where the browser gives one; a refusal says what to do instead", async () => {
    const page = east.page;
    // Tummo post, as the browser's location service would report it.
    await east.context.grantPermissions(['geolocation'], { origin: t.url });
    await east.context.setGeolocation({ latitude: 22.591234, longitude: 14.209876, accuracy: 30 });
    await page.getByTestId('new-alert').click();
    const form = page.getByTestId('composer');
    await form.locator('select[name=crossing]').selectOption('EMSAED');
    await page.getByTestId('use-my-position').click();
    await expect.poll(() => page.getByTestId('picked-point').innerText()).toBe('22.5912, 14.2099');
    // A position replaces a crossing chosen before: the alert is where the officer is.
    expect(await form.locator('select[name=crossing]').inputValue()).toBe('');
    await form.locator('input[name=title]').fill('آثار عجلات حديثة قرب نقطة التوم');
    await form.locator('input[name=recipients][value=SOUTH]').check();
    const before = await t.database.db.$count(schema.alerts);
    await page.getByTestId('composer-submit').click();
    await expect.poll(() => t.database.db.$count(schema.alerts)).toBe(before + 1);
    const [latest] = await t.database.db
      .select()
      .from(schema.alerts)
      .orderBy(desc(schema.alerts.createdAt))
      .limit(1);
    expect(latest).toMatchObject({ title: 'آثار عجلات حديثة قرب نقطة التوم', lat: 22.59123, lng: 14.20988 });
    expect(latest!.crossing).toBeNull();

    await east.context.clearPermissions();
    await page.getByTestId('new-alert').click();
    await page.getByTestId('use-my-position').click();
    await expect
      .poll(() => page.getByTestId('no-position').innerText())
      .toBe('لم يعطِ المتصفح موقعًا: حدّده على الخريطة أو اختر منفذًا.');
    expect(await page.getByTestId('picked-point').count()).toBe(0);
    await form.getByRole('button', { name: 'إغلاق' }).click();
    expect(east.errors).toEqual([]);
  });
});
