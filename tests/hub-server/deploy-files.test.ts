import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';

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

test.skipIf(!has('nginx') || !existsSync('/etc/nginx/mime.types'))(
  'the nginx site passes nginx -t inside a minimal http block',
  async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-nginx-t-'));
    try {
      const conf = path.join(dir, 'nginx.conf');
      await fs.writeFile(
        conf,
        `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp { include ${path.join(repoRoot, 'deploy/nginx/tansiq.conf')}; }\n`,
      );
      const out = execFileSync('nginx', ['-t', '-p', dir, '-c', conf], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toBe('');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
);
