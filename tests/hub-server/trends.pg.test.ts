import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { createServerDatabase, openServer, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { seedUsers } from '../helpers/users.ts';
import { checkTrendsForEveryone, seedTrendAlerts, type StoredAlert } from '../helpers/trend-cases.ts';

/** Trends on the PostgreSQL server: the same counts as the test computes, for every role and centre. */
describe('trends on the PostgreSQL server', () => {
  let server: ServerDatabase;
  let t: TestHub;

  beforeAll(async () => {
    server = await createServerDatabase();
    const database = await openServer(server);
    await seedUsers(database);
    t = await startTestHub({ database });
    await seedTrendAlerts(t.url);
  });
  afterAll(async () => {
    await t?.close();
    await server?.drop();
  });

  test('every role and centre: trends count exactly the alerts each may read, or are refused', async () => {
    const owner = new pg.Client({ connectionString: server.ownerUrl });
    await owner.connect();
    const all = (
      await owner.query<StoredAlert & { created_at: Date }>(
        'select id, centre, category, sector, crossing, tlp, recipients, people, created_at from alerts',
      )
    ).rows.map((r) => ({ ...r, createdAt: r.created_at }));
    await owner.end();
    expect(all).toHaveLength(8);
    expect(await checkTrendsForEveryone(t.url, all)).toBe(10 * 4 * 2);
  });
});
