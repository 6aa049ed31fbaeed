import { afterAll, beforeAll, expect, test } from 'vitest';
import { inArray } from 'drizzle-orm';
import { createLogger, openPostgres, schema } from '@tansiq/hub-server';
import { createServerDatabase, type ServerDatabase } from '../helpers/db.ts';
import { crashBurst } from '../helpers/crash-burst.ts';
import { burstReceivers, expectEveryAlertOnce } from '../helpers/crash-burst-check.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

let server: ServerDatabase;
const open = () =>
  openPostgres({
    ownerUrl: server.ownerUrl,
    appRole: server.appRole,
    poolMax: 4,
    logger: createLogger('silent'),
  });
beforeAll(async () => {
  server = await createServerDatabase();
  const database = await open();
  await seedUsers(database);
  await database.close();
});
afterAll(() => server?.drop());

test('PostgreSQL server: SIGKILL three times during a 5,000-alert burst; every client ends with every alert it may see once, in order', async () => {
  const result = await crashBurst({
    env: { DATABASE_URL: server.ownerUrl, TANSIQ_DB_APP_ROLE: server.appRole },
    total: Number(process.env.BURST_TOTAL ?? 5000),
    kills: 3,
    senders: ['officer.east', 'supervisor.east'],
    receivers: burstReceivers,
    password: TEST_PASSWORD,
  });
  expect(result.kills).toBe(3);
  const database = await open();
  const rows = await database.asSystem((tx) =>
    tx
      .select({ id: schema.alerts.id, tlp: schema.alerts.tlp })
      .from(schema.alerts)
      .where(inArray(schema.alerts.id, result.ids)),
  );
  await database.close();
  expect(rows).toHaveLength(result.sent);
  expectEveryAlertOnce(result, new Map(rows.map((r) => [r.id, r.tlp])));
}, 900_000);
