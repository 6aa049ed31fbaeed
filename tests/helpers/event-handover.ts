import { asc, eq, sql } from 'drizzle-orm';
import { expect, onTestFinished, test } from 'vitest';
import {
  appendEvent,
  createLogger,
  EventTailer,
  schema,
  type Database,
  type EventRow,
} from '@tansiq/hub-server';

const logger = createLogger('silent');

/** A tailer on `database` that records what it delivers and counts its reads of the log. */
async function watch(database: Database, options: { notifications: boolean }) {
  let reads = 0;
  const delivered: EventRow[][] = [];
  /** What the notifications said, and the tailer's own wake-up (to call by hand). */
  const notified: (number | null)[] = [];
  let wake: (last: number | null) => void = () => undefined;
  const counted: Database = {
    ...database,
    readAsSystem: (fn) => {
      reads++;
      return database.readAsSystem(fn);
    },
    onEventsAppended: (fn) => database.onEventsAppended(fn),
    onEventsCommitted: async (tailerWake) => {
      wake = tailerWake;
      if (!options.notifications) return async () => undefined;
      return database.onEventsCommitted((last) => {
        notified.push(last);
        tailerWake(last);
      });
    },
  };
  // The poll never comes within a test: what arrives comes by hand-over or notification.
  const tailer = new EventTailer(counted, (rows) => delivered.push([...rows]), logger, 600_000);
  await tailer.start();
  onTestFinished(() => tailer.stop());
  reads = 0;
  return {
    tailer,
    delivered,
    reads: () => reads,
    seqs: () => delivered.flat().map((r) => r.seq),
    notified,
    wake: (last: number | null) => wake(last),
  };
}

const event = (n: number) => ({
  type: 'test:handover',
  audience: 'alert' as const,
  centre: 'EAST',
  tlp: 'AMBER',
  recipients: ['WEST', 'SOUTH\'s, "quoted"'],
  entityId: `e-${n}`,
  data: { n, text: 'نص عربي', nested: { list: [1, 2.5, null, true] } },
});

async function logRows(database: Database, fromSeq: number): Promise<EventRow[]> {
  return database.readAsSystem((q) =>
    q
      .select()
      .from(schema.events)
      .where(sql`${schema.events.seq} >= ${fromSeq}`)
      .orderBy(asc(schema.events.seq)),
  );
}

/**
 * The writing process hands its own committed events to its sockets without reading them back;
 * what it did not write (or wrote outside its transactions) it reads from the log, in order.
 */
export function eventHandoverTests(
  open: () => Promise<{ database: Database }>,
  options: {
    notificationAfterHandOver: boolean;
    /** The role to take for a transaction as the application (null: the connection is it already). */
    appRole: string | null;
  },
) {
  test('the append runs as its caller: with no claims only a hub message goes in, and a refusal changes nothing', async () => {
    const { database } = await open();
    const w = await watch(database, { notifications: false });
    const head = w.tailer.head;
    const asApp = <T>(fn: (tx: Parameters<Parameters<Database['asSystem']>[0]>[0]) => Promise<T>) =>
      database.db.transaction(async (tx) => {
        if (options.appRole) await tx.execute(sql`select set_config('role', ${options.appRole}, true)`);
        return fn(tx);
      });
    const refused = await asApp((tx) => appendEvent(tx, event(600))).then(
      () => null,
      (err: { code?: string; cause?: { code?: string } }) => err.code ?? err.cause?.code,
    );
    expect(refused).toBe('42501');
    expect(await logRows(database, head + 1)).toEqual([]);
    await asApp((tx) => appendEvent(tx, { type: 'test:hub', audience: 'hub', data: { n: 601 } }));
    const log = await logRows(database, head + 1);
    // The refused append took no number: the hub message is the next one.
    expect(log.map((r) => [r.seq, r.type])).toEqual([[head + 1, 'test:hub']]);
  });

  test('a notification that names no number, or a malformed one, makes the tailer read', async () => {
    const { database } = await open();
    const w = await watch(database, { notifications: true });
    const payloads = ['', 'junk', '-5', '007', '1e3', '99999999999999999999', '12 13'];
    for (const payload of payloads) {
      await w.tailer.poke(); // idle first
      const reads = w.reads();
      const heard = w.notified.length;
      await database.db.execute(sql`select pg_notify('tansiq_events', ${payload})`);
      await expect.poll(() => w.notified.length, { timeout: 5000 }).toBe(heard + 1);
      expect(w.notified.at(-1), payload).toBeNull();
      await expect.poll(() => w.reads(), { timeout: 5000 }).toBe(reads + 1);
    }
    expect(w.delivered).toEqual([]);
  });

  test('a committed event is delivered by its writer at once, as the log holds it, without a read', async () => {
    const { database } = await open();
    const w = await watch(database, { notifications: false });
    await database.asSystem((tx) => appendEvent(tx, event(1)));
    // Delivered before the transaction's promise resolved, with no read and no notification.
    expect(w.delivered).toHaveLength(1);
    expect(w.reads()).toBe(0);
    const [row] = w.delivered[0]!;
    expect([row]).toEqual(await logRows(database, row!.seq));
    expect(w.tailer.head).toBe(row!.seq);
    expect(w.tailer.recentAfter(row!.seq - 1)).toEqual([row]);
  });

  test('a rolled-back event is never delivered and takes no number', async () => {
    const { database } = await open();
    const w = await watch(database, { notifications: false });
    const head = w.tailer.head;
    await expect(
      database.asSystem(async (tx) => {
        await appendEvent(tx, event(2));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(w.delivered).toEqual([]);
    await database.asSystem((tx) => appendEvent(tx, event(3)));
    expect(w.seqs()).toEqual([head + 1]);
    expect(w.reads()).toBe(0);
  });

  test('an event behind one it has not read yet is read with it, in order', async () => {
    const { database } = await open();
    const w = await watch(database, { notifications: false });
    const head = w.tailer.head;
    // A transaction of the database's own (no hand-over): only the log tells of it.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('tansiq.role', 'system', true)`);
      await appendEvent(tx, event(4));
    });
    expect(w.delivered).toEqual([]);
    await database.asSystem((tx) => appendEvent(tx, event(5)));
    await expect.poll(() => w.seqs()).toEqual([head + 1, head + 2]);
    expect(w.reads()).toBeGreaterThan(0);
    expect(w.delivered.flat().map((r) => (r.data as { n: number }).n)).toEqual([4, 5]);
  });

  test('notifications name the last number each statement committed; one already delivered reads nothing', async () => {
    const { database } = await open();
    const w = await watch(database, { notifications: true });
    const head = w.tailer.head;
    for (let i = 0; i < 30; i++)
      await database.asSystem(async (tx) => {
        await appendEvent(tx, event(100 + i));
        if (i % 3 === 0) await appendEvent(tx, event(200 + i));
      });
    const expected = Array.from({ length: 40 }, (_, i) => head + 1 + i);
    await expect.poll(() => w.seqs()).toEqual(expected);
    // One notification per statement that appended, each with its number.
    await expect.poll(() => w.notified.length, { timeout: 5000 }).toBe(40);
    expect([...w.notified].sort((a, b) => a! - b!)).toEqual(expected);
    // The wake-up of a number already delivered reads nothing; a later number, or none, reads.
    await w.tailer.poke(); // and then it is idle
    const reads = w.reads();
    w.wake(head + 40);
    await new Promise((r) => setTimeout(r, 50));
    expect(w.reads()).toBe(reads);
    w.wake(head + 41);
    await expect.poll(() => w.reads()).toBe(reads + 1);
    w.wake(null);
    await expect.poll(() => w.reads()).toBe(reads + 2);
    expect(w.seqs()).toEqual(expected);
  });

  // PGlite announces a commit in the commit's own answer, so the writer's hand-over always comes
  // first; a server's notification travels on another connection and may overtake the commit's
  // answer (then the tailer reads, and the hand-over finds the events delivered).
  if (options.notificationAfterHandOver)
    test('with notifications on, own events are delivered without a single read', async () => {
      const { database } = await open();
      const w = await watch(database, { notifications: true });
      const head = w.tailer.head;
      for (let i = 0; i < 20; i++) await database.asSystem((tx) => appendEvent(tx, event(500 + i)));
      await expect.poll(() => w.notified.length, { timeout: 5000 }).toBe(20);
      await new Promise((r) => setTimeout(r, 50));
      expect(w.seqs()).toEqual(Array.from({ length: 20 }, (_, i) => head + 1 + i));
      expect(w.reads()).toBe(0);
    });

  test('transactions committing at once: every event delivered once, in order', async () => {
    const { database } = await open();
    const w = await watch(database, { notifications: true });
    const head = w.tailer.head;
    // On a server, commits answer in any order: one that arrives ahead of its turn is read instead.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => database.asSystem((tx) => appendEvent(tx, event(400 + i)))),
    );
    const expected = Array.from({ length: 30 }, (_, i) => head + 1 + i);
    await expect.poll(() => w.seqs(), { timeout: 5000 }).toEqual(expected);
    expect(w.delivered.flat()).toEqual(await logRows(database, head + 1));
  });
}

/** Two processes (two connections to one server) writing at once. */
export function twoWriterHandoverTest(open: () => Promise<{ database: Database; other: Database }>) {
  test('two writers at once: each process delivers every event exactly once, in order', async () => {
    const { database, other } = await open();
    const a = await watch(database, { notifications: true });
    const b = await watch(other, { notifications: true });
    const head = a.tailer.head;
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? other : database).asSystem((tx) => appendEvent(tx, event(300 + i))),
      ),
    );
    const expected = Array.from({ length: 60 }, (_, i) => head + 1 + i);
    await expect.poll(() => a.seqs(), { timeout: 5000 }).toEqual(expected);
    await expect.poll(() => b.seqs(), { timeout: 5000 }).toEqual(expected);
    const log = await logRows(database, head + 1);
    expect(a.delivered.flat()).toEqual(log);
    expect(b.delivered.flat()).toEqual(log);
    // Each read the other's events from the log; its own it handed over (or read, when behind).
    expect(a.reads()).toBeGreaterThan(0);
    expect(b.reads()).toBeGreaterThan(0);
    const [found] = await database.readAsSystem((q) =>
      q
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.events)
        .where(eq(schema.events.type, 'test:handover')),
    );
    expect(found!.n).toBeGreaterThanOrEqual(60);
  });
}
