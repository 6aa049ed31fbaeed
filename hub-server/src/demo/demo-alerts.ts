import { eq, sql } from 'drizzle-orm';
import { crossingById, peopleFirstCategories, type CreateAlert, type Principal } from '@tansiq/shared';
import type { AlertsService } from '../alerts/alerts.service.ts';
import type { Database } from '../db/database.ts';
import * as schema from '../db/schema.ts';
import type { AuthContext } from '../auth/auth.service.ts';

interface DemoAlert {
  by: string;
  input: CreateAlert;
  ackBy?: string[];
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** A morning's worth of alerts around the borders, so the live board is not empty on first start. */
const demoAlerts: DemoAlert[] = [
  {
    by: 'officer.west',
    input: {
      category: 'fuel_smuggling',
      severity: 'high',
      title: 'قافلة صهاريج وقود باتجاه المعبر دون تصاريح',
      description: 'أربع شاحنات صهريج رُصدت على الطريق الساحلي، تتجه غربًا نحو رأس اجدير.',
      location: { lat: 33.05, lng: 11.7 },
      crossing: 'RAS_AJDIR',
      observedAt: minutesAgo(95),
      tlp: 'AMBER',
      recipients: ['EAST', 'STUDIES'],
    },
    ackBy: ['officer.east'],
  },
  {
    by: 'officer.south',
    input: {
      category: 'irregular_migration',
      severity: 'medium',
      title: 'مجموعة مهاجرين قرب التوم',
      description: 'نحو ثلاثين شخصًا على متن شاحنتين، شمال المعبر بعشرة كيلومترات.',
      location: { lat: 22.98, lng: 14.2 },
      crossing: 'TUMMO',
      observedAt: minutesAgo(60),
      tlp: 'GREEN',
      recipients: ['WEST', 'EAST'],
      people: {
        total: 30,
        women: 7,
        men: 19,
        sexUnknown: 0,
        children: 6,
        adults: 20,
        ageUnknown: 0,
        unaccompaniedChildren: 2,
        injured: 1,
        deceased: 0,
        withDisabilities: 1,
        needMedicalCare: 3,
      },
    },
  },
  {
    by: 'officer.south',
    input: {
      category: 'armed_incursion',
      severity: 'critical',
      title: 'تحرك مسلح عبر الحدود التشادية',
      description: 'ثلاث سيارات رباعية الدفع مسلحة عبرت الحدود ليلًا، تتجه شمالًا.',
      location: { lat: 21.2, lng: 19.5 },
      observedAt: minutesAgo(25),
      tlp: 'RED',
      recipients: ['EAST', 'WEST'],
    },
  },
  {
    by: 'officer.east',
    input: {
      category: 'smuggling',
      severity: 'low',
      title: 'Suspicious livestock trucks at Emsaed',
      description: 'Papers checked; cargo counts differ from the manifest.',
      location: { lat: 31.6, lng: 25.0 },
      crossing: 'EMSAED',
      observedAt: minutesAgo(12),
      tlp: 'GREEN',
      recipients: ['WEST'],
    },
  },
];

export function contextOf(
  username: string,
  user: { id: string; role: Principal['role']; centre: string | null },
): AuthContext {
  return {
    principal: { userId: user.id, role: user.role, centre: user.centre },
    username,
    sessionId: 'demo',
    expiresAt: new Date(Date.now() + 60_000),
  };
}

/** Raises the demo alerts through the alert service (so they have their events, audit and deadlines). */
export async function raiseDemoAlerts(
  alerts: AlertsService,
  users: Map<string, { id: string; role: Principal['role']; centre: string | null }>,
): Promise<number> {
  let raised = 0;
  for (const demo of demoAlerts) {
    const author = users.get(demo.by);
    if (!author) continue;
    const { alert } = await alerts.create(contextOf(demo.by, author), demo.input, null);
    raised++;
    for (const name of demo.ackBy ?? []) {
      const user = users.get(name);
      if (user) await alerts.acknowledge(contextOf(name, user), alert.id, null);
    }
  }
  return raised;
}

/** Where each joint centre reports from in the demo history: its crossings and what it sees there. */
const historyBeats: Array<{
  by: string;
  supervisor: string;
  crossing: string;
  categories: CreateAlert['category'][];
}> = [
  {
    by: 'officer.south',
    supervisor: 'supervisor.south',
    crossing: 'TUMMO',
    categories: ['irregular_migration', 'trafficking', 'humanitarian'],
  },
  {
    by: 'officer.south',
    supervisor: 'supervisor.south',
    crossing: 'GHAT',
    categories: ['fuel_smuggling', 'irregular_migration', 'weapons'],
  },
  {
    by: 'officer.west',
    supervisor: 'supervisor.west',
    crossing: 'RAS_AJDIR',
    categories: ['smuggling', 'fuel_smuggling', 'humanitarian'],
  },
  {
    by: 'officer.west',
    supervisor: 'supervisor.west',
    crossing: 'WAZIN',
    categories: ['smuggling', 'irregular_migration'],
  },
  {
    by: 'officer.east',
    supervisor: 'supervisor.east',
    crossing: 'EMSAED',
    categories: ['irregular_migration', 'smuggling', 'trafficking'],
  },
  {
    by: 'officer.east',
    supervisor: 'supervisor.east',
    crossing: 'UWEINAT',
    categories: ['weapons', 'irregular_migration'],
  },
];

/**
 * Twelve weeks of closed alerts before today, so the trends page has something to show on first
 * start: raised and resolved through the alert service, then dated back (as their reporting
 * officer, whom row-level security lets change the row). Deterministic: the same history each time.
 * They are never acknowledged: an acknowledgement is stamped now, which would say weeks.
 */
export async function raiseDemoHistory(
  alerts: AlertsService,
  database: Database,
  users: Map<string, { id: string; role: Principal['role']; centre: string | null }>,
): Promise<number> {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let raised = 0;
  for (let week = 12; week >= 1; week--) {
    // More crossings by the south as the weeks go: the trend the charts should make visible.
    const count = 2 + next(3) + (week < 6 ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const beat = historyBeats[next(historyBeats.length)]!;
      const author = users.get(beat.by);
      const supervisor = users.get(beat.supervisor);
      if (!author || !supervisor) continue;
      const category = beat.categories[next(beat.categories.length)]!;
      const at = crossingById(beat.crossing)!;
      const total = peopleFirstCategories.includes(category) ? 4 + next(40) : 0;
      const women = Math.floor((total * (2 + next(4))) / 10);
      const children = Math.floor((total * next(4)) / 10);
      const { alert } = await alerts.create(
        contextOf(beat.by, author),
        {
          category,
          severity: (['low', 'medium', 'medium', 'high'] as const)[next(4)]!,
          title: `سجل: ${category} — ${beat.crossing}`,
          location: { lat: at.lat, lng: at.lng },
          crossing: beat.crossing,
          tlp: 'GREEN',
          recipients: [],
          ...(total
            ? {
                people: {
                  total,
                  women,
                  men: total - women,
                  sexUnknown: 0,
                  children,
                  adults: total - children,
                  ageUnknown: 0,
                  unaccompaniedChildren: Math.min(children, next(3)),
                  injured: next(3),
                  deceased: 0,
                  withDisabilities: next(2),
                  needMedicalCare: next(4),
                },
              }
            : {}),
        },
        null,
      );
      await alerts.resolve(contextOf(beat.supervisor, supervisor), alert.id, { outcome: 'resolved' }, null);
      const back = sql`make_interval(weeks => ${week}, hours => ${next(96)})`;
      await database.asUser(contextOf(beat.by, author).principal, (tx) =>
        tx
          .update(schema.alerts)
          .set({
            createdAt: sql`created_at - ${back}`,
            observedAt: sql`created_at - ${back}`,
            updatedAt: sql`updated_at - ${back}`,
          })
          .where(eq(schema.alerts.id, alert.id)),
      );
      raised++;
    }
  }
  return raised;
}
