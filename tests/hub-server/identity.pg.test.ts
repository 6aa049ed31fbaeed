import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { schema, verifyAudit } from '@tansiq/hub-server';
import { createServerDatabase, openServer, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, connectSocket, login, seedUsers } from '../helpers/users.ts';

describe('identity and audit on the PostgreSQL server', () => {
  let server: ServerDatabase;
  let t: TestHub;
  beforeAll(async () => {
    server = await createServerDatabase();
    const database = await openServer(server, 8);
    // 40 logins at once from one address (10 of one user): attempts in flight count against the limits.
    t = await startTestHub({
      database,
      config: { TANSIQ_LOGIN_FAILURES_PER_ADDRESS: '100', TANSIQ_LOGIN_FAILURES_PER_USER: '20' },
    });
    await seedUsers(database);
  });
  afterAll(async () => {
    await t?.close();
    await server?.drop();
  });

  test('login, socket and refresh-token reuse work the same as on PGlite', async () => {
    const refresh = (token: string) => api(t.url)('POST', '/api/v1/auth/refresh', { refreshToken: token });
    const first = await login(t.url, 'officer.east');
    const socket = await connectSocket(t.url, first.accessToken);
    const disconnected = new Promise((resolve) => socket.on('disconnect', resolve));
    // A retry of a refresh whose answer was lost is answered; the unreceived successor is spent.
    const lost = (await refresh(first.refreshToken)).body as { refreshToken: string };
    const retried = await refresh(first.refreshToken);
    expect(retried.status).toBe(200);
    const second = (retried.body as { refreshToken: string }).refreshToken;
    expect((await refresh(second)).status).toBe(200);
    // Once a later token was presented, the first one again is reuse: the session ends.
    expect((await refresh(first.refreshToken)).status).toBe(401);
    await disconnected;
    expect((await refresh(lost.refreshToken)).status).toBe(401);
  });

  test('the alerts snapshot reads the committed head as the application role', async () => {
    const east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
    const raised = await east('POST', '/api/v1/alerts', {
      category: 'other',
      severity: 'low',
      title: 'snapshot on the server',
      location: { lat: 30, lng: 20 },
      tlp: 'GREEN',
      recipients: ['WEST'],
    });
    expect(raised.status).toBe(201);
    const events = (await east('GET', '/api/v1/events?after=0')).body as { events: { seq: number }[] };
    const west = api(t.url, (await login(t.url, 'officer.west')).accessToken);
    const snapshot = (await west('GET', '/api/v1/alerts/snapshot')).body as {
      head: number;
      alerts: { title: string }[];
    };
    expect(snapshot.head).toBeGreaterThanOrEqual(Math.max(...events.events.map((e) => e.seq)));
    expect(snapshot.head).toBeGreaterThan(0);
    expect(snapshot.alerts.map((a) => a.title)).toContain('snapshot on the server');
  });

  test('concurrent writers keep one unbroken, gap-free audit chain', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? login(t.url, i % 4 === 0 ? 'officer.west' : 'analyst')
          : api(t.url)('POST', '/api/v1/auth/login', {
              username: `nobody.${i}`,
              password: 'wrong-password-x',
            }),
      ),
    );
    const result = await verifyAudit(t.database.db);
    expect(result.ok).toBe(true);
    expect(result.rows).toBe(await t.database.db.$count(schema.auditLog));
    expect(result.rows).toBeGreaterThanOrEqual(40);
  });
});
