import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logger.ts';
import { keyFilePath } from '../auth/hub-key.ts';
import { checkpointFile } from '../audit/audit-checkpoints.ts';
import { verifyAudit } from '../audit/audit.service.ts';
import { quoteIdent } from '../db/app-role.ts';
import { openDatabase } from '../db/open.ts';
import { createDataDir, pgliteSnapshot } from '../db/pglite.ts';
import { codeMigrations, databaseSchemaVersion, migrationsUpTo } from '../db/schema-version.ts';
import { hubCommit, hubVersion } from '../version.ts';
import {
  BackupError,
  checkBackup,
  readBackup,
  writeBackup,
  type BackupFile,
  type BackupHeader,
  type SnapshotQuery,
} from './backup-format.ts';

export { BackupError, checkBackup, type BackupHeader } from './backup-format.ts';

/** The Unix socket a hub on an embedded database answers backups on (in its data directory). */
export function maintenanceSocket(config: Pick<Config, 'TANSIQ_DATA_DIR'>): string {
  const inDataDir = path.resolve(config.TANSIQ_DATA_DIR, 'hub.sock');
  // A Unix socket's path has room for 107 bytes: a deeper data directory gets one in the system's
  // temporary directory, named after the data directory so the CLI finds the same one.
  if (Buffer.byteLength(inDataDir) <= 100) return inDataDir;
  const key = createHash('sha256').update(inDataDir).digest('hex').slice(0, 24);
  return path.join(os.tmpdir(), `tansiq-hub-${key}.sock`);
}

/** The files kept beside the database that a restore needs: the hub's key and the audit checkpoints. */
function filesOf(config: Config): BackupFile[] {
  const wanted: [string, string][] = [
    ['hub.key', keyFilePath(config)],
    ['audit-checkpoints.jsonl', checkpointFile(config)],
  ];
  const files: BackupFile[] = [];
  for (const [name, file] of wanted) {
    let content: Buffer;
    try {
      content = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    // The hub appends checkpoints while it runs: a last line being written is left out.
    if (name === 'audit-checkpoints.jsonl' && content.length > 0 && content.at(-1) !== 0x0a)
      content = content.subarray(0, content.lastIndexOf(0x0a) + 1);
    files.push({ name, content });
  }
  return files;
}

/** A snapshot on a server: one REPEATABLE READ, read-only transaction on the owner connection. */
async function serverSnapshot<T>(url: string, fn: (q: SnapshotQuery) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const result = await fn(async (text, params) => (await client.query(text, params)).rows);
    await client.query('commit');
    return result;
  } finally {
    await client.end();
  }
}

/** Writes a gzipped backup of `snapshot` to `out`. */
export async function streamBackup(
  snapshot: <T>(fn: (q: SnapshotQuery) => Promise<T>) => Promise<T>,
  source: BackupHeader['source'],
  config: Config,
  out: Writable,
): Promise<BackupHeader> {
  // The files first: the checkpoints then name no row the snapshot lacks.
  const files = filesOf(config);
  const lines = new PassThrough();
  const done = pipeline(lines, createGzip(), out);
  try {
    const header = await snapshot((q) =>
      writeBackup(q, lines, { source, hub: { version: hubVersion, commit: hubCommit }, files }),
    );
    lines.end();
    await done;
    return header;
  } catch (err) {
    lines.destroy(err as Error);
    await done.catch(() => undefined);
    throw err;
  }
}

/** Whether a hub answers on this socket (the file may be left by a hub that is gone). */
export function hubAnswers(socket: string): Promise<boolean> {
  if (!fs.existsSync(socket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = http.get({ socketPath: socket, path: '/ping' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
  });
}

/** Asks the hub running on this data directory for the backup; null when no hub answers there. */
async function backupThroughHub(socket: string, to: string): Promise<BackupHeader | null> {
  // A hub on this directory holds the database: it alone may read it.
  if (!fs.existsSync(socket)) return null;
  const res = await new Promise<http.IncomingMessage | null>((resolve, reject) => {
    const req = http.get({ socketPath: socket, path: '/backup' }, resolve);
    req.on('error', (err: NodeJS.ErrnoException) =>
      // A socket file left by a hub that is gone.
      err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? resolve(null) : reject(err),
    );
  });
  if (!res) return null;
  if (res.statusCode !== 200) throw new BackupError(`the running hub refused the backup (${res.statusCode})`);
  await pipeline(res, fs.createWriteStream(to, { mode: 0o600, flags: 'wx' }));
  try {
    // A hub that failed half-way ends the stream early: the trailer is missing.
    return await checkBackup(to);
  } catch (err) {
    fs.rmSync(to, { force: true });
    throw err;
  }
}

/**
 * `pnpm cli backup --to FILE`: a consistent backup while the hub runs. A server: one snapshot
 * through the owner connection. Embedded: the running hub makes it (only one process may open
 * the database) over the socket in its data directory; with no hub running, the CLI opens the
 * database itself. The file is created with mode 0600 (it holds the hub's key and password hashes).
 */
export async function backupDatabase(config: Config, to: string): Promise<BackupHeader & { via: string }> {
  if (fs.existsSync(to)) throw new BackupError(`${to} exists; a backup never overwrites a file`);
  if (config.DATABASE_URL) {
    const out = fs.createWriteStream(to, { mode: 0o600, flags: 'wx' });
    const url = config.DATABASE_URL;
    const header = await streamBackup((fn) => serverSnapshot(url, fn), 'postgres', config, out);
    return { ...header, via: 'server' };
  }
  const viaHub = await backupThroughHub(maintenanceSocket(config), to);
  if (viaHub) return { ...viaHub, via: 'running hub' };
  if (!fs.existsSync(path.join(config.TANSIQ_DATA_DIR, 'PG_VERSION')))
    throw new BackupError(`no embedded database in ${config.TANSIQ_DATA_DIR}`);
  const client = new PGlite({ dataDir: config.TANSIQ_DATA_DIR });
  try {
    await client.waitReady;
    await databaseSchemaVersion((text, params) => client.query(text, params));
    const out = fs.createWriteStream(to, { mode: 0o600, flags: 'wx' });
    const header = await streamBackup((fn) => pgliteSnapshot(client, fn), 'pglite', config, out);
    return { ...header, via: 'database files (no hub running)' };
  } finally {
    await client.close();
  }
}

/** Runs one statement on the restore's connection. */
type Run = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Loads the backup's rows into a database migrated to the backup's schema, in one transaction. */
async function loadRows(run: Run, file: string, header: BackupHeader): Promise<BackupFile[]> {
  const tables = header.tables.map((t) => t.name);
  const forced = new Set(
    (
      await run(
        `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relforcerowsecurity`,
      )
    ).map((r) => String(r.name)),
  );
  // The owner writes the rows as they were: no trigger (audit chain, event numbering, the
  // append-only guards) and no row-level policy; both come back before the commit.
  for (const t of tables) {
    await run(`alter table ${quoteIdent(t)} disable trigger user`);
    if (forced.has(t)) await run(`alter table ${quoteIdent(t)} no force row level security`);
  }
  // The migrations' own rows (the centres, the event counter) give way to the backup's.
  for (const t of [...tables].reverse()) await run(`delete from ${quoteIdent(t)}`);
  const files: BackupFile[] = [];
  const columns = new Map(header.tables.map((t) => [t.name, t.columns.map(quoteIdent).join(', ')]));
  for await (const item of readBackup(file)) {
    if (item.kind === 'file') {
      files.push({ name: item.name, content: item.content });
      continue;
    }
    const cols = columns.get(item.table);
    if (!cols) throw new BackupError(`the backup has rows for ${item.table}, which its header does not list`);
    await run(
      `insert into ${quoteIdent(item.table)} (${cols}) select ${cols} from json_populate_recordset(null::${quoteIdent(item.table)}, $1::json)`,
      [`[${item.rows.join(',')}]`],
    );
  }
  for (const t of tables) {
    await run(`alter table ${quoteIdent(t)} enable trigger user`);
    if (forced.has(t)) await run(`alter table ${quoteIdent(t)} force row level security`);
  }
  return files;
}

/** What a restore did, for the terminal and the tests. */
export interface RestoreReport {
  header: BackupHeader;
  target: 'pglite' | 'postgres';
  rows: number;
  auditRows: number;
  files: { name: string; path: string; written: boolean }[];
}

/**
 * `pnpm cli restore --from FILE` into an empty database — the embedded one in TANSIQ_DATA_DIR (a
 * directory with no database yet) or the server of DATABASE_URL (a database with no tables) —
 * whichever made the backup. Checks the file whole first; migrates the new database to the
 * backup's schema, loads every row in one transaction, then migrates forward to this hub's schema
 * (so a backup of an older Tansiq restores into a newer one) and verifies the audit chain against
 * the backup's record of its head. A backup from a newer schema is refused.
 */
export async function restoreDatabase(config: Config, from: string, logger: Logger): Promise<RestoreReport> {
  const header = await checkBackup(from);
  const known = codeMigrations();
  if (
    header.schema.migrations > known.length ||
    (header.schema.migrations > 0 && known[header.schema.migrations - 1]!.tag !== header.schema.tag)
  ) {
    throw new BackupError(
      `the backup's schema (${header.schema.migrations}, ${header.schema.tag}) is newer than this hub's ` +
        `(${known.length}, ${known.at(-1)?.tag}); restore it with that Tansiq version or newer`,
    );
  }
  const earlier = migrationsUpTo(header.schema.migrations);
  let files: BackupFile[];
  try {
    files = config.DATABASE_URL
      ? await restoreIntoServer(config.DATABASE_URL, from, header, earlier)
      : await restoreIntoPglite(config.TANSIQ_DATA_DIR, from, header, earlier);
  } finally {
    fs.rmSync(earlier, { recursive: true, force: true });
  }
  const written = restoreFiles(config, files);
  // The normal open migrates forward and sets up the application role; then check what came in.
  const database = await openDatabase(config, logger);
  try {
    const audit = await database.readAsSystem((q) => verifyAudit(q));
    if (!audit.ok)
      throw new BackupError(`the restored audit chain does not verify at row ${audit.seq}: ${audit.reason}`);
    if (audit.rows !== header.audit.rows)
      throw new BackupError(
        `the restored audit log has ${audit.rows} rows; the backup recorded ${header.audit.rows}`,
      );
    return {
      header,
      target: database.kind,
      rows: header.tables.reduce((n, t) => n + t.rows, 0),
      auditRows: audit.rows,
      files: written,
    };
  } finally {
    await database.close();
  }
}

async function restoreIntoServer(
  url: string,
  from: string,
  header: BackupHeader,
  migrations: string,
): Promise<BackupFile[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [{ tables }] = (
      await client.query<{ tables: number }>(
        `select count(*)::int as tables from pg_tables where schemaname in ('public', 'drizzle')`,
      )
    ).rows as [{ tables: number }];
    if (tables > 0) throw new BackupError('the target database is not empty: restore into a new database');
    await migratePg(drizzlePg({ client }), { migrationsFolder: migrations });
    const run: Run = async (text, params) => (await client.query(text, params)).rows;
    await run('begin');
    try {
      const files = await loadRows(run, from, header);
      await run('commit');
      return files;
    } catch (err) {
      await run('rollback').catch(() => undefined);
      throw err;
    }
  } finally {
    await client.end();
  }
}

async function restoreIntoPglite(
  dataDir: string,
  from: string,
  header: BackupHeader,
  migrations: string,
): Promise<BackupFile[]> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION')))
    throw new BackupError(`${dataDir} already holds a database: restore into a new directory`);
  await createDataDir(dataDir);
  const client = new PGlite({ dataDir });
  try {
    await client.waitReady;
    await migratePglite(drizzlePglite({ client }), { migrationsFolder: migrations });
    return await client.transaction((tx) =>
      loadRows(
        async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows,
        from,
        header,
      ),
    );
  } finally {
    await client.close();
  }
}

/** Puts the hub's key and the audit checkpoints where this configuration keeps them, if nothing is there. */
function restoreFiles(config: Config, files: BackupFile[]): RestoreReport['files'] {
  const places: Record<string, string> = {
    'hub.key': keyFilePath(config),
    'audit-checkpoints.jsonl': checkpointFile(config),
  };
  return files.flatMap((f): RestoreReport['files'] => {
    const target = places[f.name];
    if (!target) return [];
    if (fs.existsSync(target)) return [{ name: f.name, path: target, written: false }];
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.content, { mode: 0o600, flag: 'wx' });
    return [{ name: f.name, path: target, written: true }];
  });
}
