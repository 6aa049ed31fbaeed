import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPglite } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

// A small disk of the test's own (tmpfs) needs root, as CI has; elsewhere the suite says why it skipped.
const root = process.getuid?.() === 0;

describe.skipIf(!root)('a full disk under the embedded database', () => {
  let mount: string;
  let t: TestHub;
  const ballast = () => path.join(mount, 'ballast');
  beforeAll(async () => {
    mount = fs.mkdtempSync(path.join(os.tmpdir(), 'tansiq-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', mount]);
    const dataDir = path.join(mount, 'db');
    t = await startTestHub({ database: await openPglite({ dataDir }), config: { TANSIQ_DATA_DIR: dataDir } });
    await seedUsers(t.database);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    execFileSync('umount', [mount]);
    fs.rmSync(mount, { recursive: true, force: true });
  });

  test('writes answer 503 storage_full (never 500), /readyz says why, and both recover when space is freed', async () => {
    const east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
    const raise = (i: number) =>
      east('POST', '/api/v1/alerts', {
        category: 'fuel_smuggling',
        severity: 'low',
        title: `on a full disk ${i} ${'x'.repeat(150)}`,
        description: 'y'.repeat(4000),
        location: { lat: 32, lng: 12 },
        tlp: 'GREEN',
        recipients: ['WEST'],
      });
    expect((await raise(0)).status).toBe(201);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);

    const free = fs.statfsSync(mount);
    fs.writeFileSync(ballast(), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 150_000)));
    const statuses: number[] = [];
    let refusal: { status: number; body: unknown } | null = null;
    for (let i = 1; i < 400 && !refusal; i++) {
      const res = await raise(i);
      statuses.push(res.status);
      if (res.status !== 201) refusal = res;
    }
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(refusal).toMatchObject({ status: 503, body: { error: { code: 'storage_full' } } });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', reason: 'storage_full' });

    fs.unlinkSync(ballast());
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    expect((await raise(1000)).status).toBe(201);
  }, 60_000);
});
