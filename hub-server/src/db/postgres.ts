import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './schema.ts';
import { migrationsFolder } from './migrations.ts';
import {
  claimsTransaction,
  SYSTEM_CLAIMS,
  type AppDb,
  type Database,
  type TransactionRunner,
} from './database.ts';
import { classifyDatabaseError } from './db-errors.ts';
import { ensureAppRole, type Exec } from './app-role.ts';
import { advisoryLeader } from './leader.ts';
import { listenForEvents } from './events-listener.ts';
import { databaseSchemaVersion } from './schema-version.ts';
import { PreparingClient } from './prepared.ts';
import type { Logger } from '../logger.ts';

export interface PostgresOptions {
  /** Owner connection: runs migrations and creates/grants the application role. */
  ownerUrl: string;
  /** Application connection; default: ownerUrl with the user `appRole` (and `appPassword`). */
  appUrl?: string;
  appRole: string;
  appPassword?: string;
  poolMax: number;
  logger: Logger;
}

// Any constant: serialises migrations when several hub processes start together.
const MIGRATION_LOCK_KEY = 7_431_202_611;

export class DatabaseSetupError extends Error {
  override name = 'DatabaseSetupError';
}

export function deriveAppUrl(ownerUrl: string, role: string, password?: string): string {
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(role);
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}

/** Migrates as the owner, makes sure the application role exists with exactly its grants. */
export async function migratePostgres(options: PostgresOptions): Promise<string> {
  const appUrl = options.appUrl ?? deriveAppUrl(options.ownerUrl, options.appRole, options.appPassword);
  const appRole = decodeURIComponent(new URL(appUrl).username);
  const owner = new pg.Client({ connectionString: options.ownerUrl });
  // A connection lost mid-migration fails the query in progress; the event itself must not end the process.
  owner.on('error', (err) => options.logger.warn({ err }, 'PostgreSQL owner connection lost'));
  await owner.connect();
  try {
    await owner.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const { rows } = await owner.query<{ user: string }>('select current_user as user');
    if (rows[0]?.user === appRole) {
      throw new DatabaseSetupError(
        `the application role "${appRole}" must not be the migration (owner) role of DATABASE_URL`,
      );
    }
    const exec: Exec = (text, params) => owner.query(text, params);
    await databaseSchemaVersion(exec);
    await migrate(drizzle({ client: owner, schema }), { migrationsFolder });
    await ensureAppRole(
      exec,
      appRole,
      options.appPassword ? owner.escapeLiteral(options.appPassword) : undefined,
    );
    await owner.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  } finally {
    await owner.end();
  }
  return appUrl;
}

/** Refuses to run as a role that could step around the database's own rules. */
async function assertUnprivileged(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{
    rolname: string;
    rolsuper: boolean;
    rolbypassrls: boolean;
    owned: number;
  }>(
    `select r.rolname, r.rolsuper, r.rolbypassrls,
            (select count(*)::int from pg_tables t where t.schemaname = 'public' and t.tableowner = r.rolname) as owned
       from pg_roles r where r.rolname = current_user`,
  );
  const me = rows[0];
  if (!me || me.rolsuper || me.rolbypassrls || me.owned > 0) {
    throw new DatabaseSetupError(
      `the application role "${me?.rolname ?? '?'}" must not be a superuser, bypass row-level security or own tables`,
    );
  }
}

/**
 * A pool that rides through a server restart: every client it hands out has an error handler (an
 * unhandled 'error' on a checked-out client would end the process), and errors are logged by code
 * and message, never with the client object.
 */
function resilientPool(url: string, max: number, name: string, logger: Logger, options?: string): pg.Pool {
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    ...(options ? { options } : {}),
  });
  const log = (err: Error) => logger.warn({ pool: name, err }, 'PostgreSQL connection lost');
  pool.on('error', log);
  pool.on('connect', (client) => client.on('error', log));
  return pool;
}

/**
 * Transactions on a pool, with the client's release in our hands: Drizzle's pooled transaction
 * runs BEGIN outside its try/finally, so a BEGIN that fails on a connection the server just closed
 * never gives the client back (drizzle-orm 0.45, upstream issue 6023), and a client whose ROLLBACK
 * failed goes back to the pool as if healthy. Here the client is always released, and destroyed
 * (release with the error) when its connection is broken.
 */
export function pooledTransactions(pool: pg.Pool): TransactionRunner {
  // One Drizzle handle per pooled connection (building one costs ~0.1 ms), dropped with it.
  const handles = new WeakMap<pg.PoolClient, AppDb>();
  const handleOf = (client: pg.PoolClient): AppDb => {
    const known = handles.get(client);
    if (known) return known;
    const made = drizzle({ client, schema });
    handles.set(client, made);
    return made;
  };
  return async (fn) => {
    const client = await pool.connect();
    const handle = handleOf(client);
    let broken: Error | undefined;
    try {
      return await handle.transaction(fn);
    } catch (err) {
      const trouble = classifyDatabaseError(err);
      if (trouble && trouble !== 'retry') broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(broken);
    }
  };
}

/** Connections of the hub's own work (event tailer, leader's workers): users cannot exhaust them. */
const SYSTEM_POOL_MAX = 2;

/**
 * Every connection of the system pool carries the hub's own claims for its whole session, as
 * startup parameters (`-c tansiq.role=system …`): a read as the hub is then one statement, with no
 * transaction around it. (Transactions still set them locally.)
 */
const SYSTEM_SESSION = `-c tansiq.role=${SYSTEM_CLAIMS.role} -c tansiq.user_id=${SYSTEM_CLAIMS.userId}`;

/** A PostgreSQL server: migrate as the owner, then run as the unprivileged application role. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const appUrl = await migratePostgres(options);
  const pool = resilientPool(appUrl, options.poolMax, 'users', options.logger);
  const systemPool = resilientPool(appUrl, SYSTEM_POOL_MAX, 'system', options.logger, SYSTEM_SESSION);
  const systemDb: AppDb = drizzle({ client: systemPool, schema });
  let closed = false;
  try {
    await assertUnprivileged(pool);
  } catch (err) {
    await Promise.all([pool.end(), systemPool.end()]);
    throw err;
  }
  const db: AppDb = drizzle({ client: pool, schema });
  const transactions = pooledTransactions(pool);
  // Every transaction on the pool, the services' own `db.transaction` included, releases its
  // connection whatever happens (see pooledTransactions).
  db.transaction = (fn) => transactions(fn);
  const claims = claimsTransaction(transactions, null, pooledTransactions(systemPool));
  return {
    kind: 'postgres',
    db,
    ...claims,
    readAsSystem: (fn) => fn(systemDb),
    leadership: () => advisoryLeader(appUrl),
    onEventsCommitted: (wake) => listenForEvents(appUrl, wake, options.logger),
    async ping() {
      await systemPool.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([pool.end(), systemPool.end()]);
    },
  };
}
