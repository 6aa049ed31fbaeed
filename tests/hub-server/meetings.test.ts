import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import type { ActionItem, Decision, Meeting, MeetingDetail, Tlp } from '@tansiq/shared';
import { schema } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { login, seedUsers, testUsers } from '../helpers/users.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { caller, testClock, type Call } from '../helpers/handovers.ts';
import { designMayMarkDone, designMaySeeMeeting } from '../helpers/access-model.ts';
import { openTestPglite } from '../helpers/db.ts';

const inHours = (h: number, from = new Date()) => new Date(from.getTime() + h * 3_600_000).toISOString();

describe('meetings, decisions and action items (PGlite)', () => {
  let t: TestHub;
  const clock = testClock();
  const as: Record<string, Call> = {};
  const live: Record<string, LiveClient> = {};

  const schedule = async (tlp: Tlp, centres: string[], title = `اجتماع ${tlp}`): Promise<Meeting> => {
    const res = await as.coordinator!('POST', '/api/v1/meetings', {
      title,
      startsAt: inHours(1, clock.now()),
      place: 'طرابلس',
      centres,
      tlp,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { meeting: Meeting }).meeting;
  };
  const addAction = async (
    meeting: Meeting,
    centre: string,
    dueAt = inHours(48, clock.now()),
  ): Promise<ActionItem> => {
    const res = await as.coordinator!('POST', `/api/v1/meetings/${meeting.id}/actions`, {
      title: 'تسيير دوريات مشتركة على الحدود الجنوبية',
      centre,
      dueAt,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { action: ActionItem }).action;
  };

  beforeAll(async () => {
    const database = await openTestPglite();
    await seedUsers(database);
    t = await startTestHub({ database, clock: clock.now });
    for (const u of testUsers) {
      as[u.username] = await caller(t.url, u.username);
      live[u.username] = new LiveClient(t.url, (await login(t.url, u.username)).accessToken);
    }
    await Promise.all(Object.values(live).map((c) => c.ready()));
  });
  afterAll(async () => {
    for (const c of Object.values(live)) c.close();
    await t?.close();
  });

  test('scheduling: every TLP reaches exactly the readers DESIGN allows; the board gets the title only', async () => {
    const made: Meeting[] = [];
    for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const)
      made.push(await schedule(tlp, ['EAST', 'SOUTH']));
    await live.coordinator!.until((e) => e.filter((x) => x.type === 'meeting:scheduled').length >= 4);
    // The last event any reader can get is the coordinator's: everyone else has had time once it is in.
    await new Promise((r) => setTimeout(r, 300));
    for (const u of testUsers) {
      const got = live[u.username]!.ofType('meeting:scheduled').map(
        (e) => (e.data as { meeting: Meeting }).meeting,
      );
      const expected = made.filter((m) => designMaySeeMeeting(u, m)).map((m) => m.id);
      expect(got.map((m) => m.id).sort(), u.username).toEqual([...expected].sort());
      for (const m of got) {
        if (u.role === 'board') {
          expect(Object.keys(m).sort()).toEqual([
            'id',
            'onWall',
            'place',
            'startsAt',
            'status',
            'title',
            'tlp',
            'wallAgenda',
          ]);
          expect(['CLEAR', 'GREEN']).toContain(m.tlp);
        } else expect(m.centres).toEqual(['EAST', 'SOUTH']);
      }
      // REST agrees: the list holds what the events brought (the board: titles).
      if (u.role === 'admin') {
        expect((await as[u.username]!('GET', '/api/v1/meetings')).status).toBe(403);
        continue;
      }
      const listed = (await as[u.username]!('GET', '/api/v1/meetings')).body as { meetings: Meeting[] };
      const ids = listed.meetings.map((m) => m.id).filter((id) => made.some((m) => m.id === id));
      expect(ids.sort(), u.username).toEqual([...expected].sort());
      // A meeting one may not read is not found (not forbidden): its existence stays hidden.
      for (const m of made.filter((x) => !designMaySeeMeeting(u, x)))
        expect((await as[u.username]!('GET', `/api/v1/meetings/${m.id}`)).status, u.username).toBe(404);
    }
  });

  test('only a coordinator schedules; bad input is refused and stores nothing', async () => {
    const before = await t.database.db.$count(schema.meetings);
    const body = { title: 'x', startsAt: inHours(2), centres: ['EAST'] };
    for (const u of testUsers.filter((x) => x.role !== 'coordinator'))
      expect((await as[u.username]!('POST', '/api/v1/meetings', body)).status, u.username).toBe(403);
    for (const bad of [
      {},
      { ...body, title: '' },
      { ...body, centres: [] },
      { ...body, centres: ['EAST', 'EAST'] },
      { ...body, centres: ['NOWHERE'] },
      { ...body, tlp: 'PURPLE' },
      { ...body, startsAt: 'tomorrow' },
      { ...body, startsAt: '0001-01-01T00:00:00Z' },
      { ...body, extra: 1 },
      { ...body, title: 'a\u0000b' },
      { ...body, agenda: [{ text: '' }] },
    ]) {
      const res = await as.coordinator!('POST', '/api/v1/meetings', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: expect.stringMatching(/^(validation_failed|bad_request)$/) },
      });
    }
    expect(await t.database.db.$count(schema.meetings)).toBe(before);
    // Default AMBER.
    const res = await as.coordinator!('POST', '/api/v1/meetings', body);
    const made = (res.body as { meeting: Meeting }).meeting;
    expect(made.tlp).toBe('AMBER');
    // Changes that say nothing, or say it wrongly, are refused and change nothing.
    const action = await addAction(made, 'EAST');
    for (const [method, path, bad] of [
      ['PATCH', `/api/v1/meetings/${made.id}`, {}],
      ['PATCH', `/api/v1/meetings/${made.id}`, { status: 'postponed' }],
      ['PATCH', `/api/v1/meetings/${made.id}`, { onWall: 'yes' }],
      [
        'PATCH',
        `/api/v1/meetings/${made.id}`,
        { agenda: [{ text: 'x', source: { kind: 'rumour', ref: 'x' } }] },
      ],
      ['POST', `/api/v1/meetings/${made.id}/decisions`, { text: '' }],
      ['POST', `/api/v1/meetings/${made.id}/decisions`, { text: 5 }],
      ['PATCH', `/api/v1/actions/${action.id}`, {}],
      ['PATCH', `/api/v1/actions/${action.id}`, { dueAt: 'soon' }],
      ['POST', `/api/v1/actions/${action.id}/done`, { note: 5 }],
      ['POST', `/api/v1/actions/${action.id}/done`, { note: 'x', extra: true }],
      ['GET', '/api/v1/actions?status=late', undefined],
      ['GET', '/api/v1/meetings/not-a-uuid', undefined],
    ] as const) {
      const r = await as.coordinator!(method, path, bad);
      expect(r.status, `${method} ${path} ${JSON.stringify(bad)}`).toBe(400);
    }
    // Dropping a centre that owns an action item is a conflict.
    expect(
      (await as.coordinator!('PATCH', `/api/v1/meetings/${made.id}`, { centres: ['SOUTH'] })).status,
    ).toBe(409);
    const [still] = await t.database.db.select().from(schema.meetings).where(eq(schema.meetings.id, made.id));
    expect([still!.status, still!.onWall, still!.agenda, still!.centres]).toEqual([
      'scheduled',
      false,
      [],
      ['EAST'],
    ]);
    expect(
      await t.database.db.$count(schema.meetingDecisions, eq(schema.meetingDecisions.meetingId, made.id)),
    ).toBe(0);
    const [open] = await t.database.db
      .select()
      .from(schema.actionItems)
      .where(eq(schema.actionItems.id, action.id));
    expect(open!.status).toBe('open');
  });

  test('agenda, decisions and action items; SOUTH marks its item done with a note, once', async () => {
    const m = await schedule('AMBER', ['EAST', 'SOUTH'], 'الاجتماع التنسيقي الإقليمي');
    const agenda = await as.coordinator!('PATCH', `/api/v1/meetings/${m.id}`, {
      agenda: [
        { text: 'تهريب الوقود عبر المنافذ الجنوبية' },
        { text: 'مراجعة التسليم المتأخر', source: { kind: 'handover_overdue', ref: 'SOUTH' } },
      ],
      status: 'in_progress',
      onWall: true,
    });
    expect(agenda.status).toBe(200);
    const decided = await as.coordinator!('POST', `/api/v1/meetings/${m.id}/decisions`, {
      text: 'تعزيز الدوريات المشتركة',
    });
    expect(decided.status).toBe(201);
    const decision = (decided.body as { decision: Decision }).decision;
    // The owner takes part, is a joint centre, and the due date is not past.
    for (const bad of [
      { title: 'x', centre: 'WEST', dueAt: inHours(5) },
      { title: 'x', centre: 'STUDIES', dueAt: inHours(5) },
      { title: 'x', centre: 'SOUTH', dueAt: inHours(-5, clock.now()) },
      { title: '', centre: 'SOUTH', dueAt: inHours(5) },
    ])
      expect(
        (await as.coordinator!('POST', `/api/v1/meetings/${m.id}/actions`, bad)).status,
        JSON.stringify(bad),
      ).toBe(400);
    const action = await addAction(m, 'SOUTH');
    expect(action).toMatchObject({ status: 'open', centre: 'SOUTH', overdue: false, tlp: 'AMBER' });

    // SOUTH's officer sees it in the list of the centre's items; WEST (not taking part) does not.
    const south = (await as['officer.south']!('GET', '/api/v1/actions?centre=SOUTH&status=open')).body as {
      actions: ActionItem[];
    };
    expect(south.actions.map((a) => a.id)).toContain(action.id);
    const west = (await as['officer.west']!('GET', '/api/v1/actions')).body as { actions: ActionItem[] };
    expect(west.actions.map((a) => a.id)).not.toContain(action.id);
    expect((await as.board!('GET', '/api/v1/actions')).status).toBe(403);

    // Marking done: only SOUTH's supervisors and coordinators; a note is required.
    expect((await as['supervisor.south']!('POST', `/api/v1/actions/${action.id}/done`, {})).status).toBe(400);
    for (const u of testUsers.filter((x) => !designMayMarkDone(x, 'SOUTH', m))) {
      const res = await as[u.username]!('POST', `/api/v1/actions/${action.id}/done`, { note: 'تم' });
      // Readers are refused (403); those who may not read it do not find it (404).
      expect([403, 404], u.username).toContain(res.status);
    }
    const [open] = await t.database.db
      .select()
      .from(schema.actionItems)
      .where(eq(schema.actionItems.id, action.id));
    expect(open!.status).toBe('open');
    const done = await as['supervisor.south']!('POST', `/api/v1/actions/${action.id}/done`, {
      note: 'نُفّذت الدوريات ليلة الخميس',
    });
    expect(done.status).toBe(200);
    expect((done.body as { action: ActionItem }).action).toMatchObject({
      status: 'done',
      doneNote: 'نُفّذت الدوريات ليلة الخميس',
      doneBy: { name: 'supervisor.south' },
    });
    expect(
      (await as.coordinator!('POST', `/api/v1/actions/${action.id}/done`, { note: 'again' })).status,
    ).toBe(409);
    expect(
      (await as.coordinator!('PATCH', `/api/v1/actions/${action.id}`, { title: 'late edit' })).status,
    ).toBe(409);

    // The minutes: agenda, decisions, actions with their state.
    const detail = (await as['officer.east']!('GET', `/api/v1/meetings/${m.id}`)).body as MeetingDetail;
    expect(detail.meeting.agenda.map((a) => a.text)).toEqual([
      'تهريب الوقود عبر المنافذ الجنوبية',
      'مراجعة التسليم المتأخر',
    ]);
    expect(detail.meeting.agenda[1]!.source).toEqual({ kind: 'handover_overdue', ref: 'SOUTH' });
    expect(detail.decisions.map((d) => d.id)).toEqual([decision.id]);
    expect(detail.actions.map((a) => [a.id, a.status])).toEqual([[action.id, 'done']]);

    // Events: SOUTH's staff hear action:created and action:done with the item; the board hears only whose counts changed.
    for (const u of ['officer.south', 'supervisor.south', 'coordinator', 'analyst']) {
      await live[u]!.until((e) =>
        e.some((x) => x.type === 'action:done' && (x.data as { action: ActionItem }).action.id === action.id),
      );
    }
    await live.board!.until((e) => e.filter((x) => x.type === 'action:done').length >= 1);
    // (Of every action item, AMBER ones included: the board counts them.)
    const boardActions = live.board!.applied.filter((x) => x.type.startsWith('action:'));
    for (const e of boardActions) expect(e.data).toEqual({ action: { centre: expect.any(String) } });
    expect(boardActions.filter((e) => e.type === 'action:done').map((e) => e.data)).toEqual([
      { action: { centre: 'SOUTH' } },
    ]);
    expect(
      live['officer.west']!.applied.some(
        (e) => e.type === 'action:created' && (e.data as { action: ActionItem }).action.id === action.id,
      ),
    ).toBe(false);
    // Every change is audited.
    // (Refusals are written by the failure recorder in batches: poll for them.)
    await expect
      .poll(async () =>
        (
          await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.targetId, action.id))
        ).map((r) => `${r.action}:${r.outcome}`),
      )
      .toEqual(expect.arrayContaining(['action.create:ok', 'action.done:ok', 'action.done:refused']));
  });

  test('narrowing a meeting tells those who lose it that it is withdrawn, and nothing more', async () => {
    const m = await schedule('GREEN', ['EAST', 'SOUTH'], 'اجتماع يصبح سرياً');
    await live['officer.west']!.until((e) =>
      e.some((x) => x.type === 'meeting:scheduled' && (x.data as { meeting: Meeting }).meeting.id === m.id),
    );
    const res = await as.coordinator!('PATCH', `/api/v1/meetings/${m.id}`, {
      tlp: 'AMBER',
      title: 'عنوان جديد',
    });
    expect(res.status).toBe(200);
    await live['officer.west']!.until((e) => e.some((x) => x.type === 'meeting:withdrawn'));
    const west = live['officer.west']!.applied.filter(
      (e) => (e.data as { meeting?: { id: string } }).meeting?.id === m.id,
    );
    expect(west.map((e) => e.type)).toEqual(['meeting:scheduled', 'meeting:withdrawn']);
    expect(west[1]!.data).toEqual({ meeting: { id: m.id } });
    expect(JSON.stringify(live['officer.west']!.applied)).not.toContain('عنوان جديد');
    expect(JSON.stringify(live.board!.applied)).not.toContain('عنوان جديد');
    await live['officer.south']!.until((e) =>
      e.some(
        (x) =>
          x.type === 'meeting:updated' && (x.data as { meeting: Meeting }).meeting.title === 'عنوان جديد',
      ),
    );
  });

  test('an action item goes overdue once: announced by the leader, not again on the next round or after a restart', async () => {
    const m = await schedule('GREEN', ['SOUTH']);
    const action = await addAction(m, 'SOUTH', inHours(2, clock.now()));
    expect((await t.hub.workers.tick()).actionsOverdue).toBe(0);
    clock.advanceHours(3);
    const first = await t.hub.workers.tick();
    expect(first.actionsOverdue).toBe(1);
    expect((await t.hub.workers.tick()).actionsOverdue).toBe(0);
    await live['supervisor.south']!.until((e) => e.some((x) => x.type === 'action:overdue'));
    const overdue = (await as['supervisor.south']!('GET', '/api/v1/actions?status=overdue')).body as {
      actions: ActionItem[];
    };
    expect(overdue.actions.find((a) => a.id === action.id)).toMatchObject({ overdue: true, status: 'open' });
    // A new hub process on the same database: nothing announced twice.
    await t.hub.close(500);
    const again = await startTestHub({ database: t.database, clock: clock.now });
    try {
      expect((await again.hub.workers.tick()).actionsOverdue).toBe(0);
      const events = await t.database.db
        .select()
        .from(schema.events)
        .where(eq(schema.events.entityId, action.id));
      expect(events.filter((e) => e.type === 'action:overdue')).toHaveLength(1);
      // A new due date is a new promise: it may go overdue (once) again.
      const coordinator = await caller(again.url, 'coordinator');
      const moved = await coordinator('PATCH', `/api/v1/actions/${action.id}`, {
        dueAt: inHours(1, clock.now()),
      });
      expect(moved.status).toBe(200);
      clock.advanceHours(2);
      expect((await again.hub.workers.tick()).actionsOverdue).toBe(1);
      expect((await again.hub.workers.tick()).actionsOverdue).toBe(0);
    } finally {
      await again.hub.close(500);
      t = { ...t, close: () => t.database.close() } as TestHub;
    }
  });
});
