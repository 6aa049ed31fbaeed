import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  checkpointFile,
  hubKeys,
  openPglite,
  readCheckpoints,
  testConfig,
  verifyAudit,
  verifyCheckpoints,
  type EmbeddedDatabase,
} from '@tansiq/hub-server';
import { openTestPglite } from '../helpers/db.ts';
import { startTestHub } from '../helpers/hub.ts';
import { api, login, seedUsers, testUsers } from '../helpers/users.ts';

/**
 * The audit chain anchored outside the database: a hub writes signed checkpoints of the chain's
 * head (regularly and at shutdown); cutting rows from the end, or rewriting a row and every hash
 * after it, passes the chain check but not the checkpoints.
 */
describe('audit checkpoints', () => {
  let dir: string;
  let baseline: Blob;
  let rows: number;
  const config = () => testConfig({ TANSIQ_DATA_DIR: dir });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-checkpoints-'));
    const database = await openTestPglite();
    const t = await startTestHub({ database, config: { TANSIQ_DATA_DIR: dir } });
    await seedUsers(database);
    for (const u of testUsers) await login(t.url, u.username);
    await api(t.url)('POST', '/api/v1/auth/login', { username: 'nobody', password: 'wrong password' });
    await t.hub.close(200); // writes the shutdown checkpoint
    rows = (await verifyAudit(database.db)).rows;
    expect(rows).toBeGreaterThan(10);
    baseline = await database.dumpDataDir();
    await database.close();
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const tampered = async (tamper: (db: EmbeddedDatabase) => Promise<unknown>) => {
    const db = await openPglite({ loadDataDir: baseline });
    try {
      await db.db.execute(sql`set session_replication_role = replica`);
      await tamper(db);
      await db.db.execute(sql`set session_replication_role = origin`);
      const chain = await verifyAudit(db.db);
      const anchored = await verifyCheckpoints(
        db.db,
        await hubKeys(config()).auditCheckpoint(),
        await readCheckpoints(checkpointFile(config())),
      );
      return { chain, anchored };
    } finally {
      await db.close();
    }
  };

  test('the shutdown wrote a signed checkpoint of the head, and the untouched log agrees with it', async () => {
    const lines = await readCheckpoints(checkpointFile(config()));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)).toMatchObject({ seq: rows });
    const { chain, anchored } = await tampered(async () => undefined);
    expect(chain.ok).toBe(true);
    expect(anchored).toMatchObject({ ok: true, head: { seq: rows } });
  });

  test.each([
    ['the last row', 1],
    ['the last five rows', 5],
  ])('deleting %s passes the chain but not the checkpoint', async (_name, n) => {
    const { chain, anchored } = await tampered((db) =>
      db.db.execute(sql`delete from audit_log where seq > ${rows - n}`),
    );
    expect(chain.ok).toBe(true);
    expect(anchored).toMatchObject({ ok: false, head: { seq: rows - n } });
    expect(anchored.ok ? '' : anchored.reason).toMatch(/cut from its end/);
  });

  test('deleting every row is caught', async () => {
    const { chain, anchored } = await tampered((db) => db.db.execute(sql`delete from audit_log`));
    expect(chain).toMatchObject({ ok: true, rows: 0 });
    expect(anchored).toMatchObject({ ok: false, head: null });
  });

  test('editing a middle row and recomputing every later hash is caught', async () => {
    const middle = Math.ceil(rows / 2);
    const { chain, anchored } = await tampered(async (db) => {
      await db.db.execute(sql`update audit_log set details = '{"forged":true}' where seq = ${middle}`);
      await db.db.execute(sql`
        do $$
        declare r record; prev text;
        begin
          for r in select seq from audit_log where seq >= ${sql.raw(String(middle))} order by seq loop
            select hash into prev from audit_log where seq = r.seq - 1;
            update audit_log a set prev_hash = coalesce(prev, repeat('0', 64)),
              hash = encode(sha256(convert_to(coalesce(prev, repeat('0', 64)) || audit_canonical(a), 'UTF8')), 'hex')
              where a.seq = r.seq;
          end loop;
        end $$`);
    });
    expect(chain.ok).toBe(true);
    expect(anchored.ok ? '' : anchored.reason).toMatch(/does not match its checkpoint/);
  });

  test('a checkpoint not signed with the hub key is refused', async () => {
    const forged = path.join(dir, 'forged.jsonl');
    const [line] = await readCheckpoints(checkpointFile(config()));
    await fs.writeFile(forged, JSON.stringify({ ...(line as object), mac: '00'.repeat(32) }) + '\n');
    const db = await openPglite({ loadDataDir: baseline });
    try {
      const anchored = await verifyCheckpoints(
        db.db,
        await hubKeys(config()).auditCheckpoint(),
        await readCheckpoints(forged),
      );
      expect(anchored.ok ? '' : anchored.reason).toMatch(/not signed/);
    } finally {
      await db.close();
    }
  });
});
