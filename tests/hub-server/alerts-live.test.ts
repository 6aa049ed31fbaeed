import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@tansiq/hub-server';
import type { Alert, CreateAlert } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

const body = (over: Partial<CreateAlert> = {}): CreateAlert => ({
  category: 'smuggling',
  severity: 'high',
  title: 'شاحنة وقود مشبوهة قرب المعبر',
  description: 'convoy of three trucks',
  location: { lat: 31.9, lng: 25.0 },
  crossing: 'EMSAED',
  tlp: 'AMBER',
  recipients: ['WEST'],
  ...over,
});

describe('live alerts: who receives what (real sockets)', () => {
  let t: TestHub;
  const clients = new Map<string, LiveClient>();
  let east: ReturnType<typeof api>;

  beforeAll(async () => {
    // The test ticks the leader's work itself: the timer must not escalate first on a busy machine.
    t = await startTestHub({
      config: { TANSIQ_ACK_DEADLINES: 'critical=1', TANSIQ_WORKER_INTERVAL_MS: '60000' },
    });
    await seedUsers(t.database);
    for (const name of [
      'officer.east',
      'officer.west',
      'officer.south',
      'analyst',
      'coordinator',
      'board',
      'admin',
    ]) {
      const client = new LiveClient(t.url, (await login(t.url, name)).accessToken);
      await client.ready();
      clients.set(name, client);
    }
    east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
  });
  afterAll(async () => {
    for (const c of clients.values()) c.close();
    await t.close();
  });

  const got = (name: string, id: string) =>
    clients.get(name)!.applied.some((e) => (e.data as { alert?: Alert }).alert?.id === id);

  async function raise(over: Partial<CreateAlert>): Promise<Alert> {
    const res = await east('POST', '/api/v1/alerts', body(over));
    expect(res.status).toBe(201);
    return (res.body as { alert: Alert }).alert;
  }

  /** Waits until the tailer has delivered everything committed so far, then a little for the wire. */
  async function settle(): Promise<void> {
    await t.hub.tailer.poke();
    await new Promise((r) => setTimeout(r, 150));
  }

  test('AMBER for WEST reaches EAST, WEST, STUDIES and coordinators; not SOUTH, the board or admin', async () => {
    const alert = await raise({ tlp: 'AMBER', recipients: ['WEST'] });
    await clients.get('officer.west')!.until((evs) => evs.some((e) => e.type === 'alert:created'));
    await settle();
    const expected = {
      'officer.east': true,
      'officer.west': true,
      analyst: true,
      coordinator: true,
      'officer.south': false,
      board: false,
      admin: false,
    };
    for (const [name, should] of Object.entries(expected)) expect(got(name, alert.id), name).toBe(should);
    const [row] = await t.database.db.select().from(schema.alerts).where(eq(schema.alerts.id, alert.id));
    expect(row).toMatchObject({ centre: 'EAST', tlp: 'AMBER', recipients: ['WEST'], status: 'open' });
  });

  test('RED for WEST reaches only WEST and EAST', async () => {
    const alert = await raise({ tlp: 'RED', recipients: ['WEST'] });
    await clients
      .get('officer.west')!
      .until((evs) => evs.some((e) => (e.data as { alert: Alert }).alert?.id === alert.id));
    await settle();
    for (const name of ['analyst', 'coordinator', 'officer.south', 'board', 'admin'])
      expect(got(name, alert.id), name).toBe(false);
    expect(got('officer.east', alert.id)).toBe(true);
  });

  test('a board socket sees CLEAR and GREEN alerts only, with board fields only', async () => {
    const green = await raise({ tlp: 'GREEN', recipients: [] });
    const clear = await raise({ tlp: 'CLEAR', recipients: [] });
    const amber = await raise({ tlp: 'AMBER', recipients: ['SOUTH'] });
    const board = clients.get('board')!;
    await board.until((evs) => evs.some((e) => (e.data as { alert: Alert }).alert?.id === clear.id));
    await settle();
    expect(got('board', green.id)).toBe(true);
    expect(got('board', amber.id)).toBe(false);
    const seen = board
      .ofType('alert:created')
      .map((e) => (e.data as { alert: Record<string, unknown> }).alert);
    for (const a of seen) {
      expect(a).not.toHaveProperty('description');
      expect(a).not.toHaveProperty('reporterId');
    }
    expect(got('officer.south', amber.id)).toBe(true);
  });

  test('an acknowledgement, a receipt and a deadline miss reach the origin centre', async () => {
    const ackMe = await raise({ severity: 'medium', tlp: 'AMBER', recipients: ['WEST', 'SOUTH'] });
    const westToken = (await login(t.url, 'officer.west')).accessToken;
    const west = clients.get('officer.west')!;
    await west.until((evs) => evs.some((e) => (e.data as { alert: Alert }).alert?.id === ackMe.id));
    expect(await west.socket.emitWithAck('receipt', { seq: west.lastApplied })).toEqual({ ok: true });
    const acked = await api(t.url, westToken)('POST', `/api/v1/alerts/${ackMe.id}/ack`, {});
    expect(acked.status).toBe(200);
    const eastClient = clients.get('officer.east')!;
    await eastClient.until((evs) =>
      evs.some((e) => e.type === 'alert:acknowledged' && (e.data as { alert: Alert }).alert.id === ackMe.id),
    );
    await eastClient.until((evs) =>
      evs.some((e) => e.type === 'alert:delivered' && (e.data as { alert: Alert }).alert.id === ackMe.id),
    );
    const detail = await east('GET', `/api/v1/alerts/${ackMe.id}`);
    const receipts = (detail.body as { alert: Alert }).alert.receipts;
    expect(receipts.find((r) => r.centre === 'WEST')).toMatchObject({
      deliveredAt: expect.any(String),
      acknowledgedAt: expect.any(String),
    });
    expect(receipts.find((r) => r.centre === 'SOUTH')).toMatchObject({ acknowledgedAt: null });
    // Acknowledging twice changes nothing.
    const again = await api(t.url, westToken)('POST', `/api/v1/alerts/${ackMe.id}/ack`, {});
    expect((again.body as { alert: Alert }).alert.receipts).toEqual(receipts);

    const critical = await raise({ severity: 'critical', tlp: 'AMBER', recipients: ['SOUTH'] });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await t.hub.workers.tick()).toMatchObject({ leader: true, escalated: 1 });
    expect(await t.hub.workers.tick()).toMatchObject({ escalated: 0 });
    await eastClient.until((evs) =>
      evs.some((e) => e.type === 'alert:escalated' && (e.data as { alert: Alert }).alert.id === critical.id),
    );
    await clients.get('coordinator')!.until((evs) => evs.some((e) => e.type === 'alert:escalated'));
  });

  test('every client got each event once, in sequence order', () => {
    for (const [name, c] of clients) {
      expect(c.anomalies, name).toEqual([]);
      const seqs = c.applied.map((e) => e.seq);
      expect(seqs, name).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(clients.get('admin')!.applied).toEqual([]);
  });
});

describe('alert writes: idempotency, validation, policy', () => {
  let t: TestHub;
  let east: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
  });
  afterAll(() => t.close());

  test('a resend with the same id and body returns the same alert; another body is a 409', async () => {
    const id = randomUUID();
    const first = await east('POST', '/api/v1/alerts', body({ id }));
    const again = await east('POST', '/api/v1/alerts', body({ id }));
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    // The answer to a create is built from what was sent and what the database set; the resend's
    // is read back from the table: the two are the same alert, field for field.
    expect((again.body as { alert: Alert }).alert).toEqual((first.body as { alert: Alert }).alert);
    expect((await east('POST', '/api/v1/alerts', body({ id, title: 'something else' }))).status).toBe(409);
    expect(await t.database.db.$count(schema.alerts, eq(schema.alerts.id, id))).toBe(1);
  });

  test('the answer to a create, the event and the stored row agree, with everything the database sets or keeps', async () => {
    const id = randomUUID();
    const people = { total: 7, women: 2, men: 5, children: 1, adults: 6, injured: 1 };
    const created = await east('POST', '/api/v1/alerts', {
      ...body({
        id,
        // A lone surrogate is stored as U+FFFD.
        title: 'تهريب \ud800 وقود',
        observedAt: '2026-11-30T05:06:07.089Z',
        sector: 'EGY_N',
        recipients: ['WEST', 'SOUTH', 'WEST'],
      }),
      // Some counts only: the hub fills in the rest.
      people,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const alert = (created.body as { alert: Alert }).alert;
    expect(alert).toMatchObject({
      title: 'تهريب \ufffd وقود',
      status: 'open',
      observedAt: '2026-11-30T05:06:07.089Z',
      people,
    });
    expect(alert.createdAt).toBe(alert.updatedAt);
    const read = await east('GET', `/api/v1/alerts/${id}`);
    expect((read.body as { alert: Alert }).alert).toEqual(alert);
    const [event] = await t.database.db.select().from(schema.events).where(eq(schema.events.entityId, id));
    expect((event?.data as { alert: Alert }).alert).toEqual(alert);
  });

  test('concurrent resends over REST and the socket create exactly one row', async () => {
    const id = randomUUID();
    const token = (await login(t.url, 'officer.east')).accessToken;
    const socket = new LiveClient(t.url, token);
    await socket.ready();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => east('POST', '/api/v1/alerts', body({ id }))),
      ...Array.from({ length: 5 }, () => socket.socket.emitWithAck('alert:create', body({ id }))),
    ]);
    socket.close();
    const rest = results.slice(0, 5) as { status: number; body: unknown }[];
    const acks = results.slice(5) as { alert?: Alert }[];
    expect(rest.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(rest.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
    expect(acks.every((a) => a.alert?.id === id)).toBe(true);
    expect(await t.database.db.$count(schema.alerts, eq(schema.alerts.id, id))).toBe(1);
    expect(await t.database.db.$count(schema.events, eq(schema.events.entityId, id))).toBe(1);
  });

  const bad: [string, unknown][] = [
    ['a wrong type', { ...body(), severity: 7 }],
    ['an unknown severity', { ...body(), severity: 'apocalyptic' }],
    ['an unknown field', { ...body(), centre: 'WEST' }],
    ['a __proto__ key', JSON.parse(JSON.stringify(body()).replace('{', '{"__proto__":{"admin":true},'))],
    ['latitude out of range', { ...body(), location: { lat: 120, lng: 20 } }],
    ['no recipients list', { ...body(), recipients: undefined }],
    ['an unknown recipient', { ...body(), recipients: ['ATLANTIS'] }],
    ['a malformed id', { ...body(), id: 'not-a-uuid' }],
    ['an oversized title', { ...body(), title: 'x'.repeat(1000) }],
  ];

  test.each(bad)('REST: %s is a 400 and creates nothing', async (_name, input) => {
    const before = await t.database.db.$count(schema.alerts);
    const res = await east('POST', '/api/v1/alerts', input);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: expect.stringMatching(/validation_failed|bad_request/) },
    });
    expect(await t.database.db.$count(schema.alerts)).toBe(before);
  });

  test.each(bad)('socket: %s gets an error acknowledgement and creates nothing', async (_name, input) => {
    const client = new LiveClient(t.url, (await login(t.url, 'officer.east')).accessToken);
    await client.ready();
    const before = await t.database.db.$count(schema.alerts);
    expect(await client.socket.emitWithAck('alert:create', input)).toMatchObject({
      error: { code: expect.any(String) },
    });
    expect(await t.database.db.$count(schema.alerts)).toBe(before);
    client.close();
  });

  test('unknown socket events, payload-less requests and oversize messages never crash the hub', async () => {
    const client = new LiveClient(t.url, (await login(t.url, 'officer.east')).accessToken);
    await client.ready();
    expect(await client.socket.emitWithAck('alert:destroy', {})).toMatchObject({
      error: { code: 'bad_request' },
    });
    expect(await client.socket.emitWithAck('alert:ack', undefined)).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect(await client.socket.emitWithAck('resume', { after: -1 })).toMatchObject({
      error: { code: 'validation_failed' },
    });
    client.socket.emit('alert:create'); // no payload, no acknowledgement
    const gone = new Promise((resolve) => client.socket.on('disconnect', resolve));
    client.socket.emit('alert:create', { ...body(), description: 'x'.repeat(100 * 1024) }, () => undefined);
    expect(await gone).toBe('transport close');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  test.each([
    ['an analyst raises', 'analyst', 'POST', '/api/v1/alerts', body()],
    ['a coordinator raises', 'coordinator', 'POST', '/api/v1/alerts', body()],
    ['a board raises', 'board', 'POST', '/api/v1/alerts', body()],
  ])('%s: 403, audited, nothing created', async (_n, user, method, path, input) => {
    const before = await t.database.db.$count(schema.alerts);
    const res = await api(t.url, (await login(t.url, user)).accessToken)(method, path, input);
    expect(res.status).toBe(403);
    expect(await t.database.db.$count(schema.alerts)).toBe(before);
  });

  test('acknowledge, resolve and escalate follow the policy; an alert one may not see is not found', async () => {
    const created = await east('POST', '/api/v1/alerts', body({ tlp: 'RED', recipients: ['WEST'] }));
    const id = (created.body as { alert: Alert }).alert.id;
    const as = async (user: string) => api(t.url, (await login(t.url, user)).accessToken);
    expect((await (await as('officer.south'))('GET', `/api/v1/alerts/${id}`)).status).toBe(404);
    expect((await (await as('officer.south'))('POST', `/api/v1/alerts/${id}/ack`, {})).status).toBe(404);
    expect((await east('POST', `/api/v1/alerts/${id}/ack`, {})).status).toBe(403); // origin, not a recipient
    expect((await (await as('officer.west'))('POST', `/api/v1/alerts/${id}/resolve`, {})).status).toBe(403);
    expect((await east('POST', `/api/v1/alerts/${id}/resolve`, {})).status).toBe(403); // officers cannot
    const supervisor = await as('supervisor.east');
    expect((await supervisor('POST', `/api/v1/alerts/${id}/escalate`, { note: 'no answer' })).status).toBe(
      200,
    );
    expect(
      (
        await supervisor('POST', `/api/v1/alerts/${id}/resolve`, {
          outcome: 'false_alarm',
          note: 'no one there',
        })
      ).body,
    ).toMatchObject({ alert: { status: 'false_alarm' } });
    expect((await supervisor('POST', `/api/v1/alerts/${id}/resolve`, { outcome: 'resolved' })).status).toBe(
      409,
    );
    const west = await as('officer.west');
    expect(
      (await west('POST', `/api/v1/alerts/${id}/updates`, { id: randomUUID(), body: 'seen at the gate' }))
        .status,
    ).toBe(201);
    const detail = await west('GET', `/api/v1/alerts/${id}`);
    const { alert, timeline } = detail.body as {
      alert: Alert;
      timeline: Array<{ kind: string; by?: string | null; centre: string | null; at: string }>;
    };
    expect(timeline.map((e) => e.kind)).toEqual(['created', 'escalated', 'false_alarm', 'note']);
    // The first entry says who raised the alert, from where and when; each entry names its author.
    expect(timeline[0]).toMatchObject({ by: 'officer.east', centre: 'EAST', at: alert.createdAt });
    expect(timeline.map((e) => e.by)).toEqual([
      'officer.east',
      'supervisor.east',
      'supervisor.east',
      'officer.west',
    ]);
    const list = await west('GET', '/api/v1/alerts?status=false_alarm');
    expect((list.body as { alerts: Alert[] }).alerts.map((a) => a.id)).toContain(id);
    expect((await west('GET', '/api/v1/alerts?severity=loud')).status).toBe(400);
  });

  test('GET /api/v1/events?after=N gives what resume gives', async () => {
    const west = api(t.url, (await login(t.url, 'officer.west')).accessToken);
    const all = (await west('GET', '/api/v1/events?after=0&limit=1000')).body as {
      events: { seq: number; type: string }[];
    };
    expect(all.events.length).toBeGreaterThan(0);
    const middle = all.events[Math.floor(all.events.length / 2)]!.seq;
    const rest = (await west('GET', `/api/v1/events?after=${middle}`)).body as { events: { seq: number }[] };
    expect(rest.events.map((e) => e.seq)).toEqual(all.events.filter((e) => e.seq > middle).map((e) => e.seq));
    expect((await west('GET', '/api/v1/events?after=abc')).status).toBe(400);
  });
});
