import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { cpuMicros, rssBytes } from './proc.ts';
import { login } from './accounts.ts';
import {
  consolesProcess,
  message,
  mib,
  pin,
  pinning,
  sleep,
  spread,
  startBaseline,
  startHubs,
  type Cores,
} from './targets.ts';

export interface FanoutOptions {
  consoles: number;
  rate: number;
  seconds: number;
  rounds: number;
  db: 'pglite' | 'server';
  nodes: number;
  pin: boolean;
  profileDir?: string;
}

interface Round {
  p50: number;
  p99: number;
  max: number;
  sent: number;
  delivered: number;
  cpuMicrosPerDelivery: number;
}

interface Summary {
  received: number;
  /** Hub rounds: receipt − the alert's createdAt (its transaction's start), median. */
  sinceCreatedP50: number;
  p50: number;
  p99: number;
  max: number;
}

/** The alert the driver raises: its description carries the intended send time. */
const alertBody = (intended: number) =>
  JSON.stringify({
    category: 'smuggling',
    severity: 'medium',
    title: 'تهريب وقود عبر المعبر',
    description: String(intended),
    location: { lat: 32.1, lng: 11.6 },
    tlp: 'GREEN',
    recipients: ['WEST'],
  });

/** Opens the consoles against `url`; resolves with their process once all are connected. */
async function connectConsoles(
  cores: Cores | null,
  url: string,
  token: string,
  count: number,
  mode: 'hub' | 'bare',
): Promise<ChildProcess> {
  const child = await consolesProcess(cores);
  const ready = message<{ connected: number }>(child, 'ready');
  child.send({ type: 'connect', url, token, count, mode });
  const { connected } = await ready;
  if (connected !== count) throw new Error(`only ${connected} of ${count} consoles connected`);
  return child;
}

async function finish(child: ChildProcess): Promise<Summary> {
  const done = message<Summary>(child, 'done');
  child.send({ type: 'stop' });
  return done;
}

/** One round against the hub: the driver POSTs alerts at the rate, each with its intended time. */
async function hubRound(
  o: FanoutOptions,
  cores: Cores | null,
  url: string,
  pids: number[],
  tokens: { east: string; west: string },
): Promise<Round & { rssLoaded: number[] }> {
  const clients = await connectConsoles(cores, url, tokens.west, o.consoles, 'hub');
  const rssLoaded = pids.map(rssBytes);
  clients.send({ type: 'measure' });
  const total = Math.round(o.rate * o.seconds);
  const cpu = () => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
  const cpuBefore = cpu();
  const start = performance.timeOrigin + performance.now() + 200;
  const posts: Promise<unknown>[] = [];
  const late: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < total; i++) {
    const intended = start + (i * 1000) / o.rate;
    await sleep(Math.max(0, intended - (performance.timeOrigin + performance.now())));
    late.push(performance.timeOrigin + performance.now() - intended);
    posts.push(
      fetch(`${url}/api/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.east}` },
        body: alertBody(intended),
      })
        .then((r) => r.arrayBuffer())
        .then(() => answered.push(performance.timeOrigin + performance.now() - intended)),
    );
  }
  await Promise.all(posts);
  await sleep(2000);
  const used = cpu() - cpuBefore;
  const s = await finish(clients);
  process.stdout.write(
    `    driver: sent late p50 ${spread(late).median.toFixed(1)} ms, max ${spread(late).max.toFixed(1)} ms; answered p50 ${spread(answered).median.toFixed(1)} ms after the intended time; consoles: receipt − the alert's transaction start p50 ${s.sinceCreatedP50.toFixed(1)} ms\n`,
  );
  return {
    ...s,
    sent: total,
    delivered: s.received,
    cpuMicrosPerDelivery: used / Math.max(1, s.received),
    rssLoaded,
  };
}

/** One round against the bare Socket.IO server: it emits the hub's own payload at the same rate. */
async function baselineRound(
  o: FanoutOptions,
  cores: Cores | null,
  baseline: { url: string; child: ChildProcess },
  template: unknown,
): Promise<Round> {
  const clients = await connectConsoles(cores, baseline.url, '', o.consoles, 'bare');
  clients.send({ type: 'measure' });
  const pid = baseline.child.pid!;
  const cpuBefore = cpuMicros(pid);
  const sent = message<{ sent: number }>(baseline.child, 'sent');
  baseline.child.send({ type: 'run', rate: o.rate, seconds: o.seconds, template });
  const { sent: total } = await sent;
  await sleep(2000);
  const used = cpuMicros(pid) - cpuBefore;
  const s = await finish(clients);
  return { ...s, sent: total, delivered: s.received, cpuMicrosPerDelivery: used / Math.max(1, s.received) };
}

function row(name: string, m: Round, consoles: number): string {
  const pct = (100 * m.delivered) / (m.sent * consoles);
  return `  ${name.padEnd(22)} p50 ${m.p50.toFixed(2).padStart(8)} ms  p99 ${m.p99.toFixed(2).padStart(8)} ms  max ${m.max.toFixed(1).padStart(8)} ms  delivered ${pct.toFixed(2).padStart(6)}%  cpu ${m.cpuMicrosPerDelivery.toFixed(1).padStart(6)} µs/delivery`;
}

const ratioLine = (label: string, values: number[]) => {
  const s = spread(values);
  return `  ${label.padEnd(16)} median ${s.median.toFixed(2)}×  (spread ${s.min.toFixed(2)}–${s.max.toFixed(2)}×)`;
};

/**
 * N consoles in a process of their own on one core; the server under test alone on the other.
 * Rounds alternate between the hub (REST create → commit → NOTIFY → log reader → policy rooms →
 * Socket.IO) and a bare Socket.IO `io.emit` of the same payload to the same clients, and the
 * ratios are reported per pair of rounds, as a median with its spread. With `--nodes N` the rounds
 * alternate between N hub processes behind nginx and one process behind the same nginx instead.
 */
export async function fanoutBench(o: FanoutOptions): Promise<void> {
  const cores = pinning(o.pin);
  process.stdout.write(
    `fanout: ${o.consoles} consoles, ${o.rate} alerts/s for ${o.seconds} s, ${o.rounds} rounds each side, database ${o.db}, ${o.nodes} hub process(es), Node ${process.version}, ${os.cpus().length} cores, ${cores ? `servers pinned to core ${cores.server}, consoles and driver to core ${cores.clients}` : 'not pinned'}\n`,
  );
  // The driver (alert POSTs, timers) shares the consoles' core.
  pin(process.pid, cores?.clients);
  const hubs = await startHubs({
    db: o.db,
    nodes: o.nodes,
    consoles: o.consoles,
    cores,
    ...(o.profileDir ? { profileDir: o.profileDir } : {}),
  });
  const baseline = o.nodes > 1 ? null : await startBaseline(cores, o.profileDir);
  try {
    await sleep(1000);
    const rssIdle = hubs.pids.map(rssBytes);
    const tokens = { east: await login(hubs.url, 'bench.east'), west: await login(hubs.url, 'bench.west') };
    const hubSide: Round[] = [];
    const otherSide: Round[] = [];
    let rssLoaded: number[] = [];
    let template: unknown = null;
    const other = o.nodes > 1 ? `1 process via nginx` : 'bare io.emit';
    const main = o.nodes > 1 ? `${o.nodes} processes via nginx` : 'hub';
    // A short round on each side first, not counted: the first alerts through a new process pay
    // for compiling its code paths (and, in the hub, the database's first plans).
    const warm = { ...o, seconds: Math.min(3, o.seconds) };
    const warmHub = await hubRound(warm, cores, hubs.url, hubs.pids, tokens);
    process.stdout.write(`${row(`${main} warm-up`, warmHub, o.consoles)}\n`);
    const first = await fetch(`${hubs.url}/api/v1/events?after=0&limit=100`, {
      headers: { authorization: `Bearer ${tokens.west}` },
    });
    template = ((await first.json()) as { events: { type: string }[] }).events.find(
      (e) => e.type === 'alert:created',
    );
    const warmOther = baseline
      ? await baselineRound(warm, cores, baseline, template)
      : await hubRound(warm, cores, hubs.singleUrl!, [hubs.pids[0]!], tokens);
    process.stdout.write(`${row(`${other} warm-up`, warmOther, o.consoles)}\n`);
    for (let r = 0; r < o.rounds; r++) {
      const runHub = async () => {
        const round = await hubRound(o, cores, hubs.url, hubs.pids, tokens);
        rssLoaded = round.rssLoaded;
        hubSide.push(round);
        process.stdout.write(`${row(`${main} #${r + 1}`, round, o.consoles)}\n`);
      };
      const runOther = async () => {
        const round = baseline
          ? await baselineRound(o, cores, baseline, template)
          : await hubRound(o, cores, hubs.singleUrl!, [hubs.pids[0]!], tokens);
        otherSide.push(round);
        process.stdout.write(`${row(`${other} #${r + 1}`, round, o.consoles)}\n`);
      };
      // Alternate which side goes first.
      if (r % 2 === 0) {
        await runHub();
        await runOther();
      } else {
        await runOther();
        await runHub();
      }
    }
    const pairs = hubSide.map((h, i) => ({ h, b: otherSide[i]! }));
    process.stdout.write(`ratio ${main} / ${other}, per pair of rounds:\n`);
    process.stdout.write(
      `${ratioLine(
        'p50',
        pairs.map(({ h, b }) => h.p50 / b.p50),
      )}\n`,
    );
    process.stdout.write(
      `${ratioLine(
        'p99',
        pairs.map(({ h, b }) => h.p99 / b.p99),
      )}\n`,
    );
    process.stdout.write(
      `${ratioLine(
        'cpu/delivery',
        pairs.map(({ h, b }) => h.cpuMicrosPerDelivery / b.cpuMicrosPerDelivery),
      )}\n`,
    );
    if (o.nodes > 1) {
      const p99 = spread(pairs.map(({ h, b }) => h.p99 - (1.5 * b.p99 + 10)));
      process.stdout.write(
        `  p99 − (1.5 × single p99 + 10 ms): median ${p99.median.toFixed(1)} ms (spread ${p99.min.toFixed(1)} – ${p99.max.toFixed(1)}; ≤ 0 meets the goal)\n`,
      );
    }
    const metrics = await (await fetch(`${hubs.hubUrls[0]}/metrics`)).text();
    const lag = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) * 1000;
    process.stdout.write(
      `hub event-loop delay over the run: p99 ${lag('nodejs_eventloop_lag_p99_seconds').toFixed(1)} ms, max ${lag('nodejs_eventloop_lag_max_seconds').toFixed(1)} ms\n`,
    );
    process.stdout.write(
      `hub resident memory (per process): idle ${rssIdle.map(mib).join(', ')}; with ${o.consoles} consoles connected ${rssLoaded.map(mib).join(', ')}; after the run ${hubs.pids.map(rssBytes).map(mib).join(', ')}\n`,
    );
  } finally {
    baseline?.child.kill('SIGTERM');
    await hubs.close();
  }
}
