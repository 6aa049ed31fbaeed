import { appGrants } from './migrations.ts';

/** Runs one SQL statement on the owner connection. */
export type Exec = (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Makes sure the application role exists with no power beyond its table grants (no superuser,
 * no BYPASSRLS, no role or database creation). `passwordLiteral` is an already-escaped SQL literal.
 * One transaction: other hub processes on the same database keep using the role while this one
 * starts, and must never see it between the REVOKE and the GRANTs.
 */
export async function ensureAppRole(exec: Exec, role: string, passwordLiteral?: string): Promise<void> {
  await exec('begin');
  try {
    await grantAppRole(exec, role, passwordLiteral);
    await exec('commit');
  } catch (err) {
    await exec('rollback').catch(() => undefined);
    throw err;
  }
}

async function grantAppRole(exec: Exec, role: string, passwordLiteral?: string): Promise<void> {
  const ident = quoteIdent(role);
  const { rows } = await exec('select 1 from pg_roles where rolname = $1', [role]);
  if (rows.length === 0) await exec(`create role ${ident} login`);
  // Only the attributes that are not yet as they must be: an owner that is not a superuser (a
  // centre's database administrator keeps that) may not even restate SUPERUSER, BYPASSRLS or
  // REPLICATION, and has no need to when the role was made without them.
  const [current] = (
    await exec(
      `select rolcanlogin as login, rolsuper as superuser, rolcreatedb as createdb, rolcreaterole as createrole,
              rolbypassrls as bypassrls, rolreplication as replication
         from pg_roles where rolname = $1`,
      [role],
    )
  ).rows as Record<
    'login' | 'superuser' | 'createdb' | 'createrole' | 'bypassrls' | 'replication',
    boolean
  >[];
  const wanted = {
    login: true,
    superuser: false,
    createdb: false,
    createrole: false,
    bypassrls: false,
    replication: false,
  };
  const changes = Object.entries(wanted)
    .filter(([name, value]) => current![name as keyof typeof wanted] !== value)
    .map(([name, value]) => (value ? name : `no${name}`));
  if (passwordLiteral) changes.push(`password ${passwordLiteral}`);
  if (changes.length > 0) await exec(`alter role ${ident} ${changes.join(' ')}`);
  const db = (await exec('select current_database() as db')).rows[0] as { db: string };
  await exec(`grant connect on database ${quoteIdent(db.db)} to ${ident}`);
  await exec(`grant usage on schema public to ${ident}`);
  await exec(`revoke all on all tables in schema public from ${ident}`);
  for (const [table, privileges] of Object.entries(appGrants)) {
    await exec(`grant ${privileges.join(', ')} on ${quoteIdent(table)} to ${ident}`);
  }
}
