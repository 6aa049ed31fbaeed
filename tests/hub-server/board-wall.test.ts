import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Alert, BoardSnapshot, HubEvent, Meeting, TokenPair } from '@tansiq/shared';
import { hashPassword, schema } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, connectSocket, login, seedUsers, TEST_PASSWORD } from '../helpers/users.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { caller, type Call } from '../helpers/handovers.ts';

/** Keys a board may ever receive, anywhere in any answer or event (board fields, counts, titles). */
const FORBIDDEN_KEYS = new Set([
  'description',
  'people',
  'receipts',
  'reporterId',
  'timeline',
  'agenda',
  'decisions',
  'actions',
  'doneNote',
  'body',
  'summary',
  'content',
  'observedAt',
  'acceptedBy',
  'thread',
  'attachments',
]);

/** Every AMBER or RED marking and every key outside the board's fields, found anywhere in `value`. */
function leaks(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaks(v, `${path}[${i}]`));
  if (typeof value === 'string') return value === 'AMBER' || value === 'RED' ? [`${path} = ${value}`] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(FORBIDDEN_KEYS.has(k) && !isEmpty(v) && !(k === 'actions' && isCounts(v)) ? [`${path}.${k}`] : []),
    ...leaks(v, `${path}.${k}`),
  ]);
}
const isEmpty = (v: unknown) => v === null || (Array.isArray(v) && v.length === 0);
const isCounts = (v: unknown) =>
  typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'number');

/** A wall screen's pairing: start, enter the code as `admin`, claim. */
async function pair(
  url: string,
  admin: Call,
  name = 'قاعة الاجتماعات',
): Promise<{ session: TokenPair; deviceId: string }> {
  const start = await api(url)('POST', '/api/v1/board/pairings');
  expect(start.status).toBe(201);
  const { id, code, secret } = start.body as { id: string; code: string; secret: string };
  expect(code).toMatch(/^\d{8}$/);
  const waiting = await api(url)('POST', `/api/v1/board/pairings/${id}/claim`, { secret });
  expect(waiting.status).toBe(202);
  const registered = await admin('POST', '/api/v1/board-devices', {
    name,
    code: `${code.slice(0, 4)} ${code.slice(4)}`,
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  const claimed = await api(url)('POST', `/api/v1/board/pairings/${id}/claim`, { secret });
  expect(claimed.status).toBe(200);
  // Single use: the same secret gets nothing more.
  expect((await api(url)('POST', `/api/v1/board/pairings/${id}/claim`, { secret })).status).toBe(410);
  return {
    session: claimed.body as TokenPair,
    deviceId: (registered.body as { device: { id: string } }).device.id,
  };
}

describe('the wall board: pairing, the snapshot and what a board session may ever carry', () => {
  let t: TestHub;
  const as: Record<string, Call> = {};

  const raise = async (tlp: string, title: string, recipients = ['WEST']): Promise<Alert> => {
    const res = await as['officer.east']!('POST', '/api/v1/alerts', {
      category: 'smuggling',
      severity: 'high',
      title,
      description: `تفاصيل ${title}`,
      location: { lat: 31.6, lng: 25 },
      tlp,
      recipients,
      people: { total: 3 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { alert: Alert }).alert;
  };

  beforeAll(async () => {
    t = await startTestHub({ config: { TANSIQ_PAIRING_FAILURES_PER_ADMIN: '3' } });
    await seedUsers(t.database);
    for (const u of ['officer.east', 'officer.west', 'supervisor.west', 'coordinator', 'admin', 'analyst'])
      as[u] = await caller(t.url, u);
  });
  afterAll(() => t?.close());

  test('pairing codes are single use, expire, and wrong ones are rate-limited per administrator', async () => {
    expect(
      (await as.coordinator!('POST', '/api/v1/board-devices', { name: 'x', code: '12345678' })).status,
    ).toBe(403);
    const start = (await api(t.url)('POST', '/api/v1/board/pairings')).body as {
      id: string;
      code: string;
      secret: string;
    };
    // A wrong secret finds nothing; a malformed code is a 400.
    expect(
      (await api(t.url)('POST', `/api/v1/board/pairings/${start.id}/claim`, { secret: 'guess' })).status,
    ).toBe(404);
    expect((await as.admin!('POST', '/api/v1/board-devices', { name: 'x', code: '12ab' })).status).toBe(400);
    // Expired: the code can no longer be entered, the screen is told to ask again.
    await t.database.db
      .update(schema.boardPairings)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.boardPairings.id, start.id));
    expect((await as.admin!('POST', '/api/v1/board-devices', { name: 'x', code: start.code })).status).toBe(
      404,
    );
    expect(
      (await api(t.url)('POST', `/api/v1/board/pairings/${start.id}/claim`, { secret: start.secret })).status,
    ).toBe(410);
    // Two more wrong codes reach the limit of 3: the next try is refused even with a right code.
    const fresh = (await api(t.url)('POST', '/api/v1/board/pairings')).body as {
      id: string;
      code: string;
      secret: string;
    };
    const wrong = fresh.code === '00000000' ? '00000001' : '00000000';
    expect((await as.admin!('POST', '/api/v1/board-devices', { name: 'x', code: wrong })).status).toBe(404);
    expect((await as.admin!('POST', '/api/v1/board-devices', { name: 'x', code: wrong })).status).toBe(404);
    const limited = await as.admin!('POST', '/api/v1/board-devices', { name: 'x', code: fresh.code });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      error: { code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } },
    });
    expect(await t.database.db.$count(schema.boardDevices)).toBe(0);
  });

  test('a paired device: single-use claim, a long session, board projection only, revoked within 5 s', async () => {
    const admin2 = await freshAdmin(t);
    const { session, deviceId } = await pair(t.url, admin2);
    expect(session.user.role).toBe('board');
    // The claim is single use: polling again is 410; the code cannot pair a second device.
    const [pairing] = await t.database.db
      .select()
      .from(schema.boardPairings)
      .where(eq(schema.boardPairings.deviceId, deviceId));
    expect(pairing!.claimedAt).not.toBeNull();
    // The session ends after TANSIQ_BOARD_SESSION_DAYS (30), as does its refresh token.
    const [row] = await t.database.db
      .select()
      .from(schema.sessions)
      .where(eq(schema.sessions.userId, session.user.id));
    const days = (row!.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    // The device's account is not a person's: the users screen cannot change it or set a password.
    expect((await admin2('PATCH', `/api/v1/users/${session.user.id}`, { role: 'coordinator' })).status).toBe(
      409,
    );
    expect(
      (
        await admin2('POST', `/api/v1/users/${session.user.id}/password`, {
          password: 'a-long-enough-password',
        })
      ).status,
    ).toBe(409);

    const listed = (await admin2('GET', '/api/v1/board-devices')).body as {
      devices: Array<{ id: string; sessionExpiresAt: string | null }>;
    };
    expect(listed.devices.find((d) => d.id === deviceId)?.sessionExpiresAt).toEqual(
      row!.expiresAt!.toISOString(),
    );

    const wall = new LiveClient(t.url, session.accessToken);
    await wall.ready();
    const ended = new Promise<number>((resolve) => wall.socket.on('auth:ended', () => resolve(Date.now())));
    const revokedAt = Date.now();
    expect((await admin2('POST', `/api/v1/board-devices/${deviceId}/revoke`)).status).toBe(204);
    const endedAt = await ended;
    expect(endedAt - revokedAt).toBeLessThan(5000);
    expect((await api(t.url, session.accessToken)('GET', '/api/v1/board')).status).toBe(401);
    expect(
      (await api(t.url)('POST', '/api/v1/auth/refresh', { refreshToken: session.refreshToken })).status,
    ).toBe(401);
    await expect(connectSocket(t.url, session.accessToken)).rejects.toThrow();
    wall.close();
  });

  test('a board session carries no AMBER or RED content and no non-board field: snapshot, live, resume, crafted requests', async () => {
    const { session } = await pair(t.url, await freshAdmin(t), 'شاشة الحائط');
    const token = session.accessToken;
    const wall = new LiveClient(t.url, token);
    await wall.ready();
    const coordinatorLive = new LiveClient(t.url, (await login(t.url, 'coordinator')).accessToken);
    await coordinatorLive.ready();

    const green = await raise('GREEN', 'تهريب وقود أخضر');
    await raise('AMBER', 'رصد مسلح كهرماني');
    await raise('RED', 'معلومة حمراء', ['WEST']);
    await as['officer.west']!('POST', `/api/v1/alerts/${green.id}/ack`, {});
    const mk = async (tlp: string) =>
      (
        (
          await as.coordinator!('POST', '/api/v1/meetings', {
            title: `اجتماع ${tlp}`,
            startsAt: new Date(Date.now() + 3_600_000).toISOString(),
            centres: ['EAST', 'WEST'],
            tlp,
            agenda: [{ text: 'مراجعة الوضع على المنافذ' }],
          })
        ).body as { meeting: Meeting }
      ).meeting;
    const amberMeeting = await mk('AMBER');
    const greenMeeting = await mk('GREEN');
    for (const m of [amberMeeting, greenMeeting]) {
      await as.coordinator!('POST', `/api/v1/meetings/${m.id}/decisions`, { text: 'قرار داخلي' });
      await as.coordinator!('POST', `/api/v1/meetings/${m.id}/actions`, {
        title: 'مهمة داخلية',
        centre: 'WEST',
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
    }
    await coordinatorLive.until((e) => e.filter((x) => x.type === 'action:created').length >= 2);
    await wall.until((e) => e.filter((x) => x.type === 'action:created').length >= 2);

    // Live.
    expect(leaks(wall.applied)).toEqual([]);
    expect(wall.applied.some((e) => e.type === 'alert:created')).toBe(true);
    // Resume from the start.
    const resumed = new LiveClient(t.url, token);
    await resumed.ready();
    expect(resumed.applied.length).toBeGreaterThanOrEqual(wall.applied.length);
    expect(leaks(resumed.applied)).toEqual([]);
    resumed.close();

    // The snapshot: CLEAR/GREEN only, board fields, action counts of every TLP.
    const snap = (await api(t.url, token)('GET', '/api/v1/board')).body as BoardSnapshot;
    expect(leaks(snap)).toEqual([]);
    expect(snap.alerts.map((a) => a.title)).toEqual(['تهريب وقود أخضر']);
    expect(snap.meetings.map((m) => m.title)).toEqual(['اجتماع GREEN']);
    const eastTile = snap.centres.find((c) => c.code === 'EAST')!;
    expect(eastTile.alerts.open.high).toBe(1); // the GREEN one: AMBER and RED are not counted for a board
    expect(snap.centres.find((c) => c.code === 'WEST')!.actions).toEqual({ open: 2, overdue: 0 });
    expect(snap.centres.find((c) => c.code === 'WEST')!.alerts.acknowledgedToday).toBe(1);
    // A meeting shown on the wall: a GREEN one's agenda texts reach the board, an AMBER one's never.
    for (const m of [amberMeeting, greenMeeting])
      expect((await as.coordinator!('PATCH', `/api/v1/meetings/${m.id}`, { onWall: true })).status).toBe(200);
    const shown = (await api(t.url, token)('GET', '/api/v1/board')).body as BoardSnapshot;
    expect(leaks(shown)).toEqual([]);
    expect(shown.meetings).toEqual([
      expect.objectContaining({
        id: greenMeeting.id,
        onWall: true,
        wallAgenda: ['مراجعة الوضع على المنافذ'],
      }),
    ]);
    await wall.until((e) =>
      e.some(
        (x) =>
          x.type === 'meeting:updated' &&
          (x.data as { meeting: { wallAgenda: string[] } }).meeting.wallAgenda.length === 1,
      ),
    );
    expect(
      JSON.stringify(wall.applied.filter((e) => e.type === 'meeting:updated').map((e) => e.data)),
    ).not.toContain(amberMeeting.id);
    // The coordinator's picture holds the AMBER alert too (never RED).
    const coord = (await as.coordinator!('GET', '/api/v1/board')).body as BoardSnapshot;
    expect(coord.alerts.map((a) => a.title).sort()).toEqual(['تهريب وقود أخضر', 'رصد مسلح كهرماني'].sort());
    expect(coord.centres.find((c) => c.code === 'EAST')!.alerts.open.high).toBe(2);
    // The check finds what it looks for: the coordinator's picture is not a board's.
    expect(leaks(coord).length).toBeGreaterThan(0);

    // Crafted requests: every route a board can name, with other centres, fields and ids.
    const call = api(t.url, token);
    const paths = [
      '/api/v1/alerts',
      '/api/v1/alerts?centre=EAST',
      '/api/v1/alerts?status=open&limit=500',
      '/api/v1/alerts/snapshot',
      `/api/v1/alerts/${green.id}`,
      '/api/v1/events?after=0',
      '/api/v1/events?after=0&limit=1000',
      '/api/v1/briefs',
      '/api/v1/handovers',
      '/api/v1/handovers?centre=EAST',
      '/api/v1/handovers/shifts',
      '/api/v1/border/impact',
      '/api/v1/meetings',
      `/api/v1/meetings/${greenMeeting.id}`,
      '/api/v1/centres',
      '/api/v1/auth/me',
      '/api/v1/board',
    ];
    for (const p of paths) {
      const res = await call('GET', p);
      expect(res.status, p).toBe(200);
      expect(leaks(res.body), p).toEqual([]);
    }
    for (const p of [`/api/v1/meetings/${amberMeeting.id}`])
      expect((await call('GET', p)).status, p).toBe(404);
    for (const p of [
      '/api/v1/actions',
      '/api/v1/actions?centre=WEST',
      '/api/v1/board/performance?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
      '/api/v1/trends',
      '/api/v1/users',
      '/api/v1/audit',
      '/api/v1/board-devices',
      '/api/v1/meetings/suggestions',
    ])
      expect((await call('GET', p)).status, p).toBe(403);
    // Every change is refused.
    expect(
      (
        await call('POST', '/api/v1/meetings', {
          title: 'x',
          startsAt: new Date().toISOString(),
          centres: ['EAST'],
        })
      ).status,
    ).toBe(403);
    expect((await call('POST', `/api/v1/alerts/${green.id}/ack`, {})).status).toBe(403);

    // Socket: resume with smuggled fields, unknown events asking for rooms, other centres.
    const socket = await connectSocket(t.url, token);
    const answers: unknown[] = [];
    for (const [event, payload] of [
      ['resume', { after: 0, rooms: ['role:coordinator'] }],
      ['resume', { after: 0, centre: 'EAST', fields: ['description'] }],
      ['join', { room: 'centre:EAST' }],
      ['subscribe', 'role:coordinator'],
      ['alert:create', { title: 'x' }],
      ['receipt', { seq: 1, centre: 'EAST' }],
    ] as const)
      answers.push(await socket.timeout(5000).emitWithAck(event, payload));
    const good = (await socket.timeout(5000).emitWithAck('resume', { after: 0 })) as { events: HubEvent[] };
    expect(good.events.length).toBeGreaterThan(0);
    expect(leaks([answers, good])).toEqual([]);
    for (const a of answers.slice(0, 5)) expect(a).toMatchObject({ error: { code: expect.any(String) } });
    const [server] = await t.hub.io.in(`user:${session.user.id}`).fetchSockets();
    expect([...server!.rooms].filter((r) => r.startsWith('centre:') || r.includes('coordinator'))).toEqual(
      [],
    );
    socket.close();
    wall.close();
    coordinatorLive.close();
  });

  test('acknowledgement performance per centre over a period (coordinators and analysts)', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await as.coordinator!('GET', `/api/v1/board/performance?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    const west = (
      res.body as { centres: Array<{ centre: string; addressed: number; acknowledged: number }> }
    ).centres.find((c) => c.centre === 'WEST')!;
    // WEST was addressed by the GREEN and AMBER alerts of the test above (RED is not the coordinator's) and acknowledged one.
    expect(west).toMatchObject({ addressed: 2, acknowledged: 1 });
    expect((await as.analyst!('GET', `/api/v1/board/performance?from=${from}&to=${to}`)).status).toBe(200);
    expect((await as['officer.east']!('GET', `/api/v1/board/performance?from=${from}&to=${to}`)).status).toBe(
      403,
    );
    expect((await as.coordinator!('GET', `/api/v1/board/performance?from=${to}&to=${from}`)).status).toBe(
      400,
    );
  });
});

/** Another administrator: each has its own budget of wrong pairing codes. */
let admins = 0;
async function freshAdmin(t: TestHub): Promise<Call> {
  const username = `admin.${++admins}`;
  await t.database.db.insert(schema.users).values({
    username,
    displayName: username,
    role: 'admin',
    passwordHash: await hashPassword(TEST_PASSWORD),
  });
  return caller(t.url, username);
}
