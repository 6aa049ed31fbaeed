import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { createLogger, openPostgres, schema, type Database } from '@tansiq/hub-server';
import { createServerDatabase, type ServerDatabase } from '../helpers/db.ts';
import { runRlsMatrix } from '../helpers/rls-matrix.ts';
import { seedUsers } from '../helpers/users.ts';

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
    expect(result.checks).toBe(10 * (60 + 64));
    expect(result.leaks).toEqual([]);
    expect(result.wrongRefusals).toEqual([]);
  });

  test('the application role with no claims sees no alert and no brief', async () => {
    expect((await owner.query('select count(*)::int as n from alerts')).rows[0].n).toBeGreaterThan(0);
    expect(await database.db.select().from(schema.alerts)).toEqual([]);
    expect(await database.db.select().from(schema.briefs)).toEqual([]);
  });
});
