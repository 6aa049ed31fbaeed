import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Alert } from '@tansiq/shared';
import type { TestHub } from './hub.ts';
import { LiveClient } from './live-client.ts';
import { api, connectSocket, login } from './users.ts';

export interface FloodResult {
  /** Alert delivery times from EAST's POST to WEST's console, in ms. */
  deliveryMs: number[];
  /** /healthz answer times, in ms. */
  healthMs: number[];
  statuses: Map<number, number>;
  floodReplies: Map<string, number>;
  floodSocketsOpen: number;
  /** Times the hub closed a flooding socket for going on after rate_limited. */
  floodDisconnects: number;
  refusedSocket: string | null;
  workerRounds: number;
  workerLongestGapMs: number;
  alertsSent: number;
  alertsDelivered: number;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

const alertBody = (title: string) => ({
  category: 'irregular_migration',
  severity: 'medium',
  title,
  location: { lat: 24.5, lng: 10.1 },
  tlp: 'AMBER',
  recipients: ['WEST'],
});

/**
 * One account floods the hub from the most sockets it may hold, each sending `resume { after: 0 }`
 * (a replay of the whole log) as fast as answers come back, while EAST raises alerts for WEST's
 * console and a probe reads /healthz. Returns what each side saw.
 */
export async function runFlood(
  t: TestHub,
  options: { seconds: number; maxSockets: number; history: number },
) {
  const east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
  // A log worth replaying.
  for (let i = 0; i < options.history; i += 10)
    await Promise.all(
      Array.from({ length: 10 }, (_, k) => east('POST', '/api/v1/alerts', alertBody(`history ${i + k}`))),
    );

  const west = new LiveClient(t.url, (await login(t.url, 'officer.west')).accessToken);
  await west.ready();
  const floodToken = (await login(t.url, 'officer.south')).accessToken;
  const flooders: Socket[] = [];
  for (let i = 0; i < options.maxSockets; i++) flooders.push(await connectSocket(t.url, floodToken));
  let refusedSocket: string | null = null;
  await connectSocket(t.url, floodToken).then(
    (s) => {
      flooders.push(s);
    },
    (err: Error & { data?: { code?: string } }) => {
      refusedSocket = err.data?.code ?? err.message;
    },
  );

  const floodReplies = new Map<string, number>();
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  let flooding = true;
  let disconnected = 0;
  const flood = flooders.map(async (socket) => {
    socket.on('disconnect', () => disconnected++);
    while (flooding) {
      if (!socket.connected) {
        // Closed for ignoring its limits: an attacker connects again at once.
        const back = new Promise<void>((resolve) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', () => setTimeout(resolve, 50));
        });
        socket.connect();
        await back;
        continue;
      }
      const reply = (await socket
        .timeout(5_000)
        .emitWithAck('resume', { after: 0 })
        .catch(() => ({ error: { code: 'timeout' } }))) as { events?: unknown[]; error?: { code: string } };
      const key = reply.error?.code ?? 'replayed';
      floodReplies.set(key, (floodReplies.get(key) ?? 0) + 1);
    }
  });

  const roundsBefore = t.hub.workers.stats.rounds;
  t.hub.workers.stats.longestGapMs = 0;
  const healthMs: number[] = [];
  const probe = (async () => {
    while (flooding) {
      const started = performance.now();
      const res = await fetch(`${t.url}/healthz`);
      await res.arrayBuffer();
      healthMs.push(performance.now() - started);
      count(res.status);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const sentAt = new Map<string, number>();
  const deliveredAt = new Map<string, number>();
  west.socket.on('event', (e: { type: string; data: { alert?: Alert } }) => {
    if (e.type === 'alert:created' && e.data.alert && sentAt.has(e.data.alert.title))
      deliveredAt.set(e.data.alert.title, performance.now());
  });
  const ends = Date.now() + options.seconds * 1000;
  let n = 0;
  while (Date.now() < ends) {
    const title = `during the flood ${n++}`;
    sentAt.set(title, performance.now());
    const res = await east('POST', '/api/v1/alerts', alertBody(title));
    count(res.status);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Give the last alerts their chance to arrive, then stop.
  const waitUntil = Date.now() + 10_000;
  while (deliveredAt.size < sentAt.size && Date.now() < waitUntil)
    await new Promise((r) => setTimeout(r, 50));
  flooding = false;
  await Promise.all([probe, ...flood]);
  const result: FloodResult = {
    deliveryMs: [...deliveredAt].map(([title, at]) => at - sentAt.get(title)!),
    healthMs,
    statuses,
    floodReplies,
    floodSocketsOpen: flooders.filter((s) => s.connected).length,
    floodDisconnects: disconnected,
    refusedSocket,
    workerRounds: t.hub.workers.stats.rounds - roundsBefore,
    workerLongestGapMs: t.hub.workers.stats.longestGapMs,
    alertsSent: sentAt.size,
    alertsDelivered: deliveredAt.size,
  };
  for (const s of flooders) s.close();
  west.close();
  return result;
}

/** One line of figures for the test's annotation. */
export function describeFlood(where: string, r: FloodResult): string {
  return `flood (${where}): alert p99 ${percentile(r.deliveryMs, 99).toFixed(0)} ms, /healthz p99 ${percentile(r.healthMs, 99).toFixed(0)} ms, worker longest gap ${r.workerLongestGapMs} ms, flood replies ${JSON.stringify(Object.fromEntries(r.floodReplies))}, flooding sockets closed ${r.floodDisconnects} times`;
}

/**
 * What a flood must leave intact. Functional bounds only (a starved hub took 8–20 s per /healthz
 * before the per-account budget); the latency goals are measured by `pnpm bench flood`.
 */
export function expectServedDespiteFlood(r: FloodResult, workerIntervalMs: number): void {
  expect(r.refusedSocket).toBe('too_many_connections');
  expect(r.floodReplies.get('rate_limited') ?? 0).toBeGreaterThan(0);
  // Sockets that go on sending after rate_limited are closed.
  expect(r.floodDisconnects).toBeGreaterThan(0);
  expect([...r.statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  expect(r.alertsDelivered).toBe(r.alertsSent);
  expect(percentile(r.deliveryMs, 99)).toBeLessThan(5000);
  expect(percentile(r.healthMs, 99)).toBeLessThan(2000);
  expect(r.workerRounds).toBeGreaterThan(0);
  expect(r.workerLongestGapMs).toBeLessThan(workerIntervalMs * 8);
}
