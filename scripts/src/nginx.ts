import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const deployConf = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../deploy/nginx/tansiq.conf',
);

export interface RunningNginx {
  /** http(s)://127.0.0.1:PORT, the address consoles and REST clients use. */
  url: string;
  /** With TLS: the plain-HTTP address, which only redirects to HTTPS. */
  httpUrl?: string;
  stop(): Promise<void>;
}

/**
 * Debian's nginx with the repository's own configuration (deploy/nginx/tansiq.conf), changed only
 * where a test or a benchmark must: the hub ports in both upstreams, the ports it listens on, and
 * the certificate — given one (`tls`), HTTPS as deployed plus the redirect from plain HTTP
 * (`httpUrl`); without, the HTTPS server speaks plain HTTP on its port (the processes behind are
 * what the cluster tests and benchmarks look at) and the redirect is left out.
 * Runs in the foreground with its files in a temporary directory.
 */
export async function startNginx(
  hubPorts: number[],
  options: { listenPort?: number; tls?: { cert: string; key: string } } = {},
): Promise<RunningNginx> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-nginx-'));
  const port = options.listenPort ?? (await freePort());
  const conf = await fs.readFile(deployConf, 'utf8');
  const servers = (line: string) =>
    hubPorts.map((p) => line.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${p}`)).join('\n');
  // Each upstream's run of `server` lines becomes one line per hub port.
  let site = conf.replace(
    /(^ *server 127\.0\.0\.1:\d+[^\n]*\n)+/gm,
    (run) => `${servers(run.split('\n')[0]!)}\n`,
  );
  let httpUrl: string | undefined;
  if (options.tls) {
    const plainPort = await freePort();
    httpUrl = `http://127.0.0.1:${plainPort}`;
    site = site
      .replace(/listen 80;/, `listen 127.0.0.1:${plainPort};`)
      .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${port} ssl http2;`)
      .replaceAll('/etc/tansiq/tls/fullchain.pem', options.tls.cert)
      .replaceAll('/etc/tansiq/tls/privkey.pem', options.tls.key);
  } else {
    site = site
      .replace(/# Plain HTTP only sends[^\n]*\nserver \{[\s\S]*?\n\}\n/, '')
      .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${port};`)
      .replace(/^ *ssl_[^\n]*\n/gm, '');
  }
  if (!site.includes(`127.0.0.1:${hubPorts[0]}`) || !site.includes(`127.0.0.1:${port}`))
    throw new Error('deploy/nginx/tansiq.conf is not in the shape startNginx expects');
  await fs.writeFile(path.join(dir, 'tansiq.conf'), site);
  await fs.writeFile(
    path.join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      'daemon off;',
      'user root;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log error;`,
      'events { worker_connections 8192; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  include ${dir}/tansiq.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || i > 100) throw new Error(`nginx did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    httpUrl,
    async stop() {
      child.kill('SIGQUIT');
      await exited;
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port of 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
