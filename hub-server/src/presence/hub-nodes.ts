import { randomUUID } from 'node:crypto';
import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { hubNodes } from './presence.table.ts';

/** A process writes its row at least this often, and at once when its centres change. */
const REFRESH_MS = 5000;
/** A row not refreshed for this long belongs to a process that is gone. */
const LIVE_SECONDS = 15;
/** Rows of processes gone this long are deleted. */
const FORGET_SECONDS = 3600;

/**
 * Which joint centres have a console connected to any hub process. Each process keeps a row of
 * the centres it holds a socket of (written by `report`, on every process, each worker round); a
 * centre counts as connected when this process holds one of its sockets or another process's live
 * row names it. Embedded PGlite is one process by construction: only its own sockets count.
 */
export class HubNodes {
  readonly id = randomUUID();
  private written: { centres: string; at: number } | null = null;

  constructor(
    private readonly database: Database,
    /** The centres with a socket on this process. */
    private readonly local: () => string[],
  ) {}

  private get shared(): boolean {
    return this.database.kind === 'postgres';
  }

  /** Writes this process's row when its centres changed or the last write is getting old. */
  async report(now = Date.now()): Promise<void> {
    if (!this.shared) return;
    const centres = [...new Set(this.local())].sort();
    const key = centres.join(',');
    if (this.written && this.written.centres === key && now - this.written.at < REFRESH_MS) return;
    await this.database.asSystem(async (tx) => {
      await tx
        .insert(hubNodes)
        .values({ id: this.id, centres })
        .onConflictDoUpdate({ target: hubNodes.id, set: { centres, seenAt: sql`now()` } });
      await tx
        .delete(hubNodes)
        .where(lt(hubNodes.seenAt, sql`now() - make_interval(secs => ${FORGET_SECONDS})`));
    });
    this.written = { centres: key, at: now };
  }

  /** The centres with a console on this process or on another live one. */
  async connected(): Promise<Set<string>> {
    const centres = new Set(this.local());
    if (!this.shared) return centres;
    const rows = await this.database.readAsSystem((q) =>
      q
        .select({ centres: hubNodes.centres })
        .from(hubNodes)
        .where(
          and(
            ne(hubNodes.id, this.id),
            gt(hubNodes.seenAt, sql`now() - make_interval(secs => ${LIVE_SECONDS})`),
          ),
        ),
    );
    for (const row of rows) for (const c of row.centres) centres.add(c);
    return centres;
  }

  /** Removes this process's row (a clean stop): its consoles count nowhere from now on. */
  async remove(): Promise<void> {
    if (!this.shared || !this.written) return;
    await this.database.asSystem((tx) => tx.delete(hubNodes).where(eq(hubNodes.id, this.id)));
    this.written = null;
  }
}
