import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { percentile, runFlood } from '../helpers/flood.ts';
import { seedUsers } from '../helpers/users.ts';

const WORKER_MS = 250;
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ config: { TANSIQ_WORKER_INTERVAL_MS: String(WORKER_MS) } });
  await seedUsers(t.database);
});
afterAll(() => t?.close());

/**
 * Functional bounds only (a starved hub took 8–20 s per /healthz before the per-account budget);
 * the latency goals are printed here and measured against a baseline by `pnpm bench flood`.
 */
test('PGlite: one account flooding from every socket it may hold leaves other users and the workers served', async ({
  annotate,
}) => {
  const r = await runFlood(t, { seconds: 6, maxSockets: 6, history: 300 });
  await annotate(
    `flood (PGlite): alert p99 ${percentile(r.deliveryMs, 99).toFixed(0)} ms, /healthz p99 ${percentile(r.healthMs, 99).toFixed(0)} ms, worker longest gap ${r.workerLongestGapMs} ms, flood replies ${JSON.stringify(Object.fromEntries(r.floodReplies))}, flooding sockets closed ${r.floodDisconnects} times`,
  );
  expect(r.refusedSocket).toBe('too_many_connections');
  expect(r.floodReplies.get('rate_limited') ?? 0).toBeGreaterThan(0);
  // Sockets that go on sending after rate_limited are closed.
  expect(r.floodDisconnects).toBeGreaterThan(0);
  expect(r.floodReplies.get('replayed') ?? 0).toBeGreaterThan(0);
  expect([...r.statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  expect(r.alertsDelivered).toBe(r.alertsSent);
  expect(percentile(r.deliveryMs, 99)).toBeLessThan(5000);
  expect(percentile(r.healthMs, 99)).toBeLessThan(2000);
  expect(r.workerRounds).toBeGreaterThan(0);
  expect(r.workerLongestGapMs).toBeLessThan(WORKER_MS * 8);
}, 120_000);
