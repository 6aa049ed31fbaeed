import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectSocket, login, seedUsers } from '../helpers/users.ts';

type Transport = 'websocket' | 'polling';

describe('socket handshake origin check (allowRequest)', () => {
  let t: TestHub;
  let token = '';

  /** Opens a real socket.io-client connection (valid token) with the given Origin header. */
  async function tryConnect(transport: Transport, origin?: string): Promise<{ ok: boolean; pong?: unknown }> {
    try {
      const socket = await connectSocket(t.url, token, { transport, ...(origin ? { origin } : {}) });
      const pong: unknown = await socket.emitWithAck('system:ping');
      socket.close();
      return { ok: true, pong };
    } catch {
      return { ok: false };
    }
  }

  beforeAll(async () => {
    t = await startTestHub({ config: { TANSIQ_ALLOWED_ORIGINS: 'https://console.jtct.example' } });
    await seedUsers(t.database);
    token = (await login(t.url, 'officer.east')).accessToken;
  });
  afterAll(() => t.close());

  const transports: Transport[] = ['websocket', 'polling'];

  test.each(transports)('%s: a foreign Origin is refused', async (transport) => {
    expect((await tryConnect(transport, 'https://evil.example')).ok).toBe(false);
  });

  test.each(transports)(
    '%s: a foreign Origin that only shares the host name is refused',
    async (transport) => {
      expect((await tryConnect(transport, 'http://127.0.0.1:1')).ok).toBe(false);
    },
  );

  test.each(transports)('%s: the hub’s own origin connects and gets answers', async (transport) => {
    const result = await tryConnect(transport, t.url);
    expect(result.ok).toBe(true);
    expect(result.pong).toMatchObject({ now: expect.any(String) });
  });

  test.each(transports)('%s: an origin in TANSIQ_ALLOWED_ORIGINS connects', async (transport) => {
    expect((await tryConnect(transport, 'https://console.jtct.example')).ok).toBe(true);
  });

  test.each(transports)(
    '%s: a non-browser client (no Origin) with a valid token connects',
    async (transport) => {
      expect((await tryConnect(transport)).ok).toBe(true);
    },
  );
});
