import { afterAll, beforeAll, expect, test } from 'vitest';
import { createServerDatabase, openServer, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { percentile, runFlood } from '../helpers/flood.ts';
import { seedUsers } from '../helpers/users.ts';

const WORKER_MS = 250;
let server: ServerDatabase;
let t: TestHub;
beforeAll(async () => {
  server = await createServerDatabase();
  // A small pool, so one account could exhaust it without the per-account bound.
  t = await startTestHub({
    database: await openServer(server, 4),
    config: { TANSIQ_WORKER_INTERVAL_MS: String(WORKER_MS) },
  });
  await seedUsers(t.database);
});
afterAll(async () => {
  await t?.close();
  await server?.drop();
});

test('server: one account flooding from every socket it may hold neither exhausts the pool nor starves the workers', async ({
  annotate,
}) => {
  const r = await runFlood(t, { seconds: 6, maxSockets: 6, history: 300 });
  await annotate(
    `flood (server): alert p99 ${percentile(r.deliveryMs, 99).toFixed(0)} ms, /healthz p99 ${percentile(r.healthMs, 99).toFixed(0)} ms, worker longest gap ${r.workerLongestGapMs} ms, flood replies ${JSON.stringify(Object.fromEntries(r.floodReplies))}, flooding sockets closed ${r.floodDisconnects} times`,
  );
  expect(r.refusedSocket).toBe('too_many_connections');
  expect(r.floodReplies.get('rate_limited') ?? 0).toBeGreaterThan(0);
  // Sockets that go on sending after rate_limited are closed.
  expect(r.floodDisconnects).toBeGreaterThan(0);
  expect([...r.statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  expect(r.alertsDelivered).toBe(r.alertsSent);
  expect(percentile(r.deliveryMs, 99)).toBeLessThan(5000);
  expect(percentile(r.healthMs, 99)).toBeLessThan(2000);
  expect(r.workerRounds).toBeGreaterThan(0);
  expect(r.workerLongestGapMs).toBeLessThan(WORKER_MS * 8);
}, 120_000);
