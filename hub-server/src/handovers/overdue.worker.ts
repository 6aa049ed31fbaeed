import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { appendEvent } from '../events/events.service.ts';
import { handovers } from './handovers.table.ts';
import { markOverdue } from './handovers.service.ts';
import type { ShiftCalendar } from './shifts.ts';

/**
 * Announces `handover:overdue` for each joint centre whose last ended shift has no accepted
 * handover `graceMinutes` after it ended. The handover_overdue row is claimed in the same
 * transaction as the event, so a restart or a second hub process never announces it twice.
 * `settled` remembers the centre and shift pairs found accepted or already announced, which cannot
 * change any more: the next rounds of the same shift read nothing for them.
 */
export async function announceOverdueHandovers(
  database: Database,
  jointCentres: string[],
  calendar: ShiftCalendar,
  graceMinutes: number,
  now: Date = new Date(),
  settled: Set<string> = new Set(),
): Promise<number> {
  const shift = calendar.previous(now);
  if (now.getTime() < shift.end.getTime() + graceMinutes * 60_000) return 0;
  const key = (centre: string) => `${centre}@${shift.start.toISOString()}`;
  const open = jointCentres.filter((centre) => !settled.has(key(centre)));
  if (open.length === 0) return 0;
  // Pairs of earlier shifts are of no use any more.
  for (const k of settled) if (!k.endsWith(`@${shift.start.toISOString()}`)) settled.delete(k);
  const announced = await database.asSystem(async (tx) => {
    let announced = 0;
    for (const centre of open) {
      const [accepted] = await tx
        .select({ id: handovers.id })
        .from(handovers)
        .where(
          and(
            eq(handovers.centre, centre),
            eq(handovers.shiftStart, shift.start),
            eq(handovers.status, 'accepted'),
          ),
        );
      if (accepted || !(await markOverdue(tx, centre, shift.start))) continue;
      const data = {
        centre,
        shiftStart: shift.start.toISOString(),
        shiftEnd: shift.end.toISOString(),
        graceMinutes,
      };
      await recordAudit(
        tx,
        { source: 'hub' },
        { action: 'handover.overdue', outcome: 'ok', targetType: 'centre', targetId: centre, details: data },
      );
      await appendEvent(tx, {
        type: 'handover:overdue',
        audience: 'handover',
        centre,
        entityId: centre,
        data,
      });
      announced++;
    }
    return announced;
  });
  // Announced in a transaction that committed: settled too.
  for (const centre of open) settled.add(key(centre));
  return announced;
}
