import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Handover } from '@tansiq/shared';
import { openPglite } from '@tansiq/hub-server';
import { startTestHub } from '../helpers/hub.ts';
import { seedUsers } from '../helpers/users.ts';
import { cli } from '../helpers/cli.ts';
import { caller, emptyContent, handOver, seedIncomingSupervisors, testClock } from '../helpers/handovers.ts';

/** `pnpm cli handovers verify` as an operator runs it, on an embedded database on disk. */
describe('pnpm cli handovers verify', () => {
  let dataDir: string;
  const links: Handover[] = [];

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-handovers-cli-'));
    const database = await openPglite({ dataDir });
    await seedUsers(database);
    await seedIncomingSupervisors(database);
    const clock = testClock();
    const t = await startTestHub({ database, clock: clock.now });
    const outgoing = await caller(t.url, 'supervisor.west');
    const incoming = await caller(t.url, 'incoming.west');
    for (let i = 0; i < 3; i++) {
      links.push(await handOver(outgoing, incoming, () => ({ ...emptyContent(), notes: `shift ${i}` })));
      clock.advanceHours(12);
    }
    await incoming('POST', `/api/v1/handovers/${links[2]!.id}/addenda`, { body: 'a correction' });
    await t.close();
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  async function tamper(...statements: ReturnType<typeof sql>[]): Promise<void> {
    const database = await openPglite({ dataDir });
    try {
      await database.db.execute(sql`set session_replication_role = replica`);
      for (const s of statements) await database.db.execute(s);
    } finally {
      await database.close();
    }
  }

  test('passes on an intact chain, names an edited handover, then a removed link', async () => {
    const env = { TANSIQ_DATA_DIR: dataDir };
    const intact = await cli(['handovers', 'verify'], env);
    expect(intact).toMatchObject({
      code: 0,
      out: expect.stringContaining('handover chain of WEST intact: 4 links verified'),
    });
    expect((await cli(['handovers', 'verify', '--centre', 'EAST'], env)).out).toContain(
      'no sealed handovers',
    );

    await tamper(
      sql`update handovers set content = jsonb_set(content, '{notes}', '"rewritten"') where id = ${links[1]!.id}`,
    );
    const edited = await cli(['handovers', 'verify', '--centre', 'WEST'], env);
    expect(edited.code).toBe(1);
    expect(edited.out).toContain(`BROKEN at handover ${links[1]!.id} (position 2)`);
    expect(edited.out).toContain('does not match its seal');

    await tamper(
      sql`delete from handover_thread where handover_id = ${links[1]!.id}`,
      sql`delete from handovers where id = ${links[1]!.id}`,
    );
    const removed = await cli(['handovers', 'verify'], env);
    expect(removed.code).toBe(1);
    expect(removed.out).toContain(`BROKEN at handover ${links[2]!.id} (position 3)`);
    expect(removed.out).toContain('link 2 of the chain is missing');

    expect((await cli(['handovers', 'verify', '--nope'], env)).code).toBe(2);
  }, 180_000);
});
