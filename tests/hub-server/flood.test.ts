import { afterAll, beforeAll, test } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { describeFlood, expectServedDespiteFlood, runFlood } from '../helpers/flood.ts';
import { seedUsers } from '../helpers/users.ts';

const WORKER_MS = 250;
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ config: { TANSIQ_WORKER_INTERVAL_MS: String(WORKER_MS) } });
  await seedUsers(t.database);
});
afterAll(() => t?.close());

test('PGlite: one account flooding from every socket it may hold leaves other users and the workers served', async ({
  annotate,
}) => {
  const r = await runFlood(t, { seconds: 6, maxSockets: 6, history: 300 });
  await annotate(describeFlood('PGlite', r));
  expectServedDespiteFlood(r, WORKER_MS);
}, 120_000);
