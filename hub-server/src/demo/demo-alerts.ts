import type { CreateAlert, Principal } from '@tansiq/shared';
import type { AlertsService } from '../alerts/alerts.service.ts';
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
