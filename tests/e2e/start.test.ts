import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../helpers/process.ts';
import { repoRoot } from '../helpers/paths.ts';

/**
 * `pnpm start` on the tree `pnpm build` made (the browser suite builds first): it builds only what
 * is missing or older than its sources, then runs the compiled hub.
 */
interface Started {
  stdout: string;
  stderr: string;
  healthz: { status: string; version: string; commit: string };
  stop(): Promise<number | null>;
}

async function pnpmStart(dataDir: string): Promise<Started> {
  const port = await freePort();
  const child = spawn('pnpm', ['start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      TANSIQ_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  // Bounded by the test's timeout; a start that fails shows its output.
  for (;;) {
    if (gone) throw new Error(`pnpm start exited: ${stderr}${stdout}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) {
        const healthz = (await res.json()) as Started['healthz'];
        return {
          stdout,
          stderr,
          healthz,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('pnpm start on a built tree', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-start-'));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  test('--version names the version and the commit the build was made from, as /healthz does', async () => {
    const out = execFileSync(process.execPath, ['scripts/start.mjs', '--version'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    expect(out).toMatch(new RegExp(`^tansiq \\d+\\.\\d+\\.\\d+ \\(${head}(-modified)?\\)\\n$`));
  });

  test('a first and a second start build nothing, print their time to ready, and stop on SIGTERM', async () => {
    for (const which of ['first', 'second']) {
      const started = await pnpmStart(dataDir);
      expect(started.stderr).not.toContain('building');
      expect(started.healthz.status).toBe('ok');
      expect(started.healthz.commit).toMatch(/^[0-9a-f]{12}(-modified)?$/);
      const ready = /ready in (\d+\.\d) s/.exec(started.stdout);
      expect(ready).not.toBeNull();
      // A figure for the README, not a pass mark: speed belongs to benchmarks.
      process.stdout.write(
        `pnpm start, ${which} start on a built tree: ready in ${ready![1]} s (the hub's own count)\n`,
      );
      expect(await started.stop()).toBe(0);
    }
  });

  test('a hub source newer than its build rebuilds the hub only', async () => {
    const source = path.join(repoRoot, 'hub-server/src/version.ts');
    const now = new Date();
    await fs.utimes(source, now, now);
    const started = await pnpmStart(dataDir);
    expect(started.stderr).toContain('building the hub');
    expect(started.stderr).not.toContain('building the console');
    expect(await started.stop()).toBe(0);
    // Built now: the next start builds nothing.
    const again = await pnpmStart(dataDir);
    expect(again.stderr).not.toContain('building');
    expect(await again.stop()).toBe(0);
  });
});
