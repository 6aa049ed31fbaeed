import pg from 'pg';

/** Leadership among hub processes on one database: whoever holds the advisory lock. */
export interface Leadership {
  /** True while this process holds the lock; tries to take it when free. */
  check(): Promise<boolean>;
  release(): Promise<void>;
}

/** Embedded PGlite has one process by construction: it always leads. */
export const soleLeader: Leadership = { check: async () => true, release: async () => undefined };

// Any constant, distinct from the migration lock.
const LEADER_LOCK_KEY = 7_431_202_620;

/** A session-level advisory lock on a connection of its own; losing the connection loses the lead. */
export function advisoryLeader(url: string): Leadership {
  let client: pg.Client | null = null;
  let leading = false;
  let pending: Promise<boolean> | null = null;
  const drop = () => {
    leading = false;
    client = null;
  };
  const attempt = async (): Promise<boolean> => {
    if (leading && client) return true;
    try {
      if (!client) {
        // Bounded connect and keep-alive: a leader whose link hangs must give up, not wait for ever.
        const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
        c.on('error', drop);
        c.on('end', drop);
        await c.connect();
        client = c;
      }
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [
        LEADER_LOCK_KEY,
      ]);
      leading = rows[0]?.ok === true;
    } catch {
      drop();
    }
    return leading;
  };
  return {
    // One attempt at a time: two racing connections could leave the lock on an orphaned one.
    check() {
      pending ??= attempt().finally(() => (pending = null));
      return pending;
    },
    async release() {
      const c = client;
      drop();
      await c?.end().catch(() => undefined);
    },
  };
}
