import { parseArgs } from 'node:util';
import { httpBench } from './http.bench.ts';

const usage = `Usage: pnpm bench [name] [--connections N] [--seconds S]

Benchmarks (each prints its figures against a baseline measured in the same run):
  http     the hub's HTTP stack vs a bare node:http server (default: 50 connections, 5 s)
  all      every benchmark (the default)`;

const benches: Record<string, (o: { connections: number; seconds: number }) => Promise<void>> = {
  http: httpBench,
};

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      connections: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '5' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const connections = Number(values.connections);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(connections) || connections < 1 || connections > 1000)
    throw new Error('--connections expects 1–1000');
  if (!(seconds > 0 && seconds <= 120)) throw new Error('--seconds expects a number of seconds up to 120');
  const name = positionals[0] ?? 'all';
  const selected = name === 'all' ? Object.values(benches) : [benches[name]];
  if (selected.some((b) => b === undefined)) throw new Error(`unknown benchmark "${name}"\n\n${usage}`);
  for (const bench of selected) await bench!({ connections, seconds });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
