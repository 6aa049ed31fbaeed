import { parseArgs } from 'node:util';
import { httpBench } from './http.bench.ts';
import { fanoutBench } from './fanout.bench.ts';
import { floodBench } from './flood.bench.ts';
import { reconnectBench } from './reconnect.bench.ts';
import { pgliteBench } from './pglite.bench.ts';

const usage = `Usage: pnpm bench [name] [options]

Benchmarks (each prints its figures against a baseline measured in the same run):
  http       the hub's HTTP stack vs a bare node:http server (default: 50 connections, 5 s)
  fanout     live alerts to N consoles vs a bare Socket.IO io.emit, alternating rounds
             (default: 2000 consoles, 10 alerts/s, 10 s a round, 3 rounds each)
  reconnect  N consoles drop at once and resume vs their cold connect (default: 2000 consoles, 3 rounds)
  flood      other users' alerts and /healthz while one account floods from 6 sockets vs no flood (default: 10 s each)
  pglite     raising an alert on the embedded database: the hub's one-trip client vs PGlite's own
             (default: 300 alerts a round, 3 rounds each, alternating)
  all        every benchmark (the default)

Options:
  --consoles N     consoles (fanout, reconnect)
  --rate R         alerts per second (fanout)
  --seconds S      seconds per round or phase
  --rounds K       rounds per side (fanout, reconnect, pglite)
  --alerts N       alerts a round (pglite)
  --db pglite|server   the hub's database: embedded PGlite, or a new database on the PostgreSQL
                   server of TANSIQ_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres)
  --nodes N        hub processes behind nginx (with --db server); fanout then compares N processes
                   with one process behind the same nginx
  --no-pin         do not pin the servers and the consoles to separate cores with taskset
  --profile DIR    write the hub's CPU profile (node --cpu-prof) to DIR (fanout)
  --connections N  connections (http)

The hub runs from its build: run \`pnpm build\` first.`;

interface Options {
  connections: number;
  seconds: number | undefined;
  consoles: number;
  rate: number;
  rounds: number;
  db: 'pglite' | 'server';
  nodes: number;
  pin: boolean;
  profile: string | undefined;
  alerts: number;
}

const benches: Record<string, (o: Options) => Promise<void>> = {
  http: (o) => httpBench({ connections: o.connections, seconds: o.seconds ?? 5 }),
  fanout: (o) =>
    fanoutBench({
      consoles: o.consoles,
      rate: o.rate,
      seconds: o.seconds ?? 10,
      rounds: o.rounds,
      db: o.db,
      nodes: o.nodes,
      pin: o.pin,
      ...(o.profile ? { profileDir: o.profile } : {}),
    }),
  reconnect: (o) =>
    reconnectBench({
      consoles: o.consoles,
      missed: 20,
      rounds: o.rounds,
      db: o.db,
      nodes: o.nodes,
      pin: o.pin,
    }),
  flood: (o) => floodBench({ seconds: o.seconds ?? 10, sockets: 6 }),
  pglite: (o) => pgliteBench({ alerts: o.alerts, rounds: o.rounds }),
};

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      connections: { type: 'string', default: '50' },
      seconds: { type: 'string' },
      consoles: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      alerts: { type: 'string', default: '300' },
      db: { type: 'string', default: 'pglite' },
      nodes: { type: 'string', default: '1' },
      'no-pin': { type: 'boolean', default: false },
      profile: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const connections = Number(values.connections);
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  const consoles = Number(values.consoles);
  const rate = Number(values.rate);
  const rounds = Number(values.rounds);
  const nodes = Number(values.nodes);
  const alerts = Number(values.alerts);
  if (!Number.isInteger(connections) || connections < 1 || connections > 1000)
    throw new Error('--connections expects 1–1000');
  if (seconds !== undefined && !(seconds > 0 && seconds <= 120))
    throw new Error('--seconds expects a number of seconds up to 120');
  if (!Number.isInteger(consoles) || consoles < 1 || consoles > 10000)
    throw new Error('--consoles expects 1–10000');
  if (!(rate > 0 && rate <= 1000)) throw new Error('--rate expects alerts per second up to 1000');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('--rounds expects 1–20');
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) throw new Error('--nodes expects 1–16');
  if (!Number.isInteger(alerts) || alerts < 1 || alerts > 100000)
    throw new Error('--alerts expects 1–100000');
  if (values.db !== 'pglite' && values.db !== 'server') throw new Error('--db expects pglite or server');
  if (nodes > 1 && values.db !== 'server')
    throw new Error('--nodes needs --db server: PGlite is one process');
  const name = positionals[0] ?? 'all';
  const selected = name === 'all' ? Object.values(benches) : [benches[name]];
  if (selected.some((b) => b === undefined)) throw new Error(`unknown benchmark "${name}"\n\n${usage}`);
  for (const bench of selected)
    await bench!({
      connections,
      seconds,
      consoles,
      rate,
      rounds,
      db: values.db,
      nodes,
      pin: !values['no-pin'],
      profile: values.profile,
      alerts,
    });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
