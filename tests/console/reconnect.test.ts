import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { backoff, retryDelay, RETRY_MAX_MS } from '../../console/src/features/live/reconnect.ts';

test.each([
  [1, 500, 1000],
  [2, 1000, 2000],
  [3, 2000, 4000],
  [6, 15_000, 30_000],
  [20, 15_000, 30_000],
])('retry %i after a refused handshake waits between %i and %i ms', (attempt, low, high) => {
  expect(retryDelay(attempt, () => 0)).toBe(low);
  expect(retryDelay(attempt, () => 1)).toBe(high);
  expect(retryDelay(attempt, () => 1)).toBeLessThanOrEqual(RETRY_MAX_MS);
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

test('a refused handshake is retried with growing waits until a connect resets them', () => {
  const retry = vi.fn();
  const b = backoff(retry);
  const first = b.schedule();
  vi.advanceTimersByTime(first);
  expect(retry).toHaveBeenCalledTimes(1);
  const second = b.schedule();
  expect(second).toBeGreaterThanOrEqual(1000);
  b.reset();
  vi.advanceTimersByTime(60_000);
  expect(retry).toHaveBeenCalledTimes(1);
  expect(b.schedule()).toBeLessThanOrEqual(1000);
});
