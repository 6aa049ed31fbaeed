import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import * as schema from './schema.ts';
import { migrationsFolder } from './migrations.ts';
import { claimsTransaction, type Database } from './database.ts';
import { ensureAppRole } from './app-role.ts';
import { soleLeader } from './leader.ts';

const EMBEDDED_APP_ROLE = 'tansiq_app';

export interface PgliteOptions {
  /** A directory for a durable database, or undefined for one in memory. */
  dataDir?: string;
  /** Start from a dump made by `PGlite.dumpDataDir()` (tests clone a migrated template this way). */
  loadDataDir?: Blob | File;
}

/**
 * The embedded database. Note: PGlite 0.5 in Node does not fsync, so a power cut can lose the last
 * commits; the PostgreSQL server mode is the durable one.
 */
export interface EmbeddedDatabase extends Database {
  readonly kind: 'pglite';
  /** A compressed copy of the whole database, for `loadDataDir`. */
  dumpDataDir(): Promise<Blob>;
}

export async function openPglite(options: PgliteOptions = {}): Promise<EmbeddedDatabase> {
  const client = new PGlite({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  await client.waitReady;
  const db = drizzle({ client, schema });
  await migrate(db, { migrationsFolder });
  // PGlite's one connection is its superuser; claims transactions switch to this role so that
  // row-level security applies here exactly as on a server.
  await ensureAppRole((text, params) => client.query(text, params), EMBEDDED_APP_ROLE);
  return {
    kind: 'pglite',
    db,
    ...claimsTransaction((fn) => db.transaction(fn), EMBEDDED_APP_ROLE),
    leadership: () => soleLeader,
    async ping() {
      await client.query('select 1');
    },
    async close() {
      if (!client.closed) await client.close();
    },
    dumpDataDir() {
      return client.dumpDataDir('gzip');
    },
  };
}
