import { expect, test } from 'vitest';
import { messages } from '../../console/src/i18n/index.ts';
import { describeError, formatWait } from '../../console/src/api/errors.ts';
import { ApiError } from '../../console/src/api/client.ts';

test.each([
  [30, 'en', '30 seconds'],
  [900, 'en', '15 minutes'],
  [61, 'en', '2 minutes'],
])('a wait of %i s reads "%s" in %s', (seconds, locale, text) => {
  expect(formatWait(seconds, locale)).toBe(text);
});

test('Arabic waits are worded in Arabic', () => {
  expect(formatWait(900, 'ar')).toMatch(/15|١٥/);
  expect(formatWait(900, 'ar')).toMatch(/دقيقة|دقائق/);
});

test('a throttled login tells how long to wait, in the chosen language', () => {
  const err = new ApiError(429, {
    code: 'rate_limited',
    message: 'too many failed logins; try again later',
    details: { retryAfterSeconds: 840 },
  });
  for (const locale of ['en', 'ar'] as const) {
    // The messages themselves, interpolated as vue-i18n does for named parameters.
    const t = ((key: string, params: Record<string, string> = {}) => {
      const template = key
        .split('.')
        .reduce<unknown>((tree, k) => (tree as Record<string, unknown>)[k], messages[locale] as unknown);
      return String(template).replace(/\{(\w+)\}/g, (_: string, name: string) => params[name] ?? '');
    }) as unknown as Parameters<typeof describeError>[1];
    const text = describeError(err, t, locale);
    expect(text).toContain(formatWait(840, locale));
  }
});
