import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
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
});
