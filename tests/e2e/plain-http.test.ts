import os from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { schema } from '@tansiq/hub-server';
import { capture, launchChromium, signIn } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

/** This machine's first IPv4 address that is not loopback: how a centre's LAN reaches the hub. */
function lanAddress(): string {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('this test needs a network interface with an IPv4 address besides loopback');
  return found.address;
}

describe('a centre LAN without TLS: the console over plain HTTP on a network address', () => {
  let t: TestHub;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startTestHub({ host: lanAddress() });
    await seedUsers(t.database);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('not a secure context, yet an alert is raised and reaches the hub; offline start says it is off', async () => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await signIn(page, t.url, 'officer.east', TEST_PASSWORD);
    await page.waitForSelector('[data-testid=link-state][data-state=online]');
    // What the browser withholds outside a secure context.
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
    expect(await page.evaluate(() => typeof crypto.randomUUID)).toBe('undefined');
    expect(await page.evaluate(() => 'serviceWorker' in navigator)).toBe(false);
    expect(await page.getByTestId('insecure-notice').innerText()).toContain('HTTPS');
    // The header names the centre in the user's language, never its code.
    await expect.poll(() => page.getByTestId('user-menu').innerText()).toContain('المركز المشترك — الشرق');
    expect(await page.getByTestId('user-menu').innerText()).not.toContain('EAST');

    await page.getByTestId('new-alert').click();
    const form = page.getByTestId('composer');
    await form.locator('select[name=category]').selectOption('smuggling');
    await form.locator('select[name=severity]').selectOption('high');
    await form.locator('input[name=title]').fill('شاحنات دون لوحات قرب امساعد');
    await form.locator('select[name=crossing]').selectOption('EMSAED');
    await form.locator('select[name=tlp]').selectOption('GREEN');
    await form.locator('input[name=recipients][value=WEST]').check();
    await page.getByTestId('composer-submit').click();
    const item = page.locator('[data-outbox-id]').first();
    await expect.poll(() => item.getAttribute('data-state')).toBe('at_hub');
    const id = (await item.getAttribute('data-outbox-id'))!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const stored = await t.database.db.select({ id: schema.alerts.id }).from(schema.alerts);
    expect(stored.map((r) => r.id)).toEqual([id]);
    await capture(page, 'plain-http-ar');
    expect(errors).toEqual([]);
  });
});
