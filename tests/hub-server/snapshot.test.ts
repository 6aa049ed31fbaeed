import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { alertsSnapshotSchema, type Alert, type HubEvent } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers, testUsers } from '../helpers/users.ts';

type Api = ReturnType<typeof api>;

/** The alerts a console ends with by applying events in order (each carries the alert's state). */
function apply(state: Map<string, unknown>, events: HubEvent[]): void {
  for (const e of events) {
    const alert = (e.data as { alert?: { id: string } }).alert;
    if (alert) state.set(alert.id, alert);
  }
}

async function eventsAfter(as: Api, after: number): Promise<HubEvent[]> {
  const out: HubEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = (await as('GET', `/api/v1/events?after=${cursor}&limit=7`)).body as {
      events: HubEvent[];
      head: number;
      more: boolean;
    };
    out.push(...page.events);
    cursor = page.head;
    if (!page.more) return out;
  }
}

describe('alerts snapshot: a fresh console starts from it instead of replaying the log', () => {
  let t: TestHub;
  const as = new Map<string, Api>();

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    for (const u of testUsers) as.set(u.username, api(t.url, (await login(t.url, u.username)).accessToken));
    const raise = async (by: string, tlp: string, recipients: string[], title: string) =>
      (
        (
          await as.get(by)!('POST', '/api/v1/alerts', {
            category: 'smuggling',
            severity: 'high',
            title,
            location: { lat: 31, lng: 11.5 },
            tlp,
            recipients,
          })
        ).body as { alert: Alert }
      ).alert;
    const a = await raise('officer.east', 'AMBER', ['WEST'], 'a');
    await raise('officer.west', 'GREEN', ['SOUTH'], 'b');
    const c = await raise('officer.south', 'RED', ['EAST'], 'c');
    await raise('officer.east', 'CLEAR', [], 'd');
    expect((await as.get('officer.west')!('POST', `/api/v1/alerts/${a.id}/ack`, {})).status).toBe(200);
    expect((await as.get('officer.east')!('POST', `/api/v1/alerts/${c.id}/ack`, {})).status).toBe(200);
    expect((await as.get('supervisor.south')!('POST', `/api/v1/alerts/${c.id}/resolve`, {})).status).toBe(
      200,
    );
    expect(
      (await as.get('officer.east')!('POST', `/api/v1/alerts/${a.id}/updates`, { body: 'x' })).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  test('for every role and centre, snapshot + the events after its head = the whole log replayed', async () => {
    for (const u of testUsers) {
      const me = as.get(u.username)!;
      const res = await me('GET', '/api/v1/alerts/snapshot');
      // Replayed after the snapshot: sending it records its deliveries, events after its head.
      const replayed = new Map<string, unknown>();
      apply(replayed, await eventsAfter(me, 0));

      expect(res.status, u.username).toBe(200);
      const snapshot = alertsSnapshotSchema.parse(res.body);
      const resumed = new Map<string, unknown>(
        (res.body as { alerts: { id: string }[] }).alerts.map((a) => [a.id, a]),
      );
      apply(resumed, await eventsAfter(me, snapshot.head));

      expect([...resumed.keys()].sort(), u.username).toEqual([...replayed.keys()].sort());
      for (const [id, alert] of replayed) expect(resumed.get(id), `${u.username} ${id}`).toEqual(alert);
      if (u.role === 'admin') expect(snapshot.alerts).toEqual([]);
    }
  });

  test('the head covers every event so far, and the board gets board fields only', async () => {
    const all = await eventsAfter(as.get('officer.east')!, 0);
    const snapshot = alertsSnapshotSchema.parse(
      (await as.get('board')!('GET', '/api/v1/alerts/snapshot')).body,
    );
    expect(snapshot.head).toBeGreaterThanOrEqual(Math.max(...all.map((e) => e.seq)));
    expect(snapshot.alerts.map((a) => a.title).sort()).toEqual(['b', 'd']);
    for (const a of snapshot.alerts) expect('description' in a).toBe(false);
  });

  test('without a token: 401', async () => {
    expect((await api(t.url)('GET', '/api/v1/alerts/snapshot')).status).toBe(401);
  });
});
