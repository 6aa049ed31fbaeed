import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import * as schema from './schema.ts';
import { migrationsFolder } from './migrations.ts';
import { claimsTransaction, type Database } from './database.ts';
import { OneTripPGlite } from './pglite-client.ts';
import { ensureAppRole } from './app-role.ts';
import { soleLeader } from './leader.ts';
import { EVENTS_CHANNEL, lastNotified } from './events-listener.ts';
import { databaseSchemaVersion } from './schema-version.ts';
import type { SnapshotQuery } from '../backup/backup-format.ts';

const EMBEDDED_APP_ROLE = 'tansiq_app';

export interface PgliteOptions {
  /** A directory for a durable database, or undefined for one in memory. */
  dataDir?: string;
  /** Start from a dump made by `PGlite.dumpDataDir()` (tests clone a migrated template this way). */
  loadDataDir?: Blob | File;
  /** The database's page cache (shared_buffers), in MB; PostgreSQL's default 128 when unset. */
  buffersMb?: number;
  /** The client: the hub's (default) or PGlite's own, which `pnpm bench pglite` compares it with. */
  client?: typeof PGlite;
}

/**
 * Creates a new data directory in a worker thread. Creating one (initdb) grows PGlite's WebAssembly
 * memory to about 600 MB, which is never given back; a thread's memory goes when the thread ends,
 * and the hub then opens the directory with the memory an existing database needs (about 150 MB).
 */
export async function createDataDir(dataDir: string): Promise<void> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const worker = new Worker(
    `import(${JSON.stringify(pglite)}).then(async ({ PGlite }) => {
       const db = new PGlite({ dataDir: ${JSON.stringify(dataDir)} });
       await db.waitReady;
       await db.close();
     }).then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });`,
    { eval: true },
  );
  const code = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`creating the embedded database in ${dataDir} failed`);
}

/**
 * The embedded database. Note: PGlite 0.5 in Node does not fsync, so a power cut can lose the last
 * commits; the PostgreSQL server mode is the durable one.
 */
export interface EmbeddedDatabase extends Database {
  readonly kind: 'pglite';
  /** A compressed copy of the whole database, for `loadDataDir`. */
  dumpDataDir(): Promise<Blob>;
  /** Runs `fn` on one snapshot of the database as its superuser (a backup); other work waits. */
  snapshot<T>(fn: (q: SnapshotQuery) => Promise<T>): Promise<T>;
}

/** One transaction on PGlite's superuser connection, handed over as plain statements. */
export function pgliteSnapshot<T>(client: PGlite, fn: (q: SnapshotQuery) => Promise<T>): Promise<T> {
  return client.transaction((tx) =>
    fn(async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows),
  );
}

export async function openPglite(options: PgliteOptions = {}): Promise<EmbeddedDatabase> {
  if (options.dataDir && !options.loadDataDir) await createDataDir(options.dataDir);
  const client = new (options.client ?? OneTripPGlite)({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    ...(options.buffersMb
      ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.buffersMb}MB`] }
      : {}),
  });
  await client.waitReady;
  const db = drizzle({ client, schema });
  try {
    await databaseSchemaVersion((text, params) => client.query(text, params));
  } catch (err) {
    await client.close();
    throw err;
  }
  await migrate(db, { migrationsFolder });
  // PGlite's one connection is its superuser; claims transactions switch to this role so that
  // row-level security applies here exactly as on a server.
  await ensureAppRole((text, params) => client.query(text, params), EMBEDDED_APP_ROLE);
  return {
    kind: 'pglite',
    db,
    ...claimsTransaction((fn) => db.transaction(fn), EMBEDDED_APP_ROLE),
    readAsSystem: (fn) => fn(db),
    leadership: () => soleLeader,
    // PGlite delivers its own connection's notifications after each commit.
    async onEventsCommitted(wake) {
      const unlisten = await client.listen(EVENTS_CHANNEL, (payload) => wake(lastNotified(payload)));
      // A database closed first has stopped listening with it.
      return () => (client.closed ? Promise.resolve() : unlisten().catch(() => undefined));
    },
    async ping() {
      await client.query('select 1');
    },
    async close() {
      if (!client.closed) await client.close();
    },
    dumpDataDir() {
      return client.dumpDataDir('gzip');
    },
    snapshot: (fn) => pgliteSnapshot(client, fn),
  };
}
