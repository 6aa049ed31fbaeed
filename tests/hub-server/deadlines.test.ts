import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { openPglite, schema } from '@tansiq/hub-server';
import { startTestHub } from '../helpers/hub.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-deadline-'));
});
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

test('a deadline missed while the hub was down escalates once after the restart, and never again', async () => {
  const config = { TANSIQ_ACK_DEADLINES: 'critical=1', TANSIQ_WORKER_INTERVAL_MS: '60000' };
  const first = await startTestHub({ database: await openPglite({ dataDir }), config });
  await seedUsers(first.database);
  const east = api(first.url, (await login(first.url, 'officer.east')).accessToken);
  const res = await east('POST', '/api/v1/alerts', {
    category: 'armed_incursion',
    severity: 'critical',
    title: 'incursion',
    location: { lat: 24.9, lng: 10.2 },
    tlp: 'AMBER',
    recipients: ['SOUTH', 'WEST'],
  });
  const alertId = (res.body as { alert: { id: string } }).alert.id;
  await first.close();

  await new Promise((r) => setTimeout(r, 1200));
  const second = await startTestHub({ database: await openPglite({ dataDir }), config });
  expect(await second.hub.workers.tick()).toMatchObject({ leader: true, escalated: 2 });
  expect(await second.hub.workers.tick()).toMatchObject({ escalated: 0 });
  await second.close();

  const third = await startTestHub({ database: await openPglite({ dataDir }), config });
  expect(await third.hub.workers.tick()).toMatchObject({ escalated: 0 });
  const escalations = await third.database.db
    .select()
    .from(schema.events)
    .where(eq(schema.events.type, 'alert:escalated'));
  expect(escalations.map((e) => (e.data as { centre: string }).centre).sort()).toEqual(['SOUTH', 'WEST']);
  expect(escalations.every((e) => e.entityId === alertId)).toBe(true);
  // The timeline says it as a code the console words (never an English word as the body).
  const south = api(third.url, (await login(third.url, 'officer.south')).accessToken);
  const detail = (await south('GET', `/api/v1/alerts/${alertId}`)).body as {
    timeline: Array<{ kind: string; body: string; centre: string | null; by?: string | null }>;
  };
  expect(detail.timeline.filter((e) => e.kind === 'deadline_missed')).toEqual(
    ['SOUTH', 'WEST'].map((centre) => expect.objectContaining({ body: '', centre, by: null })),
  );
  expect(detail.timeline.some((e) => e.kind === 'escalated')).toBe(false);
  await third.close();
});

test('centre presence: silent after the configured time with no console, back when one connects', async () => {
  const t = await startTestHub({
    config: { TANSIQ_CENTRE_SILENT_AFTER: '5', TANSIQ_WORKER_INTERVAL_MS: '60000' },
  });
  await seedUsers(t.database);
  const { LiveClient } = await import('../helpers/live-client.ts');
  const coordinator = new LiveClient(t.url, (await login(t.url, 'coordinator')).accessToken);
  await coordinator.ready();
  const westClient = new LiveClient(t.url, (await login(t.url, 'officer.west')).accessToken);
  await westClient.ready();
  await t.hub.workers.tick();
  await t.database.db.update(schema.centrePresence).set({ lastSeenAt: new Date(Date.now() - 10_000) });
  await t.hub.workers.tick();
  await coordinator.until((evs) => evs.filter((e) => e.type === 'centre:silent').length === 2);
  const silent = coordinator
    .ofType('centre:silent')
    .map((e) => (e.data as { centre: string }).centre)
    .sort();
  expect(silent).toEqual(['EAST', 'SOUTH']);
  await t.hub.workers.tick();
  expect(coordinator.ofType('centre:silent')).toHaveLength(2);

  const southClient = new LiveClient(t.url, (await login(t.url, 'officer.south')).accessToken);
  await southClient.ready();
  await t.hub.workers.tick();
  await coordinator.until((evs) => evs.some((e) => e.type === 'centre:back'));
  expect(coordinator.ofType('centre:back').map((e) => (e.data as { centre: string }).centre)).toEqual([
    'SOUTH',
  ]);
  for (const c of [coordinator, westClient, southClient]) c.close();
  await t.close();
});
