import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import type { ActionItem, Meeting } from '@tansiq/shared';
import { schema } from '@tansiq/hub-server';
import { createServerDatabase, openServer, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

const TRIES = 10;

/** Decisions on shared action items and overdue announcements, where transactions truly overlap. */
describe('action items under truly concurrent requests (PostgreSQL server)', () => {
  let server: ServerDatabase;
  let t: TestHub;
  let second: TestHub;
  let tokens: Record<string, string>;
  const call = (user: string) => api(t.url, tokens[user]);

  beforeAll(async () => {
    server = await createServerDatabase();
    // The leader's own rounds stay out of the way: the test runs them itself.
    const config = { TANSIQ_WORKER_INTERVAL_MS: '60000' };
    t = await startTestHub({ database: await openServer(server, 12), config });
    await seedUsers(t.database);
    // A second hub process on the same database: both run the leader's round at once below.
    second = await startTestHub({ database: await openServer(server, 6), config });
    tokens = {};
    for (const u of ['supervisor.south', 'coordinator']) tokens[u] = (await login(t.url, u)).accessToken;
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
    await server?.drop();
  });

  const meeting = async (): Promise<Meeting> => {
    const res = await call('coordinator')('POST', '/api/v1/meetings', {
      title: 'race',
      startsAt: new Date().toISOString(),
      centres: ['SOUTH'],
    });
    return (res.body as { meeting: Meeting }).meeting;
  };
  const action = async (m: Meeting, dueAt: string): Promise<ActionItem> => {
    const res = await call('coordinator')('POST', `/api/v1/meetings/${m.id}/actions`, {
      title: 'x',
      centre: 'SOUTH',
      dueAt,
    });
    expect(res.status).toBe(201);
    return (res.body as { action: ActionItem }).action;
  };

  test('a supervisor and a coordinator marking the same item done at once: one 200, one 409, one event', async () => {
    const m = await meeting();
    for (let i = 0; i < TRIES; i++) {
      const a = await action(m, new Date(Date.now() + 86_400_000).toISOString());
      const replies = await Promise.all([
        call('supervisor.south')('POST', `/api/v1/actions/${a.id}/done`, { note: `south ${i}` }),
        call('coordinator')('POST', `/api/v1/actions/${a.id}/done`, { note: `jtct ${i}` }),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = replies.find((r) => r.status === 200)!.body as { action: ActionItem };
      const [row] = await t.database.asSystem((tx) =>
        tx.select().from(schema.actionItems).where(eq(schema.actionItems.id, a.id)),
      );
      expect(row!.doneNote).toBe(winner.action.doneNote);
      const events = await t.database.asSystem((tx) =>
        tx.select().from(schema.events).where(eq(schema.events.entityId, a.id)),
      );
      expect(events.filter((e) => e.type === 'action:done')).toHaveLength(1);
    }
  });

  test('two hub processes running the overdue round at the same instant announce each item once', async () => {
    const m = await meeting();
    const items: ActionItem[] = [];
    for (let i = 0; i < 5; i++) items.push(await action(m, new Date(Date.now() + 1500).toISOString()));
    await new Promise((r) => setTimeout(r, 1600));
    // Both processes' services, side by side (the leader lock is bypassed on purpose: the update alone must hold).
    const counts = await Promise.all([
      t.hub.meetings.announceOverdue(),
      second.hub.meetings.announceOverdue(),
    ]);
    expect(counts[0] + counts[1]).toBe(5);
    for (const a of items) {
      const events = await t.database.asSystem((tx) =>
        tx.select().from(schema.events).where(eq(schema.events.entityId, a.id)),
      );
      expect(events.filter((e) => e.type === 'action:overdue')).toHaveLength(1);
    }
  });
});
