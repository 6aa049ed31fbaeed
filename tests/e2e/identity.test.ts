import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, recordForeignRequests, capture, signIn } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectSocket, login, seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

describe('login, user menu, admin users screen in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let foreign: string[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    foreign = await recordForeignRequests(context);
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('an anonymous visitor lands on the Arabic login page; a wrong password is explained in Arabic', async () => {
    await page.goto(t.url);
    await page.waitForURL(/\/login$/);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await page.fill('input[name=username]', 'officer.east');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.getByTestId('login-error').innerText())
      .toBe('اسم المستخدم أو كلمة المرور غير صحيحة');
    await capture(page, 'login-ar');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Sign in');
    // The refusal follows the language too.
    expect(await page.getByTestId('login-error').innerText()).toBe('Wrong username or password');
    await page.getByTestId('language-switch').click();
  });

  test('an officer signs in, sees name, role and centre, no admin link, and is sent away from /admin/users', async () => {
    await signIn(page, t.url, 'officer.east', TEST_PASSWORD);
    await expect.poll(() => page.getByTestId('user-menu').innerText()).toContain('ضابط مناوب');
    // The centre by its name in the user's language, never its code.
    await expect.poll(() => page.getByTestId('user-menu').innerText()).toContain('المركز المشترك — الشرق');
    expect(await page.getByTestId('user-menu').innerText()).not.toContain('EAST');
    expect(await page.getByTestId('nav-users').count()).toBe(0);
    await page.goto(`${t.url}/admin/users`);
    await page.waitForSelector('[data-countries-drawn]');
    expect(new URL(page.url()).pathname).toBe('/');
  });

  test('a reload keeps the session in the tab (silent refresh), and sign-out ends it on the hub', async () => {
    await page.reload();
    await page.waitForSelector('[data-testid=user-menu]');
    const refresh = await page.evaluate(() => sessionStorage.getItem('tansiq.refreshToken'));
    expect(refresh).toBeTruthy();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
    expect(await page.evaluate(() => sessionStorage.getItem('tansiq.refreshToken'))).toBeNull();
    const res = await fetch(`${t.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: refresh }),
    });
    expect(res.status).toBe(401);
  });

  test('an admin adds a user, disables another (whose open socket closes), in Arabic and in English', async () => {
    const victim = await login(t.url, 'officer.south');
    const victimSocket = await connectSocket(t.url, victim.accessToken);
    const victimGone = new Promise<void>((resolve) => victimSocket.on('disconnect', () => resolve()));

    await signIn(page, t.url, 'admin', TEST_PASSWORD);
    await page.getByTestId('nav-users').click();
    await page.waitForSelector('[data-testid=users-table] tr[data-username="officer.south"]');
    await capture(page, 'users-ar');

    await page.getByTestId('user-create-open').click();
    const form = page.getByTestId('user-create');
    await form.locator('input[name=username]').fill('duty.west.2');
    await form.locator('input[name=displayName]').fill('ضابط مناوب ثانٍ — الغرب');
    await form.locator('select[name=role]').selectOption('officer');
    await form.locator('select[name=centre]').selectOption('WEST');
    await form.locator('input[name=password]').fill('a-long-enough-password');
    await capture(page, 'users-create-ar');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => page.getByTestId('users-notice').innerText()).toContain('duty.west.2');
    expect((await login(t.url, 'duty.west.2', 'a-long-enough-password')).user.centre).toBe('WEST');

    await page.locator('tr[data-username="officer.south"] [data-action=toggle]').click();
    await expect
      .poll(() => page.locator('tr[data-username="officer.south"] .badge').innerText())
      .toBe('معطّل');
    await victimGone;

    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Users');
  });

  test('the administrator lands on their own page, changes a role and centre, and reads the audit log', async () => {
    const west = await login(t.url, 'officer.west');
    const westSocket = await connectSocket(t.url, west.accessToken);
    const westGone = new Promise<void>((resolve) => westSocket.on('disconnect', () => resolve()));
    // Signed in already (English from the test before): the board is not an administrator's page.
    await page.goto(t.url);
    await page.waitForURL(/\/admin$/);
    await expect.poll(() => page.getByTestId('chain-state').getAttribute('data-ok')).toBe('yes');
    expect(await page.getByTestId('admin-centres').locator('tbody tr').count()).toBe(4);
    await capture(page, 'admin-home-en');

    await page.getByTestId('nav-users').click();
    const row = page.locator('tr[data-username="officer.west"]');
    await row.locator('[data-action=assign]').click();
    await row.locator('select[data-field=role]').selectOption('supervisor');
    expect(await row.locator('select[data-field=centre]').inputValue()).toBe('WEST');
    await row.locator('[data-action=assign-save]').click();
    await expect.poll(() => page.getByTestId('users-notice').innerText()).toContain('officer.west');
    await westGone;
    expect((await login(t.url, 'officer.west')).user.role).toBe('supervisor');

    await page.getByTestId('nav-audit').click();
    await page.locator('select[name=action]').selectOption('user.update');
    await page.getByTestId('audit-filter').click();
    await expect
      .poll(() => page.locator('[data-testid=audit-table] tbody tr[data-action="user.update"]').count())
      .toBeGreaterThanOrEqual(2);
    // Actions in words (the code beside them, for whoever searches the hub's logs).
    const changed = page.locator('[data-testid=audit-table] tbody tr[data-action="user.update"]').first();
    expect(await changed.innerText()).toContain('User changed');
    await capture(page, 'audit-en');
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('سجل التدقيق');
    expect(await changed.innerText()).toContain('تعديل مستخدم');
    expect(await changed.innerText()).toContain('مستخدم ');
    await page.getByTestId('nav-admin').click();
    await expect.poll(() => page.getByTestId('chain-state').innerText()).toContain('السلسلة سليمة');
  });

  test('no request left 127.0.0.1 and the page raised no error', () => {
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('sign-in lock-out in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startTestHub({
      config: { TANSIQ_LOGIN_FAILURES_PER_USER: '2', TANSIQ_LOGIN_SLOWDOWN_MAX_MS: '0' },
    });
    await seedUsers(t.database);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('after too many failures the page says how long to wait, in Arabic and in English', async () => {
    await page.goto(`${t.url}/login`);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.fill('input[name=username]', 'officer.west');
      await page.fill('input[name=password]', `wrong-${attempt}`);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
        page.click('button[type=submit]'),
      ]);
      statuses.push(response.status());
    }
    expect(statuses).toEqual([401, 401, 429]);
    // The hub's wait (the rest of a 15-minute window), in whole minutes, digits as the console writes them.
    await expect
      .poll(() => page.getByTestId('login-error').innerText())
      .toMatch(/^محاولات كثيرة\. حاول مرة أخرى بعد (15|14) دقيقة\.$/);
    await capture(page, 'login-locked-ar');
    await page.getByTestId('language-switch').click();
    await expect
      .poll(() => page.getByTestId('login-error').innerText())
      .toMatch(/^Too many attempts\. Try again in (15|14) minutes\.$/);
    // Even the right password waits out the lock.
    await page.fill('input[name=password]', TEST_PASSWORD);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
      page.click('button[type=submit]'),
    ]);
    expect(response.status()).toBe(429);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
