import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Alert } from '@tansiq/shared';
import { capture, launchChromium, openConsole, type Console } from '../helpers/browser.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { openTestPglite } from '../helpers/db.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';
import { caller } from '../helpers/handovers.ts';
import { makePdf, seedMoreAnalysts, sha256 } from '../helpers/briefs.ts';

const TITLE = 'التهريب عبر الحدود الجنوبية الغربية';
/** Markdown with every trick a brief must render inert, around the analysis itself. */
const BODY = [
  '## التقييم',
  '',
  'تتزايد شبكات الوقود والتهريب قرب غات، مع تَهْرِيب منظم عبر المسالك الصحراوية.',
  '',
  '- رصد ثلاث قوافل',
  '- **توصية**: تعزيز الدوريات',
  '',
  '<script>window.__hacked = true</script>',
  '<img src=x onerror="window.__hacked = true">',
  '[رابط خبيث](javascript:window.__hacked=true)',
  '![صورة بعيدة](https://tracker.example/pixel.png)',
].join('\n');

describe('studies archive in Chromium: write, review, return, approve, publish, find, read, download', () => {
  let t: TestHub;
  let browser: Browser;
  let alert: Alert;
  let briefId = '';
  let a: Console;
  let b: Console;
  let west: Console;
  const pdf = makePdf('Tansiq risk brief');
  const consoles: Console[] = [];

  async function open(username: string, viewport?: { width: number; height: number }): Promise<Console> {
    const c = await openConsole(browser, t.url, username, TEST_PASSWORD, viewport);
    consoles.push(c);
    return c;
  }

  beforeAll(async () => {
    const database = await openTestPglite();
    await seedUsers(database);
    await seedMoreAnalysts(database);
    t = await startTestHub({ database });
    const officer = await caller(t.url, 'officer.east');
    alert = (
      (
        await officer('POST', '/api/v1/alerts', {
          category: 'fuel_smuggling',
          severity: 'high',
          title: 'قافلة صهاريج وقود قرب غات',
          location: { lat: 24.96, lng: 10.18 },
          tlp: 'GREEN',
          recipients: ['WEST'],
        })
      ).body as { alert: Alert }
    ).alert;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of consoles) await c.context.close();
    await browser?.close();
    await t?.close();
  });

  test('analyst A cites an alert from its detail, writes in Arabic with a PDF, previews it inert, sends it for review', async () => {
    a = await open('analyst');
    const { page } = a;
    await page.goto(`${t.url}/?alert=${alert.id}`);
    await page.getByTestId('cite-in-brief').click();
    await page.waitForSelector('[data-testid=editor-cited] li');
    expect(await page.getByTestId('editor-cited').innerText()).toContain('قافلة صهاريج وقود قرب غات');
    await page.getByTestId('brief-title-input').fill(TITLE);
    await page.getByTestId('brief-summary-input').fill('ارتفاع ملحوظ في تهريب الوقود عبر المسالك الصحراوية');
    await page.getByTestId('brief-body-input').fill(BODY);
    await page.getByTestId('brief-tlp').selectOption('GREEN');
    await page.getByTestId('tags-threat').selectOption(['threat:fuel_smuggling', 'threat:smuggling']);
    // The preview renders the analysis and nothing that runs or fetches.
    await page.waitForSelector('[data-testid=brief-preview] h2');
    expect(
      await page.locator('[data-testid=brief-preview] img, [data-testid=brief-preview] script').count(),
    ).toBe(0);
    expect(await page.locator('[data-testid=brief-preview] a').count()).toBe(0);
    expect(await page.getByTestId('brief-preview').innerText()).toContain('<script>');
    await page.getByTestId('brief-save').click();
    await page.waitForURL(/\/briefs\/[0-9a-f-]+\/edit$/);
    briefId = page.url().split('/').at(-2)!;
    await page.getByTestId('brief-file').setInputFiles({
      name: 'تقييم غات.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    await page.waitForSelector('[data-testid=editor-attachments] li');
    expect(await page.getByTestId('editor-attachments').innerText()).toContain(sha256(pdf));
    await capture(page, 'brief-editor-ar', { fullPage: true });
    await page.getByTestId('brief-send').click();
    await page.waitForSelector('[data-testid=brief-reader][data-status=in_review]');
    // The author is not offered the approval.
    expect(await page.getByTestId('brief-approve').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __hacked?: boolean }).__hacked)).toBeUndefined();
  });

  test('analyst B finds it in the review queue and returns it once with a comment', async () => {
    b = await open('analyst.b');
    const { page } = b;
    await page.getByTestId('nav-briefs').click();
    await page.getByTestId('tab-queue').click();
    await page.waitForSelector(`[data-testid=brief-results] [data-brief-id="${briefId}"]`);
    await capture(page, 'brief-review-queue-ar');
    await page.locator(`[data-brief-id="${briefId}"] a.title`).click();
    await page.waitForSelector('[data-testid=brief-reader][data-status=in_review]');
    await capture(page, 'brief-review-ar', { fullPage: true });
    await page.getByTestId('brief-comment').fill('أضف مصدر تقدير عدد القوافل');
    await page.getByTestId('brief-return').click();
    await page.waitForSelector('[data-testid=brief-reader][data-status=draft]');
    expect(await page.getByTestId('brief-thread').innerText()).toContain('أضف مصدر تقدير عدد القوافل');
  });

  test('analyst A revises and sends it again; B approves and publishes; a WEST officer gets the notice live', async () => {
    west = await open('officer.west');
    await west.page.getByTestId('nav-briefs').click();
    await west.page.waitForSelector('[data-testid=brief-count]');
    expect(await west.page.locator(`[data-brief-id="${briefId}"]`).count()).toBe(0);

    await a.page.goto(`${t.url}/briefs/${briefId}`);
    await a.page.waitForSelector('[data-testid=brief-reader][data-status=draft]');
    expect(await a.page.getByTestId('brief-thread').innerText()).toContain('أضف مصدر تقدير عدد القوافل');
    await a.page.getByTestId('brief-edit').click();
    await a.page.waitForSelector('[data-testid=editor-attachments] li');
    await a.page.getByTestId('brief-body-input').fill(`${BODY}\n\nالمصدر: تقارير مركز الجنوب المشترك`);
    await a.page.getByTestId('brief-send').click();
    await a.page.waitForSelector('[data-testid=brief-reader][data-status=in_review]');

    await b.page.goto(`${t.url}/briefs/${briefId}`);
    await b.page.getByTestId('brief-approve').click();
    await b.page.waitForSelector('[data-testid=brief-reader][data-status=approved]');
    await b.page.getByTestId('brief-publish').click();
    await b.page.waitForSelector('[data-testid=brief-reader][data-status=published]');

    // Live: the notice, and the archive lists it without a reload.
    await west.page.waitForSelector('[data-kind=brief_published]');
    expect(await west.page.locator('[data-kind=brief_published]').innerText()).toContain(TITLE);
    await west.page.waitForSelector(`[data-testid=brief-results] [data-brief-id="${briefId}"]`);
    await capture(west.page, 'brief-archive-ar');
  });

  test('the WEST officer finds it by an Arabic search without article or diacritics, reads it inert, downloads the same PDF', async () => {
    const { page } = west;
    await page.getByTestId('brief-search').fill('تهريب');
    await page.getByTestId('brief-search-submit').click();
    await page.waitForSelector(`[data-testid=brief-results] [data-brief-id="${briefId}"] mark`);
    const marks = await page.locator(`[data-brief-id="${briefId}"] mark`).allInnerTexts();
    expect(marks.some((m) => m.includes('تهريب'))).toBe(true);
    await capture(page, 'brief-search-ar');
    await page.locator(`[data-brief-id="${briefId}"] a.title`).click();
    await page.waitForSelector('[data-testid=brief-reader][data-status=published]');
    const body = page.getByTestId('brief-body');
    expect(await body.locator('script, img, iframe').count()).toBe(0);
    expect(await body.locator('a').count()).toBe(0);
    expect(await body.innerText()).toContain('المصدر: تقارير مركز الجنوب المشترك');
    expect(await page.evaluate(() => (window as { __hacked?: boolean }).__hacked)).toBeUndefined();
    // Right to left: the Arabic paragraphs render right to left.
    expect(
      await body
        .locator('p')
        .first()
        .evaluate((el) => getComputedStyle(el).direction),
    ).toBe('rtl');
    expect(await page.getByTestId('brief-cited').innerText()).toContain('قافلة صهاريج وقود قرب غات');
    expect(await page.getByTestId('attachment-sha').innerText()).toBe(sha256(pdf));
    // A reader sees no review thread.
    expect(await page.getByTestId('brief-thread').count()).toBe(0);
    await capture(page, 'brief-reader-ar', { fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download').click(),
    ]);
    expect(download.suggestedFilename()).toBe('تقييم غات.pdf');
    const saved = await fs.readFile((await download.path())!);
    expect(sha256(saved)).toBe(sha256(pdf));
    // Nothing was fetched off the hub by any console.
    for (const c of consoles) expect(c.foreign).toEqual([]);
  });

  test('the cited alert’s detail lists the brief', async () => {
    const { page } = west;
    await page.goto(`${t.url}/?alert=${alert.id}`);
    await page.waitForSelector('[data-testid=citing-briefs] a');
    expect(await page.getByTestId('citing-briefs').innerText()).toContain(TITLE);
    // An officer is not offered to cite it.
    expect(await page.getByTestId('cite-in-brief').count()).toBe(0);
  });

  test('English, left to right: archive, search, reader, editor and review queue; a tablet', async () => {
    await west.page.getByTestId('language-switch').click();
    await west.page.goto(`${t.url}/briefs`);
    await west.page.waitForSelector(`[data-brief-id="${briefId}"]`);
    expect(await west.page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await west.page.getByTestId('brief-search').fill('smuggling');
    await west.page.getByTestId('brief-search-submit').click();
    await west.page.waitForSelector(`[data-brief-id="${briefId}"]`);
    await west.page.locator(`[data-brief-id="${briefId}"] a.title`).click();
    await west.page.waitForSelector('[data-testid=brief-reader]');

    await b.page.getByTestId('language-switch').click();
    await b.page.goto(`${t.url}/briefs/new`);
    await b.page.getByTestId('brief-title-input').fill('Fuel smuggling outlook');
    await b.page.getByTestId('brief-body-input').fill('## Outlook\n\nConvoys **rise** before the holidays.');
    await b.page.waitForSelector('[data-testid=brief-preview] h2');
    // Something in B's queue: a brief of A's, sent for review.
    const A = await caller(t.url, 'analyst');
    const created = await A('POST', '/api/v1/briefs', {
      title: 'Weekly migration picture',
      body: 'Numbers rose.',
      language: 'en',
      tlp: 'AMBER',
      recipients: ['SOUTH'],
    });
    const queued = (created.body as { brief: { id: string } }).brief.id;
    expect((await A('POST', `/api/v1/briefs/${queued}/submit`, {})).status).toBe(200);
    await b.page.goto(`${t.url}/briefs`);
    await b.page.getByTestId('tab-queue').click();
    await b.page.waitForSelector(`[data-brief-id="${queued}"]`);

    const tablet = await open('officer.south', { width: 820, height: 1180 });
    await tablet.page.getByTestId('nav-briefs').click();
    await tablet.page.waitForSelector(`[data-brief-id="${briefId}"]`);
    await capture(tablet.page, 'brief-archive-tablet-ar');
    for (const c of consoles) expect(c.errors).toEqual([]);
  });
});
