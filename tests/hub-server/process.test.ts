import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { openPglite, schema, verifyPassword } from '@tansiq/hub-server';
import { startHubProcess } from '../helpers/process.ts';
import { connectSocket, login } from '../helpers/users.ts';

/** Parses the demo-account table main.ts writes to the data directory. */
function demoPasswords(text: string): Map<string, string> {
  const rows = text.matchAll(
    /^(\S+)\s+(officer|supervisor|analyst|coordinator|board|admin)\s+\S+\s+(\S+)$/gm,
  );
  return new Map([...rows].map((m) => [m[1]!, m[3]!]));
}

describe('the hub process (main.ts) on PGlite', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-process-'));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  let firstPasswords = new Map<string, string>();

  test('first start migrates, loads demo data, becomes ready; SIGTERM with a socket open exits 0 within 10 s', async () => {
    const hub = await startHubProcess({ TANSIQ_DATA_DIR: dataDir });
    const file = path.join(dataDir, 'demo-accounts.txt');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    firstPasswords = demoPasswords(await fs.readFile(file, 'utf8'));
    // The terminal says where they are; no password reaches the output (the log stream).
    expect(hub.stdout()).toContain(file);
    for (const password of firstPasswords.values()) expect(hub.stdout()).not.toContain(password);
    expect(hub.stdout()).toMatch(/ready in \d+\.\d s/);
    expect(hub.stdout()).toContain('PGlite does not fsync');
    expect([...firstPasswords.keys()].sort()).toEqual([
      'admin',
      'analyst',
      'analyst.review',
      'board',
      'coordinator',
      'officer.east',
      'officer.south',
      'officer.west',
      'relief.east',
      'supervisor.east',
      'supervisor.south',
      'supervisor.west',
    ]);
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);

    const { accessToken } = await login(hub.url, 'officer.east', firstPasswords.get('officer.east'));
    const socket = await connectSocket(hub.url, accessToken);
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));

    const stoppedAt = Date.now();
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(await disconnected).toBeTruthy();
    expect(hub.stdout()).toContain('"msg":"stopped"');
  });

  test('a restart through pnpm keeps the data, loads no demo data again, and SIGTERM to pnpm exits 0', async () => {
    const before = await fs.readFile(path.join(dataDir, 'demo-accounts.txt'), 'utf8');
    const hub = await startHubProcess({ TANSIQ_DATA_DIR: dataDir }, 'pnpm');
    expect(hub.stdout()).not.toContain('Demo accounts');
    expect(await fs.readFile(path.join(dataDir, 'demo-accounts.txt'), 'utf8')).toBe(before);
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(hub.stdout()).toContain('"msg":"stopped"');

    const database = await openPglite({ dataDir });
    try {
      const rows = await database.db
        .select()
        .from(schema.users)
        .where(eq(schema.users.username, 'officer.east'));
      expect(rows).toHaveLength(1);
      expect(await verifyPassword(rows[0]!.passwordHash, firstPasswords.get('officer.east')!)).toBe(true);
    } finally {
      await database.close();
    }
  });
});
