import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './paths.ts';

export const screenshotDir = path.join(repoRoot, 'tests/e2e/screenshots');

/** Debian's Chromium, headless, with every background service that would reach the network off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Lets requests to 127.0.0.1 through and aborts everything else, recording it: a test asserts the
 * list stays empty, so the console never reaches off the machine.
 */
export async function recordForeignRequests(context: BrowserContext): Promise<string[]> {
  const foreign: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') {
      await route.continue();
    } else {
      foreign.push(url.href);
      await route.abort();
    }
  });
  context.on('weberror', () => undefined);
  return foreign;
}

export async function screenshotPath(name: string): Promise<string> {
  await fs.mkdir(screenshotDir, { recursive: true });
  return path.join(screenshotDir, `${name}.png`);
}

/** Fills the console's login form and waits for the map screen. */
export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=user-menu]');
}

const axeSource = fs.readFile(path.join(repoRoot, 'tests/node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it is and returns the serious and
 * critical violations, each as "rule: target". The script is evaluated through the DevTools
 * protocol, which the hub's Content-Security-Policy does not govern.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: object,
          ): Promise<{
            violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.targets.map((target) => `${v.id}: ${target}`));
}

/**
 * Every screen the browser suite looks at: a screenshot (tests/e2e/screenshots/<name>.png) and an
 * axe-core check that fails on any serious or critical violation of that screen.
 */
export async function capture(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: await screenshotPath(name), ...options });
  const violations = await accessibilityViolations(page);
  expect(violations.join('\n'), `accessibility of ${name}`).toBe('');
}

/** A signed-in console in a context of its own, with what it tried to fetch off the machine and its page errors. */
export interface Console {
  context: BrowserContext;
  page: Page;
  foreign: string[];
  errors: string[];
}

/**
 * Opens a console as `username` (1366×768 unless told), waits until it is online and its service
 * worker holds the console's files, and records page errors and vue-i18n warnings (a key missing
 * from a language).
 */
export async function openConsole(
  browser: Browser,
  url: string,
  username: string,
  password: string,
  viewport = { width: 1366, height: 768 },
): Promise<Console> {
  const context = await browser.newContext({ viewport });
  const foreign = await recordForeignRequests(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => {
    if (m.text().includes('[intlify]')) errors.push(m.text());
  });
  await signIn(page, url, username, password);
  await page.waitForSelector('[data-testid=link-state][data-state=online]');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  return { context, page, foreign, errors };
}
