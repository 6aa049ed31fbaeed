import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { createLogger, openPostgres, schema, type Database } from '@tansiq/hub-server';
import { createServerDatabase, type ServerDatabase } from '../helpers/db.ts';
import { runRlsMatrix } from '../helpers/rls-matrix.ts';
import { seedUsers, testUsers } from '../helpers/users.ts';

describe('row-level security on the PostgreSQL server, as the application role', () => {
  let server: ServerDatabase;
  let database: Database;
  let owner: pg.Client;
  let ids: Map<string, string>;
  beforeAll(async () => {
    server = await createServerDatabase();
    database = await openPostgres({
      ownerUrl: server.ownerUrl,
      appRole: server.appRole,
      poolMax: 4,
      logger: createLogger('silent'),
    });
    owner = new pg.Client({ connectionString: server.ownerUrl });
    await owner.connect();
    ids = await seedUsers(database);
  });
  afterAll(async () => {
    await owner?.end();
    await database?.close();
    await server?.drop();
  });

  test('every role × centre finds 0 rows from a centre its claims do not allow, and misses none it may see', async () => {
    const result = await runRlsMatrix(database, drizzle({ client: owner, schema }), ids);
    expect(result.checks).toBe(10 * (60 + 3 * 80 + 3 * 16)); // alerts; briefs, their attachments and threads; meetings, their decisions and action items
    expect(result.leaks).toEqual([]);
    expect(result.wrongRefusals).toEqual([]);
  });

  test('the application role with no claims sees no alert and no brief', async () => {
    expect((await owner.query('select count(*)::int as n from alerts')).rows[0].n).toBeGreaterThan(0);
    expect(await database.db.select().from(schema.alerts)).toEqual([]);
    expect(await database.db.select().from(schema.briefs)).toEqual([]);
  });

  test('alert activity follows its alert: no claims, no row; each user sees the activity of exactly the alerts they see', async () => {
    const ownerDb = drizzle({ client: owner, schema });
    const all = await ownerDb.select({ id: schema.alerts.id }).from(schema.alerts);
    const someone = ids.get('officer.east')!;
    await ownerDb.insert(schema.alertUpdates).values(
      all.map((a) => ({
        alertId: a.id,
        kind: 'note' as const,
        body: 'secret note',
        userId: someone,
        centre: 'EAST',
      })),
    );
    await ownerDb
      .insert(schema.alertAcks)
      .values(all.map((a) => ({ alertId: a.id, centre: 'SOUTH', userId: someone })));
    await ownerDb.insert(schema.alertDeliveries).values(all.map((a) => ({ alertId: a.id, centre: 'SOUTH' })));
    await ownerDb
      .insert(schema.alertDeadlines)
      .values(all.map((a) => ({ alertId: a.id, centre: 'SOUTH', dueAt: new Date() })));
    const activity = [schema.alertUpdates, schema.alertAcks, schema.alertDeliveries, schema.alertDeadlines];
    for (const table of activity) expect(await database.db.select().from(table)).toEqual([]);
    for (const user of testUsers) {
      const principal = { userId: ids.get(user.username)!, role: user.role, centre: user.centre };
      const seen = await database.asUser(principal, async (tx) => {
        const alerts = new Set(
          (await tx.select({ id: schema.alerts.id }).from(schema.alerts)).map((a) => a.id),
        );
        const counts = await Promise.all(
          activity.map((table) => tx.select({ alertId: table.alertId }).from(table)),
        );
        return { alerts, counts };
      });
      for (const rows of seen.counts) {
        expect(
          rows.every((r) => seen.alerts.has(r.alertId)),
          user.username,
        ).toBe(true);
        expect(new Set(rows.map((r) => r.alertId)).size, user.username).toBe(seen.alerts.size);
      }
    }
  });

  test('no table the application role can read holds a signing key', async () => {
    const { rows } = await owner.query<{ table_name: string }>(
      `select table_name from information_schema.role_table_grants where grantee = $1 and privilege_type = 'SELECT'`,
      [server.appRole],
    );
    const readable = rows.map((r) => r.table_name).sort();
    expect(readable).not.toContain('hub_secrets');
    expect(readable.filter((t) => /secret|key/i.test(t))).toEqual([]);
  });
});
