import { afterAll, beforeAll, expect, test } from 'vitest';
import { inArray } from 'drizzle-orm';
import { openPglite, schema } from '@tansiq/hub-server';
import { crashBurst, tempDir } from '../helpers/crash-burst.ts';
import { burstReceivers, expectEveryAlertOnce } from '../helpers/crash-burst-check.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

let data: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  data = await tempDir('tansiq-burst-');
  const database = await openPglite({ dataDir: data.dir });
  await seedUsers(database);
  await database.close();
});
afterAll(() => data.remove());

test('PGlite: SIGKILL three times during a 5,000-alert burst; every client ends with every alert it may see once, in order', async () => {
  const result = await crashBurst({
    env: { TANSIQ_DATA_DIR: data.dir },
    total: Number(process.env.BURST_TOTAL ?? 5000),
    kills: 3,
    senders: ['officer.east', 'supervisor.east'],
    receivers: burstReceivers,
    password: TEST_PASSWORD,
  });
  expect(result.kills).toBe(3);
  const database = await openPglite({ dataDir: data.dir });
  const rows = await database.db
    .select({ id: schema.alerts.id, tlp: schema.alerts.tlp })
    .from(schema.alerts)
    .where(inArray(schema.alerts.id, result.ids));
  await database.close();
  expect(rows).toHaveLength(result.sent);
  expectEveryAlertOnce(result, new Map(rows.map((r) => [r.id, r.tlp])));
}, 600_000);
