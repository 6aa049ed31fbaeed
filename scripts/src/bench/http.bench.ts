import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHub, createLogger, openPglite, testConfig } from '@tansiq/hub-server';
import { runLoadInProcess, type LoadResult } from './load.ts';

export interface HttpBenchOptions {
  connections: number;
  seconds: number;
}

function row(name: string, r: LoadResult): string {
  return `${name.padEnd(28)} ${r.perSecond.toFixed(0).padStart(8)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(6)} ms   errors ${r.errors}`;
}

/**
 * The hub's HTTP stack (helmet, metrics, pino-http, JSON) against a bare node:http server that sends
 * the same body, in the same run, same client: the ratio is the cost of the stack.
 */
export async function httpBench(options: HttpBenchOptions): Promise<void> {
  const database = await openPglite();
  const hub = createHub({
    config: testConfig({ HOST: '127.0.0.1' }),
    database,
    logger: createLogger('silent'),
  });
  const hubAddress = await hub.listen(0, '127.0.0.1');
  const body = await (await fetch(`http://127.0.0.1:${hubAddress.port}/api/v1/config`)).text();

  const bare = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareAddress = bare.address() as AddressInfo;

  process.stdout.write(
    `http: ${options.connections} keep-alive connections, ${options.seconds} s each, GET /api/v1/config (${body.length} bytes)\n`,
  );
  // Warm both up so the JIT has settled before either is measured.
  await runLoadInProcess(`http://127.0.0.1:${bareAddress.port}/`, {
    connections: options.connections,
    seconds: 1,
  });
  await runLoadInProcess(`http://127.0.0.1:${hubAddress.port}/api/v1/config`, {
    connections: options.connections,
    seconds: 1,
  });
  const baseline = await runLoadInProcess(`http://127.0.0.1:${bareAddress.port}/`, options);
  const stack = await runLoadInProcess(`http://127.0.0.1:${hubAddress.port}/api/v1/config`, options);
  process.stdout.write(
    `${row('baseline (bare node:http)', baseline)}\n${row('hub (Express stack)', stack)}\n`,
  );
  process.stdout.write(
    `ratio hub/baseline: throughput ${(stack.perSecond / baseline.perSecond).toFixed(2)}×, p99 ${(stack.p99Ms / baseline.p99Ms).toFixed(2)}×\n`,
  );

  await new Promise((resolve) => bare.close(resolve));
  await hub.close(100);
  await database.close();
}
