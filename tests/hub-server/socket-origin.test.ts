import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { io as connect } from 'socket.io-client';
import { startTestHub, type TestHub } from '../helpers/hub.ts';

type Transport = 'websocket' | 'polling';

/** Opens a real socket.io-client connection with the given Origin header; resolves true when connected. */
function tryConnect(
  url: string,
  transport: Transport,
  origin?: string,
): Promise<{ ok: boolean; pong?: unknown }> {
  return new Promise((resolve) => {
    const socket = connect(url, {
      transports: [transport],
      reconnection: false,
      timeout: 5000,
      ...(origin ? { extraHeaders: { origin } } : {}),
    });
    socket.on('connect', () => {
      socket.emit('system:ping', (pong: unknown) => {
        socket.close();
        resolve({ ok: true, pong });
      });
    });
    socket.on('connect_error', () => {
      socket.close();
      resolve({ ok: false });
    });
  });
}

describe('socket handshake origin check (allowRequest)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ config: { TANSIQ_ALLOWED_ORIGINS: 'https://console.jtct.example' } });
  });
  afterAll(() => t.close());

  const transports: Transport[] = ['websocket', 'polling'];

  test.each(transports)('%s: a foreign Origin is refused', async (transport) => {
    expect((await tryConnect(t.url, transport, 'https://evil.example')).ok).toBe(false);
  });

  test.each(transports)(
    '%s: a foreign Origin that only shares the host name is refused',
    async (transport) => {
      expect((await tryConnect(t.url, transport, 'http://127.0.0.1:1')).ok).toBe(false);
    },
  );

  test.each(transports)('%s: the hub’s own origin connects and gets answers', async (transport) => {
    const result = await tryConnect(t.url, transport, t.url);
    expect(result.ok).toBe(true);
    expect(result.pong).toMatchObject({ now: expect.any(String) });
  });

  test.each(transports)('%s: an origin in TANSIQ_ALLOWED_ORIGINS connects', async (transport) => {
    expect((await tryConnect(t.url, transport, 'https://console.jtct.example')).ok).toBe(true);
  });

  test.each(transports)('%s: a non-browser client (no Origin) connects', async (transport) => {
    expect((await tryConnect(t.url, transport)).ok).toBe(true);
  });
});
