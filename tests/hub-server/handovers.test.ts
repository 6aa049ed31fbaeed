import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Alert, Handover, HubEvent } from '@tansiq/shared';
import {
  announceOverdueHandovers,
  sealOf,
  ShiftCalendar,
  verifyHandoverChains,
  type EmbeddedDatabase,
} from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { openTestPglite, queryError, selectRows } from '../helpers/db.ts';
import { login, seedUsers } from '../helpers/users.ts';
import { LiveClient } from '../helpers/live-client.ts';
import {
  caller,
  emptyContent,
  handOver,
  seedIncomingSupervisors,
  task,
  testClock,
  type Call,
} from '../helpers/handovers.ts';

const body = <T>(r: { body: unknown }) => r.body as T;

describe('shift handovers on PGlite', () => {
  let t: TestHub;
  let database: EmbeddedDatabase;
  const clock = testClock();
  const as: Record<string, Call> = {};
  const live: Record<string, LiveClient> = {};

  beforeAll(async () => {
    database = await openTestPglite();
    await seedUsers(database);
    await seedIncomingSupervisors(database);
    t = await startTestHub({ database, clock: clock.now });
    for (const u of [
      'officer.east',
      'supervisor.east',
      'incoming.east',
      'officer.west',
      'supervisor.west',
      'incoming.west',
      'supervisor.south',
      'incoming.south',
      'analyst',
      'coordinator',
      'board',
      'admin',
    ])
      as[u] = await caller(t.url, u);
    for (const u of ['officer.east', 'officer.west', 'coordinator', 'board', 'analyst']) {
      const c = new LiveClient(t.url, (await login(t.url, u)).accessToken);
      await c.ready();
      live[u] = c;
    }
  });

  afterAll(async () => {
    for (const c of Object.values(live)) c.close();
    await t?.close();
  });

  test('draft, return with a question, answer and resubmit, accept: sealed, readable as the policy says', async () => {
    const raised = await as['officer.east']!('POST', '/api/v1/alerts', {
      category: 'smuggling',
      severity: 'high',
      title: 'شاحنات دون لوحات',
      location: { lat: 31.5, lng: 24.9 },
      tlp: 'AMBER',
      recipients: [],
    });
    expect(raised.status).toBe(201);
    const alert = body<{ alert: Alert }>(raised).alert;
    const red = await as['officer.east']!('POST', '/api/v1/alerts', {
      category: 'terrorism',
      severity: 'critical',
      title: 'RED source report',
      location: { lat: 31.6, lng: 24.8 },
      tlp: 'RED',
      recipients: [],
    });
    const redAlert = body<{ alert: Alert }>(red).alert;

    const created = await as['supervisor.east']!('POST', '/api/v1/handovers', {});
    expect(created.status).toBe(201);
    let h = body<{ handover: Handover }>(created).handover;
    expect(h).toMatchObject({ centre: 'EAST', status: 'draft', revision: 1 });
    expect(h.snapshot.openAlerts.map((a) => a.id)).toEqual(expect.arrayContaining([alert.id, redAlert.id]));
    // One draft per centre and shift: asking again opens the same one.
    const again = await as['supervisor.east']!('POST', '/api/v1/handovers', {});
    expect(again.status).toBe(200);
    expect(body<{ handover: Handover }>(again).handover.id).toBe(h.id);
    // Officers read, never write.
    expect((await as['officer.east']!('POST', '/api/v1/handovers', {})).status).toBe(403);

    const flaggedTask = task('تفقد كاميرا البوابة الشمالية', true);
    const content = {
      ...emptyContent(),
      events: [{ id: crypto.randomUUID(), text: 'Convoy passed at 14:00', flagged: false }],
      resources: [
        {
          id: crypto.randomUUID(),
          name: 'Radio relay',
          state: 'degraded' as const,
          note: 'intermittent',
          flagged: true,
        },
      ],
      tasks: [flaggedTask],
      notes: 'ملاحظات الوردية',
    };
    const saved = await as['supervisor.east']!('PATCH', `/api/v1/handovers/${h.id}`, {
      content,
      revision: 1,
    });
    expect(saved.status).toBe(200);
    h = body<{ handover: Handover }>(saved).handover;
    expect(h.revision).toBe(2);
    // A save made on an older copy changes nothing.
    const stale = await as['supervisor.east']!('PATCH', `/api/v1/handovers/${h.id}`, {
      content: emptyContent(),
      revision: 1,
    });
    expect(stale.status).toBe(409);
    // A bad body is refused whole.
    const bad = await as['supervisor.east']!('PATCH', `/api/v1/handovers/${h.id}`, {
      content: { ...content, resources: [{ ...content.resources[0], state: 'broken' }] },
    });
    expect(bad.status).toBe(400);
    expect(
      body<{ handover: Handover }>(await as['supervisor.east']!('GET', `/api/v1/handovers/${h.id}`)).handover
        .revision,
    ).toBe(2);

    const submitted = await as['supervisor.east']!('POST', `/api/v1/handovers/${h.id}/submit`, {});
    expect(submitted.status).toBe(200);
    expect(body<{ handover: Handover }>(submitted).handover.status).toBe('submitted');
    expect((await as['supervisor.east']!('PATCH', `/api/v1/handovers/${h.id}`, { content })).status).toBe(
      409,
    );
    // The outgoing supervisor can neither return nor accept their own handover.
    const own = await as['supervisor.east']!('POST', `/api/v1/handovers/${h.id}/accept`, {});
    expect(own.status).toBe(403);
    expect(body<{ error: { message: string } }>(own).error.message).toMatch(/outgoing/);
    expect(
      (await as['supervisor.east']!('POST', `/api/v1/handovers/${h.id}/return`, { question: 'x' })).status,
    ).toBe(403);
    // Another centre's supervisor cannot see it at all.
    expect((await as['supervisor.west']!('POST', `/api/v1/handovers/${h.id}/accept`, {})).status).toBe(404);

    const returned = await as['incoming.east']!('POST', `/api/v1/handovers/${h.id}/return`, {
      question: 'What is the radio relay status now?',
    });
    expect(returned.status).toBe(200);
    h = body<{ handover: Handover }>(returned).handover;
    expect(h.status).toBe('draft');
    expect(h.thread).toMatchObject([{ kind: 'question', by: { name: 'incoming EAST' } }]);

    const resubmitted = await as['supervisor.east']!('POST', `/api/v1/handovers/${h.id}/submit`, {
      answer: 'Working on the backup antenna.',
    });
    expect(resubmitted.status).toBe(200);
    const accepted = await as['incoming.east']!('POST', `/api/v1/handovers/${h.id}/accept`, {});
    expect(accepted.status).toBe(200);
    h = body<{ handover: Handover }>(accepted).handover;
    expect(h.status).toBe('accepted');
    expect(h.thread.map((e) => e.kind)).toEqual(['question', 'answer']);
    expect(h.seal).toMatchObject({ position: 1, previous: null });
    expect(h.seal!.hash).toMatch(/^[0-9a-f]{64}$/);
    // The seal can be recomputed from what the API returns (docs/api.md, "Seal format").
    const { id, centre, shiftStart, shiftEnd, author, content: c, carried, snapshot } = h;
    expect(
      sealOf({
        kind: 'handover',
        centre,
        position: 1,
        previous: null,
        record: {
          id,
          centre,
          shiftStart,
          shiftEnd,
          author,
          content: c,
          carried,
          snapshot,
          submittedAt: h.submittedAt!,
          submittedBy: h.submittedBy!,
          acceptedAt: h.acceptedAt!,
          acceptedBy: h.acceptedBy!,
          thread: h.thread,
        },
      }),
    ).toBe(h.seal!.hash);

    expect((await as['supervisor.east']!('PATCH', `/api/v1/handovers/${h.id}`, { content })).status).toBe(
      409,
    );
    expect(
      (await as['incoming.east']!('POST', `/api/v1/handovers/${h.id}/return`, { question: 'late' })).status,
    ).toBe(409);

    // Reading: EAST staff and coordinators in full (a coordinator does not see the RED alert's
    // title), the board status only, other centres nothing, analysts and admins refused.
    const officer = body<{ handover: Handover }>(
      await as['officer.east']!('GET', `/api/v1/handovers/${h.id}`),
    ).handover;
    expect(officer.content.tasks[0]!.text).toBe(flaggedTask.text);
    expect(officer.snapshot.openAlerts.find((a) => a.id === redAlert.id)).toHaveProperty('title');
    const coordinator = body<{ handover: Handover }>(
      await as['coordinator']!('GET', `/api/v1/handovers/${h.id}`),
    ).handover;
    expect(coordinator.content.notes).toBe('ملاحظات الوردية');
    expect(coordinator.snapshot.openAlerts.find((a) => a.id === redAlert.id)).toEqual({
      id: redAlert.id,
      redacted: true,
    });
    const board = await as['board']!('GET', `/api/v1/handovers/${h.id}`);
    expect(board.status).toBe(200);
    expect(Object.keys(body<{ handover: object }>(board).handover).sort()).toEqual(
      ['acceptedAt', 'acceptedByRole', 'centre', 'id', 'shiftEnd', 'shiftStart', 'status'].sort(),
    );
    expect((await as['officer.west']!('GET', `/api/v1/handovers/${h.id}`)).status).toBe(404);
    expect((await as['analyst']!('GET', `/api/v1/handovers/${h.id}`)).status).toBe(403);
    expect((await as['admin']!('GET', `/api/v1/handovers?centre=EAST`)).status).toBe(403);
    expect((await as['officer.west']!('GET', `/api/v1/handovers?centre=EAST`)).status).toBe(403);
    const westList = body<{ handovers: Array<{ id: string }> }>(
      await as['officer.west']!('GET', '/api/v1/handovers'),
    );
    expect(westList.handovers.map((x) => x.id)).not.toContain(h.id);

    // An addendum is a new link of the chain; the handover itself stays as sealed.
    const addendum = await as['incoming.east']!('POST', `/api/v1/handovers/${h.id}/addenda`, {
      body: 'Correction: the convoy passed at 14:30.',
    });
    expect(addendum.status).toBe(201);
    const amended = body<{ handover: Handover }>(addendum).handover;
    expect(amended.seal).toEqual(h.seal);
    expect(amended.addenda).toMatchObject([{ seal: { position: 2, previous: h.seal!.hash } }]);
    expect(
      (await as['officer.east']!('POST', `/api/v1/handovers/${h.id}/addenda`, { body: 'x' })).status,
    ).toBe(403);
    expect(await verifyHandoverChains(database, 'EAST')).toMatchObject({
      ok: true,
      centres: [{ centre: 'EAST', links: 2 }],
    });

    // Events: staff and coordinators get the handover, the board its status, others nothing.
    await live['coordinator']!.until((e) => e.some((x) => x.type === 'handover:amended'));
    await live['board']!.until((e) => e.some((x) => x.type === 'handover:amended'));
    await live['officer.east']!.until((e) => e.some((x) => x.type === 'handover:amended'));
    // (Overdue announcements depend on the wall clock's shifts; their own test covers them.)
    const types = (c: LiveClient) =>
      c.applied
        .filter((e) => e.type.startsWith('handover:') && e.type !== 'handover:overdue')
        .map((e) => e.type);
    expect(types(live['officer.east']!)).toEqual([
      'handover:submitted',
      'handover:returned',
      'handover:submitted',
      'handover:accepted',
      'handover:amended',
    ]);
    expect(types(live['board']!)).toEqual(types(live['officer.east']!));
    for (const e of live['board']!.applied.filter(
      (x: HubEvent) => x.type.startsWith('handover:') && x.type !== 'handover:overdue',
    )) {
      const text = JSON.stringify(e.data);
      expect(text).not.toContain('ملاحظات');
      expect(text).not.toContain('Radio relay');
      expect(text).not.toContain('question');
      expect(Object.keys((e.data as { handover: object }).handover)).not.toContain('content');
    }
    const coordinatorAccepted = live['coordinator']!.ofType('handover:accepted')[0]!.data as {
      handover: Handover;
    };
    expect(coordinatorAccepted.handover.snapshot.openAlerts.find((a) => a.id === redAlert.id)).toEqual({
      id: redAlert.id,
      redacted: true,
    });
    expect(types(live['officer.west']!)).toEqual([]);
    expect(types(live['analyst']!)).toEqual([]);

    // The snapshot a console starts from carries each visible centre's status.
    const snap = body<{
      shifts: Array<{ centre: string; lastAccepted: { acceptedBy: string | null } | null }>;
    }>(await as['officer.east']!('GET', '/api/v1/alerts/snapshot'));
    expect(snap.shifts.map((s) => s.centre)).toEqual(['EAST']);
    expect(snap.shifts[0]!.lastAccepted?.acceptedBy).toBe('incoming EAST');
    const boardSnap = body<typeof snap>(await as['board']!('GET', '/api/v1/alerts/snapshot'));
    expect(boardSnap.shifts.map((s) => s.centre).sort()).toEqual(['EAST', 'SOUTH', 'WEST']);
    expect(boardSnap.shifts.find((s) => s.centre === 'EAST')!.lastAccepted?.acceptedBy).toBeNull();
    expect(body<typeof snap>(await as['analyst']!('GET', '/api/v1/alerts/snapshot')).shifts).toEqual([]);
  });

  test('the database refuses to change or delete an accepted handover, as the application role and as the owner', async () => {
    const [row] = await selectRows<{ id: string }>(
      database,
      sql`select id from handovers where status = 'accepted' limit 1`,
    );
    const id = row!.id;
    const asApp = (q: ReturnType<typeof sql>) =>
      database.asUser({ userId: crypto.randomUUID(), role: 'supervisor', centre: 'EAST' }, (tx) =>
        tx.execute(q),
      );
    // The application role may update drafts but never delete (no grant); the trigger stops the rest.
    expect(await queryError(asApp(sql`update handovers set content = '{}'::jsonb where id = ${id}`))).toMatch(
      /sealed/,
    );
    expect(await queryError(asApp(sql`delete from handovers where id = ${id}`))).toMatch(/permission denied/);
    for (const attempt of [
      database.db.execute(sql`update handovers set seal = 'forged' where id = ${id}`),
      database.db.execute(sql`delete from handovers where id = ${id}`),
      database.db.execute(sql`truncate handovers cascade`),
    ])
      expect(await queryError(attempt)).toMatch(/sealed|append-only/);
    expect(await verifyHandoverChains(database, 'EAST')).toMatchObject({ ok: true });
  });

  test('a flagged item carries over across three shifts until someone clears it, and the clearing is sealed', async () => {
    const flagged = task('إصلاح السياج عند المعبر', true);
    const first = await handOver(as['supervisor.south']!, as['incoming.south']!, () => ({
      ...emptyContent(),
      tasks: [flagged],
    }));
    expect(first.content.tasks).toEqual([flagged]);
    for (let shift = 2; shift <= 3; shift++) {
      clock.advanceHours(12);
      const h = await handOver(as['supervisor.south']!, as['incoming.south']!, (draft) => {
        expect(draft.carried).toMatchObject([
          { id: flagged.id, kind: 'task', text: flagged.text, cleared: null },
        ]);
        return emptyContent();
      });
      expect(h.carried).toMatchObject([{ id: flagged.id, fromHandoverId: first.id, cleared: null }]);
    }
    clock.advanceHours(12);
    const cleared = await handOver(as['supervisor.south']!, as['incoming.south']!, (draft) => {
      expect(draft.carried.map((c) => c.id)).toEqual([flagged.id]);
      return { ...emptyContent(), cleared: [flagged.id] };
    });
    expect(cleared.carried).toMatchObject([
      { id: flagged.id, cleared: { by: { name: 'supervisor.south' }, at: expect.any(String) } },
    ]);
    clock.advanceHours(12);
    const draft = body<{ handover: Handover }>(
      await as['supervisor.south']!('POST', '/api/v1/handovers', {}),
    ).handover;
    expect(draft.carried).toEqual([]);
    // Clearing something that was never carried is refused.
    expect(
      (
        await as['supervisor.south']!('PATCH', `/api/v1/handovers/${draft.id}`, {
          content: { ...emptyContent(), cleared: [flagged.id] },
        })
      ).status,
    ).toBe(400);
    expect(await verifyHandoverChains(database, 'SOUTH')).toMatchObject({
      ok: true,
      centres: [{ links: 4 }],
    });
  });

  test('verify names a handover edited behind the triggers, and a link removed from the chain', async () => {
    const links: Handover[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advanceHours(12);
      links.push(
        await handOver(as['supervisor.west']!, as['incoming.west']!, () => ({
          ...emptyContent(),
          notes: `shift ${i}`,
        })),
      );
    }
    expect(await verifyHandoverChains(database, 'WEST')).toMatchObject({ ok: true });
    await database.db.execute(sql`set session_replication_role = replica`);
    try {
      await database.db.execute(
        sql`update handovers set content = jsonb_set(content, '{notes}', '"rewritten"') where id = ${links[1]!.id}`,
      );
      expect(await verifyHandoverChains(database, 'WEST')).toMatchObject({
        ok: false,
        kind: 'handover',
        id: links[1]!.id,
        position: 2,
        reason: expect.stringMatching(/does not match its seal/),
      });
      await database.db.execute(sql`delete from handover_thread where handover_id = ${links[1]!.id}`);
      await database.db.execute(sql`delete from handovers where id = ${links[1]!.id}`);
    } finally {
      await database.db.execute(sql`set session_replication_role = origin`);
    }
    expect(await verifyHandoverChains(database, 'WEST')).toMatchObject({
      ok: false,
      id: links[2]!.id,
      position: 3,
      reason: expect.stringMatching(/link 2 of the chain is missing/),
    });
    // Other centres' chains are untouched.
    expect(await verifyHandoverChains(database, 'EAST')).toMatchObject({ ok: true });
  });

  test('overdue is announced once per centre and shift, also after a restart', async () => {
    const calendar = new ShiftCalendar('08:00,20:00', 'Africa/Tripoli');
    const now = new Date(clock.now().getTime() + 36 * 3_600_000);
    const previous = calendar.previous(now);
    const late = new Date(previous.end.getTime() + 31 * 60_000);
    const early = new Date(previous.end.getTime() + 29 * 60_000);
    const count = async () =>
      Number(
        (
          await selectRows<{ n: string }>(
            database,
            sql`select count(*) as n from events where type = 'handover:overdue' and data->>'shiftStart' = ${previous.start.toISOString()}`,
          )
        )[0]!.n,
      );
    expect(await announceOverdueHandovers(database, ['EAST', 'WEST', 'SOUTH'], calendar, 30, early)).toBe(0);
    expect(await announceOverdueHandovers(database, ['EAST', 'WEST', 'SOUTH'], calendar, 30, late)).toBe(3);
    expect(await announceOverdueHandovers(database, ['EAST', 'WEST', 'SOUTH'], calendar, 30, late)).toBe(0);
    // A restarted hub (a new hub on the same database) ticks its leader work: nothing again.
    await t.hub.close(500);
    clock.advanceHours(36 + (late.getTime() - now.getTime()) / 3_600_000);
    t = await startTestHub({ database, clock: clock.now, config: { TANSIQ_HANDOVER_GRACE_MINUTES: '30' } });
    expect((await t.hub.workers.tick()).leader).toBe(true);
    expect(await count()).toBe(3);
    // The status every console starts from names the overdue shift.
    const shifts = body<{ shifts: Array<{ centre: string; overdueShift: string | null }> }>(
      await (
        await caller(t.url, 'coordinator')
      )('GET', '/api/v1/handovers/shifts'),
    ).shifts;
    expect(shifts.map((s) => s.overdueShift)).toEqual([0, 1, 2].map(() => previous.start.toISOString()));
    // The overdue event reaches the centre's staff, coordinators and the board, with no content.
    const officer = new LiveClient(t.url, (await login(t.url, 'officer.east')).accessToken);
    const west = new LiveClient(t.url, (await login(t.url, 'officer.west')).accessToken);
    try {
      await officer.ready();
      await west.ready();
      const mine = officer
        .ofType('handover:overdue')
        .filter((e) => (e.data as { shiftStart: string }).shiftStart === previous.start.toISOString());
      expect(mine.map((e) => (e.data as { centre: string }).centre)).toEqual(['EAST']);
      expect(
        west.ofType('handover:overdue').every((e) => (e.data as { centre: string }).centre === 'WEST'),
      ).toBe(true);
    } finally {
      officer.close();
      west.close();
    }
  });
});
