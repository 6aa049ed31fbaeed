import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './paths.ts';

export const screenshotDir = path.join(repoRoot, 'tests/e2e/screenshots');

/** Debian's Chromium, headless, with every background service that would reach the network off. */
export function launchChromium(
  executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  extraArgs: string[] = [],
): Promise<Browser> {
  return chromium.launch({
    executablePath,
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
      ...extraArgs,
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

/** The console's language in this page, switched the way another tab of the console would. */
export async function setLanguage(page: Page, language: 'ar' | 'en'): Promise<void> {
  await page.evaluate((next) => {
    localStorage.setItem('tansiq.locale', next);
    window.dispatchEvent(new StorageEvent('storage', { key: 'tansiq.locale', newValue: next }));
  }, language);
  await page.waitForFunction((next) => document.documentElement.lang === next, language);
  // Two frames: Vue re-renders, then the browser lays the new words out.
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/**
 * WCAG 1.4.11 (non-text contrast), which axe-core does not check: the edge that shows where a text
 * field, a list or a text area is — its border, or its own background — contrasts at least 3:1
 * with what surrounds it. Returns each field that falls short, with the ratio it has.
 */
export async function fieldBoundaryProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (c: string): [number, number, number, number] => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const [r, g, b, a = '1'] = m[1]!.split(/[ ,/]+/).filter(Boolean);
      return [Number(r), Number(g), Number(b), Number(a)];
    };
    const luminance = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const ratio = (a: number[], b: number[]) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
      return (x + 0.05) / (y + 0.05);
    };
    const behind = (el: Element): number[] => {
      for (let e = el.parentElement; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] > 0.5) return c;
      }
      return [255, 255, 255, 1];
    };
    const fields = document.querySelectorAll<HTMLElement>(
      'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), select, textarea',
    );
    const problems: string[] = [];
    for (const el of fields) {
      if (!el.checkVisibility({ visibilityProperty: true }) || el.getBoundingClientRect().width < 4) continue;
      const cs = getComputedStyle(el);
      const around = behind(el);
      const own = rgba(cs.backgroundColor);
      const fill = own[3] > 0.5 ? ratio(own, around) : 1;
      const edge =
        parseFloat(cs.borderBottomWidth) >= 1 && cs.borderBottomStyle !== 'none'
          ? ratio(rgba(cs.borderBottomColor), around)
          : 1;
      const best = Math.max(fill, edge);
      if (best < 3) {
        const name = el.getAttribute('name') ?? el.getAttribute('data-testid') ?? el.tagName.toLowerCase();
        problems.push(`${el.tagName.toLowerCase()} ${name}: edge ${best.toFixed(2)}:1`);
      }
    }
    return problems;
  });
}

async function captureOne(page: Page, name: string, options: { fullPage?: boolean }): Promise<void> {
  await page.screenshot({ path: await screenshotPath(name), ...options });
  const violations = await accessibilityViolations(page);
  expect(violations.join('\n'), `accessibility of ${name}`).toBe('');
  expect((await fieldBoundaryProblems(page)).join('\n'), `field edges of ${name}`).toBe('');
}

/**
 * Every screen the browser suite looks at, in both languages: a screenshot
 * (tests/e2e/screenshots/<name>-ar.png and -en.png) and an axe-core check of each that fails on
 * any serious or critical violation. The screen is taken in the language it is in, then the
 * console switches to the other one and back, so no screen is checked in one language only.
 */
export async function capture(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const base = name.replace(/-(ar|en)$/, '');
  const shown = (await page.evaluate(() => document.documentElement.lang)) === 'en' ? 'en' : 'ar';
  const other = shown === 'ar' ? 'en' : 'ar';
  await captureOne(page, `${base}-${shown}`, options);
  await setLanguage(page, other);
  await captureOne(page, `${base}-${other}`, options);
  await setLanguage(page, shown);
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

/** What `walkFocus` found: every stop of the Tab key, and what is wrong with any of them. */
export interface FocusWalk {
  stops: string[];
  problems: string[];
}

/**
 * Presses Tab through the page until the focus comes back to where it started (or `max` stops),
 * and checks each stop as WCAG 2.2 AA asks: a visible focus indicator (an outline of at least
 * 2 px or a box shadow, on the element or the label that stands for a hidden input) and the
 * element not entirely hidden by other content, such as a sticky footer (2.4.11). Then every
 * visible control of the page must have been a stop: nothing is reachable by mouse only.
 */
export async function walkFocus(page: Page, max = 200): Promise<FocusWalk> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.getSelection()?.removeAllRanges();
  });
  const stops: string[] = [];
  const problems: string[] = [];
  let first: string | null = null;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const w = window as unknown as { __focusIds?: WeakMap<Element, number>; __focusNext?: number };
      w.__focusIds ??= new WeakMap();
      w.__focusNext ??= 0;
      if (!w.__focusIds.has(el)) w.__focusIds.set(el, w.__focusNext++);
      const name =
        el.getAttribute('data-testid') ??
        el.getAttribute('aria-label') ??
        el.getAttribute('name') ??
        (el.textContent ?? '').trim().slice(0, 30);
      const id = `${el.tagName.toLowerCase()}#${w.__focusIds.get(el)} ${name}`;
      // A hidden file or check input is drawn by its label.
      const small = el.getBoundingClientRect().width < 4;
      const shown = (small && el.closest('label')) || el;
      const cs = getComputedStyle(shown);
      const ring =
        (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) ||
        (cs.boxShadow !== 'none' && cs.boxShadow !== '');
      const r = shown.getBoundingClientRect();
      // A line on the map is hit only on its stroke: points along it, not its box.
      const along =
        shown instanceof SVGGeometryElement
          ? Array.from({ length: 9 }, (_, k) => {
              const p = shown.getPointAtLength((shown.getTotalLength() * k) / 8);
              const m = shown.getScreenCTM()!;
              return [m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f];
            })
          : [];
      const points = [
        ...along,
        [r.left + r.width / 2, r.top + r.height / 2],
        [r.left + 2, r.top + 2],
        [r.right - 2, r.top + 2],
        [r.left + 2, r.bottom - 2],
        [r.right - 2, r.bottom - 2],
      ];
      const seen = points.some(([x, y]) => {
        if (x! < 0 || y! < 0 || x! >= innerWidth || y! >= innerHeight) return false;
        const hit = document.elementFromPoint(x!, y!);
        return (
          !!hit &&
          (shown.contains(hit) || hit.contains(shown) || (hit.closest('label')?.contains(el) ?? false))
        );
      });
      return { id, ring, seen: seen || getComputedStyle(el).pointerEvents === 'none' };
    });
    if (!stop) continue;
    if (stop.id === first) break;
    first ??= stop.id;
    stops.push(stop.id);
    if (!stop.ring) problems.push(`no visible focus: ${stop.id}`);
    if (!stop.seen) problems.push(`hidden while focused: ${stop.id}`);
  }
  const unreached = await page.evaluate((visited: string[]) => {
    const w = window as unknown as { __focusIds?: WeakMap<Element, number> };
    const selector =
      'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';
    // Under a modal dialog, only the dialog can be reached (the rest is inert).
    const scope: ParentNode = document.querySelector('dialog:modal') ?? document;
    return [...scope.querySelectorAll<HTMLElement>(selector)]
      .filter((el) => {
        if ((el as HTMLButtonElement).disabled || el.closest('[inert]')) return false;
        if (el.getAttribute('tabindex') === '-1') return false;
        // A group of radio buttons is one Tab stop; the arrow keys move within it.
        if (el instanceof HTMLInputElement && el.type === 'radio')
          return ![...document.querySelectorAll(`input[type=radio][name="${el.name}"]`)].some((r) =>
            w.__focusIds?.has(r),
          );
        // Not rendered (display, visibility, a closed <details>): not a control one can see.
        if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return false;
        const r = el.getBoundingClientRect();
        return r.width > 0 || r.height > 0;
      })
      .filter(
        (el) =>
          !visited.some((v) => v.split(' ')[0] === `${el.tagName.toLowerCase()}#${w.__focusIds?.get(el)}`),
      )
      .map(
        (el) =>
          `${el.tagName.toLowerCase()} ${el.getAttribute('data-testid') ?? el.getAttribute('name') ?? (el.textContent ?? '').trim().slice(0, 30)}`,
      );
  }, stops);
  for (const u of unreached) problems.push(`not reachable by Tab: ${u}`);
  return { stops, problems };
}
