import { and, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import type { AuthContext } from '../auth/auth.service.ts';
import { alertDeliveries } from '../alerts/alert-activity.table.ts';
import { loadAlert } from '../alerts/alerts.service.ts';
import { alerts } from '../alerts/alerts.table.ts';
import { alertEvent, appendEvent } from './events.service.ts';
import { events } from './events.table.ts';

/**
 * A console reports the highest sequence number it has applied. For each alert created up to there
 * and addressed to the console's centre, the first report records when that centre received it,
 * and announces it (`alert:delivered`) to everyone who may see the alert.
 */
export class ReceiptsService {
  constructor(private readonly database: Database) {}

  /** The alerts created in (after, upTo] and addressed to the caller's centre reached one of its consoles. */
  async record(auth: AuthContext, after: number, upTo: number): Promise<void> {
    const { principal } = auth;
    if (principal.centre === null || upTo <= after) return;
    const centre = principal.centre;
    const created = await this.database.asUser(principal, (tx) =>
      tx
        .select({ alertId: events.entityId })
        .from(events)
        .where(
          and(
            eq(events.type, 'alert:created'),
            gt(events.seq, after),
            lte(events.seq, upTo),
            sql`${centre} = any(${events.recipients})`,
          ),
        ),
    );
    await this.delivered(
      auth,
      created.map((c) => c.alertId).filter((id): id is string => !!id),
    );
  }

  /**
   * These alerts reached a console of the caller's centre (a receipt, or a snapshot the hub sent):
   * the first time for each alert addressed to the centre records when, and announces it.
   */
  async delivered(auth: AuthContext, alertIds: string[]): Promise<void> {
    const { principal } = auth;
    if (principal.centre === null || alertIds.length === 0) return;
    const centre = principal.centre;
    await this.database.asUser(principal, async (tx) => {
      const addressed = await tx
        .select({ id: alerts.id })
        .from(alerts)
        .where(and(inArray(alerts.id, [...new Set(alertIds)]), sql`${centre} = any(${alerts.recipients})`));
      const ids = addressed.map((a) => a.id).sort();
      if (ids.length === 0) return;
      // One statement, in id order, before any event: an acknowledgement of the same centre holds
      // the alert row and may wait on one of these rows, never the other way round.
      const fresh = await tx
        .insert(alertDeliveries)
        .values(ids.map((alertId) => ({ alertId, centre })))
        .onConflictDoNothing()
        .returning();
      for (const delivery of fresh.sort((a, b) => a.alertId.localeCompare(b.alertId))) {
        const alert = await loadAlert(tx, delivery.alertId);
        if (!alert) continue;
        await appendEvent(
          tx,
          alertEvent('alert:delivered', alert, { centre, at: delivery.at.toISOString() }),
        );
      }
    });
  }
}
