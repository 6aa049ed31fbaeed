import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import type { SQL } from 'drizzle-orm';
import {
  createLogger,
  openPglite,
  openPostgres,
  type Database,
  type EmbeddedDatabase,
} from '@tansiq/hub-server';

/** A migrated in-memory PGlite database, cloned from the run's template. */
export async function openTestPglite(): Promise<EmbeddedDatabase> {
  const dump = await fs.readFile(inject('pgliteTemplate'));
  return openPglite({ loadDataDir: new Blob([dump]) });
}

/** The PostgreSQL server the server-backed suites use (a superuser connection to its maintenance db). */
export const serverAdminUrl = process.env.TANSIQ_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ServerDatabase {
  /** Owner URL of a fresh, empty database of this test file's own. */
  ownerUrl: string;
  /** An application role of this test file's own (roles are cluster-wide; files run in parallel). */
  appRole: string;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverAdminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The hub's connection to a test file's server database (migrates it first), as the application role. */
export function openServer(server: ServerDatabase, poolMax = 4): Promise<Database> {
  return openPostgres({
    ownerUrl: server.ownerUrl,
    appRole: server.appRole,
    poolMax,
    logger: createLogger('silent'),
  });
}

/**
 * Creates a database and names an application role for one test file; drop() removes both. With
 * `unprivilegedOwner`, the database belongs to a login role of its own that is no superuser (it may
 * create roles, as the hub's owner role must to make the application role), as at a centre where
 * the database administrator keeps the superuser.
 */
export async function createServerDatabase(
  options: { unprivilegedOwner?: boolean } = {},
): Promise<ServerDatabase> {
  const suffix = randomBytes(5).toString('hex');
  const name = `tansiq_test_${suffix}`;
  const appRole = `tansiq_app_test_${suffix}`;
  const owner = options.unprivilegedOwner ? `tansiq_owner_test_${suffix}` : null;
  await admin(async (c) => {
    if (owner) {
      await c.query(`create role ${owner} login createrole nosuperuser nobypassrls`);
      await c.query(`create database ${name} owner ${owner}`);
    } else await c.query(`create database ${name}`);
  });
  const url = new URL(serverAdminUrl);
  url.pathname = `/${name}`;
  if (owner) {
    url.username = owner;
    url.password = '';
  }
  return {
    ownerUrl: url.toString(),
    appRole,
    drop: () =>
      admin(async (c) => {
        await c.query(`drop database if exists ${name} with (force)`);
        await c.query(`drop role if exists ${appRole}`);
        if (owner) await c.query(`drop role if exists ${owner}`);
      }),
  };
}

/** The database's own message for a failed query (Drizzle wraps it as the error's cause). */
export async function queryError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String((err as Error).message);
  }
  throw new Error('the query succeeded');
}

/** Rows of a raw query (the engines' result types differ; both carry `rows`). */
export async function selectRows<T>(database: Database, query: SQL): Promise<T[]> {
  return ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
}
