import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectSocket, login, seedUsers } from '../helpers/users.ts';

/** Every request name the hub knows, and names it must refuse without tripping over them. */
const KNOWN = [
  'system:ping',
  'auth:refresh',
  'resume',
  'receipt',
  'alert:create',
  'alert:update',
  'alert:ack',
  'alert:resolve',
  'alert:escalate',
];
const HOSTILE_NAMES: unknown[] = [
  0,
  -1,
  1.5,
  2 ** 53,
  1e308,
  '',
  'error',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'x'.repeat(10_000),
  'alert:create\u0000',
];
const FRAMES_PER_EVENT = 10_000;
const ROLES = ['officer.east', 'supervisor.west', 'analyst', 'coordinator', 'board'];

/** Payloads: any JSON value, objects with prototype-polluting keys, and near-valid requests. */
const payload = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
    { constructor: { prototype: { polluted: true } } },
    { after: -1 },
    { after: 2 ** 64 },
    { after: '0' },
    { seq: Number.MAX_SAFE_INTEGER },
    { alertId: 'not-a-uuid' },
    { alertId: '00000000-0000-4000-8000-000000000000', body: 'x' },
    { token: 'a.b.c' },
    { title: '\u0000', category: 'other' },
  ),
);
/** Argument lists: none, one payload, or extra arguments after it. */
const argList = fc.oneof(
  fc.constant([] as unknown[]),
  payload.map((p) => [p]),
  fc.tuple(payload, payload).map((t) => [...t]),
  fc.tuple(payload, payload, payload).map((t) => [...t]),
);

/** Sends every frame with an acknowledgement, `inFlight` at a time; returns how many went unanswered. */
async function blast(socket: Socket, frames: Array<{ name: unknown; args: unknown[] }>, inFlight = 200) {
  let unanswered = 0;
  let next = 0;
  const worker = async () => {
    while (next < frames.length) {
      const frame = frames[next++]!;
      const answered = await new Promise<boolean>((resolve) => {
        (socket.timeout(15_000).emit as (...a: unknown[]) => void)(
          frame.name,
          ...frame.args,
          (err: unknown) => resolve(!err),
        );
      });
      if (!answered) unanswered++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return unanswered;
}

describe('socket fuzz: nothing a client sends escapes as an exception', () => {
  let t: TestHub;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    t = await startTestHub({
      config: { TANSIQ_SOCKET_BUDGET_PER_10S: '100000', TANSIQ_USER_CONCURRENT_REQUESTS: '50' },
    });
    await seedUsers(t.database);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await t?.close();
  });

  test('an event name that is a number, with an acknowledgement, is answered bad_request', async () => {
    const socket = await connectSocket(t.url, (await login(t.url, 'board')).accessToken);
    try {
      const reply = await (socket.timeout(5000).emitWithAck as (...a: unknown[]) => Promise<unknown>)(42, {});
      expect(reply).toMatchObject({ error: { code: 'bad_request' } });
      expect(await socket.timeout(5000).emitWithAck('system:ping')).toHaveProperty('now');
    } finally {
      socket.close();
    }
  });

  test.each(['resume', 'receipt', 'alert:create', 'alert:ack', 'auth:refresh', 'system:ping'])(
    '%s sent with an acknowledgement and no payload, or with extra arguments, is answered',
    async (name) => {
      const socket = await connectSocket(t.url, (await login(t.url, 'officer.east')).accessToken);
      try {
        const bare = await (socket.timeout(5000).emitWithAck as (...a: unknown[]) => Promise<unknown>)(name);
        if (name === 'system:ping') expect(bare).toHaveProperty('now');
        else expect(bare).toMatchObject({ error: { code: 'validation_failed' } });
        const extra = await (socket.timeout(5000).emitWithAck as (...a: unknown[]) => Promise<unknown>)(
          name,
          {},
          'extra',
        );
        expect(extra).toMatchObject({ error: { code: 'bad_request' } });
      } finally {
        socket.close();
      }
    },
  );

  test('names the parser refuses (null, objects, reserved) close only that connection', async () => {
    const token = (await login(t.url, 'officer.east')).accessToken;
    for (const name of [null, true, {}, [], 'disconnect', 'connect']) {
      const socket = await connectSocket(t.url, token);
      const closed = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
      // Raw Socket.IO frame (engine.io message 4, event 2, ack id 1): the client library refuses reserved names.
      socket.io.engine.send(`421${JSON.stringify([name, {}])}`);
      expect(await closed).toBe('transport close');
      socket.close();
    }
    const after = await connectSocket(t.url, token);
    expect(await after.timeout(5000).emitWithAck('system:ping')).toHaveProperty('now');
    after.close();
  });

  test(`${FRAMES_PER_EVENT} random frames per event from several roles: every acknowledgement answered`, async () => {
    const sockets = await Promise.all(
      ROLES.map(async (u) => connectSocket(t.url, (await login(t.url, u)).accessToken)),
    );
    try {
      const names = [...KNOWN, ...HOSTILE_NAMES];
      let unanswered = 0;
      let sent = 0;
      for (const [i, name] of names.entries()) {
        const count = KNOWN.includes(name as string) ? FRAMES_PER_EVENT : 500;
        const args = fc.sample(argList, { numRuns: count, seed: 1000 + i });
        const frames = args.map((a) => ({ name, args: a }));
        // Spread the frames of each name over all roles at once.
        const parts = sockets.map((_, s) => frames.filter((__, k) => k % sockets.length === s));
        const results = await Promise.all(sockets.map((s, k) => blast(s, parts[k]!)));
        unanswered += results.reduce((a, b) => a + b, 0);
        sent += frames.length;
        // Frames without an acknowledgement are read and dropped just the same.
        for (const a of args.slice(0, 100))
          (sockets[i % sockets.length]!.emit as (...x: unknown[]) => void)(name, ...a);
      }
      expect(sent).toBeGreaterThanOrEqual(KNOWN.length * FRAMES_PER_EVENT);
      expect(unanswered).toBe(0);
      for (const s of sockets) expect(s.connected).toBe(true);
      expect(await sockets[0]!.timeout(5000).emitWithAck('system:ping')).toHaveProperty('now');
      expect(rejections).toEqual([]);
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      for (const s of sockets) s.close();
    }
  }, 240_000);
});
