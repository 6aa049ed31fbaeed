import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { appendEvent } from '../events/events.service.ts';
import { centrePresence } from './presence.table.ts';

/** While a centre stays connected (or off shift), its last-seen time is rewritten this often. */
const SEEN_REFRESH_MS = 30_000;

/**
 * Centre presence, kept by the leader: a console connected keeps a joint centre present (and
 * announces `centre:back` after a silence); none for `silentAfterSeconds` while a shift is on
 * announces `centre:silent`, once per silence. Off shift, an empty centre is expected: the silence
 * clock starts when the shift does.
 *
 * A round reads the presence rows once and writes only what changed: `last_seen_at` when a centre
 * stops being seen (the instant its silence starts from) and every 30 s while it is seen, so a new
 * leader that knows no history is at most that far behind.
 */
export class PresenceWorker {
  /** When each centre was last written as seen, by this process while it leads. */
  private readonly seenWritten = new Map<string, number>();

  constructor(
    private readonly database: Database,
    private readonly silentAfterSeconds: number,
  ) {}

  /** Called when this process loses the lead: what it remembers may be out of date when it returns. */
  forget(): void {
    this.seenWritten.clear();
  }

  async check(
    jointCentres: string[],
    connected: Set<string>,
    onShift: boolean,
    now = Date.now(),
  ): Promise<number> {
    const rows = await this.database.readAsSystem((q) =>
      q.select().from(centrePresence).where(inArray(centrePresence.centre, jointCentres)),
    );
    // Nothing to write: every centre is as the last round left it (the common case, one read). What
    // needs writing is decided again below on the locked row.
    const work = jointCentres.filter((centre) => {
      const row = rows.find((r) => r.centre === centre);
      if (!row) return true;
      const seen = connected.has(centre) || !onShift;
      const written = this.seenWritten.get(centre);
      if (seen) return row.silentSince !== null || written === undefined || now - written >= SEEN_REFRESH_MS;
      // Not seen: the round it stops being seen, and the round its silence begins.
      return (
        written !== undefined ||
        (!row.silentSince && now - row.lastSeenAt.getTime() >= this.silentAfterSeconds * 1000)
      );
    });
    if (work.length === 0) return 0;
    return this.database.asSystem(async (tx) => {
      let announced = 0;
      for (const centre of work) {
        await tx.insert(centrePresence).values({ centre }).onConflictDoNothing();
        const [row] = await tx
          .select()
          .from(centrePresence)
          .where(eq(centrePresence.centre, centre))
          .for('update');
        if (!row) continue;
        if (connected.has(centre) || !onShift) {
          await tx
            .update(centrePresence)
            .set({ lastSeenAt: sql`now()`, ...(connected.has(centre) ? { silentSince: null } : {}) })
            .where(eq(centrePresence.centre, centre));
          this.seenWritten.set(centre, now);
          if (connected.has(centre) && row.silentSince) {
            await appendEvent(tx, {
              type: 'centre:back',
              audience: 'staff',
              entityId: centre,
              data: { centre, silentSince: row.silentSince.toISOString() },
            });
            announced++;
          }
        } else if (this.seenWritten.has(centre)) {
          // Seen last round, gone now: its silence is counted from here.
          await tx
            .update(centrePresence)
            .set({ lastSeenAt: sql`now()` })
            .where(eq(centrePresence.centre, centre));
          this.seenWritten.delete(centre);
        } else if (!row.silentSince && now - row.lastSeenAt.getTime() >= this.silentAfterSeconds * 1000) {
          await tx
            .update(centrePresence)
            .set({ silentSince: sql`now()` })
            .where(eq(centrePresence.centre, centre));
          await appendEvent(tx, {
            type: 'centre:silent',
            audience: 'staff',
            entityId: centre,
            data: { centre, lastSeenAt: row.lastSeenAt.toISOString() },
          });
          announced++;
        }
      }
      return announced;
    });
  }
}
