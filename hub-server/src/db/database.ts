import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Principal } from '@tansiq/shared';
import type * as schema from './schema.ts';
import type { Leadership } from './leader.ts';
import { classifyDatabaseError } from './db-errors.ts';
import type { events } from '../events/events.table.ts';

/** A row of the event log. */
export type EventRow = typeof events.$inferSelect;

/** The Drizzle handle every service uses, whichever engine is underneath. */
export type AppDb = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction on it. */
export type AppTx = Parameters<Parameters<AppDb['transaction']>[0]>[0];

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** Connected as the application role (on a server: not a superuser, owns no table). */
  readonly db: AppDb;
  /**
   * Runs `fn` in a transaction that carries the user's claims (`tansiq.role`, `tansiq.centre`,
   * `tansiq.user_id`) as the application role, so row-level security applies to it.
   */
  asUser<T>(principal: Principal, fn: (tx: AppTx) => Promise<T>): Promise<T>;
  /** The same for the hub's own workers (event tailer, deadlines, presence): the claim role `system`. */
  asSystem<T>(fn: (tx: AppTx) => Promise<T>): Promise<T>;
  /**
   * A read of the hub's own (the claim role `system`, which row-level security lets read every
   * row): on a server, `asSystem`; on embedded PGlite, the statements run straight on its one
   * connection, its superuser, which reads every row without a transaction or a policy to evaluate
   * (a third of the round trips into the WebAssembly engine). Reads only: a write goes through
   * `asSystem`, where the triggers see the claims.
   */
  readAsSystem<T>(fn: (q: AppDb | AppTx) => Promise<T>): Promise<T>;
  /**
   * Calls `fn` with the events a transaction of `asUser` or `asSystem` appended (`appendEvent`), in
   * sequence order, as soon as it has committed: the writing process hands them to its sockets
   * without reading them back. Not called for a transaction that failed or whose commit went
   * unanswered (the log reader finds what did commit). One listener; a later call replaces it.
   */
  onEventsAppended(fn: (rows: EventRow[]) => void): void;
  /** A fresh claim on leadership among hub processes sharing this database. */
  leadership(): Leadership;
  /**
   * Calls `wake` whenever events commit, on any process sharing this database (PostgreSQL
   * LISTEN/NOTIFY on the `tansiq_events` channel), with the last sequence number committed, and
   * once more, with none, after a lost listening connection is back (notifications sent meanwhile
   * are lost). Resolves with a function that stops listening.
   */
  onEventsCommitted(wake: (last: number | null) => void): Promise<() => Promise<void>>;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The rows of a raw query (node-postgres and PGlite both answer `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** Runs `fn` in one database transaction (BEGIN … COMMIT, or ROLLBACK when it throws). */
export type TransactionRunner = <T>(fn: (tx: AppTx) => Promise<T>) => Promise<T>;

/**
 * The shared body of `asUser`. `setRole` is the application role to switch to when the connection
 * itself is privileged (embedded PGlite runs as its superuser); null on a server, where the pool
 * already connects as the application role. `system` runs the hub's own transactions (on a server,
 * a pool of their own).
 */
export function claimsTransaction(
  transaction: TransactionRunner,
  setRole: string | null,
  system: TransactionRunner = transaction,
) {
  let appendedListener: ((rows: EventRow[]) => void) | null = null;
  const once = async <T>(
    run: TransactionRunner,
    principal: Principal | SystemClaims,
    fn: (tx: AppTx) => Promise<T>,
  ): Promise<T> => {
    const rows: EventRow[] = [];
    const result = await run(async (tx) => {
      appended.set(tx, rows);
      // One statement: the role switch (set_config('role') is SET LOCAL ROLE) and the claims.
      await tx.execute(
        sql`select set_config('role', ${setRole ?? 'none'}, true), set_config('tansiq.role', ${principal.role}, true), set_config('tansiq.centre', ${principal.centre ?? ''}, true), set_config('tansiq.user_id', ${principal.userId}, true)`,
      );
      return fn(tx);
    });
    // Committed: the caller's answer must not wait for, or fail with, the delivery.
    if (rows.length > 0 && appendedListener) {
      try {
        appendedListener(rows);
      } catch {
        // The log reader delivers them instead.
      }
    }
    return result;
  };
  // A transaction that lost a race (deadlock, serialisation failure) rolled back whole: run it again.
  const withRetry = async <T>(
    run: TransactionRunner,
    principal: Principal | SystemClaims,
    fn: (tx: AppTx) => Promise<T>,
  ): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(run, principal, fn);
      } catch (err) {
        if (attempt >= RACE_RETRIES || classifyDatabaseError(err) !== 'retry') throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  };
  return {
    asUser: <T>(principal: Principal, fn: (tx: AppTx) => Promise<T>) => withRetry(transaction, principal, fn),
    asSystem: <T>(fn: (tx: AppTx) => Promise<T>) => withRetry(system, SYSTEM_CLAIMS, fn),
    onEventsAppended: (fn: (rows: EventRow[]) => void) => {
      appendedListener = fn;
    },
  };
}

/** The events each open transaction of `claimsTransaction` has appended so far. */
const appended = new WeakMap<AppTx, EventRow[]>();

/**
 * Notes an event `tx` appended, for the listener of `onEventsAppended` once `tx` commits. A
 * transaction not begun by `asUser`/`asSystem` (a savepoint, a service's own) keeps no note: its
 * events reach sockets through the log reader.
 */
export function noteAppended(tx: AppTx, row: EventRow): void {
  appended.get(tx)?.push(row);
}

const RACE_RETRIES = 4;

interface SystemClaims {
  userId: string;
  role: 'system';
  centre: null;
}
export const SYSTEM_CLAIMS: SystemClaims = {
  userId: '00000000-0000-0000-0000-000000000000',
  role: 'system',
  centre: null,
};
