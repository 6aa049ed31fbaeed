import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { schema } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, connectSocket, login, seedUsers, testUsers, type TestUser } from '../helpers/users.ts';
import {
  designMayAdminister,
  designMayMarkDone,
  designMayRaiseAlert,
  designMaySeeMeeting,
  designMayWriteMeetings,
} from '../helpers/access-model.ts';

/**
 * Every route and socket event that exists, for every role × centre, against DESIGN's table:
 * `allowed(user)` is the DESIGN rule for it; the expected answer follows from it.
 */
interface RouteCase {
  name: string;
  method: string;
  path: (ids: Map<string, string>) => string;
  body?: (i: number) => unknown;
  allowed: (u: TestUser) => boolean;
  okStatus: number;
  /** Makes what the call needs (a fresh action item to mark done) and records its id in `ids`. */
  setup?: (ids: Map<string, string>, coordinator: string) => Promise<void>;
}

const everyone = () => true;
const routes: RouteCase[] = [
  { name: 'who am I', method: 'GET', path: () => '/api/v1/auth/me', allowed: everyone, okStatus: 200 },
  { name: 'list centres', method: 'GET', path: () => '/api/v1/centres', allowed: everyone, okStatus: 200 },
  {
    name: 'list users',
    method: 'GET',
    path: () => '/api/v1/users',
    allowed: designMayAdminister,
    okStatus: 200,
  },
  {
    name: 'create a user',
    method: 'POST',
    path: () => '/api/v1/users',
    body: (i) => ({
      username: `made.${i}`,
      displayName: 'x',
      role: 'coordinator',
      password: 'a-long-enough-password',
    }),
    allowed: designMayAdminister,
    okStatus: 201,
  },
  {
    name: 'change a user',
    method: 'PATCH',
    path: (ids) => `/api/v1/users/${ids.get('board')}`,
    body: (i) => ({ displayName: `Board ${i}` }),
    allowed: designMayAdminister,
    okStatus: 200,
  },
  {
    name: 'reset a password',
    method: 'POST',
    path: (ids) => `/api/v1/users/${ids.get('coordinator')}/password`,
    body: () => ({ password: 'correct horse battery staple' }),
    allowed: designMayAdminister,
    okStatus: 204,
  },
  {
    name: 'read the audit log',
    method: 'GET',
    path: () => '/api/v1/audit',
    allowed: designMayAdminister,
    okStatus: 200,
  },
  {
    name: 'verify the audit chain',
    method: 'GET',
    path: () => '/api/v1/audit/verify',
    allowed: designMayAdminister,
    okStatus: 200,
  },
  {
    name: 'raise an alert',
    method: 'POST',
    path: () => '/api/v1/alerts',
    body: (i) => ({
      category: 'other',
      severity: 'info',
      title: `matrix ${i}`,
      location: { lat: 27, lng: 17 },
      tlp: 'GREEN',
      recipients: [],
    }),
    allowed: designMayRaiseAlert,
    okStatus: 201,
  },
  // Lists are filtered per row (a role that may read nothing gets an empty list, never a 403).
  { name: 'list alerts', method: 'GET', path: () => '/api/v1/alerts', allowed: everyone, okStatus: 200 },
  {
    name: 'read events',
    method: 'GET',
    path: () => '/api/v1/events?after=0',
    allowed: everyone,
    okStatus: 200,
  },
  {
    name: 'alerts snapshot',
    method: 'GET',
    path: () => '/api/v1/alerts/snapshot',
    allowed: everyone,
    okStatus: 200,
  },
  // Trends and exports: analysts and coordinators, from what they may read (the CSV twins of the
  // JSON exports are checked in trends.test.ts).
  ...['/api/v1/trends', '/api/v1/trends/export.json', '/api/v1/alerts/export.json'].map(
    (path): RouteCase => ({
      name: `GET ${path}`,
      method: 'GET',
      path: () => path,
      allowed: (u) => u.role === 'analyst' || u.role === 'coordinator',
      okStatus: 200,
    }),
  ),
  {
    name: 'border impact',
    method: 'GET',
    path: () => '/api/v1/border/impact',
    allowed: everyone,
    okStatus: 200,
  },
  // The wall board and its devices.
  {
    name: 'board snapshot',
    method: 'GET',
    path: () => '/api/v1/board',
    allowed: (u) => u.role === 'board' || u.role === 'coordinator',
    okStatus: 200,
  },
  {
    name: 'acknowledgement performance',
    method: 'GET',
    path: () => '/api/v1/board/performance?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z',
    allowed: (u) => u.role === 'coordinator' || u.role === 'analyst',
    okStatus: 200,
  },
  {
    name: 'list board devices',
    method: 'GET',
    path: () => '/api/v1/board-devices',
    allowed: designMayAdminister,
    okStatus: 200,
  },
  // An administrator's code is checked (no screen shows this one: 404); everyone else is refused first.
  {
    name: 'register a board device',
    method: 'POST',
    path: () => '/api/v1/board-devices',
    body: () => ({ name: 'wall', code: '00000000' }),
    allowed: designMayAdminister,
    okStatus: 404,
  },
  {
    name: 'revoke a board device',
    method: 'POST',
    path: () => '/api/v1/board-devices/00000000-0000-4000-8000-000000000000/revoke',
    allowed: designMayAdminister,
    okStatus: 404,
  },
  // Meetings (a GREEN one of EAST and SOUTH, readable by every role but admin) and action items.
  {
    name: 'list meetings',
    method: 'GET',
    path: () => '/api/v1/meetings',
    allowed: (u) => u.role !== 'admin',
    okStatus: 200,
  },
  {
    name: 'schedule a meeting',
    method: 'POST',
    path: () => '/api/v1/meetings',
    body: (i) => ({ title: `matrix ${i}`, startsAt: '2026-12-20T09:00:00Z', centres: ['EAST'] }),
    allowed: designMayWriteMeetings,
    okStatus: 201,
  },
  {
    name: 'agenda suggestions',
    method: 'GET',
    path: () => '/api/v1/meetings/suggestions',
    allowed: designMayWriteMeetings,
    okStatus: 200,
  },
  {
    name: 'read a meeting',
    method: 'GET',
    path: (ids) => `/api/v1/meetings/${ids.get('meeting')}`,
    allowed: (u) => designMaySeeMeeting(u, { tlp: 'GREEN', centres: ['EAST', 'SOUTH'] }),
    okStatus: 200,
  },
  {
    name: 'edit a meeting',
    method: 'PATCH',
    path: (ids) => `/api/v1/meetings/${ids.get('meeting')}`,
    body: (i) => ({ place: `room ${i}` }),
    allowed: designMayWriteMeetings,
    okStatus: 200,
  },
  {
    name: 'record a decision',
    method: 'POST',
    path: (ids) => `/api/v1/meetings/${ids.get('meeting')}/decisions`,
    body: (i) => ({ text: `decision ${i}` }),
    allowed: designMayWriteMeetings,
    okStatus: 201,
  },
  {
    name: 'create an action item',
    method: 'POST',
    path: (ids) => `/api/v1/meetings/${ids.get('meeting')}/actions`,
    body: (i) => ({ title: `action ${i}`, centre: 'EAST', dueAt: '2099-01-01T00:00:00Z' }),
    allowed: designMayWriteMeetings,
    okStatus: 201,
  },
  {
    name: 'list action items',
    method: 'GET',
    path: () => '/api/v1/actions',
    allowed: (u) => u.role !== 'admin' && u.role !== 'board',
    okStatus: 200,
  },
  {
    name: 'edit an action item',
    method: 'PATCH',
    path: (ids) => `/api/v1/actions/${ids.get('action')}`,
    body: (i) => ({ title: `edited ${i}` }),
    allowed: designMayWriteMeetings,
    okStatus: 200,
  },
  {
    name: 'mark an action item done',
    method: 'POST',
    path: (ids) => `/api/v1/actions/${ids.get('fresh-action')}/done`,
    body: () => ({ note: 'done' }),
    // A fresh item of EAST per call: the first caller allowed would otherwise leave it done.
    setup: async (ids, coordinator) => {
      const res = await api(coordinatorUrl, coordinator)(
        'POST',
        `/api/v1/meetings/${ids.get('meeting')}/actions`,
        {
          title: 'fresh',
          centre: 'EAST',
          dueAt: '2099-01-01T00:00:00Z',
        },
      );
      ids.set('fresh-action', (res.body as { action: { id: string } }).action.id);
    },
    // Readers who may not mark it done are refused; admins (who read no meeting) too.
    allowed: (u) => designMayMarkDone(u, 'EAST', { tlp: 'GREEN', centres: ['EAST', 'SOUTH'] }),
    okStatus: 200,
  },
];

/** The hub the matrix runs against (set in beforeAll): setup hooks call it as the coordinator. */
let coordinatorUrl = '';

describe('access matrix: REST routes and socket events × every role and centre', () => {
  let t: TestHub;
  let ids: Map<string, string>;
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    t = await startTestHub();
    ids = await seedUsers(t.database);
    coordinatorUrl = t.url;
    const coordinator = api(t.url, (await login(t.url, 'coordinator')).accessToken);
    const meeting = await coordinator('POST', '/api/v1/meetings', {
      title: 'matrix meeting',
      startsAt: '2026-12-20T09:00:00Z',
      centres: ['EAST', 'SOUTH'],
      tlp: 'GREEN',
    });
    ids.set('meeting', (meeting.body as { meeting: { id: string } }).meeting.id);
    const action = await coordinator('POST', `/api/v1/meetings/${ids.get('meeting')}/actions`, {
      title: 'matrix action',
      centre: 'EAST',
      dueAt: '2099-01-01T00:00:00Z',
    });
    ids.set('action', (action.body as { action: { id: string } }).action.id);
  });
  afterAll(() => t.close());

  // Logs in afresh per call: resetting a password ends the user's sessions.
  const tokenOf = async (u: TestUser) => (await login(t.url, u.username)).accessToken;

  const rows = routes.flatMap((r) => testUsers.map((u) => ({ route: r, user: u })));

  test.each(rows.map((row, i) => [row.route.name, row.user.username, row, i] as const))(
    '%s as %s',
    async (_n, _u, { route, user }, i) => {
      const usersBefore = await t.database.db.$count(schema.users);
      const alertsBefore = await t.database.db.$count(schema.alerts);
      await route.setup?.(ids, (await login(t.url, 'coordinator')).accessToken);
      const res = await api(t.url, await tokenOf(user))(route.method, route.path(ids), route.body?.(i));
      if (route.allowed(user)) {
        expect(res.status, 'wrong refusal').toBe(route.okStatus);
      } else {
        expect(res.status, 'leak').toBe(403);
        expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
        expect(await t.database.db.$count(schema.users)).toBe(usersBefore);
        expect(await t.database.db.$count(schema.alerts)).toBe(alertsBefore);
      }
    },
  );

  test.each(routes.map((r) => [r.name, r] as const))('%s without a token is 401', async (_n, route) => {
    const res = await api(t.url)(route.method, route.path(ids), route.body?.(0));
    expect(res.status).toBe(401);
  });

  test.each(testUsers.map((u) => [u.username, u] as const))(
    'socket as %s: connects, is answered, and joined only the rooms its claims give',
    async (_n, user) => {
      const token = await tokenOf(user);
      tokens.set(user.username, token);
      const socket = await connectSocket(t.url, token);
      expect(await socket.emitWithAck('system:ping')).toMatchObject({ now: expect.any(String) });
      const [server] = await t.hub.io.in(`user:${ids.get(user.username)}`).fetchSockets();
      const rooms = [...server!.rooms].filter((r) => r !== server!.id).sort();
      expect(rooms.filter((r) => r.startsWith('centre:'))).toEqual(
        user.centre ? [`centre:${user.centre}`] : [],
      );
      expect(rooms.filter((r) => r.startsWith('role:'))).toEqual([`role:${user.role}`]);
      socket.close();
    },
  );
});

describe('alert lists hold only what each role may read', () => {
  test('after every role tried to raise one, each sees exactly the GREEN alerts DESIGN allows', async () => {
    const t = await startTestHub();
    await seedUsers(t.database);
    try {
      for (const u of testUsers) {
        await api(t.url, (await login(t.url, u.username)).accessToken)('POST', '/api/v1/alerts', {
          category: 'other',
          severity: 'info',
          title: `from ${u.username}`,
          location: { lat: 27, lng: 17 },
          tlp: 'GREEN',
          recipients: [],
        });
      }
      for (const u of testUsers) {
        const res = await api(t.url, (await login(t.url, u.username)).accessToken)('GET', '/api/v1/alerts');
        const count = (res.body as { alerts: unknown[] }).alerts.length;
        // Six centre staff raised GREEN alerts: every role but admin reads all six.
        expect(count, u.username).toBe(u.role === 'admin' ? 0 : 6);
      }
    } finally {
      await t.close();
    }
  });
});
