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
      total: 10,
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
      { total: 2, women: 2, men: 1 },
      { total: 3, children: 2, adults: 2 },
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
    for (const value of [
      `{"total": 1, "women": "Fatima"}`,
      `{"total": 1, "names": 1}`,
      `{"total": 1, "men": -1}`,
      `{"total": 2, "men": 1.5}`,
      `{"men": 1}`,
      `{"total": 2, "women": 2, "men": 1}`,
      `{"total": 2, "children": 1, "adults": 1, "ageUnknown": 1}`,
      `{"total": 2, "injured": 3}`,
      `"text"`,
    ])
      expect(
        await queryError(
          t.database.db.execute(sql`update alerts set people = ${value}::jsonb where id = ${id}`),
        ).catch((e: Error) => `${value}: ${e.message}`),
      ).toMatch(/alerts_people_counts_only/);
    // No counts at all is allowed (the check tests null before the function, migration 0015).
    await t.database.db.execute(sql`update alerts set people = null where id = ${id}`);
    await t.database.db.execute(
      sql`update alerts set people = '{"total": 1, "men": 1}'::jsonb where id = ${id}`,
    );
  });

  test('people are set by an update from the origin centre: a timeline entry keeps the counts, events carry them', async () => {
    const alert = (
      (
        await as['officer.south']!('POST', '/api/v1/alerts', {
          ...migration('GREEN', ['WEST']),
          people: undefined,
        })
      ).body as { alert: Alert }
    ).alert;
    expect(alert.people).toBeNull();
    const entryId = randomUUID();
    const counts = { total: 12, women: 5, men: 5, children: 4, adults: 6, injured: 1 };
    const set = await as['officer.south']!('POST', `/api/v1/alerts/${alert.id}/updates`, {
      id: entryId,
      body: 'وصل قارب ثان',
      people: counts,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    expect((set.body as { alert: Alert }).alert.people).toMatchObject(counts);
    // The same entry again changes nothing.
    const again = await as['officer.south']!('POST', `/api/v1/alerts/${alert.id}/updates`, {
      id: entryId,
      people: { total: 1, men: 1 },
    });
    expect((again.body as { alert: Alert }).alert.people).toMatchObject(counts);

    const detail = (await as['officer.west']!('GET', `/api/v1/alerts/${alert.id}`)).body as {
      alert: Alert;
      timeline: Array<{ id: string; kind: string; body: string; people?: Record<string, number> }>;
    };
    expect(detail.alert.people).toMatchObject(counts);
    const entry = detail.timeline.find((e) => e.id === entryId)!;
    expect(entry).toMatchObject({ kind: 'people', body: 'وصل قارب ثان', people: counts });

    const updated = (c: LiveClient) =>
      c.applied.find(
        (e: HubEvent) =>
          e.type === 'alert:updated' &&
          (e.data as { alert: { id: string; updatedAt?: string } }).alert.id === alert.id,
      );
    await live['officer.west']!.until(() => updated(live['officer.west']!) !== undefined);
    expect(updated(live['officer.west']!)!.data).toMatchObject({
      alert: { people: counts },
      entry: { kind: 'people', people: counts },
    });
    await live['board']!.until(() => updated(live['board']!) !== undefined);
    expect(JSON.stringify(updated(live['board']!)!.data)).not.toMatch(/women|وصل/);
    expect((updated(live['board']!)!.data as { alert: { peopleTotal: number } }).alert.peopleTotal).toBe(12);

    // A recipient may add a note but not change the origin's counts; a bad count changes nothing.
    const recipient = await as['officer.west']!('POST', `/api/v1/alerts/${alert.id}/updates`, {
      people: { total: 99 },
    });
    expect(recipient.status).toBe(403);
    for (const bad of [{ total: 3, women: 4 }, { total: 'twelve' }, { total: 1.5 }])
      expect(
        (await as['officer.south']!('POST', `/api/v1/alerts/${alert.id}/updates`, { people: bad })).status,
        JSON.stringify(bad),
      ).toBe(400);
    expect((await as['officer.south']!('POST', `/api/v1/alerts/${alert.id}/updates`, {})).status).toBe(400);
    const after = (await as['officer.west']!('GET', `/api/v1/alerts/${alert.id}`)).body as {
      alert: Alert;
      timeline: unknown[];
    };
    expect(after.alert.people).toMatchObject(counts);
    expect(after.timeline).toHaveLength(detail.timeline.length);
  });
});
