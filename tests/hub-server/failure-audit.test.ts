import { afterAll, beforeAll, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { FailureAudit, FAILURES_WRITTEN_PER_MINUTE, schema, verifyAudit } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  await seedUsers(t.database);
});
afterAll(() => t?.close());

const rowsOf = (action: string) =>
  t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, action));

test('500 failures of one actor in a minute: the first are written, the rest become one record with their count', async () => {
  let now = Date.parse('2026-11-30T10:00:05Z');
  const audit = new FailureAudit(t.database.db, () => now);
  const actor = { username: 'someone', source: '10.0.0.9' };
  for (let i = 0; i < 500; i++) await audit.record(actor, { action: 'test.flood', outcome: 'failed' });
  expect(await rowsOf('test.flood')).toHaveLength(FAILURES_WRITTEN_PER_MINUTE);
  await audit.flush();
  expect(await rowsOf('test.flood')).toHaveLength(FAILURES_WRITTEN_PER_MINUTE);
  now += 60_000;
  await audit.flush();
  const rows = await rowsOf('test.flood');
  expect(rows).toHaveLength(FAILURES_WRITTEN_PER_MINUTE + 1);
  expect(rows.at(-1)!.details).toMatchObject({
    repeated: 500 - FAILURES_WRITTEN_PER_MINUTE,
    minute: '2026-11-30T10:00:00.000Z',
  });
  // Another actor is tallied on its own; a quiet minute writes nothing more.
  await audit.record({ username: 'other', source: '10.0.0.10' }, { action: 'test.flood', outcome: 'failed' });
  now += 120_000;
  await audit.stop();
  expect(await rowsOf('test.flood')).toHaveLength(FAILURES_WRITTEN_PER_MINUTE + 2);
  expect((await verifyAudit(t.database.db)).ok).toBe(true);
});

test('an officer hammering an admin route writes a bounded number of refusals', async () => {
  const officer = api(t.url, (await login(t.url, 'officer.south')).accessToken);
  for (let i = 0; i < 60; i++) expect((await officer('GET', '/api/v1/users')).status).toBe(403);
  const refused = await t.database.db
    .select()
    .from(schema.auditLog)
    .where(and(eq(schema.auditLog.action, 'user.list'), eq(schema.auditLog.outcome, 'refused')));
  expect(refused.length).toBeLessThanOrEqual(FAILURES_WRITTEN_PER_MINUTE * 2);
  expect(refused.length).toBeGreaterThanOrEqual(FAILURES_WRITTEN_PER_MINUTE);
});
