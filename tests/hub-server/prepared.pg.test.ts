import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PreparingClient, STATEMENT_CACHE } from '@tansiq/hub-server';
import { createServerDatabase, type ServerDatabase } from '../helpers/db.ts';

/** The PostgreSQL server's connections run the hub's reads and writes as named prepared statements. */
describe('prepared statements on a PostgreSQL server connection', () => {
  let server: ServerDatabase;
  let client: PreparingClient;
  beforeAll(async () => {
    server = await createServerDatabase();
    client = new PreparingClient({ connectionString: server.ownerUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await server.drop();
  });

  const prepared = async (like: string) =>
    (
      await client.query<{ n: number }>(
        'select count(*)::int as n from pg_prepared_statements where statement like $1',
        [like],
      )
    ).rows[0]!.n;

  test('a statement run again is prepared once, with the same answers; DDL and plain text run unprepared', async () => {
    for (let i = 0; i < 3; i++) {
      const { rows } = await client.query<{ x_once: number }>({ text: 'select $1::int + 1 as x_once' }, [i]);
      expect(rows).toEqual([{ x_once: i + 1 }]);
    }
    expect(await prepared('%x_once%')).toBe(1);
    await client.query({ text: 'create table shape (a int)' });
    expect(await prepared('create table%')).toBe(0);
  });

  test('at most STATEMENT_CACHE statements a connection; past it, statements still run', async () => {
    for (let i = 0; i < STATEMENT_CACHE + 10; i++) {
      const { rows } = await client.query<{ v: number }>({ text: `select $1::int + ${i} as v` }, [1]);
      expect(rows[0]!.v).toBe(1 + i);
    }
    const total = (await client.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements'))
      .rows[0]!.n;
    expect(total).toBeLessThanOrEqual(STATEMENT_CACHE);
  });

  test('an error keeps the connection usable and the same statement answers the same error again', async () => {
    for (let i = 0; i < 2; i++)
      await expect(client.query({ text: 'select $1::int / 0' }, [1])).rejects.toMatchObject({
        code: '22012',
      });
    await expect(client.query({ text: 'selec $1' }, [1])).rejects.toMatchObject({ code: '42601' });
    await expect(client.query({ text: 'selec $1' }, [1])).rejects.toMatchObject({ code: '42601' });
    expect((await client.query<{ ok: boolean }>({ text: 'select $1::boolean as ok' }, [true])).rows).toEqual([
      { ok: true },
    ]);
  });
});
