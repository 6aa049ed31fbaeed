import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { Alert, CreateAlert } from '@tansiq/shared';
import { createLogger, openPostgres } from '@tansiq/hub-server';
import { sendUntilAcknowledged } from '../helpers/crash-burst.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.ts';
import { startHubProcess, type HubProcess } from '../helpers/process.ts';
import { login, seedUsers } from '../helpers/users.ts';

const RESTARTS = 3;
const PER_SENDER = 40;

let pg: PrivatePostgres;
let hub: HubProcess;

beforeAll(async () => {
  pg = await startPrivatePostgres();
  hub = await startHubProcess({
    DATABASE_URL: pg.url,
    TANSIQ_DEMO_DATA: 'off',
    TANSIQ_WORKER_INTERVAL_MS: '200',
  });
  const database = await openPostgres({
    ownerUrl: pg.url,
    appRole: 'tansiq_app',
    poolMax: 2,
    logger: createLogger('silent'),
  });
  await seedUsers(database);
  await database.close();
}, 90_000);
afterAll(async () => {
  hub?.child.kill('SIGTERM');
  await hub?.exited;
  await pg?.stop();
});

/** A sender's socket that, like the console, tries again after a handshake the hub refused. */
function senderSocket(url: string, token: string): Socket {
  const socket = connect(url, {
    transports: ['websocket'],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    auth: { token },
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (err.data?.code) setTimeout(() => socket.connect(), 200);
  });
  return socket;
}

function alertsFrom(centre: string, recipients: string[]): CreateAlert[] {
  return Array.from({ length: PER_SENDER }, (_, i) => ({
    id: randomUUID(),
    category: 'smuggling',
    severity: 'medium',
    title: `${centre} through restarts ${i}`,
    location: { lat: 25 + i / 100, lng: 15 },
    tlp: 'AMBER',
    recipients,
  }));
}

test(`PostgreSQL restarted ${RESTARTS} times while consoles exchange alerts: the hub rides through, nothing acknowledged is lost`, async () => {
  const tokens = new Map<string, string>();
  for (const u of ['officer.east', 'officer.west', 'officer.south'])
    tokens.set(u, (await login(hub.url, u)).accessToken);
  const consoles = new Map(
    [...tokens].map(([u, token]) => [u, new LiveClient(hub.url, token, { reconnection: true })]),
  );
  for (const c of consoles.values()) await c.ready();

  // Probes and a reader run throughout: every answer must be a success or a 503, never a 500.
  const statuses: Array<{ what: string; status: number; retryAfter: string | null }> = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      for (const [what, path, auth] of [
        ['readyz', '/readyz', undefined],
        ['alerts', '/api/v1/alerts', tokens.get('officer.south')],
      ] as const) {
        const res = await fetch(
          `${hub.url}${path}`,
          auth ? { headers: { authorization: `Bearer ${auth}` } } : {},
        ).catch(() => null);
        if (res) {
          statuses.push({ what, status: res.status, retryAfter: res.headers.get('retry-after') });
          await res.arrayBuffer();
        }
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  })();

  const east = alertsFrom('EAST', ['WEST', 'SOUTH']);
  const west = alertsFrom('WEST', ['EAST']);
  const senders = [
    senderSocket(hub.url, tokens.get('officer.east')!),
    senderSocket(hub.url, tokens.get('officer.west')!),
  ];
  let acked = 0;
  const sending = Promise.all([
    sendUntilAcknowledged(senders[0]!, east, () => acked++, 2),
    sendUntilAcknowledged(senders[1]!, west, () => acked++, 2),
  ]);
  for (let i = 0; i < RESTARTS; i++) {
    const before = acked;
    while (acked < before + 10 && acked < 2 * PER_SENDER) await new Promise((r) => setTimeout(r, 20));
    await pg.restart();
  }
  await sending;
  for (const s of senders) s.close();

  // /readyz comes back by itself.
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${hub.url}/readyz`);
    if (res.status === 200) break;
    if (Date.now() - started > 20_000)
      throw new Error(
        `readyz still ${res.status}: ${await res.text()}\n${hub.stdout().split('\n').slice(-30).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  probing = false;
  await probe;

  // The leader's workers resume after the last restart (their rounds count up again).
  const rounds = async () =>
    Number(/^tansiq_leader_rounds_total (\d+)/m.exec(await (await fetch(`${hub.url}/metrics`)).text())?.[1]);
  const before = await rounds();
  const resumed = Date.now();
  while ((await rounds()) <= before + 2) {
    if (Date.now() - resumed > 10_000) throw new Error('the leader did not resume its rounds');
    await new Promise((r) => setTimeout(r, 100));
  }

  expect(hub.child.exitCode).toBeNull();
  expect(statuses.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
  const unavailable = statuses.filter((s) => s.status === 503);
  expect(unavailable.length).toBeGreaterThan(0);
  expect(unavailable.filter((s) => s.what === 'alerts').every((s) => s.retryAfter !== null)).toBe(true);

  // Every console holds every alert it may see exactly once.
  const may: Record<string, string[]> = {
    'officer.east': [...east, ...west].map((a) => a.id!),
    'officer.west': [...east, ...west].map((a) => a.id!),
    'officer.south': east.map((a) => a.id!),
  };
  for (const [user, c] of consoles) {
    // The hub's log reader catches up by itself once the database is back; the console resumes
    // (as it does on every reconnect and every minute) until it holds everything it may see.
    const deadline = Date.now() + 15_000;
    for (;;) {
      await c.resume();
      const have = new Set(c.ofType('alert:created').map((e) => (e.data as { alert: Alert }).alert.id));
      if (may[user]!.every((id) => have.has(id)) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const created = c.ofType('alert:created').map((e) => (e.data as { alert: Alert }).alert.id);
    expect(c.anomalies, user).toEqual([]);
    expect(new Set(created).size, user).toBe(created.length);
    expect(created.filter((id) => may[user]!.includes(id)).sort(), user).toEqual([...may[user]!].sort());
    c.close();
  }
  // Nothing in the log carries a database client object.
  expect(hub.stdout()).not.toContain('_connectionCallback');
}, 180_000);
