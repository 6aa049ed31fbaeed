import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLogger, createUser, openPglite, openPostgres, type Database } from '@tansiq/hub-server';
import { freePort, startNginx, type RunningNginx } from '../nginx.ts';
import { PASSWORD } from './accounts.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
const hubEntry = path.join(repoRoot, 'hub-server/dist/main.js');
export const tsx = ['--import', 'tsx'];
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where each side runs: the servers on one core, the consoles and this driver on the other. */
export interface Cores {
  server: string;
  clients: string;
}

/** Two cores and taskset (util-linux): pin; otherwise run unpinned and say so. */
export function pinning(wanted: boolean): Cores | null {
  if (!wanted || os.cpus().length < 2) return null;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { server: '0', clients: String(os.cpus().length - 1) };
}

/** Pins every thread of a running process to a core (no-op without pinning). */
export function pin(pid: number | undefined, core: string | undefined): void {
  if (pid === undefined || core === undefined) return;
  execFileSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'ignore' });
}

export const message = <T>(child: ChildProcess, type: string) =>
  new Promise<T>((resolve, reject) => {
    const on = (msg: { type: string }) => {
      if (msg.type === type) {
        child.off('message', on);
        child.off('exit', onExit);
        resolve(msg as T);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`process exited (${code}) before "${type}"`));
    child.on('message', on);
    child.once('exit', onExit);
  });

/** The consoles' process, pinned to the clients' core. */
export async function consolesProcess(cores: Cores | null): Promise<ChildProcess> {
  const child = fork(path.join(here, 'fanout-clients.ts'), [], { execArgv: tsx });
  await message(child, 'started');
  pin(child.pid, cores?.clients);
  return child;
}

/** The two accounts every benchmark uses: EAST raises alerts, WEST's consoles receive them. */
async function seed(database: Database): Promise<void> {
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
}

export interface HubTarget {
  /** Where consoles and the driver connect: the one hub, or nginx in front of several. */
  url: string;
  /** Each hub process's own address. */
  hubUrls: string[];
  pids: number[];
  /** Nginx in front of only the first process (a single-process reference through the same proxy). */
  singleUrl: string | null;
  close(): Promise<void>;
}

/**
 * Starts `nodes` hub processes from the compiled build (`pnpm build`) on a fresh database — embedded
 * PGlite in a temporary directory, or a new database on the PostgreSQL server — pinned to the
 * servers' core, with nginx (deploy/nginx/tansiq.conf) in front when there are several.
 */
export async function startHubs(o: {
  db: 'pglite' | 'server';
  nodes: number;
  consoles: number;
  cores: Cores | null;
  profileDir?: string;
  env?: Record<string, string>;
}): Promise<HubTarget> {
  if (!existsSync(hubEntry)) throw new Error('the hub is not built: run `pnpm build` first');
  if (o.db === 'pglite' && o.nodes > 1) throw new Error('--nodes needs --db server (PGlite is one process)');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-bench-'));
  const cleanups: (() => Promise<void>)[] = [() => fs.rm(dataDir, { recursive: true, force: true })];
  let dbEnv: Record<string, string>;
  if (o.db === 'pglite') {
    const database = await openPglite({ dataDir });
    await seed(database);
    await database.close();
    dbEnv = { TANSIQ_DATA_DIR: dataDir };
  } else {
    const admin = process.env.TANSIQ_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const suffix = randomBytes(4).toString('hex');
    const name = `tansiq_bench_${suffix}`;
    const appRole = `tansiq_bench_app_${suffix}`;
    const run = async (sql: string) => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(sql).finally(() => c.end());
    };
    await run(`create database ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    cleanups.push(async () => {
      await run(`drop database if exists ${name} with (force)`);
      await run(`drop role if exists ${appRole}`);
    });
    const database = await openPostgres({
      ownerUrl: url.toString(),
      appRole,
      poolMax: 2,
      logger: createLogger('silent'),
    });
    await seed(database);
    await database.close();
    dbEnv = { DATABASE_URL: url.toString(), TANSIQ_DB_APP_ROLE: appRole, TANSIQ_DATA_DIR: dataDir };
  }
  const hubs: ChildProcess[] = [];
  const ports: number[] = [];
  const stopHubs = async () => {
    for (const h of hubs) h.kill('SIGTERM');
    await Promise.all(hubs.map((h) => (h.exitCode === null ? new Promise((r) => h.once('exit', r)) : null)));
  };
  try {
    for (let i = 0; i < o.nodes; i++) {
      const port = await freePort();
      const profile = o.profileDir ? ['--cpu-prof', '--cpu-prof-dir', o.profileDir] : [];
      const hub = spawn(process.execPath, [...profile, hubEntry], {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...dbEnv,
          PORT: String(port),
          HOST: '127.0.0.1',
          NODE_ENV: 'production',
          TANSIQ_DEMO_DATA: 'off',
          LOG_LEVEL: 'warn',
          TANSIQ_TRUST_PROXY_HOPS: o.nodes > 1 ? '1' : '0',
          // Every console here is the same account: lift the per-account limits so the benchmark
          // measures fan-out, not the flood protection.
          TANSIQ_SOCKETS_PER_USER: String(o.consoles + 10),
          TANSIQ_SOCKET_BUDGET_PER_10S: '1000000',
          TANSIQ_USER_CONCURRENT_REQUESTS: String(o.consoles + 10),
          ...o.env,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      hubs.push(hub);
      ports.push(port);
    }
    await Promise.all(
      ports.map(async (port) => {
        for (
          let i = 0;
          (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status !== 200;
          i++
        ) {
          if (i > 600) throw new Error('hub did not become ready');
          await sleep(100);
        }
      }),
    );
    for (const h of hubs) pin(h.pid, o.cores?.server);
    let nginx: RunningNginx | null = null;
    let single: RunningNginx | null = null;
    if (o.nodes > 1) {
      nginx = await startNginx(ports);
      single = await startNginx([ports[0]!]);
    }
    const hubUrls = ports.map((p) => `http://127.0.0.1:${p}`);
    return {
      url: nginx?.url ?? hubUrls[0]!,
      hubUrls,
      pids: hubs.map((h) => h.pid!),
      singleUrl: single?.url ?? null,
      async close() {
        await nginx?.stop();
        await single?.stop();
        await stopHubs();
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      },
    };
  } catch (err) {
    await stopHubs();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw err;
  }
}

/** The bare Socket.IO server of the baseline, pinned to the servers' core. */
export async function startBaseline(
  cores: Cores | null,
  profileDir?: string,
): Promise<{ url: string; child: ChildProcess }> {
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(profileDir, 'baseline')] : [];
  const child = fork(path.join(here, 'fanout-baseline-server.ts'), [], { execArgv: [...tsx, ...profile] });
  const { port } = await message<{ port: number }>(child, 'listening');
  pin(child.pid, cores?.server);
  return { url: `http://127.0.0.1:${port}`, child };
}

/** The median of some numbers, and their smallest and largest. */
export function spread(values: number[]): { median: number; min: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)! };
}

export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
