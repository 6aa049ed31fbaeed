import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Alert, HubEvent } from '@tansiq/shared';
import { schema } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { queryError, selectRows } from '../helpers/db.ts';
import { login, seedUsers } from '../helpers/users.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { caller, type Call } from '../helpers/handovers.ts';

const people = { women: 4, men: 6, children: 3, adults: 7, unaccompaniedChildren: 1, needMedicalCare: 2 };
const migration = (tlp: string, recipients: string[]) => ({
  id: randomUUID(),
  category: 'irregular_migration',
  severity: 'medium',
  title: 'مجموعة مهاجرين قرب القطرون',
  location: { lat: 24.9, lng: 14.6 },
  tlp,
  recipients,
  people,
});

describe('people involved on alerts', () => {
  let t: TestHub;
  const as: Record<string, Call> = {};
  const live: Record<string, LiveClient> = {};

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    for (const u of ['officer.south', 'officer.west', 'board']) as[u] = await caller(t.url, u);
    for (const u of ['officer.west', 'board']) {
      live[u] = new LiveClient(t.url, (await login(t.url, u)).accessToken);
      await live[u].ready();
    }
  });
  afterAll(async () => {
    for (const c of Object.values(live)) c.close();
    await t?.close();
  });

  test('an alert carries its people to readers (REST and events); the board gets the total only', async () => {
    const input = migration('GREEN', ['WEST']);
    const created = await as['officer.south']!('POST', '/api/v1/alerts', input);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const alert = (created.body as { alert: Alert }).alert;
    expect(alert.people).toEqual({
      ...people,
      sexUnknown: 0,
      ageUnknown: 0,
      injured: 0,
      deceased: 0,
      withDisabilities: 0,
    });
    const west = (await as['officer.west']!('GET', `/api/v1/alerts/${alert.id}`)).body as { alert: Alert };
    expect(west.alert.people).toEqual(alert.people);
    const board = (await as['board']!('GET', `/api/v1/alerts/${alert.id}`)).body as {
      alert: Record<string, unknown>;
    };
    expect(board.alert.people).toBeUndefined();
    expect(board.alert.peopleTotal).toBe(10);

    const created_ = (c: LiveClient) =>
      c.applied.find(
        (e: HubEvent) => e.type === 'alert:created' && (e.data as { alert: Alert }).alert.id === alert.id,
      );
    await live['officer.west']!.until(() => created_(live['officer.west']!) !== undefined);
    await live['board']!.until(() => created_(live['board']!) !== undefined);
    expect((created_(live['officer.west']!)!.data as { alert: Alert }).alert.people).toEqual(alert.people);
    const boardAlert = (created_(live['board']!)!.data as { alert: Record<string, unknown> }).alert;
    expect(boardAlert.people).toBeUndefined();
    expect(boardAlert.peopleTotal).toBe(10);

    // A resend with the same id and other people is another alert's content: 409, nothing changed.
    const again = await as['officer.south']!('POST', '/api/v1/alerts', { ...input, people: { men: 1 } });
    expect(again.status).toBe(409);
    // An alert without people says so.
    const none = await as['officer.south']!('POST', '/api/v1/alerts', {
      ...migration('GREEN', []),
      people: undefined,
    });
    expect((none.body as { alert: Alert }).alert.people).toBeNull();
  });

  test('inconsistent or textual people are refused with the field named, and nothing is stored', async () => {
    const before = await t.database.db.$count(schema.alerts);
    for (const bad of [
      { women: 'ثلاث نساء' },
      { women: 2, children: 1 },
      { men: 1, injured: 2 },
      { men: 1, name: 'x' },
    ]) {
      const res = await as['officer.south']!('POST', '/api/v1/alerts', {
        ...migration('GREEN', []),
        people: bad,
      });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect(await t.database.db.$count(schema.alerts)).toBe(before);
  });

  test('the database itself stores counts only, whoever writes', async () => {
    const [{ id } = { id: '' }] = await selectRows<{ id: string }>(
      t.database,
      sql`select id from alerts limit 1`,
    );
    for (const value of [`{"women": "Fatima"}`, `{"names": 1}`, `{"men": -1}`, `{"men": 1.5}`, `"text"`])
      expect(
        await queryError(
          t.database.db.execute(sql`update alerts set people = ${value}::jsonb where id = ${id}`),
        ),
      ).toMatch(/alerts_people_counts_only/);
  });
});
