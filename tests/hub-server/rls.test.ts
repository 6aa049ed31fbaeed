import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { schema, type EmbeddedDatabase } from '@tansiq/hub-server';
import { openTestPglite, queryError } from '../helpers/db.ts';
import { runRlsMatrix } from '../helpers/rls-matrix.ts';
import { seedUsers } from '../helpers/users.ts';

describe('row-level security on PGlite (the second wall)', () => {
  let database: EmbeddedDatabase;
  let ids: Map<string, string>;
  beforeAll(async () => {
    database = await openTestPglite();
    ids = await seedUsers(database);
  });
  afterAll(() => database.close());

  test('every role × centre sees exactly the alerts, briefs, attachments, review threads, meetings, decisions and action items DESIGN allows: 0 leaks, 0 wrong refusals', async () => {
    const result = await runRlsMatrix(database, database.db, ids);
    expect(result.checks).toBe(10 * (60 + 3 * 80 + 3 * 16)); // alerts; briefs, their attachments and threads; meetings, their decisions and action items
    expect(result.leaks).toEqual([]);
    expect(result.wrongRefusals).toEqual([]);
  });

  test('a transaction as the application role with no claims sees nothing', async () => {
    const [alerts, briefs] = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local role tansiq_app`);
      return [await tx.select().from(schema.alerts), await tx.select().from(schema.briefs)];
    });
    expect(await database.db.$count(schema.alerts)).toBeGreaterThan(0);
    expect(alerts).toEqual([]);
    expect(briefs).toEqual([]);
  });

  test('an officer cannot write an alert in another centre’s name, even bypassing the service', async () => {
    const principal = { userId: ids.get('officer.east')!, role: 'officer' as const, centre: 'EAST' };
    const message = await queryError(
      database.asUser(principal, (tx) =>
        tx.insert(schema.alerts).values({
          centre: 'WEST',
          category: 'other',
          severity: 'low',
          title: 'spoofed',
          lat: 30,
          lng: 20,
          reporterId: principal.userId,
          tlp: 'GREEN',
        }),
      ),
    );
    expect(message).toMatch(/row-level security/);
  });
});
