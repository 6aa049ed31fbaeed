import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Transaction } from '@electric-sql/pglite';
import { OneTripPGlite, STATEMENT_CACHE, type EmbeddedDatabase } from '@tansiq/hub-server';
import { openTestPglite } from '../helpers/db.ts';

/**
 * The embedded database's client: every statement in one trip, parameters as text of unknown type
 * (as node-postgres sends them to a server), reads and writes kept as prepared statements.
 */
describe('the embedded database client', () => {
  let database: EmbeddedDatabase;
  let client: OneTripPGlite;
  beforeAll(async () => {
    database = await openTestPglite();
    client = (database.db as unknown as { $client: OneTripPGlite }).$client;
    expect(client).toBeInstanceOf(OneTripPGlite);
  });
  afterAll(() => database.close());

  const prepared = async (like: string) =>
    (
      await client.query<{ n: number }>(
        'select count(*)::int as n from pg_prepared_statements where statement like $1',
        [like],
      )
    ).rows[0]!.n;

  test('parameters reach each column type as on a server: dates, arrays, JSON, bytes, numbers, null', async () => {
    await client.exec(
      'create table params (at timestamptz, words text[], doc jsonb, raw bytea, yes boolean, x double precision, n bigint, nothing text)',
    );
    const at = new Date('2026-12-05T10:11:12.345Z');
    const words = ['تهريب', 'a "quoted" word', 'comma, inside', 'back\\slash', null, '{braces}', ''];
    const doc = { alert: { title: 'وقود', people: [1, 2, { total: 3 }] }, nested: null };
    const raw = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await client.query('insert into params values ($1, $2, $3, $4, $5, $6, $7, $8)', [
      at,
      words,
      doc,
      raw,
      true,
      1.5e-7,
      9007199254740993n,
      null,
    ]);
    const { rows } = await client.query<Record<string, unknown>>(
      'select at, words, doc, raw, yes, x, n::text as n, nothing from params',
    );
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect((row.at as Date).toISOString()).toBe(at.toISOString());
    expect(row.words).toEqual(words);
    expect(row.doc).toEqual(doc);
    expect(Buffer.from(row.raw as Uint8Array).equals(raw)).toBe(true);
    expect(row).toMatchObject({ yes: true, x: 1.5e-7, n: '9007199254740993', nothing: null });
    // The same through a transaction, in array mode (as Drizzle reads).
    const inTx = await client.transaction((tx) =>
      tx.query<unknown[]>('select $1::int + 1, $2 = any(words) from params', [41, 'تهريب'], {
        rowMode: 'array',
      }),
    );
    expect(inTx.rows).toEqual([[42, true]]);
  });

  test('a statement run again is prepared once; the cache keeps at most its size', async () => {
    for (let i = 0; i < 3; i++) await client.query('select $1::int as once_only', [i]);
    expect(await prepared('%once_only%')).toBe(1);
    for (let i = 0; i < STATEMENT_CACHE + 20; i++)
      await client.query(`select $1::int + ${i} as many_${i}`, [i]);
    // The oldest are closed with the next trips; one more trip closes the last of them.
    await client.query('select $1::int', [0]);
    const total = (await client.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements'))
      .rows[0]!.n;
    expect(total).toBeLessThanOrEqual(STATEMENT_CACHE + 1);
    expect(await prepared('%many_0 %')).toBe(0);
    expect(await prepared(`%many_${STATEMENT_CACHE + 19}%`)).toBe(1);
  });

  test('errors reject with PostgreSQL codes, keep nothing prepared and leave the client usable', async () => {
    await expect(client.query('selec $1', [1])).rejects.toMatchObject({ code: '42601' });
    expect(await prepared('selec %')).toBe(0);
    await client.exec('create table uniq (k int primary key)');
    await client.query('insert into uniq values ($1)', [1]);
    await expect(
      client.transaction(async (tx) => {
        await tx.query('insert into uniq values ($1)', [2]);
        await tx.query('insert into uniq values ($1)', [1]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    // The transaction rolled back whole.
    expect((await client.query('select k from uniq order by k')).rows).toEqual([{ k: 1 }]);
  });

  test('a prepared read of a table that changed shape is prepared again', async () => {
    await client.exec('create table shape (a int)');
    await client.query('insert into shape values ($1)', [1]);
    const read = () => client.query<Record<string, unknown>>('select * from shape where a = $1', [1]);
    expect((await read()).rows).toEqual([{ a: 1 }]);
    await client.exec('alter table shape add column b text');
    // PostgreSQL refuses a cached plan whose result changed at most once; the next run fits.
    const first = await read().catch((err: { code?: string }) => err);
    if (!('rows' in first)) expect(first.code).toBe('0A000');
    expect((await read()).rows).toEqual([{ a: 1, b: null }]);
  });

  test('a statement outside a transaction waits for one in progress and never runs inside it', async () => {
    await client.exec('create table waits (v int)');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    const tx = client.transaction(async (t) => {
      await t.query('insert into waits values ($1)', [1]);
      inserted();
      await held;
      await t.rollback();
    });
    await didInsert;
    let answered = false;
    const outside = client.query<{ n: number }>('select count(*)::int as n from waits', []).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    release();
    await tx;
    expect((await outside).rows).toEqual([{ n: 0 }]);
  });

  /** Counts the trips into the engine while `fn` runs. */
  const trips = async (fn: () => Promise<unknown>) => {
    const raw = client.execProtocolRaw.bind(client);
    let n = 0;
    client.execProtocolRaw = (message, options) => {
      n++;
      return raw(message, options);
    };
    try {
      await fn();
    } finally {
      client.execProtocolRaw = raw;
    }
    return n;
  };

  test('a transaction: BEGIN goes with its first statement, COMMIT is one trip, and it is all or nothing', async () => {
    await client.exec('create table tx_rows (v int primary key)');
    const n = await trips(() =>
      client.transaction(async (t) => {
        await t.query('insert into tx_rows values ($1)', [1]);
        await t.query('insert into tx_rows values ($1)', [2]);
        expect((await t.query<{ n: number }>('select count(*)::int as n from tx_rows')).rows).toEqual([
          { n: 2 },
        ]);
      }),
    );
    // Three statements and the COMMIT (BEGIN and COMMIT as simple queries took two trips each).
    expect(n).toBe(4);
    // A failure rolls back everything, the first statement (the one carrying BEGIN) included.
    await expect(
      client.transaction(async (t) => {
        await t.query('insert into tx_rows values ($1)', [3]);
        await t.query('insert into tx_rows values ($1)', [1]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    // A failed statement whose error was swallowed: the commit is refused, nothing is kept.
    await expect(
      client.transaction(async (t) => {
        await t.query('insert into tx_rows values ($1)', [4]);
        await t.query('insert into tx_rows values ($1)', [1]).catch(() => undefined);
      }),
    ).rejects.toThrow(/rolled back/);
    // rollback(), a transaction that ran nothing, and a query after the end.
    let after: Transaction | null = null;
    await client.transaction(async (t) => {
      await t.query('insert into tx_rows values ($1)', [5]);
      await t.rollback();
      after = t;
    });
    expect(await trips(() => client.transaction(async () => 'nothing'))).toBe(0);
    await expect(after!.query('select 1')).rejects.toThrow('Transaction is closed');
    expect((await client.query<{ v: number }>('select v from tx_rows order by v')).rows).toEqual([
      { v: 1 },
      { v: 2 },
    ]);
    // exec inside a transaction, and its notifications at commit.
    const heard: string[] = [];
    const unlisten = await client.listen('tx_channel', (payload) => heard.push(payload));
    await client.transaction(async (t) => {
      const [first, second] = await t.exec(
        "insert into tx_rows values (6); select pg_notify('tx_channel', 'six')",
      );
      expect(first!.affectedRows).toBe(1);
      expect(second!.rows).toHaveLength(1);
      expect(heard).toEqual([]);
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(heard).toEqual(['six']);
    await unlisten();
    expect((await client.query<{ n: number }>('select count(*)::int as n from tx_rows')).rows).toEqual([
      { n: 3 },
    ]);
  });
});
