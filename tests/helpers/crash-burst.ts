import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { CreateAlert } from '@tansiq/shared';
import { freePort, startHubProcess, type HubProcess } from './process.ts';
import { LiveClient } from './live-client.ts';
import { login } from './users.ts';

export interface BurstResult {
  sent: number;
  kills: number;
  receivers: Map<string, LiveClient>;
  ids: string[];
}

/** Answers after which a sender sends the same alert again. */
const RETRYABLE = new Set(['rate_limited', 'internal', 'database_unavailable']);

/** Sends every alert, resending each until the hub acknowledges it, across disconnects. */
export async function sendUntilAcknowledged(
  socket: Socket,
  alerts: CreateAlert[],
  onAck: () => void,
  window = 8,
): Promise<void> {
  const queue = [...alerts];
  const worker = async () => {
    for (let alert = queue.shift(); alert; alert = queue.shift()) {
      for (;;) {
        if (!socket.connected) await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        const reply = (await socket
          .timeout(4000)
          .emitWithAck('alert:create', alert)
          .catch(() => null)) as { alert?: { id: string }; error?: { code: string } } | null;
        if (reply?.alert?.id === alert.id) break;
        if (reply?.error && !RETRYABLE.has(reply.error.code)) {
          throw new Error(`alert ${alert.id} refused: ${JSON.stringify(reply.error)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      onAck();
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

/**
 * Runs a hub process, sends `total` alerts from EAST officers (each resent until acknowledged), and
 * kills the hub with SIGKILL `kills` times during the burst, restarting it on the same port and data.
 * Receivers reconnect and resume by themselves.
 */
export async function crashBurst(options: {
  env: Record<string, string>;
  total: number;
  kills: number;
  senders: string[];
  receivers: string[];
  password: string;
}): Promise<BurstResult> {
  const port = await freePort();
  const env = {
    TANSIQ_SOCKET_BUDGET_PER_10S: '100000',
    TANSIQ_USER_CONCURRENT_REQUESTS: '8',
    TANSIQ_DEMO_DATA: 'off',
    ...options.env,
  };
  let hub: HubProcess = await startHubProcess(env, 'node', port);
  const tokens = new Map<string, string>();
  for (const name of [...options.senders, ...options.receivers])
    tokens.set(name, (await login(hub.url, name, options.password)).accessToken);

  if (process.env.BURST_TRACE) process.stderr.write(`hub up, tokens ${tokens.size}\n`);
  const receivers = new Map<string, LiveClient>();
  for (const name of options.receivers) {
    const client = new LiveClient(hub.url, tokens.get(name)!, { reconnection: true });
    await client.ready();
    receivers.set(name, client);
  }

  const ids: string[] = [];
  const perSender = Math.ceil(options.total / options.senders.length);
  let acked = 0;
  const killAt = Array.from({ length: options.kills }, (_, i) =>
    Math.floor(((i + 1) * options.total) / (options.kills + 1)),
  );
  let kills = 0;
  let restarting: Promise<void> | null = null;
  const maybeKill = () => {
    if (kills < killAt.length && acked >= killAt[kills]! && !restarting) {
      kills++;
      restarting = (async () => {
        hub.child.kill('SIGKILL');
        await hub.exited;
        hub = await startHubProcess(env, 'node', port);
        restarting = null;
      })();
    }
  };

  const sockets = options.senders.map((name) =>
    connect(hub.url, {
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      auth: { token: tokens.get(name)! },
    }),
  );
  await Promise.all(
    sockets.map(async (socket, s) => {
      const alerts: CreateAlert[] = Array.from({ length: perSender }, (_, i) => {
        const id = randomUUID();
        ids.push(id);
        return {
          id,
          category: 'irregular_migration',
          severity: 'low',
          title: `burst ${s}/${i}`,
          location: { lat: 22 + (i % 10) / 10, lng: 14 + s / 10 },
          tlp: i % 3 === 0 ? 'RED' : 'AMBER',
          recipients: ['WEST'],
        };
      });
      await sendUntilAcknowledged(socket, alerts, () => {
        acked++;
        if (process.env.BURST_TRACE && acked % 100 === 0)
          process.stderr.write(`${new Date().toISOString()} acked ${acked} kills ${kills}\n`);
        maybeKill();
      });
    }),
  );
  await restarting;
  for (const s of sockets) s.close();
  // Receivers catch up: a resume after the last restart covers everything committed.
  for (const client of receivers.values()) {
    if (!client.socket.connected)
      await new Promise<void>((resolve) => client.socket.once('connect', () => resolve()));
    await client.resume();
  }
  hub.child.kill('SIGTERM');
  await hub.exited;
  return { sent: ids.length, kills, receivers, ids };
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}
