import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Alert } from '@tansiq/shared';
import { createServerDatabase, openServer, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

const TRIES = 10;

/** Concurrent decisions on one alert, on the PostgreSQL server where transactions truly overlap. */
describe('decisions on shared rows under truly concurrent requests', () => {
  let server: ServerDatabase;
  let t: TestHub;
  let tokens: Record<string, string>;
  const call = (user: string) => api(t.url, tokens[user]);

  const raise = async (title: string, recipients = ['WEST', 'SOUTH']): Promise<string> => {
    const res = await call('supervisor.east')('POST', '/api/v1/alerts', {
      category: 'smuggling',
      severity: 'high',
      title,
      location: { lat: 31, lng: 25 },
      tlp: 'AMBER',
      recipients,
    });
    expect(res.status).toBe(201);
    return (res.body as { alert: Alert }).alert.id;
  };

  beforeAll(async () => {
    server = await createServerDatabase();
    const database = await openServer(server, 12);
    t = await startTestHub({ database });
    await seedUsers(t.database);
    tokens = {};
    for (const u of ['supervisor.east', 'officer.east', 'officer.west', 'officer.south', 'supervisor.west'])
      tokens[u] = (await login(t.url, u)).accessToken;
  });
  afterAll(async () => {
    await t?.close();
    await server?.drop();
  });

  test('two recipient centres acknowledging at the same moment leave the alert acknowledged', async () => {
    for (let i = 0; i < TRIES; i++) {
      const id = await raise(`both acknowledge ${i}`);
      const [w, s] = await Promise.all([
        call('officer.west')('POST', `/api/v1/alerts/${id}/ack`, {}),
        call('officer.south')('POST', `/api/v1/alerts/${id}/ack`, {}),
      ]);
      expect([w.status, s.status]).toEqual([200, 200]);
      const after = await call('supervisor.east')('GET', `/api/v1/alerts/${id}`);
      expect((after.body as { alert: Alert }).alert.status).toBe('acknowledged');
    }
  });

  test('two simultaneous resolves with different outcomes: one 200, one 409, closed once', async () => {
    for (let i = 0; i < TRIES; i++) {
      const id = await raise(`resolve race ${i}`);
      const replies = await Promise.all([
        call('supervisor.east')('POST', `/api/v1/alerts/${id}/resolve`, { outcome: 'resolved' }),
        call('supervisor.east')('POST', `/api/v1/alerts/${id}/resolve`, {
          outcome: 'false_alarm',
          note: 'no one there',
        }),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      const detail = await call('supervisor.east')('GET', `/api/v1/alerts/${id}`);
      const timeline = (detail.body as { timeline: Array<{ kind: string }> }).timeline;
      expect(timeline.filter((e) => e.kind === 'resolved' || e.kind === 'false_alarm')).toHaveLength(1);
    }
  });

  test('two changes of the people involved at once: the alert keeps the counts of the latest timeline entry', async () => {
    for (let i = 0; i < TRIES; i++) {
      const id = await raise(`people race ${i}`);
      const replies = await Promise.all([
        call('supervisor.east')('POST', `/api/v1/alerts/${id}/updates`, { people: { total: 10 + i } }),
        call('officer.east')('POST', `/api/v1/alerts/${id}/updates`, { people: { total: 50 + i } }),
      ]);
      expect(replies.map((r) => r.status)).toEqual([201, 201]);
      const detail = (await call('supervisor.east')('GET', `/api/v1/alerts/${id}`)).body as {
        alert: Alert;
        timeline: Array<{ kind: string; at: string; people?: { total: number } }>;
      };
      const entries = detail.timeline.filter((e) => e.kind === 'people');
      expect(entries).toHaveLength(2);
      const latest = entries.reduce((a, b) => (Date.parse(b.at) >= Date.parse(a.at) ? b : a));
      expect(detail.alert.people?.total).toBe(latest.people?.total);
    }
  });

  test('two reopenings of a closed alert at once: reopened once, one timeline entry', async () => {
    for (let i = 0; i < TRIES; i++) {
      const id = await raise(`reopen race ${i}`);
      await call('supervisor.east')('POST', `/api/v1/alerts/${id}/resolve`, { outcome: 'resolved' });
      const replies = await Promise.all([
        call('supervisor.east')('POST', `/api/v1/alerts/${id}/reopen`, { note: 'a' }),
        call('supervisor.east')('POST', `/api/v1/alerts/${id}/reopen`, { note: 'b' }),
      ]);
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      const detail = (await call('supervisor.east')('GET', `/api/v1/alerts/${id}`)).body as {
        alert: Alert;
        timeline: Array<{ kind: string }>;
      };
      expect(detail.timeline.filter((e) => e.kind === 'reopened')).toHaveLength(1);
      expect(detail.alert.status).toBe('open');
    }
  });

  test("a console's receipt and an acknowledgement of the same centre never deadlock", async () => {
    const west = new LiveClient(t.url, tokens['supervisor.west']!);
    await west.ready();
    try {
      for (let i = 0; i < TRIES; i++) {
        const ids = await Promise.all(
          Array.from({ length: 8 }, (_, k) => raise(`receipt ${i}/${k}`, ['WEST'])),
        );
        await west.until((events) =>
          ids.every((id) =>
            events.some((e) => e.type === 'alert:created' && (e.data as { alert: Alert }).alert.id === id),
          ),
        );
        const [receipt, ...acks] = await Promise.all([
          west.socket.timeout(20_000).emitWithAck('receipt', { seq: west.lastApplied }),
          ...ids.slice(2, 6).map((id) => call('officer.west')('POST', `/api/v1/alerts/${id}/ack`, {})),
        ]);
        expect(receipt).toEqual({ ok: true });
        expect(acks.map((a) => (a as { status: number }).status)).toEqual([200, 200, 200, 200]);
        for (const id of ids) {
          const detail = await call('supervisor.east')('GET', `/api/v1/alerts/${id}`);
          const west = (detail.body as { alert: Alert }).alert.receipts.find((r) => r.centre === 'WEST');
          expect(west?.deliveredAt).toBeTruthy();
        }
      }
    } finally {
      west.close();
    }
  });
});
