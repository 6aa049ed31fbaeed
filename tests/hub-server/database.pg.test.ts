import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import {
  appGrants,
  createLogger,
  migrationsFolder,
  DatabaseSetupError,
  deriveAppUrl,
  openPostgres,
  pooledTransactions,
  schema,
  type Database,
} from '@tansiq/hub-server';
import { createServerDatabase, queryError, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub } from '../helpers/hub.ts';

const logger = createLogger('silent');

describe('database on the PostgreSQL server', () => {
  let server: ServerDatabase;
  let database: Database;
  const open = () => openPostgres({ ownerUrl: server.ownerUrl, appRole: server.appRole, poolMax: 4, logger });

  beforeAll(async () => {
    server = await createServerDatabase();
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
    await server?.drop();
  });

  test('migrations apply and seed the centres; the hub reads them as the application role', async () => {
    const centres = await database.db.select().from(schema.centres);
    expect(centres.map((c) => c.code).sort()).toEqual(['EAST', 'SOUTH', 'STUDIES', 'WEST']);
    const [me] = await database.db
      .select({ name: sql<string>`current_user` })
      .from(schema.centres)
      .limit(1);
    expect(me?.name).toBe(server.appRole);
  });

  test('the application role is not a superuser, cannot bypass RLS and owns no table', async () => {
    const owner = new pg.Client({ connectionString: server.ownerUrl });
    await owner.connect();
    try {
      const { rows: role } = await owner.query(
        'select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = $1',
        [server.appRole],
      );
      expect(role).toEqual([
        { rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false },
      ]);
      const { rows: tables } = await owner.query<{ tablename: string; tableowner: string }>(
        "select tablename, tableowner from pg_tables where schemaname = 'public'",
      );
      expect(tables.map((t) => t.tablename).sort()).toEqual(Object.keys(appGrants).sort());
      expect(tables.filter((t) => t.tableowner === server.appRole)).toEqual([]);
    } finally {
      await owner.end();
    }
  });

  test('an application role made with powers loses them at the next start; an owner that is no superuser can run the hub', async () => {
    const owner = new pg.Client({ connectionString: server.ownerUrl });
    await owner.connect();
    try {
      await owner.query(`alter role ${server.appRole} superuser createdb createrole bypassrls`);
      const again = await open();
      await again.close();
      const { rows } = await owner.query(
        'select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = $1',
        [server.appRole],
      );
      expect(rows).toEqual([
        { rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false },
      ]);
    } finally {
      await owner.end();
    }
    // A centre's database administrator keeps the superuser: the owner may only create roles.
    const plain = await createServerDatabase({ unprivilegedOwner: true });
    try {
      const hubOnIt = await openPostgres({
        ownerUrl: plain.ownerUrl,
        appRole: plain.appRole,
        poolMax: 2,
        logger,
      });
      const centres = await hubOnIt.db.select().from(schema.centres);
      expect(centres).toHaveLength(4);
      await hubOnIt.close();
    } finally {
      await plain.drop();
    }
  });

  test.each([
    ['create a table', sql`create table sneaky (id int)`],
    ['drop a table', sql`drop table users`],
    ['change a centre', sql`update centres set name_en = 'x' where code = 'EAST'`],
    ['delete a user', sql`delete from users`],
    ['read the migration journal', sql`select * from drizzle.__drizzle_migrations`],
  ])('the application role cannot %s', async (_name, statement) => {
    expect(await queryError(database.db.execute(statement))).toMatch(/permission denied|must be owner/);
  });

  test('several hub processes starting together migrate once (advisory lock)', async () => {
    const more = await Promise.all([open(), open(), open()]);
    try {
      const owner = new pg.Client({ connectionString: server.ownerUrl });
      await owner.connect();
      const { rows } = await owner.query<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
      );
      await owner.end();
      expect(rows[0]?.n).toBe(fs.readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).length);
      const centres = await more[0]!.db.select().from(schema.centres);
      expect(centres).toHaveLength(4);
    } finally {
      await Promise.all(more.map((d) => d.close()));
    }
  });

  test('the hub refuses to run as the owner role', async () => {
    await expect(
      openPostgres({ ownerUrl: server.ownerUrl, appUrl: server.ownerUrl, appRole: 'x', poolMax: 1, logger }),
    ).rejects.toThrow(DatabaseSetupError);
  });

  test('deriveAppUrl swaps the user and password, nothing else', () => {
    expect(
      deriveAppUrl('postgres://owner:pw@db.example:5433/tansiq?sslmode=require', 'tansiq_app', 'p w'),
    ).toBe('postgres://tansiq_app:p%20w@db.example:5433/tansiq?sslmode=require');
  });

  test('/readyz reports postgres and answers 503 after the pool is closed', async () => {
    const hubDb = await open();
    const t = await startTestHub({ database: hubDb });
    try {
      const ready = await fetch(`${t.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'postgres' });
      await hubDb.close();
      expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  test('a transaction whose connection died before BEGIN gives its pool slot back', async () => {
    const owner = new pg.Client({ connectionString: server.ownerUrl });
    await owner.connect();
    // A pool of one whose next checkouts hand out a connection the server has just closed, as
    // happens to idle connections when PostgreSQL restarts. (Drizzle's own pooled transaction
    // runs BEGIN outside its try/finally and loses the slot for good: this test then times out.)
    class DroppingPool extends pg.Pool {
      drops = 0;
      override async connect(): Promise<pg.PoolClient> {
        const client = await super.connect();
        if (this.drops > 0) {
          this.drops--;
          const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
          await owner.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
          await new Promise((r) => setTimeout(r, 100));
        }
        return client;
      }
    }
    const pool = new DroppingPool({
      connectionString: deriveAppUrl(server.ownerUrl, server.appRole),
      max: 1,
      connectionTimeoutMillis: 2000,
    });
    pool.on('error', () => undefined);
    pool.on('connect', (c) => c.on('error', () => undefined));
    try {
      const run = pooledTransactions(pool);
      pool.drops = 3;
      for (let i = 0; i < 3; i++) await expect(run((tx) => tx.$count(schema.centres))).rejects.toThrow();
      // The one slot is free again: the next transaction gets a fresh connection.
      expect(await run((tx) => tx.$count(schema.centres))).toBeGreaterThanOrEqual(4);
    } finally {
      await pool.end();
      await owner.end();
    }
  }, 30_000);
});
