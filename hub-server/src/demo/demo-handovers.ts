import { randomUUID } from 'node:crypto';
import type { Principal } from '@tansiq/shared';
import type { HandoversService } from '../handovers/handovers.service.ts';
import { contextOf } from './demo-alerts.ts';

type DemoUsers = Map<string, { id: string; role: Principal['role']; centre: string | null }>;

/**
 * The EAST centre's last shift, handed over and accepted, so the handovers screen starts with a
 * sealed link, a flagged resource and a pending task that the next draft carries over. (WEST and
 * SOUTH have one supervisor each in the demo: their last shift shows as overdue.)
 */
export async function recordDemoHandovers(handovers: HandoversService, users: DemoUsers): Promise<number> {
  const outgoing = users.get('supervisor.east');
  const incoming = users.get('relief.east');
  if (!outgoing || !incoming) return 0;
  const shift = handovers.calendar.previous(new Date());
  const during = handovers.at(() => new Date(shift.end.getTime() - 20 * 60_000));
  const out = contextOf('supervisor.east', outgoing);
  const { handover } = await during.create(out, null);
  await during.edit(
    out,
    handover.id,
    {
      content: {
        events: [
          { id: randomUUID(), text: 'مرور قافلة إغاثة عبر امساعد دون حوادث', flagged: false },
          {
            id: randomUUID(),
            text: 'Night patrol found a cut in the fence north of the crossing',
            flagged: true,
          },
        ],
        resources: [
          {
            id: randomUUID(),
            name: 'مرحّل اللاسلكي — الجغبوب',
            state: 'degraded',
            note: 'انقطاعات متكررة',
            flagged: true,
          },
          { id: randomUUID(), name: 'Thermal camera, tower 2', state: 'ok', note: '', flagged: false },
        ],
        tasks: [{ id: randomUUID(), text: 'متابعة إصلاح السياج مع فريق الهندسة', flagged: true }],
        notes: 'وردية هادئة عمومًا؛ انظر البلاغات المفتوحة.',
        cleared: [],
      },
    },
    null,
  );
  await during.submit(out, handover.id, {}, null);
  await handovers
    .at(() => new Date(shift.end.getTime() + 5 * 60_000))
    .accept(contextOf('relief.east', incoming), handover.id, null);
  return 1;
}
