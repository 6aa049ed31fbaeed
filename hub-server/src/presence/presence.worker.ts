import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { appendEvent } from '../events/events.service.ts';
import { centrePresence } from './presence.table.ts';

/**
 * For each joint centre: a console connected keeps it present (and announces `centre:back` after a
 * silence); none for `silentAfterSeconds` while a shift is on announces `centre:silent`, once per
 * silence. Off shift, an empty centre is expected: the silence clock starts when the shift does.
 */
export async function checkPresence(
  database: Database,
  jointCentres: string[],
  connected: (centre: string) => Promise<boolean>,
  silentAfterSeconds: number,
  onShift: () => boolean = () => true,
): Promise<number> {
  const shiftOn = onShift();
  const online = new Map(await Promise.all(jointCentres.map(async (c) => [c, await connected(c)] as const)));
  return database.asSystem(async (tx) => {
    let announced = 0;
    for (const centre of jointCentres) {
      await tx.insert(centrePresence).values({ centre }).onConflictDoNothing();
      const [row] = await tx
        .select()
        .from(centrePresence)
        .where(eq(centrePresence.centre, centre))
        .for('update');
      if (!row) continue;
      if (online.get(centre)) {
        await tx
          .update(centrePresence)
          .set({ lastSeenAt: sql`now()`, silentSince: null })
          .where(eq(centrePresence.centre, centre));
        if (row.silentSince) {
          await appendEvent(tx, {
            type: 'centre:back',
            audience: 'staff',
            entityId: centre,
            data: { centre, silentSince: row.silentSince.toISOString() },
          });
          announced++;
        }
      } else if (!shiftOn) {
        // Nobody is expected: the silence is counted from the start of the next shift.
        await tx
          .update(centrePresence)
          .set({ lastSeenAt: sql`now()` })
          .where(eq(centrePresence.centre, centre));
      } else if (!row.silentSince && Date.now() - row.lastSeenAt.getTime() >= silentAfterSeconds * 1000) {
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
