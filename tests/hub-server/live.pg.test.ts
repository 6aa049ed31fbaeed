import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, asc, eq, gt } from 'drizzle-orm';
import { createLogger, openPostgres, schema, type Database } from '@tansiq/hub-server';
import { createServerDatabase, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

const logger = createLogger('silent');

describe('live alerts on the PostgreSQL server', () => {
  let server: ServerDatabase;
  const open = (poolMax = 4) =>
    openPostgres({ ownerUrl: server.ownerUrl, appRole: server.appRole, poolMax, logger });
  beforeAll(async () => {
    server = await createServerDatabase();
  });
  afterAll(() => server?.drop());

  test('two hub processes on one database: one leads, every missed deadline escalates exactly once', async () => {
    const config = { TANSIQ_ACK_DEADLINES: 'critical=1', TANSIQ_WORKER_INTERVAL_MS: '60000' };
    const a: TestHub = await startTestHub({ database: await open(), config });
    const b: TestHub = await startTestHub({ database: await open(), config });
    try {
      await seedUsers(a.database);
      const east = api(a.url, (await login(a.url, 'officer.east')).accessToken);
      for (let i = 0; i < 6; i++) {
        const res = await east('POST', '/api/v1/alerts', {
          category: 'terrorism',
          severity: 'critical',
          title: `critical ${i}`,
          location: { lat: 26, lng: 14 },
          tlp: 'AMBER',
          recipients: ['WEST', 'SOUTH'],
        });
        expect(res.status).toBe(201);
      }
      await new Promise((r) => setTimeout(r, 1200));
      const rounds = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).hub.workers.tick()),
      );
      const leaders = await Promise.all([a.hub.workers.tick(), b.hub.workers.tick()]);
      expect(leaders.filter((r) => r.leader)).toHaveLength(1);
      expect(rounds.reduce((n, r) => n + r.escalated, 0)).toBe(12);
      expect(await a.database.asSystem((tx) => tx.$count(schema.alertDeadlines))).toBe(12);
      const events = await a.database.asSystem((tx) =>
        tx.select().from(schema.events).where(eq(schema.events.type, 'alert:escalated')),
      );
      expect(events).toHaveLength(12);
      expect(new Set(events.map((e) => `${e.entityId}/${(e.data as { centre: string }).centre}`)).size).toBe(
        12,
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('two hub processes: an alert raised on one reaches a console on the other; disabling a user on one closes their socket on the other', async () => {
    const a: TestHub = await startTestHub({ database: await open() });
    const b: TestHub = await startTestHub({ database: await open() });
    const { LiveClient } = await import('../helpers/live-client.ts');
    try {
      const ids = await a.database.db.select().from(schema.users);
      if (ids.length === 0) await seedUsers(a.database);
      const westOnB = new LiveClient(b.url, (await login(b.url, 'officer.west')).accessToken);
      await westOnB.ready();
      const southOnB = new LiveClient(b.url, (await login(b.url, 'officer.south')).accessToken);
      await southOnB.ready();
      const southGone = new Promise<number>((resolve) =>
        southOnB.socket.on('disconnect', () => resolve(Date.now())),
      );

      const east = api(a.url, (await login(a.url, 'officer.east')).accessToken);
      const created = await east('POST', '/api/v1/alerts', {
        category: 'weapons',
        severity: 'low',
        title: 'across processes',
        location: { lat: 30, lng: 20 },
        tlp: 'AMBER',
        recipients: ['WEST'],
      });
      const alertId = (created.body as { alert: { id: string } }).alert.id;
      await westOnB.until((evs) =>
        evs.some((e) => (e.data as { alert?: { id: string } }).alert?.id === alertId),
      );
      expect(southOnB.applied.some((e) => (e.data as { alert?: { id: string } }).alert?.id === alertId)).toBe(
        false,
      );

      const admin = api(a.url, (await login(a.url, 'admin')).accessToken);
      const southId = (
        await a.database.db.select().from(schema.users).where(eq(schema.users.username, 'officer.south'))
      )[0]!.id;
      const started = Date.now();
      expect((await admin('PATCH', `/api/v1/users/${southId}`, { disabled: true })).status).toBe(200);
      expect((await southGone) - started).toBeLessThan(5000);
      westOnB.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('three concurrent writers: readers resuming from random points never miss an event (≥ 1,000 reads)', async () => {
    const writers: Database[] = await Promise.all([open(), open(), open()]);
    const reader = await open(2);
    const readAfter = (after: number) =>
      reader.asSystem((tx) =>
        tx
          .select({ seq: schema.events.seq })
          .from(schema.events)
          .where(and(gt(schema.events.seq, after), eq(schema.events.type, 'test:written')))
          .orderBy(asc(schema.events.seq)),
      );
    let writing = true;
    const write = async (db: Database, w: number) => {
      for (let i = 0; i < 120; i++) {
        await db.asSystem(async (tx) => {
          const { appendEvent } = await import('@tansiq/hub-server');
          await appendEvent(tx, { type: 'test:written', audience: 'staff', data: { w, i } });
          // Hold the transaction open a little after numbering, as a slow commit would.
          await new Promise((r) => setTimeout(r, Math.random() * 4));
        });
      }
    };
    interface Trail {
      start: number;
      seen: number[];
    }
    const trails: Trail[] = [];
    let reads = 0;
    const readLoop = async () => {
      while (writing || reads < 1000) {
        const known = trails.flatMap((t) => t.seen);
        const start = known.length ? known[Math.floor(Math.random() * known.length)]! : 0;
        const trail: Trail = { start, seen: [] };
        trails.push(trail);
        let cursor = start;
        for (let k = 0; k < 5; k++) {
          const rows = await readAfter(cursor);
          reads++;
          trail.seen.push(...rows.map((r) => r.seq));
          cursor = rows.at(-1)?.seq ?? cursor;
        }
      }
    };
    const writes = Promise.all(writers.map((db, w) => write(db, w))).then(() => {
      writing = false;
    });
    await Promise.all([writes, readLoop(), readLoop()]);

    const all = (await readAfter(0)).map((r) => r.seq);
    expect(all).toHaveLength(360);
    expect(reads).toBeGreaterThanOrEqual(1000);
    // Each trail saw a prefix of everything after its start point: nothing skipped, nothing twice.
    for (const trail of trails) {
      const expected = all.filter((s) => s > trail.start).slice(0, trail.seen.length);
      expect(trail.seen).toEqual(expected);
    }
    await Promise.all([...writers, reader].map((d) => d.close()));
  });
});
