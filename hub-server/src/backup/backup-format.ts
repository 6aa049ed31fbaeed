import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { quoteIdent } from '../db/app-role.ts';
import { SYSTEM_CLAIMS } from '../db/database.ts';
import { codeMigrations, versionOf, type SchemaVersion } from '../db/schema-version.ts';

/**
 * A Tansiq backup: gzip of JSON lines, the same whichever database made it and whichever receives
 * it. Line 1 is the header; then one line per file kept beside the database (the hub's key, the
 * audit checkpoints); then, table by table in an order that satisfies every foreign key, a line
 * `{"@table": …}` followed by one line per row (PostgreSQL's own `row_to_json`, generated columns
 * left out); last a trailer with the number of lines and the SHA-256 of every byte before it, so a
 * cut or altered file is refused before anything is restored.
 */
export const BACKUP_FORMAT = 'tansiq-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  hub: { version: string; commit: string };
  source: 'pglite' | 'postgres';
  schema: SchemaVersion;
  /** The audit chain's length and last link when the snapshot was taken. */
  audit: { rows: number; head: { seq: number; hash: string } | null };
  /** In restore order (parents before children). */
  tables: { name: string; columns: string[]; rows: number }[];
  files: string[];
}

export interface BackupFile {
  /** A name, not a path: `hub.key`, `audit-checkpoints.jsonl`. */
  name: string;
  content: Buffer;
}

/** One SQL statement inside the backup's snapshot; rows as plain objects. */
export type SnapshotQuery = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export class BackupError extends Error {
  override name = 'BackupError';
}

/** The public tables, parents before children (ties by name), so inserts in this order satisfy every foreign key. */
export async function tablesInRestoreOrder(q: SnapshotQuery): Promise<string[]> {
  const tables = (
    await q(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
    )
  ).map((r) => String(r.name));
  const edges = await q(
    `select ch.relname as child, pa.relname as parent from pg_constraint k
       join pg_class ch on ch.oid = k.conrelid join pg_class pa on pa.oid = k.confrelid
       join pg_namespace n on n.oid = ch.relnamespace
      where k.contype = 'f' and n.nspname = 'public' and ch.oid <> pa.oid`,
  );
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) parents.get(String(e.child))?.add(String(e.parent));
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < tables.length) {
    const next = tables.find((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p)));
    if (!next) throw new BackupError('the foreign keys between tables form a cycle');
    order.push(next);
    placed.add(next);
  }
  return order;
}

async function storedColumns(q: SnapshotQuery, table: string): Promise<string[]> {
  const rows = await q(
    `select a.attname as name from pg_attribute a join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = $1 and a.attnum > 0 and not a.attisdropped
        and a.attgenerated = '' order by a.attnum`,
    [table],
  );
  return rows.map((r) => String(r.name));
}

/** Writes a line, waiting when the stream asks to. */
async function put(out: Writable, hash: ReturnType<typeof createHash>, value: unknown): Promise<void> {
  const line = `${typeof value === 'string' ? value : JSON.stringify(value)}\n`;
  hash.update(line);
  if (!out.write(line)) await once(out, 'drain');
}

const PAGE = 500;

/**
 * Writes the backup of the database `q` reads (one snapshot: call it inside a REPEATABLE READ
 * transaction on a server, or the embedded database's one transaction) to `out` (uncompressed
 * lines; the caller gzips). Reads as the hub itself (claims of the system role), so row-level
 * security lets every row through.
 */
export async function writeBackup(
  q: SnapshotQuery,
  out: Writable,
  meta: { source: BackupHeader['source']; hub: BackupHeader['hub']; files: BackupFile[] },
): Promise<BackupHeader> {
  await q(
    `select set_config('tansiq.role', $1, true), set_config('tansiq.user_id', $2, true), set_config('tansiq.centre', '', true)`,
    [SYSTEM_CLAIMS.role, SYSTEM_CLAIMS.userId],
  );
  const known = codeMigrations();
  const applied = await q(`select count(*)::int as n from drizzle.__drizzle_migrations`);
  const schema = versionOf(known, Number(applied[0]!.n));
  const tables: BackupHeader['tables'] = [];
  for (const name of await tablesInRestoreOrder(q)) {
    const [row] = await q(`select count(*)::int as n from ${quoteIdent(name)}`);
    tables.push({ name, columns: await storedColumns(q, name), rows: Number(row!.n) });
  }
  const [head] = await q(`select seq::int as seq, hash from audit_log order by seq desc limit 1`);
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    hub: meta.hub,
    source: meta.source,
    schema,
    audit: {
      rows: tables.find((t) => t.name === 'audit_log')?.rows ?? 0,
      head: head ? { seq: Number(head.seq), hash: String(head.hash) } : null,
    },
    tables,
    files: meta.files.map((f) => f.name),
  };
  const hash = createHash('sha256');
  let lines = 0;
  const line = async (value: unknown) => {
    await put(out, hash, value);
    lines++;
  };
  await line(header);
  for (const f of meta.files) await line({ '@file': f.name, base64: f.content.toString('base64') });
  for (const t of tables) {
    await line({ '@table': t.name });
    const select = t.columns.map(quoteIdent).join(', ');
    await q(
      `declare tansiq_backup no scroll cursor for select row_to_json(x)::text as j from (select ${select} from ${quoteIdent(t.name)}) x`,
    );
    for (;;) {
      const page = await q(`fetch ${PAGE} from tansiq_backup`);
      for (const r of page) await line(String(r.j));
      if (page.length < PAGE) break;
    }
    await q('close tansiq_backup');
  }
  await put(out, createHash('sha256'), { '@end': true, lines, sha256: hash.digest('hex') });
  return header;
}

/** Reads a backup's lines in order (gunzipped). */
async function* lines(file: string): AsyncGenerator<string> {
  const raw = fs.createReadStream(file);
  const input = raw.pipe(createGunzip());
  // pipe() does not pass a read error on: without this it would end the process.
  raw.on('error', (err) => input.destroy(err));
  yield* readline.createInterface({ input, crlfDelay: Infinity });
}

/**
 * Checks the whole file (format, every line, the trailer's count and SHA-256) and returns its
 * header. Throws BackupError naming what is wrong; reads nothing into a database.
 */
export async function checkBackup(file: string): Promise<BackupHeader> {
  try {
    if (!fs.statSync(file).isFile()) throw new Error('not a file');
  } catch (err) {
    throw new BackupError(`the backup cannot be read: ${file}: ${(err as Error).message}`);
  }
  const hash = createHash('sha256');
  let header: BackupHeader | null = null;
  let count = 0;
  let trailer = null as { lines: number; sha256: string } | null;
  try {
    for await (const text of lines(file)) {
      if (trailer) throw new BackupError('the backup goes on after its trailer');
      const value = JSON.parse(text) as Record<string, unknown>;
      if (count === 0) {
        if (value.format !== BACKUP_FORMAT) throw new BackupError('not a Tansiq backup');
        if (value.formatVersion !== BACKUP_FORMAT_VERSION)
          throw new BackupError(`backup format ${String(value.formatVersion)} is not one this hub reads`);
        header = value as unknown as BackupHeader;
      }
      if (value['@end'] === true && count > 0) {
        trailer = value as unknown as { lines: number; sha256: string };
        continue;
      }
      hash.update(`${text}\n`);
      count++;
    }
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`the backup cannot be read: ${(err as Error).message}`);
  }
  if (!header) throw new BackupError('the backup is empty');
  if (!trailer) throw new BackupError('the backup is cut short (no trailer)');
  if (trailer.lines !== count || trailer.sha256 !== hash.digest('hex'))
    throw new BackupError('the backup does not match its checksum (altered or damaged)');
  return header;
}

/** What `readBackup` hands over, in file order. */
export type BackupItem =
  { kind: 'file'; name: string; content: Buffer } | { kind: 'rows'; table: string; rows: string[] };

/** The backup's files and rows (rows in batches of one table), after `checkBackup` passed. */
export async function* readBackup(file: string, batch = PAGE): AsyncGenerator<BackupItem> {
  let table: string | null = null;
  let rows: string[] = [];
  let first = true;
  for await (const text of lines(file)) {
    if (first) {
      first = false;
      continue;
    }
    // Markers start with "@": no column of the schema does.
    if (text.startsWith('{"@file":')) {
      const f = JSON.parse(text) as { '@file': string; base64: string };
      yield { kind: 'file', name: f['@file'], content: Buffer.from(f.base64, 'base64') };
    } else if (text.startsWith('{"@table":') || text.startsWith('{"@end":')) {
      if (table && rows.length > 0) yield { kind: 'rows', table, rows };
      rows = [];
      table = text.startsWith('{"@table":') ? (JSON.parse(text) as { '@table': string })['@table'] : null;
    } else if (table) {
      rows.push(text);
      if (rows.length >= batch) {
        yield { kind: 'rows', table, rows };
        rows = [];
      }
    }
  }
}
