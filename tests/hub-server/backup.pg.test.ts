import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  codeMigrations,
  createLogger,
  migratePostgres,
  migrationsUpTo,
  openPglite,
  SchemaVersionError,
} from '@tansiq/hub-server';
import { createServerDatabase, type ServerDatabase } from '../helpers/db.ts';
import { startHubProcess } from '../helpers/process.ts';
import { cli } from '../helpers/cli.ts';
import { login } from '../helpers/users.ts';
import {
  demoPassword,
  expectOneMoment,
  raiseContinuously,
  tableContents,
  type Query,
} from '../helpers/backup.ts';

async function onServer<T>(url: string, fn: (q: Query) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    // Read as the hub itself: forced row-level security lets the owner see rows only as a role.
    await client.query(`select set_config('tansiq.role', 'system', true)`);
    const result = await fn(async (text, params) => (await client.query(text, params)).rows);
    await client.query('commit');
    return result;
  } finally {
    await client.end();
  }
}

async function onPglite<T>(dataDir: string, fn: (q: Query) => Promise<T>): Promise<T> {
  const database = await openPglite({ dataDir });
  try {
    return await database.snapshot(fn);
  } finally {
    await database.close();
  }
}

/** Rows with the times they were written blanked (a migration's seed rows carry `now()`). */
async function seedRows(q: Query): Promise<Map<string, string[]>> {
  const rows = await tableContents(q);
  for (const [t, list] of rows)
    rows.set(
      t,
      list.map((r) => r.replace(/"\d{4}-\d\d-\d\dT[\d:.]+\+00:00"/g, '"<time>"')),
    );
  return rows;
}

/** The schema as the catalogue sees it: columns, constraints, indexes, policies, triggers, functions. */
function schemaOf(q: Query): Promise<string[]> {
  return q(
    `select x from (
       select format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, coalesce(column_default, '')) as x
         from information_schema.columns where table_schema = 'public'
       union all select 'index ' || indexdef from pg_indexes where schemaname = 'public'
       union all select format('policy %s %s %s %s %s', tablename, policyname, cmd, coalesce(qual, ''), coalesce(with_check, ''))
         from pg_policies where schemaname = 'public'
       union all select format('trigger %s %s', tgrelid::regclass, tgname) from pg_trigger where not tgisinternal
       union all select format('function %s %s', p.proname, md5(pg_get_functiondef(p.oid)))
         from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
       union all select format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
         from pg_constraint where connamespace = 'public'::regnamespace
       union all select format('table %s rls %s forced %s', relname, relrowsecurity, relforcerowsecurity)
         from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'
     ) s order by x`,
  ).then((rows) => rows.map((r) => String(r.x)));
}

describe('backup and restore with a PostgreSQL server', () => {
  const servers: ServerDatabase[] = [];
  let work: string;
  const newServer = async (options: { unprivilegedOwner?: boolean } = {}) => {
    const s = await createServerDatabase(options);
    servers.push(s);
    return s;
  };
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-backup-pg-'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.drop()));
    await fs.rm(work, { recursive: true, force: true });
  });

  test('a backup of a server taken while alerts are raised restores into a new server database and into a new PGlite directory: the same rows in both', async () => {
    // Owners that are not superusers, as at a centre: row-level security applies to them.
    const source = await newServer({ unprivilegedOwner: true });
    const sourceDir = path.join(work, 'server-source');
    const env = {
      DATABASE_URL: source.ownerUrl,
      TANSIQ_DB_APP_ROLE: source.appRole,
      TANSIQ_DATA_DIR: sourceDir,
      TANSIQ_DEMO_DATA: 'on',
    };
    const hub = await startHubProcess(env);
    try {
      const { accessToken } = await login(
        hub.url,
        'officer.south',
        await demoPassword(sourceDir, 'officer.south'),
      );
      const raising = raiseContinuously(hub.url, accessToken, (n) => ({
        category: 'trafficking',
        severity: 'medium',
        tlp: 'AMBER',
        title: `BKP-${n} تهريب`,
        location: { lat: 25.1, lng: 10.4 },
        recipients: ['EAST'],
      }));
      while (raising.count() < 20) await new Promise((r) => setTimeout(r, 20));
      const file = path.join(work, 'server.tansiq.gz');
      const made = await cli(['backup', '--to', file], env);
      await raising.stop();
      expect(made.out).toContain('through the server');
      expect(made.code).toBe(0);

      const target = await newServer({ unprivilegedOwner: true });
      const toServer = await cli(['restore', '--from', file], {
        DATABASE_URL: target.ownerUrl,
        TANSIQ_DB_APP_ROLE: target.appRole,
        TANSIQ_DATA_DIR: path.join(work, 'server-target'),
      });
      expect(toServer.out).toContain('audit chain verified');
      expect(toServer.code).toBe(0);
      const pgliteDir = path.join(work, 'server-to-pglite');
      const toPglite = await cli(['restore', '--from', file], { TANSIQ_DATA_DIR: pgliteDir });
      expect(toPglite.out).toContain('audit chain verified');
      expect(toPglite.code).toBe(0);

      const onTarget = await onServer(target.ownerUrl, tableContents);
      const inPglite = await onPglite(pgliteDir, tableContents);
      const sourceNow = await onServer(source.ownerUrl, tableContents);
      // The same backup gives the same rows on either engine (the processes' own rows aside).
      onTarget.delete('hub_nodes');
      inPglite.delete('hub_nodes');
      expect(inPglite).toEqual(onTarget);
      // A moment of the source.
      expectOneMoment(onTarget, sourceNow);
      expect(onTarget.get('alerts')!.length).toBeGreaterThan(20);
    } finally {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
  }, 180_000);

  test('an embedded desk moves to a server in one restore: the hub on the server signs the same people in and shows them the same alerts', async () => {
    const dir = path.join(work, 'desk');
    const desk = await startHubProcess({ TANSIQ_DATA_DIR: dir });
    let before: string[];
    try {
      const west = await login(desk.url, 'officer.west', await demoPassword(dir, 'officer.west'));
      const res = await fetch(`${desk.url}/api/v1/alerts`, {
        headers: { authorization: `Bearer ${west.accessToken}` },
      });
      before = ((await res.json()) as { alerts: { id: string }[] }).alerts.map((a) => a.id).sort();
      expect(before.length).toBeGreaterThan(0);
      const file = path.join(work, 'desk.tansiq.gz');
      expect((await cli(['backup', '--to', file], { TANSIQ_DATA_DIR: dir })).code).toBe(0);
      const server = await newServer();
      const serverDir = path.join(work, 'desk-on-server');
      const env = {
        DATABASE_URL: server.ownerUrl,
        TANSIQ_DB_APP_ROLE: server.appRole,
        TANSIQ_DATA_DIR: serverDir,
      };
      const restored = await cli(['restore', '--from', file], env);
      expect(restored.code).toBe(0);
      const moved = await startHubProcess({ ...env, TANSIQ_DEMO_DATA: 'on' });
      try {
        // The key came along: the desk's access token is still good, and the password is.
        const still = await fetch(`${moved.url}/api/v1/alerts`, {
          headers: { authorization: `Bearer ${west.accessToken}` },
        });
        expect(still.status).toBe(200);
        const again = await login(moved.url, 'officer.west', await demoPassword(dir, 'officer.west'));
        const res2 = await fetch(`${moved.url}/api/v1/alerts`, {
          headers: { authorization: `Bearer ${again.accessToken}` },
        });
        const after = ((await res2.json()) as { alerts: { id: string }[] }).alerts.map((a) => a.id).sort();
        expect(after).toEqual(before);
        // No demo data loaded a second time: the restored users are there.
        expect(moved.stdout()).not.toContain('Demo accounts');
      } finally {
        moved.child.kill('SIGTERM');
        await moved.exited;
      }
    } finally {
      if (desk.child.exitCode === null) {
        desk.child.kill('SIGTERM');
        await desk.exited;
      }
    }
  }, 180_000);

  test('migrations applied from every earlier schema end in the schema a new database gets; a newer database is refused', async () => {
    const known = codeMigrations();
    const fresh = await newServer();
    const logger = createLogger('silent');
    await migratePostgres({ ownerUrl: fresh.ownerUrl, appRole: fresh.appRole, poolMax: 1, logger });
    const expected = await onServer(fresh.ownerUrl, async (q) => ({
      schema: await schemaOf(q),
      rows: await seedRows(q),
    }));
    for (let count = 0; count < known.length; count++) {
      const server = await newServer();
      const folder = migrationsUpTo(count);
      const client = new pg.Client({ connectionString: server.ownerUrl });
      await client.connect();
      try {
        await migrate(drizzle({ client }), { migrationsFolder: folder });
      } finally {
        await client.end();
        await fs.rm(folder, { recursive: true, force: true });
      }
      await migratePostgres({ ownerUrl: server.ownerUrl, appRole: server.appRole, poolMax: 1, logger });
      const got = await onServer(server.ownerUrl, async (q) => ({
        schema: await schemaOf(q),
        rows: await seedRows(q),
      }));
      expect(got, `from schema ${count} (${known[count - 1]?.tag ?? 'empty'})`).toEqual(expected);
      await server.drop();
      servers.splice(servers.indexOf(server), 1);
    }

    const client = new pg.Client({ connectionString: fresh.ownerUrl });
    await client.connect();
    await client.query(
      `insert into drizzle.__drizzle_migrations (hash, created_at) values ('future', 99999999999999)`,
    );
    await client.end();
    await expect(
      migratePostgres({ ownerUrl: fresh.ownerUrl, appRole: fresh.appRole, poolMax: 1, logger }),
    ).rejects.toBeInstanceOf(SchemaVersionError);
  }, 180_000);
});
