import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger, openPostgres, schema, verifyAudit } from '@tansiq/hub-server';
import { createServerDatabase, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, connectSocket, login, seedUsers } from '../helpers/users.ts';

describe('identity and audit on the PostgreSQL server', () => {
  let server: ServerDatabase;
  let t: TestHub;
  beforeAll(async () => {
    server = await createServerDatabase();
    const database = await openPostgres({
      ownerUrl: server.ownerUrl,
      appRole: server.appRole,
      poolMax: 8,
      logger: createLogger('silent'),
    });
    t = await startTestHub({ database });
    await seedUsers(database);
  });
  afterAll(async () => {
    await t?.close();
    await server?.drop();
  });

  test('login, socket and refresh-token reuse work the same as on PGlite', async () => {
    const first = await login(t.url, 'officer.east');
    const socket = await connectSocket(t.url, first.accessToken);
    const disconnected = new Promise((resolve) => socket.on('disconnect', resolve));
    expect(
      (await api(t.url)('POST', '/api/v1/auth/refresh', { refreshToken: first.refreshToken })).status,
    ).toBe(200);
    expect(
      (await api(t.url)('POST', '/api/v1/auth/refresh', { refreshToken: first.refreshToken })).status,
    ).toBe(401);
    await disconnected;
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
