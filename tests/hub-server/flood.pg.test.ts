import { afterAll, beforeAll, test } from 'vitest';
import { createServerDatabase, openServer, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { describeFlood, expectServedDespiteFlood, runFlood } from '../helpers/flood.ts';
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
  await annotate(describeFlood('server', r));
  expectServedDespiteFlood(r, WORKER_MS);
}, 120_000);
