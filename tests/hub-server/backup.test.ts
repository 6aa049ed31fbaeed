import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codeMigrations, migrationsUpTo, openPglite, SchemaVersionError } from '@tansiq/hub-server';
import { startHubProcess, type HubProcess } from '../helpers/process.ts';
import { cli } from '../helpers/cli.ts';
import { login } from '../helpers/users.ts';
import {
  demoPassword,
  expectOneMoment,
  raiseContinuously,
  rewriteBackup,
  tableContents,
} from '../helpers/backup.ts';

/** Every table's rows of the embedded database in `dataDir` (opened, read, closed). */
async function contentsOf(dataDir: string) {
  const database = await openPglite({ dataDir });
  try {
    return await database.snapshot((q) => tableContents(q));
  } finally {
    await database.close();
  }
}

describe('backup and restore on embedded PGlite (pnpm cli backup / restore)', () => {
  let work: string;
  let source: string;
  let hub: HubProcess | null = null;
  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-backup-'));
    source = path.join(work, 'source');
  });
  afterAll(async () => {
    if (hub && hub.child.exitCode === null) {
      hub.child.kill('SIGTERM');
      await hub.exited;
    }
    await fs.rm(work, { recursive: true, force: true });
  });

  test('a backup taken by the running hub while alerts are raised restores into a new directory: the same rows, a consistent snapshot, the chain verifies', async () => {
    hub = await startHubProcess({ TANSIQ_DATA_DIR: source });
    const { accessToken } = await login(hub.url, 'officer.east', await demoPassword(source, 'officer.east'));
    const raising = raiseContinuously(hub.url, accessToken, (n) => ({
      category: 'smuggling',
      severity: 'high',
      tlp: 'GREEN',
      title: `BKP-${n} قافلة`,
      description: 'raised during the backup',
      location: { lat: 31.5, lng: 24.9 },
      recipients: ['WEST', 'SOUTH'],
    }));
    while (raising.count() < 20) await new Promise((r) => setTimeout(r, 20));
    const file = path.join(work, 'during.tansiq.gz');
    const made = await cli(['backup', '--to', file], { TANSIQ_DATA_DIR: source });
    const raisedWhenDone = raising.count();
    const raised = await raising.stop();
    expect(made.out).toContain('through the running hub');
    expect(made.code).toBe(0);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

    // A CLI command that opens the database itself is refused while the hub holds it.
    const verify = await cli(['audit', 'verify'], { TANSIQ_DATA_DIR: source });
    expect(verify.code).toBe(1);
    expect(verify.out).toContain('another hub is running');

    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);

    const target = path.join(work, 'restored');
    const restored = await cli(['restore', '--from', file], { TANSIQ_DATA_DIR: target });
    expect(restored.out).toContain('audit chain verified');
    expect(restored.code).toBe(0);
    expect(restored.out).toContain(`hub.key written to ${path.join(target, 'hub.key')}`);
    expect(await fs.readFile(path.join(target, 'hub.key'))).toEqual(
      await fs.readFile(path.join(source, 'hub.key')),
    );

    const before = await contentsOf(source);
    const after = await contentsOf(target);
    expect([...after.keys()]).toEqual([...before.keys()]);
    const key = (row: string) => {
      const r = JSON.parse(row) as Record<string, unknown>;
      return JSON.stringify(r.id ?? r.seq ?? r);
    };
    for (const [table, rows] of after) {
      // Every restored row is a row of the source (by its id; rows change after the snapshot)…
      const known = new Set(before.get(table)!.map(key));
      expect(
        rows.filter((r) => !known.has(key(r))),
        table,
      ).toEqual([]);
    }
    // …byte for byte where rows never change,
    for (const log of ['events', 'audit_log', 'alert_updates']) {
      const kept = new Set(before.get(log));
      expect(
        after.get(log)!.filter((r) => !kept.has(r)),
        log,
      ).toEqual([]);
    }
    // and the snapshot is one moment.
    expectOneMoment(after, before);
    const restoredRaised = after.get('alerts')!.filter((r) => r.includes('raised during the backup')).length;
    expect(restoredRaised).toBeGreaterThanOrEqual(20);
    expect(restoredRaised).toBeLessThanOrEqual(raisedWhenDone);
    process.stdout.write(
      `backup during writes: ${restoredRaised} of ${raised} alerts raised meanwhile are in it; ${after.get('audit_log')!.length} audit rows\n`,
    );

    // The restored hub runs: the same accounts sign in and read what they read before.
    const again = await startHubProcess({ TANSIQ_DATA_DIR: target });
    try {
      const west = await login(again.url, 'officer.west', await demoPassword(source, 'officer.west'));
      const list = await fetch(`${again.url}/api/v1/alerts?limit=500`, {
        headers: { authorization: `Bearer ${west.accessToken}` },
      });
      expect(list.status).toBe(200);
      const { alerts } = (await list.json()) as { alerts: { title: string }[] };
      expect(alerts.filter((a) => a.title.startsWith('BKP-'))).toHaveLength(restoredRaised);
      const audit = await cli(['audit', 'verify'], { TANSIQ_DATA_DIR: target });
      expect(audit.out).toContain('another hub is running');
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
    const audit = await cli(['audit', 'verify'], { TANSIQ_DATA_DIR: target });
    expect(audit.out).toMatch(/audit log intact: \d+ rows verified, .* [1-9]\d* checkpoints agree/);
    expect(audit.code).toBe(0);
  }, 120_000);

  test('refused, changing nothing: a target that holds a database, a cut or altered file, a backup of a newer schema', async () => {
    const file = path.join(work, 'quiet.tansiq.gz');
    expect((await cli(['backup', '--to', file], { TANSIQ_DATA_DIR: source })).code).toBe(0);
    expect((await cli(['backup', '--to', file], { TANSIQ_DATA_DIR: source })).out).toContain(
      'a backup never overwrites a file',
    );

    // Bad arguments: a usage error (exit 2) naming what is missing; a file that is not there.
    for (const args of [['backup'], ['backup', '--to'], ['restore', '--from', file, '--force']]) {
      const res = await cli(args, { TANSIQ_DATA_DIR: source });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.out).toMatch(/expected --to FILE|argument missing|Unknown option/);
    }
    const missing = await cli(['restore', '--from', path.join(work, 'no-such.gz')], {
      TANSIQ_DATA_DIR: path.join(work, 'never-missing'),
    });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('the backup cannot be read');
    await expect(fs.stat(path.join(work, 'never-missing'))).rejects.toThrow(/ENOENT/);

    const into = await cli(['restore', '--from', file], { TANSIQ_DATA_DIR: source });
    expect(into.code).toBe(1);
    expect(into.out).toContain('already holds a database');

    const bytes = await fs.readFile(file);
    const cut = path.join(work, 'cut.gz');
    await fs.writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const altered = path.join(work, 'altered.gz');
    rewriteBackup(file, altered, (lines) => lines);
    // Same content, then one row changed after the trailer was computed.
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const text = gunzipSync(await fs.readFile(altered))
      .toString('utf8')
      .replace('"EAST"', '"WEST"');
    await fs.writeFile(altered, gzipSync(text));
    const newer = path.join(work, 'newer.gz');
    rewriteBackup(file, newer, ([header, ...rest]) => {
      const h = JSON.parse(header!) as { schema: { migrations: number; tag: string } };
      h.schema = { migrations: h.schema.migrations + 1, tag: '9999_from_the_future' };
      return [JSON.stringify(h), ...rest];
    });
    for (const [bad, reason] of [
      [cut, 'cannot be read'],
      [altered, 'does not match its checksum'],
      [newer, 'newer than this hub'],
    ] as const) {
      const dir = path.join(work, `never-${path.basename(bad)}`);
      const res = await cli(['restore', '--from', bad], { TANSIQ_DATA_DIR: dir });
      expect(res.code, bad).toBe(1);
      expect(res.out).toContain(reason);
      await expect(fs.stat(dir)).rejects.toThrow(/ENOENT/);
    }
  }, 60_000);

  test('a backup of an older schema restores into this hub and is migrated forward', async () => {
    const known = codeMigrations();
    const older = path.join(work, 'older');
    const folder = migrationsUpTo(known.length - 1);
    const client = new PGlite({ dataDir: older });
    try {
      await migrate(drizzle({ client }), { migrationsFolder: folder });
      await client.query(
        `insert into users (username, display_name, password_hash, role, centre) values ('old.officer', 'old', 'x', 'officer', 'EAST')`,
      );
    } finally {
      await client.close();
      await fs.rm(folder, { recursive: true, force: true });
    }
    const file = path.join(work, 'older.tansiq.gz');
    const made = await cli(['backup', '--to', file], { TANSIQ_DATA_DIR: older });
    expect(made.out).toContain(`schema ${known.length - 1} (${known.at(-2)!.tag})`);
    const target = path.join(work, 'older-restored');
    const res = await cli(['restore', '--from', file], { TANSIQ_DATA_DIR: target });
    expect(res.code).toBe(0);
    const database = await openPglite({ dataDir: target });
    try {
      const rows = await database.snapshot((q) =>
        q(`select (select count(*)::int from drizzle.__drizzle_migrations) as applied,
                  (select count(*)::int from users where username = 'old.officer') as users`),
      );
      expect(rows[0]).toEqual({ applied: known.length, users: 1 });
    } finally {
      await database.close();
    }
  }, 60_000);

  test('a database made by a newer Tansiq: the hub refuses to start and says why, and changes nothing', async () => {
    const dir = path.join(work, 'newer-db');
    const first = await openPglite({ dataDir: dir });
    await first.snapshot((q) =>
      q(`insert into drizzle.__drizzle_migrations (hash, created_at) values ('future', 99999999999999)`),
    );
    await first.close();
    await expect(openPglite({ dataDir: dir })).rejects.toBeInstanceOf(SchemaVersionError);
    await expect(startHubProcess({ TANSIQ_DATA_DIR: dir })).rejects.toThrow(
      `schema is newer than this hub: it has ${codeMigrations().length + 1} migrations applied, 1 of them unknown here`,
    );
  });
});
