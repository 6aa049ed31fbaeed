import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Handover } from '@tansiq/shared';
import {
  announceOverdueHandovers,
  hashPassword,
  schema,
  ShiftCalendar,
  verifyHandoverChains,
  type Database,
} from '@tansiq/hub-server';
import { createServerDatabase, openServer, queryError, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';
import { caller, seedIncomingSupervisors, testClock, type Call } from '../helpers/handovers.ts';

const TRIES = 8;
const body = <T>(r: { body: unknown }) => r.body as T;

/** Handover decisions and seals on the PostgreSQL server, where transactions truly overlap. */
describe('shift handovers on the PostgreSQL server', () => {
  let server: ServerDatabase;
  let t: TestHub;
  let second: Database;
  const clock = testClock();
  const as: Record<string, Call> = {};

  async function owner<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: server.ownerUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }

  async function submitted(): Promise<Handover> {
    clock.advanceHours(12);
    const h = body<{ handover: Handover }>(
      await as['supervisor.east']!('POST', '/api/v1/handovers', {}),
    ).handover;
    expect((await as['supervisor.east']!('POST', `/api/v1/handovers/${h.id}/submit`, {})).status).toBe(200);
    return h;
  }

  beforeAll(async () => {
    server = await createServerDatabase();
    const database = await openServer(server, 12);
    await seedUsers(database);
    await seedIncomingSupervisors(database);
    await database.db.insert(schema.users).values({
      username: 'relief.east',
      displayName: 'relief EAST',
      role: 'supervisor',
      centre: 'EAST',
      passwordHash: await hashPassword(TEST_PASSWORD),
    });
    t = await startTestHub({ database, clock: clock.now });
    second = await openServer(server, 4);
    for (const u of ['supervisor.east', 'incoming.east', 'relief.east']) as[u] = await caller(t.url, u);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
    await server?.drop();
  });

  test('two incoming supervisors accepting at once: one signs, the other is told, the chain stays whole', async () => {
    for (let i = 0; i < TRIES; i++) {
      const h = await submitted();
      const replies = await Promise.all([
        as['incoming.east']!('POST', `/api/v1/handovers/${h.id}/accept`, {}),
        as['relief.east']!('POST', `/api/v1/handovers/${h.id}/accept`, {}),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    }
    const chain = await verifyHandoverChains(t.database, 'EAST');
    expect(chain).toMatchObject({ ok: true, centres: [{ centre: 'EAST', links: TRIES }] });
  });

  test('an accept, a return and addenda racing on one centre leave consecutive positions and valid seals', async () => {
    const [done] = body<{ handovers: Handover[] }>(
      await as['supervisor.east']!('GET', '/api/v1/handovers?centre=EAST&status=accepted&limit=1'),
    ).handovers;
    for (let i = 0; i < TRIES; i++) {
      const h = await submitted();
      const replies = await Promise.all([
        as['incoming.east']!('POST', `/api/v1/handovers/${h.id}/accept`, {}),
        as['relief.east']!('POST', `/api/v1/handovers/${h.id}/return`, { question: `why ${i}?` }),
        as['relief.east']!('POST', `/api/v1/handovers/${done!.id}/addenda`, { body: `note ${i}` }),
        as['incoming.east']!('POST', `/api/v1/handovers/${done!.id}/addenda`, { body: `more ${i}` }),
      ]);
      // Accept and return exclude each other; both addenda always land.
      expect([replies[0]!.status, replies[1]!.status].sort()).toEqual([200, 409]);
      expect([replies[2]!.status, replies[3]!.status]).toEqual([201, 201]);
    }
    const chain = await verifyHandoverChains(t.database, 'EAST');
    expect(chain.ok).toBe(true);
  });

  test('the server refuses to change or delete an accepted handover, as the application role and as the owner', async () => {
    const { id } = await owner(
      async (c) =>
        (await c.query<{ id: string }>(`select id from handovers where status = 'accepted' limit 1`))
          .rows[0]!,
    );
    const asApp = (q: ReturnType<typeof sql>) =>
      t.database.asUser({ userId: crypto.randomUUID(), role: 'supervisor', centre: 'EAST' }, (tx) =>
        tx.execute(q),
      );
    expect(await queryError(asApp(sql`update handovers set content = '{}'::jsonb where id = ${id}`))).toMatch(
      /sealed/,
    );
    expect(await queryError(asApp(sql`delete from handovers where id = ${id}`))).toMatch(/permission denied/);
    await owner(async (c) => {
      for (const q of [
        `update handovers set seal = 'forged' where id = '${id}'`,
        `delete from handovers where id = '${id}'`,
        'truncate handovers cascade',
        `update handover_addenda set body = 'x'`,
        // (Row triggers fire for rows that exist: the addenda of the race test above.)
        `delete from handover_addenda`,
      ])
        await expect(c.query(q)).rejects.toThrow(/sealed|append-only/);
    });
    expect((await verifyHandoverChains(t.database, 'EAST')).ok).toBe(true);
    // Behind the triggers (replication role), an edit is named by verify.
    await owner(async (c) => {
      await c.query('set session_replication_role = replica');
      await c.query(
        `update handovers set content = jsonb_set(content, '{notes}', '"rewritten"') where id = $1`,
        [id],
      );
    });
    expect(await verifyHandoverChains(t.database, 'EAST')).toMatchObject({ ok: false, id, kind: 'handover' });
  });

  test('two hub processes checking overdue handovers at the same moment announce each once', async () => {
    const calendar = new ShiftCalendar('08:00,20:00', 'Africa/Tripoli');
    const centres = ['EAST', 'WEST', 'SOUTH'];
    const shifts: string[] = [];
    for (let i = 0; i < TRIES; i++) {
      const at = new Date(clock.now().getTime() + (100 + i * 12) * 3_600_000);
      const late = new Date(calendar.previous(at).end.getTime() + 31 * 60_000);
      shifts.push(calendar.previous(at).start.toISOString());
      const counts = await Promise.all([
        announceOverdueHandovers(t.database, centres, calendar, 30, late),
        announceOverdueHandovers(second, centres, calendar, 30, late),
      ]);
      // No centre handed over for these shifts (EAST's handovers are all earlier).
      expect(counts[0]! + counts[1]!).toBe(3);
    }
    // The hub's own leader also ticks (at its clock's shifts); these shifts were announced once each.
    const n = await owner(
      async (c) =>
        (
          await c.query<{ n: string }>(
            `select count(*) as n from events where type = 'handover:overdue' and data->>'shiftStart' = any($1)`,
            [shifts],
          )
        ).rows[0]!.n,
    );
    expect(Number(n)).toBe(3 * TRIES);
  });
});
