import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { asc, gt } from 'drizzle-orm';
import {
  AlertsService,
  CentresCache,
  createUser,
  FailureAudit,
  openPglite,
  schema,
  testConfig,
  type EmbeddedDatabase,
} from '@tansiq/hub-server';
import { spread } from './targets.ts';

export interface PgliteBenchOptions {
  alerts: number;
  rounds: number;
}

interface Side {
  name: string;
  database: EmbeddedDatabase;
  alerts: AlertsService;
  position: number;
}

/**
 * The embedded database's share of raising an alert, with the hub's own code: AlertsService.create
 * (claims, the alert, its deadline, its audit record, its event, in one transaction) and then the
 * event log read that delivers it, on two copies of one database: one opened with PGlite's own client
 * (the baseline), one with the hub's one-trip client. Rounds alternate; CPU time per alert is this
 * process's user+system time, the engine included (it runs in this thread).
 */
export async function pgliteBench(o: PgliteBenchOptions): Promise<void> {
  process.stdout.write(
    `pglite: ${o.alerts} alerts a round, ${o.rounds} rounds each side, alternating, Node ${process.version}\n`,
  );
  const template = await openPglite();
  const reporter = await createUser(
    template.db,
    {
      username: 'bench.east',
      displayName: 'Bench EAST',
      role: 'officer',
      centre: 'EAST',
      password: randomUUID(),
    },
    {},
  );
  const dump = await template.dumpDataDir();
  await template.close();
  const config = testConfig();
  const auth = {
    principal: { userId: reporter.id, role: 'officer' as const, centre: 'EAST' },
    username: 'bench.east',
    sessionId: randomUUID(),
    expiresAt: new Date(Date.now() + 3_600_000),
  };
  const open = async (name: string, client?: typeof PGlite): Promise<Side> => {
    const database = await openPglite({ loadDataDir: dump, ...(client ? { client } : {}) });
    const centres = new CentresCache(database.db);
    await centres.refresh();
    const alerts = new AlertsService(
      database,
      centres,
      config.TANSIQ_ACK_DEADLINES,
      new FailureAudit(database.db),
    );
    return { name, database, alerts, position: 0 };
  };
  const sides = [await open("PGlite's own client", PGlite), await open('one-trip client')];
  const raise = async (side: Side, i: number) => {
    await side.alerts.create(
      auth,
      {
        category: 'smuggling',
        severity: 'medium',
        title: 'تهريب وقود عبر المعبر',
        description: `bench ${i}`,
        location: { lat: 32.1, lng: 11.6 },
        tlp: 'GREEN',
        recipients: ['WEST'],
      },
      null,
    );
    // What the event tailer reads after the commit.
    const rows = await side.database.readAsSystem((q) =>
      q
        .select()
        .from(schema.events)
        .where(gt(schema.events.seq, side.position))
        .orderBy(asc(schema.events.seq))
        .limit(500),
    );
    side.position = rows.at(-1)?.seq ?? side.position;
  };
  const round = async (side: Side) => {
    for (let i = 0; i < 20; i++) await raise(side, i); // warm
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < o.alerts; i++) await raise(side, i);
    const wall = (performance.now() - started) / o.alerts;
    const used = process.cpuUsage(cpu);
    return { wall, cpu: (used.user + used.system) / 1000 / o.alerts };
  };
  const results: { wall: number; cpu: number }[][] = [[], []];
  try {
    for (let r = 0; r < o.rounds; r++) {
      for (const s of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const m = await round(sides[s]!);
        results[s]!.push(m);
        process.stdout.write(
          `  ${`${sides[s]!.name} #${r + 1}`.padEnd(26)} ${m.wall.toFixed(2).padStart(6)} ms an alert   cpu ${m.cpu.toFixed(2).padStart(6)} ms an alert\n`,
        );
      }
    }
    const ratio = (k: 'wall' | 'cpu') => spread(results[1]!.map((m, i) => m[k] / results[0]![i]![k]));
    for (const k of ['wall', 'cpu'] as const) {
      const s = ratio(k);
      process.stdout.write(
        `  ratio one-trip / PGlite's own, ${k}: median ${s.median.toFixed(2)}× (spread ${s.min.toFixed(2)}–${s.max.toFixed(2)}×)\n`,
      );
    }
  } finally {
    for (const s of sides) await s.database.close();
  }
}
