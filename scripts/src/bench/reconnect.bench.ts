import os from 'node:os';
import { login } from './accounts.ts';
import { rssBytes } from './proc.ts';
import { consolesProcess, message, mib, pin, pinning, spread, startHubs } from './targets.ts';

export interface ReconnectOptions {
  consoles: number;
  /** Alerts raised while the consoles are away (what each must catch up on). */
  missed: number;
  rounds: number;
  db: 'pglite' | 'server';
  nodes: number;
  pin: boolean;
}

/**
 * A reconnect storm: N consoles connect all at once (the cold connect: handshake and a first
 * resume each), then drop at once; while they are away EAST raises `missed` alerts; then all come
 * back at once and resume from the last event each applied. Reports the time until every console
 * holds the missed alerts, against the cold connect of the same consoles in the same round.
 */
export async function reconnectBench(o: ReconnectOptions): Promise<void> {
  const cores = pinning(o.pin);
  process.stdout.write(
    `reconnect: ${o.consoles} consoles, ${o.missed} alerts missed while away, ${o.rounds} rounds, database ${o.db}, ${o.nodes} hub process(es), Node ${process.version}, ${os.cpus().length} cores, ${cores ? 'pinned' : 'not pinned'}\n`,
  );
  pin(process.pid, cores?.clients);
  const hubs = await startHubs({ db: o.db, nodes: o.nodes, consoles: o.consoles, cores });
  try {
    const east = await login(hubs.url, 'bench.east');
    const west = await login(hubs.url, 'bench.west');
    const ratios: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const clients = await consolesProcess(cores);
      const ready = message<{ connected: number; ms: number }>(clients, 'ready');
      clients.send({
        type: 'connect',
        url: hubs.url,
        token: west,
        count: o.consoles,
        mode: 'hub',
        batch: o.consoles,
      });
      const cold = await ready;
      if (cold.connected !== o.consoles) throw new Error(`only ${cold.connected} of ${o.consoles} connected`);
      const rss = hubs.pids.map(rssBytes);
      const dropped = message(clients, 'dropped');
      clients.send({ type: 'drop' });
      await dropped;
      for (let i = 0; i < o.missed; i++) {
        const res = await fetch(`${hubs.url}/api/v1/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${east}` },
          body: JSON.stringify({
            category: 'smuggling',
            severity: 'low',
            title: `missed ${i}`,
            location: { lat: 32.1, lng: 11.6 },
            tlp: 'GREEN',
            recipients: ['WEST'],
          }),
        });
        if (res.status !== 201) throw new Error(`alert answered ${res.status}`);
      }
      const caught = message<{ ms: number }>(clients, 'caught-up');
      clients.send({ type: 'rejoin', expect: o.missed });
      const storm = await caught;
      const done = message(clients, 'done');
      clients.send({ type: 'stop' });
      await done;
      ratios.push(storm.ms / cold.ms);
      process.stdout.write(
        `  round ${r + 1}: cold connect ${cold.ms.toFixed(0)} ms, reconnect storm until all caught up ${storm.ms.toFixed(0)} ms (${(storm.ms / cold.ms).toFixed(2)}×); hub RSS connected ${rss.map(mib).join(', ')}\n`,
      );
    }
    const s = spread(ratios);
    process.stdout.write(
      `reconnect storm / cold connect: median ${s.median.toFixed(2)}× (spread ${s.min.toFixed(2)}–${s.max.toFixed(2)}×)\n`,
    );
  } finally {
    await hubs.close();
  }
}
