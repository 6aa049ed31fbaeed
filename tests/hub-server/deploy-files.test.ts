import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import type http from 'node:http';
import https from 'node:https';
import { repoRoot } from '../helpers/paths.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { startNginx, type RunningNginx } from '../../scripts/src/nginx.ts';

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

test.skipIf(!has('systemd-analyze'))(
  'the systemd template passes systemd-analyze verify with no complaint',
  async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-unit-'));
    try {
      await fs.copyFile(
        path.join(repoRoot, 'deploy/systemd/tansiq-hub@.service'),
        path.join(dir, 'tansiq-hub@.service'),
      );
      await fs.symlink('tansiq-hub@.service', path.join(dir, 'tansiq-hub@3001.service'));
      const run = spawnSync(
        'systemd-analyze',
        ['verify', '--man=no', path.join(dir, 'tansiq-hub@3001.service')],
        {
          encoding: 'utf8',
        },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      // The check itself works: a misspelt key is reported.
      const unit = await fs.readFile(path.join(dir, 'tansiq-hub@.service'), 'utf8');
      await fs.writeFile(
        path.join(dir, 'bad@.service'),
        unit.replace('NoNewPrivileges=', 'NoNewPrivilegez='),
      );
      await fs.symlink('bad@.service', path.join(dir, 'bad@1.service'));
      const bad = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'bad@1.service')], {
        encoding: 'utf8',
      });
      expect(bad.stderr).toContain('NoNewPrivilegez');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
);

/** A self-signed certificate for 127.0.0.1, made by openssl in `dir`. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'fullchain.pem');
  const key = path.join(dir, 'privkey.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** A GET over HTTPS that accepts the test's own certificate; resolves with status and headers. */
function getTls(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

test.skipIf(!has('nginx') || !has('openssl') || !existsSync('/etc/nginx/mime.types'))(
  'the nginx site passes nginx -t, serves the hub over TLS with HSTS, and sends plain HTTP to HTTPS',
  async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-nginx-t-'));
    const tls = selfSigned(dir);
    let nginx: RunningNginx | null = null;
    let hub: TestHub | null = null;
    try {
      // The file as deployed, with the certificate's paths pointed at the test's.
      const site = (await fs.readFile(path.join(repoRoot, 'deploy/nginx/tansiq.conf'), 'utf8'))
        .replaceAll('/etc/tansiq/tls/fullchain.pem', tls.cert)
        .replaceAll('/etc/tansiq/tls/privkey.pem', tls.key);
      await fs.writeFile(path.join(dir, 'tansiq.conf'), site);
      const conf = path.join(dir, 'nginx.conf');
      await fs.writeFile(
        conf,
        `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp { include ${path.join(dir, 'tansiq.conf')}; }\n`,
      );
      const out = execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', conf], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toBe('');

      hub = await startTestHub({ config: { TANSIQ_TRUST_PROXY_HOPS: '1' } });
      nginx = await startNginx([hub.address.port], { tls });
      const ok = await getTls(`${nginx.url}/healthz`);
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toMatchObject({ status: 'ok' });
      expect(ok.headers['strict-transport-security']).toBe('max-age=31536000');
      const plain = await fetch(`${nginx.httpUrl}/login?next=%2F`, { redirect: 'manual' });
      expect(plain.status).toBe(301);
      expect(plain.headers.get('location')).toBe(`https://127.0.0.1/login?next=%2F`);
    } finally {
      await nginx?.stop();
      await hub?.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
);
