import { afterAll, beforeAll, expect, test } from 'vitest';
import { appendEvent } from '@tansiq/hub-server';
import type { HubEvent } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  await seedUsers(t.database);
});
afterAll(() => t?.close());

/** Rows no projection can read: an alert event without its alert, one whose alert lacks fields, data that is not an object. */
async function appendBadRows(): Promise<void> {
  const sharing = { audience: 'alert' as const, centre: 'EAST', tlp: 'CLEAR', recipients: ['WEST'] };
  await t.database.asSystem(async (tx) => {
    await appendEvent(tx, { type: 'alert:created', ...sharing, data: {} });
    await appendEvent(tx, { type: 'alert:updated', ...sharing, data: { alert: { id: 'only-an-id' } } });
    await appendEvent(tx, {
      type: 'alert:updated',
      ...sharing,
      data: [1, 2] as unknown as Record<string, unknown>,
    });
  });
  await t.hub.tailer.poke();
}

test('malformed event rows are skipped for each reader, counted, and break neither resume, REST nor live delivery', async () => {
  const board = new LiveClient(t.url, (await login(t.url, 'board')).accessToken);
  const west = new LiveClient(t.url, (await login(t.url, 'officer.west')).accessToken);
  await board.ready();
  await west.ready();
  const start = west.lastApplied;

  await appendBadRows();
  const east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
  const raised = await east('POST', '/api/v1/alerts', {
    category: 'smuggling',
    severity: 'low',
    title: 'after the bad rows',
    location: { lat: 30, lng: 20 },
    tlp: 'CLEAR',
    recipients: ['WEST'],
  });
  expect(raised.status).toBe(201);
  const isGood = (events: HubEvent[]) =>
    events.some(
      (e) =>
        e.type === 'alert:created' &&
        (e.data as { alert?: { title?: string } }).alert?.title === 'after the bad rows',
    );
  // Live, after the bad rows.
  await board.until(isGood);
  await west.until(isGood);

  // A fresh reader resuming from before the bad rows, and REST, both succeed and skip them.
  const late = new LiveClient(t.url, (await login(t.url, 'board')).accessToken);
  late.lastApplied = start;
  await late.ready();
  expect(isGood(late.applied)).toBe(true);
  for (const user of ['board', 'officer.west', 'coordinator']) {
    const res = await api(t.url, (await login(t.url, user)).accessToken)(
      'GET',
      `/api/v1/events?after=${start}`,
    );
    expect(res.status, user).toBe(200);
    const events = (res.body as { events: HubEvent[] }).events;
    expect(isGood(events), user).toBe(true);
    expect(
      events.every((e) => typeof (e.data as { alert?: { id?: unknown } }).alert?.id === 'string'),
      user,
    ).toBe(true);
  }
  for (const c of [board, west, late]) {
    expect(c.anomalies).toEqual([]);
    c.close();
  }
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  const skipped = Number(/^tansiq_events_skipped_total (\d+)/m.exec(metrics)?.[1]);
  expect(skipped).toBeGreaterThanOrEqual(3);
  // Every reader and the live delivery skipped all three.
});
