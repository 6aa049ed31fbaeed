import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUser, openPglite } from '@tansiq/hub-server';
import { cpuMicros, rssBytes } from './proc.ts';
import { login, PASSWORD } from './accounts.ts';

export interface FanoutOptions {
  consoles: number;
  rate: number;
  seconds: number;
}

interface ClientSummary {
  received: number;
  p50: number;
  p99: number;
  max: number;
}

interface Measured extends ClientSummary {
  sent: number;
  delivered: number;
  cpuMicrosPerDelivery: number;
  rssPerConnection: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const tsx = ['--import', 'tsx'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = <T>(child: ChildProcess, type: string) =>
  new Promise<T>((resolve) => {
    const on = (msg: { type: string }) => {
      if (msg.type === type) {
        child.off('message', on);
        resolve(msg as T);
      }
    };
    child.on('message', on);
  });

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function startClients(
  url: string,
  token: string,
  count: number,
  mode: 'hub' | 'bare',
): Promise<ChildProcess> {
  const child = fork(path.join(here, 'fanout-clients.ts'), [url, token, String(count), mode], {
    execArgv: tsx,
  });
  const ready = await message<{ connected: number }>(child, 'ready');
  if (ready.connected !== count) throw new Error(`only ${ready.connected} of ${count} consoles connected`);
  return child;
}

async function stopClients(child: ChildProcess): Promise<ClientSummary> {
  const done = message<ClientSummary>(child, 'done');
  child.send({ type: 'stop' });
  return done;
}

async function measureHub(o: FanoutOptions): Promise<{ result: Measured; template: unknown }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-bench-'));
  const database = await openPglite({ dataDir });
  for (const [username, centre] of [
    ['bench.east', 'EAST'],
    ['bench.west', 'WEST'],
  ] as const) {
    await createUser(
      database.db,
      { username, displayName: username, role: 'officer', centre, password: PASSWORD },
      { username: 'bench' },
    );
  }
  await database.close();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const hub = spawn(process.execPath, [...tsx, 'hub-server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TANSIQ_DATA_DIR: dataDir,
      TANSIQ_DEMO_DATA: 'off',
      LOG_LEVEL: 'warn',
      // Every console here is the same account: lift the per-account limits so the benchmark
      // measures fan-out, not the flood protection.
      TANSIQ_SOCKETS_PER_USER: String(o.consoles + 10),
      TANSIQ_SOCKET_BUDGET_PER_10S: '1000000',
      TANSIQ_USER_CONCURRENT_REQUESTS: String(o.consoles + 10),
    },
    stdio: 'inherit',
  });
  try {
    for (let i = 0; (await fetch(`${url}/readyz`).catch(() => null))?.status !== 200; i++) {
      if (i > 300) throw new Error('hub did not become ready');
      await sleep(100);
    }
    const east = await login(url, 'bench.east');
    const west = await login(url, 'bench.west');
    const rssBefore = rssBytes(hub.pid!);
    const clients = await startClients(url, west, o.consoles, 'hub');
    const rssAfter = rssBytes(hub.pid!);
    const total = Math.round(o.rate * o.seconds);
    const cpuBefore = cpuMicros(hub.pid!);
    const start = performance.timeOrigin + performance.now() + 200;
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const intended = start + (i * 1000) / o.rate;
      await sleep(Math.max(0, intended - (performance.timeOrigin + performance.now())));
      posts.push(
        fetch(`${url}/api/v1/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${east}` },
          body: JSON.stringify({
            category: 'smuggling',
            severity: 'medium',
            title: 'تهريب وقود عبر المعبر',
            description: String(intended),
            location: { lat: 32.1, lng: 11.6 },
            tlp: 'GREEN',
            recipients: ['WEST'],
          }),
        }),
      );
    }
    await Promise.all(posts);
    await sleep(2000);
    const cpu = cpuMicros(hub.pid!) - cpuBefore;
    const summary = await stopClients(clients);
    const events = (await (
      await fetch(`${url}/api/v1/events?after=0&limit=1`, { headers: { authorization: `Bearer ${west}` } })
    ).json()) as {
      events: unknown[];
    };
    const delivered = summary.received;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const lag = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) * 1000;
    process.stdout.write(
      `hub event-loop delay over the run: p99 ${lag('nodejs_eventloop_lag_p99_seconds').toFixed(1)} ms, max ${lag('nodejs_eventloop_lag_max_seconds').toFixed(1)} ms\n`,
    );
    return {
      template: events.events[0],
      result: {
        ...summary,
        sent: total,
        delivered,
        cpuMicrosPerDelivery: cpu / Math.max(1, delivered),
        rssPerConnection: (rssAfter - rssBefore) / o.consoles,
      },
    };
  } finally {
    hub.kill('SIGTERM');
    await new Promise((r) => hub.once('exit', r));
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function measureBaseline(o: FanoutOptions, template: unknown): Promise<Measured> {
  const server = fork(path.join(here, 'fanout-baseline-server.ts'), [], { execArgv: tsx });
  try {
    const { port } = await message<{ port: number }>(server, 'listening');
    const rssBefore = rssBytes(server.pid!);
    const clients = await startClients(`http://127.0.0.1:${port}`, '', o.consoles, 'bare');
    const rssAfter = rssBytes(server.pid!);
    const cpuBefore = cpuMicros(server.pid!);
    const sent = message<{ sent: number }>(server, 'sent');
    server.send({ type: 'run', rate: o.rate, seconds: o.seconds, template });
    const { sent: total } = await sent;
    await sleep(2000);
    const cpu = cpuMicros(server.pid!) - cpuBefore;
    const summary = await stopClients(clients);
    return {
      ...summary,
      sent: total,
      delivered: summary.received,
      cpuMicrosPerDelivery: cpu / Math.max(1, summary.received),
      rssPerConnection: (rssAfter - rssBefore) / o.consoles,
    };
  } finally {
    server.kill('SIGTERM');
  }
}

function row(name: string, m: Measured, consoles: number): string {
  const pct = (100 * m.delivered) / (m.sent * consoles);
  return `${name.padEnd(26)} p50 ${m.p50.toFixed(2).padStart(8)} ms  p99 ${m.p99.toFixed(2).padStart(8)} ms  max ${m.max.toFixed(1).padStart(8)} ms  delivered ${pct.toFixed(2).padStart(6)}%  cpu ${m.cpuMicrosPerDelivery.toFixed(1).padStart(6)} µs/delivery  rss ${(m.rssPerConnection / 1024).toFixed(1).padStart(6)} KiB/conn`;
}

/**
 * N consoles in a process of their own; alerts at a fixed rate; latency from each alert's intended
 * send time to its receipt in every console. The full hub (REST create → PostgreSQL commit → log
 * tailer → policy rooms → Socket.IO) against a bare Socket.IO `io.emit` of the same payload to the
 * same clients, in the same run.
 */
export async function fanoutBench(o: FanoutOptions): Promise<void> {
  process.stdout.write(
    `fanout: ${o.consoles} consoles, ${o.rate} alerts/s for ${o.seconds} s (${Math.round(o.rate * o.seconds)} alerts), Node ${process.version}, ${os.cpus().length} cores\n`,
  );
  const hub = await measureHub(o);
  const baseline = await measureBaseline(o, hub.template);
  process.stdout.write(
    `${row('baseline (bare io.emit)', baseline, o.consoles)}\n${row('hub (full path)', hub.result, o.consoles)}\n`,
  );
  process.stdout.write(
    `ratio hub/baseline: p50 ${(hub.result.p50 / baseline.p50).toFixed(2)}×, p99 ${(hub.result.p99 / baseline.p99).toFixed(2)}×, cpu/delivery ${(hub.result.cpuMicrosPerDelivery / baseline.cpuMicrosPerDelivery).toFixed(2)}×, rss/conn ${(hub.result.rssPerConnection / baseline.rssPerConnection).toFixed(2)}×\n`,
  );
}
