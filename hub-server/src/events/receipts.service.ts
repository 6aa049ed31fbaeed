import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import type { AuthContext } from '../auth/auth.service.ts';
import { alertDeliveries } from '../alerts/alert-activity.table.ts';
import { loadAlert } from '../alerts/alerts.service.ts';
import { alertEvent, appendEvent } from './events.service.ts';
import { events } from './events.table.ts';

/**
 * A console reports the highest sequence number it has applied. For each alert created up to there
 * and addressed to the console's centre, the first report records when that centre received it,
 * and announces it (`alert:delivered`) to everyone who may see the alert.
 */
export class ReceiptsService {
  constructor(
    private readonly database: Database,
    private readonly committed: () => void,
  ) {}

  async record(auth: AuthContext, after: number, upTo: number): Promise<void> {
    const { principal } = auth;
    if (principal.centre === null || upTo <= after) return;
    const centre = principal.centre;
    const appended = await this.database.asUser(principal, async (tx) => {
      const created = await tx
        .select({ alertId: events.entityId })
        .from(events)
        .where(
          and(
            eq(events.type, 'alert:created'),
            gt(events.seq, after),
            lte(events.seq, upTo),
            sql`${centre} = any(${events.recipients})`,
          ),
        );
      const ids = [...new Set(created.map((c) => c.alertId).filter((id): id is string => !!id))].sort();
      if (ids.length === 0) return 0;
      // One statement, in id order, before any event: an acknowledgement of the same centre holds
      // the alert row and may wait on one of these rows, never the other way round.
      const fresh = await tx
        .insert(alertDeliveries)
        .values(ids.map((alertId) => ({ alertId, centre })))
        .onConflictDoNothing()
        .returning();
      let count = 0;
      for (const delivery of fresh.sort((a, b) => a.alertId.localeCompare(b.alertId))) {
        const alert = await loadAlert(tx, delivery.alertId);
        if (!alert) continue;
        await appendEvent(
          tx,
          alertEvent('alert:delivered', alert, { centre, at: delivery.at.toISOString() }),
        );
        count++;
      }
      return count;
    });
    if (appended > 0) this.committed();
  }
}
