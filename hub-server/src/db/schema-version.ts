import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrationsFolder } from './migrations.ts';
import type { Exec } from './app-role.ts';

/** One migration of the journal drizzle-kit writes (hub-server/drizzle/meta/_journal.json). */
export interface Migration {
  idx: number;
  tag: string;
  /** drizzle-orm records it as `created_at` of the applied row. */
  when: number;
}

/** The migrations this hub knows, in order. */
export function codeMigrations(folder = migrationsFolder): Migration[] {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Migration[];
  };
  return journal.entries.map(({ idx, tag, when }) => ({ idx, tag, when }));
}

/** A database's schema version: how many of the migrations are applied, and the last one's tag. */
export interface SchemaVersion {
  migrations: number;
  tag: string | null;
}

export function versionOf(migrations: Migration[], count: number): SchemaVersion {
  return { migrations: count, tag: count > 0 ? (migrations[count - 1]?.tag ?? null) : null };
}

export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
}

/**
 * The database's schema version, read from drizzle's own record of applied migrations (null when
 * it has none: a new database). Refuses a database that has applied a migration this hub does not
 * know — made by a newer Tansiq: migrations are forward-only, and running older code against it
 * would write rows the newer schema does not expect.
 */
export async function databaseSchemaVersion(
  exec: Exec,
  known = codeMigrations(),
): Promise<SchemaVersion | null> {
  const { rows: present } = await exec(
    `select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!(present[0] as { present: boolean }).present) return null;
  const { rows } = await exec(
    `select created_at::text as at from drizzle.__drizzle_migrations order by created_at`,
  );
  const applied = (rows as { at: string }[]).map((r) => Number(r.at));
  const unknown = applied.filter((when) => !known.some((m) => m.when === when));
  if (unknown.length > 0 || applied.length > known.length) {
    const mine = versionOf(known, known.length);
    throw new SchemaVersionError(
      `the database's schema is newer than this hub: it has ${applied.length} migrations applied, ` +
        `${unknown.length} of them unknown here, and this hub (schema ${mine.migrations}, ${mine.tag}) ` +
        'knows only its own. Run the Tansiq version that last used this database (or newer); ' +
        'migrations only go forward.',
    );
  }
  return versionOf(known, applied.length);
}

/**
 * A copy of the migrations folder that stops after the first `count` migrations: migrating with it
 * brings a database to that earlier schema (a restore of an older backup, the upgrade tests).
 * The caller removes the directory.
 */
export function migrationsUpTo(count: number, folder = migrationsFolder): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tansiq-migrations-'));
  fs.mkdirSync(path.join(dir, 'meta'));
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Migration[];
  };
  const entries = journal.entries.slice(0, count);
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) fs.copyFileSync(path.join(folder, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}
