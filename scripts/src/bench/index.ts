import { parseArgs } from 'node:util';
import { httpBench } from './http.bench.ts';
import { fanoutBench } from './fanout.bench.ts';
import { floodBench } from './flood.bench.ts';

const usage = `Usage: pnpm bench [name] [--connections N] [--seconds S] [--consoles N] [--rate R]

Benchmarks (each prints its figures against a baseline measured in the same run):
  http     the hub's HTTP stack vs a bare node:http server (default: 50 connections, 5 s)
  fanout   live alerts to N consoles vs a bare Socket.IO io.emit (default: 2000 consoles, 10 alerts/s, 20 s)
  flood    other users' alerts and /healthz while one account floods from 6 sockets vs no flood (default: 10 s each)
  all      every benchmark (the default)`;

interface Options {
  connections: number;
  seconds: number | undefined;
  consoles: number;
  rate: number;
}

const benches: Record<string, (o: Options) => Promise<void>> = {
  http: (o) => httpBench({ connections: o.connections, seconds: o.seconds ?? 5 }),
  fanout: (o) => fanoutBench({ consoles: o.consoles, rate: o.rate, seconds: o.seconds ?? 20 }),
  flood: (o) => floodBench({ seconds: o.seconds ?? 10, sockets: 6 }),
};

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      connections: { type: 'string', default: '50' },
      seconds: { type: 'string' },
      consoles: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '10' },
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
  if (!Number.isInteger(connections) || connections < 1 || connections > 1000)
    throw new Error('--connections expects 1–1000');
  if (seconds !== undefined && !(seconds > 0 && seconds <= 120))
    throw new Error('--seconds expects a number of seconds up to 120');
  if (!Number.isInteger(consoles) || consoles < 1 || consoles > 10000)
    throw new Error('--consoles expects 1–10000');
  if (!(rate > 0 && rate <= 1000)) throw new Error('--rate expects alerts per second up to 1000');
  const name = positionals[0] ?? 'all';
  const selected = name === 'all' ? Object.values(benches) : [benches[name]];
  if (selected.some((b) => b === undefined)) throw new Error(`unknown benchmark "${name}"\n\n${usage}`);
  for (const bench of selected) await bench!({ connections, seconds, consoles, rate });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
