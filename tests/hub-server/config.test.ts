import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, configSchema, loadConfig } from '@tansiq/hub-server';
import { repoRoot } from '../helpers/paths.ts';

describe('configuration', () => {
  test('defaults apply when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      TANSIQ_DATA_DIR: './data',
      TANSIQ_DEMO_DATA: 'auto',
      LOG_LEVEL: 'info',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TANSIQ_ALLOWED_ORIGINS).toEqual([]);
    // A console calls a silent link dead after interval + timeout: 8 s, within the 10 s promised.
    expect(config.TANSIQ_PING_INTERVAL_MS + config.TANSIQ_PING_TIMEOUT_MS).toBe(8000);
  });

  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['TANSIQ_DEMO_DATA', 'yes'],
    ['TANSIQ_TILE_URL', 'ftp://tiles/{z}/{x}/{y}'],
    ['TANSIQ_ALLOWED_ORIGINS', 'not a url'],
    ['TANSIQ_DB_POOL_MAX', '0'],
    ['TANSIQ_DB_APP_ROLE', 'Robert"); drop table users;--'],
    ['LOG_LEVEL', 'loud'],
    ['TANSIQ_SHIFTS', '8am,8pm'],
    ['TANSIQ_SHIFTS', '07:00-15:00,14:00-22:00'],
    ['TANSIQ_TIMEZONE', 'Libya/Nowhere'],
    ['TANSIQ_HANDOVER_GRACE_MINUTES', '-5'],
    ['TANSIQ_CONSOLE_KEEP_CLOSED_DAYS', '0'],
    ['TANSIQ_CONSOLE_KEEP_CLOSED_DAYS', 'forever'],
    ['TANSIQ_PING_INTERVAL_MS', 'fast'],
    ['TANSIQ_PING_INTERVAL_MS', '100'],
    ['TANSIQ_PING_TIMEOUT_MS', '2.5'],
    ['TANSIQ_PING_TIMEOUT_MS', '999999'],
    ['TANSIQ_PGLITE_BUFFERS_MB', '0'],
    ['TANSIQ_PGLITE_BUFFERS_MB', '32MB'],
    ['TANSIQ_EVENT_POLL_MS', '5'],
  ])('%s=%j is refused with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(
      new RegExp(`^invalid configuration: ${name} expected`),
    );
  });

  test('a bad DATABASE_URL is named without repeating its value (it may hold a password)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:s3cret@h/db' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:s3cret@h/db' })).not.toThrow(/s3cret/);
  });

  test('the README documents every variable the hub reads', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    for (const name of Object.keys(configSchema.shape)) {
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``);
    }
  });

  test('the process exits non-zero with one line naming the bad variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'hub-server/src/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: 'eighty', TANSIQ_DATA_DIR: '/nonexistent/never-used' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('"eighty"');
  });
});
