import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { roles } from '@tansiq/shared';
import { hashPassword, loadDemoData, schema, type EmbeddedDatabase } from '@tansiq/hub-server';
import { openTestPglite, queryError } from '../helpers/db.ts';

describe('database on PGlite', () => {
  let database: EmbeddedDatabase;
  beforeAll(async () => {
    database = await openTestPglite();
  });
  afterAll(() => database.close());

  test('migrations create the tables and seed the four centres', async () => {
    const centres = await database.db.select().from(schema.centres).orderBy(schema.centres.code);
    expect(centres.map((c) => [c.code, c.kind])).toEqual([
      ['EAST', 'joint'],
      ['SOUTH', 'joint'],
      ['STUDIES', 'studies'],
      ['WEST', 'joint'],
    ]);
    expect(centres.every((c) => c.nameAr.length > 0 && c.nameEn.length > 0)).toBe(true);
  });

  test('a fourth joint centre is a row, not a code change', async () => {
    await database.db
      .insert(schema.centres)
      .values({ code: 'NORTH', kind: 'joint', nameAr: 'الشمال', nameEn: 'North' });
    expect(await database.db.$count(schema.centres)).toBe(5);
    await database.db.delete(schema.centres).where(eq(schema.centres.code, 'NORTH'));
  });

  test.each([
    { name: 'an officer without a centre', role: 'officer', centre: null },
    { name: 'a coordinator with a centre', role: 'coordinator', centre: 'EAST' },
    { name: 'an unknown centre', role: 'officer', centre: 'NOWHERE' },
    { name: 'an unknown role', role: 'spy', centre: null },
  ])('the database itself refuses $name', async ({ role, centre }) => {
    const passwordHash = await hashPassword('x');
    const message = await queryError(
      database.db.execute(
        sql`insert into users (username, display_name, role, centre, password_hash) values ('x', 'x', ${role}, ${centre}, ${passwordHash})`,
      ),
    );
    expect(message).toMatch(/violates (check|foreign key) constraint/);
  });

  test('demo data: one account per role (and an officer per joint centre), argon2id hashes, loaded once', async () => {
    const accounts = await loadDemoData(database.db);
    expect(new Set(accounts.map((a) => a.role))).toEqual(new Set(roles));
    expect(
      accounts
        .filter((a) => a.role === 'officer')
        .map((a) => a.centre)
        .sort(),
    ).toEqual(['EAST', 'SOUTH', 'WEST']);
    const stored = await database.db.select().from(schema.users);
    expect(stored).toHaveLength(accounts.length);
    for (const user of stored) {
      expect(user.passwordHash).toMatch(/^\$argon2id\$/);
      expect(stored.map((u) => u.passwordHash)).not.toContain(
        accounts.find((a) => a.username === user.username)?.password,
      );
    }
    expect(await loadDemoData(database.db)).toEqual([]);
    expect(await database.db.select().from(schema.users)).toHaveLength(accounts.length);
  });

  test('usernames are unique regardless of case', async () => {
    const passwordHash = await hashPassword('x');
    await database.db
      .insert(schema.users)
      .values({ username: 'Coordinator.Two', displayName: 'x', role: 'coordinator', passwordHash });
    const message = await queryError(
      database.db
        .insert(schema.users)
        .values({ username: 'coordinator.two', displayName: 'x', role: 'coordinator', passwordHash }),
    );
    expect(message).toMatch(/users_username_lower_key/);
  });
});
