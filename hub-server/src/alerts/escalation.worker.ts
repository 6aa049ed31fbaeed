import { and, isNull, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { alertEvent, appendEvent } from '../events/events.service.ts';
import { alertDeadlines, alertUpdates } from './alert-activity.table.ts';
import { loadAlert } from './alerts.service.ts';

/**
 * Escalates every deadline that has passed unacknowledged, once: the UPDATE claims each row
 * (settled_at was NULL) in the same transaction that writes the escalation and its event, so
 * neither a restart nor a second hub process can escalate it again. Returns how many fired.
 */
export async function escalateDueDeadlines(database: Database): Promise<number> {
  // Most rounds find nothing due: one read says so before a transaction is opened.
  const [due] = await database.readAsSystem((q) =>
    q
      .select({ id: alertDeadlines.alertId })
      .from(alertDeadlines)
      .where(and(isNull(alertDeadlines.settledAt), lte(alertDeadlines.dueAt, sql`now()`)))
      .limit(1),
  );
  if (!due) return 0;
  return database.asSystem(async (tx) => {
    const due = await tx
      .update(alertDeadlines)
      .set({ settledAt: sql`now()`, escalatedAt: sql`now()` })
      .where(and(isNull(alertDeadlines.settledAt), lte(alertDeadlines.dueAt, sql`now()`)))
      .returning();
    for (const deadline of due) {
      const alert = await loadAlert(tx, deadline.alertId);
      if (!alert) continue;
      await tx
        .insert(alertUpdates)
        .values({ alertId: alert.id, kind: 'deadline_missed', centre: deadline.centre });
      await recordAudit(
        tx,
        { source: 'hub' },
        {
          action: 'alert.escalate',
          outcome: 'ok',
          targetType: 'alert',
          targetId: alert.id,
          details: { reason: 'acknowledgement deadline missed', centre: deadline.centre },
        },
      );
      await appendEvent(
        tx,
        alertEvent('alert:escalated', alert, {
          centre: deadline.centre,
          dueAt: deadline.dueAt.toISOString(),
          manual: false,
        }),
      );
    }
    return due.length;
  });
}
