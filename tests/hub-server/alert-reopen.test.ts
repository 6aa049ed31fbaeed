import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Alert, HubEvent } from '@tansiq/shared';
import { schema } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { login, seedUsers } from '../helpers/users.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { caller, type Call } from '../helpers/handovers.ts';

describe('closing needs a reason for a false alarm; the origin supervisor reopens within the window', () => {
  let t: TestHub;
  const as: Record<string, Call> = {};
  let west: LiveClient;

  const raise = async (): Promise<Alert> => {
    const res = await as['officer.east']!('POST', '/api/v1/alerts', {
      category: 'smuggling',
      severity: 'medium',
      title: 'شاحنات قرب امساعد',
      location: { lat: 31.6, lng: 25 },
      tlp: 'GREEN',
      recipients: ['WEST'],
    });
    expect(res.status).toBe(201);
    return (res.body as { alert: Alert }).alert;
  };

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    for (const u of [
      'officer.east',
      'supervisor.east',
      'officer.west',
      'supervisor.west',
      'supervisor.south',
      'analyst',
      'coordinator',
      'board',
      'admin',
    ])
      as[u] = await caller(t.url, u);
    west = new LiveClient(t.url, (await login(t.url, 'officer.west')).accessToken);
    await west.ready();
  });
  afterAll(async () => {
    west?.close();
    await t?.close();
  });

  test('a false alarm without a note is refused and changes nothing; with one it closes', async () => {
    const alert = await raise();
    const bare = await as['supervisor.east']!('POST', `/api/v1/alerts/${alert.id}/resolve`, {
      outcome: 'false_alarm',
    });
    expect(bare.status).toBe(400);
    expect(bare.body).toMatchObject({ error: { code: 'validation_failed' } });
    const [row] = await t.database.db.select().from(schema.alerts).where(eq(schema.alerts.id, alert.id));
    expect(row!.status).toBe('open');
    const closed = await as['supervisor.east']!('POST', `/api/v1/alerts/${alert.id}/resolve`, {
      outcome: 'false_alarm',
      note: 'قطيع مرخّص، الأوراق سليمة',
    });
    expect((closed.body as { alert: Alert }).alert.status).toBe('false_alarm');
  });

  test('reopened by the origin supervisor: status back, timeline, audit and event; others refused', async () => {
    const alert = await raise();
    expect((await as['officer.west']!('POST', `/api/v1/alerts/${alert.id}/ack`, {})).status).toBe(200);
    await as['supervisor.east']!('POST', `/api/v1/alerts/${alert.id}/resolve`, { outcome: 'resolved' });
    // Only a supervisor of the reporting centre: every other role and centre is refused.
    const others = ['officer.east', 'officer.west', 'supervisor.west', 'supervisor.south'];
    for (const u of [...others, 'analyst', 'coordinator', 'board'])
      expect((await as[u]!('POST', `/api/v1/alerts/${alert.id}/reopen`, {})).status, u).toBe(403);
    // An administrator reads no alert at all: to them it does not exist.
    expect((await as.admin!('POST', `/api/v1/alerts/${alert.id}/reopen`, {})).status).toBe(404);
    const [still] = await t.database.db.select().from(schema.alerts).where(eq(schema.alerts.id, alert.id));
    expect(still!.status).toBe('resolved');
    const reopened = await as['supervisor.east']!('POST', `/api/v1/alerts/${alert.id}/reopen`, {
      note: 'عادت الشاحنات',
    });
    expect(reopened.status).toBe(200);
    // WEST had acknowledged: it comes back acknowledged, not as a new open alert.
    expect((reopened.body as { alert: Alert }).alert.status).toBe('acknowledged');
    // Again: nothing changes.
    expect((await as['supervisor.east']!('POST', `/api/v1/alerts/${alert.id}/reopen`, {})).status).toBe(200);
    const detail = (await as['officer.west']!('GET', `/api/v1/alerts/${alert.id}`)).body as {
      timeline: Array<{ kind: string; body: string; by?: string | null }>;
    };
    expect(detail.timeline.map((e) => e.kind)).toEqual(['created', 'acknowledged', 'resolved', 'reopened']);
    expect(detail.timeline.at(-1)).toMatchObject({ body: 'عادت الشاحنات', by: 'supervisor.east' });
    const audits = await t.database.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.action, 'alert.reopen'));
    expect(audits.filter((a) => a.targetId === alert.id && a.outcome === 'ok')).toHaveLength(1);
    expect(audits.filter((a) => a.outcome !== 'ok').length).toBeGreaterThanOrEqual(7);
    await west.until((events: HubEvent[]) =>
      events.some((e) => e.type === 'alert:reopened' && (e.data as { alert: Alert }).alert.id === alert.id),
    );
  });

  test('after the window a closed alert stays closed (409), and nothing changes', async () => {
    const strict = await startTestHub({
      database: t.database,
      config: { TANSIQ_REOPEN_WINDOW_MINUTES: '0' },
    });
    try {
      const alert = await raise();
      await as['supervisor.east']!('POST', `/api/v1/alerts/${alert.id}/resolve`, { outcome: 'resolved' });
      await new Promise((r) => setTimeout(r, 20));
      const supervisor = await caller(strict.url, 'supervisor.east');
      const late = await supervisor('POST', `/api/v1/alerts/${alert.id}/reopen`, {});
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ error: { code: 'conflict', details: { windowMinutes: 0 } } });
      const [row] = await t.database.db.select().from(schema.alerts).where(eq(schema.alerts.id, alert.id));
      expect(row!.status).toBe('resolved');
    } finally {
      await strict.hub.close(500);
    }
  });
});
