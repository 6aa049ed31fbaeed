import net from 'node:net';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A remote site on this machine: a network namespace of its own joined to the host by a veth pair,
 * so a browser started inside it reaches the hub only across that link, which a test can slow down
 * (tc's token bucket) and black-hole (nftables dropping every packet while the interface stays up).
 * Needs root, iproute2 and nftables (Debian); everything it makes is removed by `close()`.
 */
export interface RemoteSite {
  /** The hub's address on the link (host side). */
  hostAddress: string;
  /** A script that starts Chromium inside the namespace: give it to `launchChromium`. */
  chromium: string;
  /** Both directions limited to `kbit` kbit/s. */
  limitRate(kbit: number): Promise<void>;
  /** Every packet across the link dropped, both ways; the interfaces stay up. */
  blackHole(): Promise<void>;
  /** The link carries packets again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function sh(...args: string[]): Promise<void> {
  await run(args[0]!, args.slice(1));
}

export async function createRemoteSite(): Promise<RemoteSite> {
  const id = process.pid % 4000;
  const ns = `tansiq-site-${id}`;
  const hostIf = `tqh${id}`;
  const siteIf = `tqs${id}`;
  const subnet = `10.${200 + Math.floor(id / 250)}.${id % 250}`;
  const hostAddress = `${subnet}.1`;
  const inNs = (...args: string[]) => sh('ip', 'netns', 'exec', ns, ...args);

  // Left over from a run that was killed: start clean.
  await sh('ip', 'link', 'del', hostIf).catch(() => undefined);
  await sh('ip', 'netns', 'del', ns).catch(() => undefined);

  await sh('ip', 'netns', 'add', ns);
  await sh('ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', siteIf);
  await sh('ip', 'link', 'set', siteIf, 'netns', ns);
  await sh('ip', 'addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
  await sh('ip', 'link', 'set', hostIf, 'up');
  await inNs('ip', 'addr', 'add', `${subnet}.2/30`, 'dev', siteIf);
  await inNs('ip', 'link', 'set', siteIf, 'up');
  await inNs('ip', 'link', 'set', 'lo', 'up');
  await inNs('ip', 'route', 'add', 'default', 'via', hostAddress);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'tansiq-site-'));
  const chromium = path.join(dir, 'chromium');
  const real = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  await writeFile(chromium, `#!/bin/sh\nexec ip netns exec ${ns} ${real} "$@"\n`);
  await chmod(chromium, 0o755);

  const shape = async (dev: string, exec: (...a: string[]) => Promise<void>, kbit: number) =>
    exec(
      'tc',
      'qdisc',
      'replace',
      'dev',
      dev,
      'root',
      'tbf',
      'rate',
      `${kbit}kbit`,
      'burst',
      '4kb',
      'latency',
      '2s',
    );

  return {
    hostAddress,
    chromium,
    async limitRate(kbit) {
      await shape(hostIf, sh, kbit);
      await shape(siteIf, inNs, kbit);
    },
    async blackHole() {
      await inNs('nft', 'add', 'table', 'inet', 'blackhole');
      for (const hook of ['input', 'output']) {
        await inNs(
          'nft',
          'add',
          'chain',
          'inet',
          'blackhole',
          hook,
          `{ type filter hook ${hook} priority 0; policy accept; }`,
        );
        const loopback = hook === 'input' ? 'iifname' : 'oifname';
        await inNs('nft', 'add', 'rule', 'inet', 'blackhole', hook, loopback, 'lo', 'accept');
        await inNs('nft', 'add', 'rule', 'inet', 'blackhole', hook, 'drop');
      }
    },
    async restore() {
      await inNs('nft', 'delete', 'table', 'inet', 'blackhole');
    },
    async close() {
      await sh('ip', 'link', 'del', hostIf).catch(() => undefined);
      await sh('ip', 'netns', 'del', ns).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Latency for a link whose kernel has no netem (this machine's: `tc qdisc … netem` answers
 * "Specified qdisc kind is unknown"): a relay on the hub's side of the link that holds every chunk
 * `oneWayMs` in each direction, in order, and the first chunk of each connection two crossings
 * longer (the TCP handshake's round trip). Combined with `limitRate` on the veth pair, a browser in
 * the namespace sees a slow, long link; the hub behind the relay sees nothing unusual.
 */
export async function delayedRelay(
  listenHost: string,
  target: { host: string; port: number },
  oneWayMs: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const pipe = (from: net.Socket, to: net.Socket, firstExtraMs: number) => {
      let extra = firstExtraMs;
      from.on('data', (chunk: Buffer) => {
        const wait = oneWayMs + extra;
        extra = 0;
        setTimeout(() => to.destroyed || to.write(chunk), wait);
      });
      from.on('end', () => setTimeout(() => to.destroyed || to.end(), oneWayMs));
      from.on('error', () => to.destroy());
      from.on('close', () => sockets.delete(from));
    };
    pipe(client, upstream, 2 * oneWayMs);
    pipe(upstream, client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, listenHost, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
