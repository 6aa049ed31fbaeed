import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import jwt from 'jsonwebtoken';
import { errorBodySchema } from '@tansiq/shared';
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { schema, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, connectSocket, login, seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

const SECRET = 'a-test-signing-key-that-is-long-enough-0123456789';

describe('login, refresh, logout', () => {
  let t: TestHub;
  let ids: Map<string, string>;
  beforeAll(async () => {
    t = await startTestHub({ config: { TANSIQ_JWT_SECRET: SECRET, TANSIQ_LOGIN_FAILURES_PER_USER: '3' } });
    ids = await seedUsers(t.database);
  });
  afterAll(() => t.close());

  test('login returns a 15-minute HS256 access token with issuer and audience, a refresh token and the user', async () => {
    const pair = await login(t.url, 'OFFICER.EAST');
    expect(pair.user).toMatchObject({
      username: 'officer.east',
      role: 'officer',
      centre: 'EAST',
      disabled: false,
    });
    expect(pair.user).not.toHaveProperty('passwordHash');
    const decoded = jwt.decode(pair.accessToken, { complete: true })!;
    expect(decoded.header.alg).toBe('HS256');
    const payload = decoded.payload as jwt.JwtPayload;
    expect(payload).toMatchObject({
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      sub: ids.get('officer.east'),
      role: 'officer',
      centre: 'EAST',
    });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(pair.expiresIn).toBe(900);
    expect(pair.refreshToken.length).toBeGreaterThanOrEqual(40);
    const me = await api(t.url, pair.accessToken)('GET', '/api/v1/auth/me');
    expect(me).toMatchObject({ status: 200, body: { user: { username: 'officer.east' } } });
  });

  test('an unknown user gets exactly the answer a wrong password gets', async () => {
    const anonymous = api(t.url);
    const unknown = await anonymous('POST', '/api/v1/auth/login', {
      username: 'nobody',
      password: 'whatever-password',
    });
    const wrong = await anonymous('POST', '/api/v1/auth/login', {
      username: 'officer.south',
      password: 'whatever-password',
    });
    expect(unknown.status).toBe(401);
    expect(wrong).toEqual(unknown);
  });

  test.each([
    ['no body', undefined],
    ['missing password', { username: 'officer.east' }],
    ['a number for a name', { username: 7, password: 'x' }],
    ['an unknown field', { username: 'officer.east', password: TEST_PASSWORD, role: 'admin' }],
    [
      'a __proto__ key',
      JSON.parse(`{"username":"officer.east","password":"${TEST_PASSWORD}","__proto__":{"role":"admin"}}`),
    ],
  ])('login with %s is a 400 validation error', async (_name, body) => {
    const res = await api(t.url)('POST', '/api/v1/auth/login', body);
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(res.body).error.code).toMatch(/validation_failed|bad_request/);
  });

  test('failed logins throttle the username (429), even for the right password, and not other users', async () => {
    const anonymous = api(t.url);
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await anonymous('POST', '/api/v1/auth/login', {
            username: 'supervisor.south',
            password: 'wrong-password-x',
          })
        ).status,
      ).toBe(401);
    }
    const blocked = await anonymous('POST', '/api/v1/auth/login', {
      username: 'supervisor.south',
      password: TEST_PASSWORD,
    });
    expect(blocked.status).toBe(429);
    expect(errorBodySchema.parse(blocked.body).error.code).toBe('rate_limited');
    const [refusal] = await t.database.db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.action, 'auth.login'), eq(schema.auditLog.outcome, 'refused')));
    expect(refusal).toMatchObject({ actorUsername: 'supervisor.south', details: { reason: 'throttled' } });
    expect(
      (
        await anonymous('POST', '/api/v1/auth/login', {
          username: 'supervisor.west',
          password: TEST_PASSWORD,
        })
      ).status,
    ).toBe(200);
  });

  test('refresh rotates; a refresh token used twice revokes the whole family', async () => {
    const first = await login(t.url, 'officer.west');
    const socket = await connectSocket(t.url, first.accessToken);
    const ended = new Promise<unknown>((resolve) => socket.on('auth:ended', resolve));
    const anonymous = api(t.url);

    const rotated = await anonymous('POST', '/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(rotated.status).toBe(200);
    const second = rotated.body as { accessToken: string; refreshToken: string };
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await api(t.url, second.accessToken)('GET', '/api/v1/auth/me')).status).toBe(200);

    // The console goes on with the second token: the third is issued.
    const third = (await anonymous('POST', '/api/v1/auth/refresh', { refreshToken: second.refreshToken }))
      .body as { accessToken: string; refreshToken: string };
    expect(third.refreshToken).toBeTruthy();

    // The first token again, after a later one was presented: a thief or a replay. The family dies:
    // every token, the session, its sockets.
    expect(
      (await anonymous('POST', '/api/v1/auth/refresh', { refreshToken: first.refreshToken })).status,
    ).toBe(401);
    expect(
      (await anonymous('POST', '/api/v1/auth/refresh', { refreshToken: third.refreshToken })).status,
    ).toBe(401);
    expect((await api(t.url, third.accessToken)('GET', '/api/v1/auth/me')).status).toBe(401);
    expect(await ended).toEqual({ code: 'session_revoked' });
    // Other sessions of the same user are not touched.
    expect((await login(t.url, 'officer.west')).accessToken).toBeTruthy();
  });

  test('a refresh whose answer was lost can be retried with the same token; the unreceived successor is spent', async () => {
    const first = await login(t.url, 'coordinator');
    const anonymous = api(t.url);
    const refresh = (token: string) => anonymous('POST', '/api/v1/auth/refresh', { refreshToken: token });
    type Pair = { accessToken: string; refreshToken: string };

    const lost = (await refresh(first.refreshToken)).body as Pair; // the answer never reached the console
    const retried = await refresh(first.refreshToken);
    expect(retried.status).toBe(200);
    // A second lost answer is retried the same way.
    const again = await refresh(first.refreshToken);
    expect(again.status).toBe(200);
    const kept = again.body as Pair;
    expect((await api(t.url, kept.accessToken)('GET', '/api/v1/auth/me')).status).toBe(200);

    // Whoever holds a successor the console never received is caught: the session ends.
    expect((await refresh(lost.refreshToken)).status).toBe(401);
    expect((await api(t.url, kept.accessToken)('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await refresh(kept.refreshToken)).status).toBe(401);
  });

  test('the retry grace runs from the rotation and does not slide with each retry', async () => {
    const first = await login(t.url, 'supervisor.east');
    const refresh = (token: string) => api(t.url)('POST', '/api/v1/auth/refresh', { refreshToken: token });
    expect((await refresh(first.refreshToken)).status).toBe(200);
    // Retried 5 s ago, rotated 61 s ago: a token re-presented every few seconds ages out all the same.
    const hash = createHash('sha256').update(first.refreshToken).digest('hex');
    await t.database.db
      .update(schema.refreshTokens)
      .set({ rotatedAt: sql`now() - interval '61 seconds'`, usedAt: sql`now() - interval '5 seconds'` })
      .where(eq(schema.refreshTokens.tokenHash, hash));
    expect((await refresh(first.refreshToken)).status).toBe(401);
  });

  test('logout ends the session: its access and refresh tokens stop working', async () => {
    const pair = await login(t.url, 'analyst');
    expect((await api(t.url, pair.accessToken)('POST', '/api/v1/auth/logout')).status).toBe(204);
    expect((await api(t.url, pair.accessToken)('GET', '/api/v1/auth/me')).status).toBe(401);
    expect(
      (await api(t.url)('POST', '/api/v1/auth/refresh', { refreshToken: pair.refreshToken })).status,
    ).toBe(401);
  });

  test('a disabled user’s open socket is disconnected within 5 s and REST refuses its token', async () => {
    const admin = await login(t.url, 'admin');
    const officer = await login(t.url, 'officer.south');
    const socket = await connectSocket(t.url, officer.accessToken);
    const disconnected = new Promise<number>((resolve) => socket.on('disconnect', () => resolve(Date.now())));
    const started = Date.now();
    const res = await api(t.url, admin.accessToken)('PATCH', `/api/v1/users/${ids.get('officer.south')}`, {
      disabled: true,
    });
    expect(res.status).toBe(200);
    expect((await disconnected) - started).toBeLessThan(5000);
    expect((await api(t.url, officer.accessToken)('GET', '/api/v1/auth/me')).status).toBe(401);
    expect(
      (await api(t.url)('POST', '/api/v1/auth/refresh', { refreshToken: officer.refreshToken })).status,
    ).toBe(401);
    const again = await api(t.url)('POST', '/api/v1/auth/login', {
      username: 'officer.south',
      password: TEST_PASSWORD,
    });
    expect(again.status).toBe(401);
  });

  test('changing a user’s role or centre ends their sessions at once', async () => {
    const admin = await login(t.url, 'admin');
    const supervisor = await login(t.url, 'supervisor.east');
    const socket = await connectSocket(t.url, supervisor.accessToken);
    const disconnected = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
    const res = await api(t.url, admin.accessToken)('PATCH', `/api/v1/users/${ids.get('supervisor.east')}`, {
      centre: 'WEST',
    });
    expect(res).toMatchObject({ status: 200, body: { user: { centre: 'WEST' } } });
    await disconnected;
    expect((await api(t.url, supervisor.accessToken)('GET', '/api/v1/auth/me')).status).toBe(401);
    const fresh = await login(t.url, 'supervisor.east');
    expect(fresh.user.centre).toBe('WEST');
  });
});

describe('forged and broken tokens', () => {
  let t: TestHub;
  let valid: string;
  let claims: jwt.JwtPayload;
  beforeAll(async () => {
    t = await startTestHub({ config: { TANSIQ_JWT_SECRET: SECRET } });
    await seedUsers(t.database);
    valid = (await login(t.url, 'officer.east')).accessToken;
    claims = jwt.decode(valid) as jwt.JwtPayload;
  });
  afterAll(() => t.close());

  const base = () => {
    const { iat: _iat, exp: _exp, iss: _iss, aud: _aud, sub: _sub, ...rest } = claims;
    return rest;
  };
  const sign = (payload: object, options: jwt.SignOptions, key: string = SECRET) =>
    jwt.sign(payload, key, {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      subject: claims.sub!,
      expiresIn: 600,
      ...options,
    });
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  const forgeries: [string, () => string][] = [
    ['alg: none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${valid.split('.')[1]}.`],
    ['a wrong key', () => sign(base(), {}, 'another-key-of-sufficient-length-0123456789abcdef')],
    ['HS512 with the right key (algorithm pinned)', () => sign(base(), { algorithm: 'HS512' })],
    [
      'expired',
      () =>
        jwt.sign({ ...base(), exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, {
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          subject: claims.sub!,
        }),
    ],
    ['not yet valid', () => sign(base(), { notBefore: 3600 })],
    ['a wrong audience', () => sign(base(), { audience: 'someone-else' })],
    ['a wrong issuer', () => sign(base(), { issuer: 'evil-hub' })],
    [
      'edited claims (role: admin, signature kept)',
      () => {
        const [header, , signature] = valid.split('.');
        return `${header}.${b64({ ...claims, role: 'admin', centre: null })}.${signature}`;
      },
    ],
    [
      'a valid signature over claims of an unknown session',
      () => sign({ ...base(), sid: '00000000-0000-4000-8000-000000000000' }, {}),
    ],
    ['garbage', () => 'not-a-jwt'],
    ['an empty string', () => ''],
  ];

  test('the genuine token works on REST and the socket', async () => {
    expect((await api(t.url, valid)('GET', '/api/v1/auth/me')).status).toBe(200);
    (await connectSocket(t.url, valid)).close();
  });

  test.each(forgeries)('REST refuses a token with %s (401)', async (_name, forge) => {
    const res = await api(t.url, forge())('GET', '/api/v1/auth/me');
    expect(res.status).toBe(401);
    expect(errorBodySchema.parse(res.body).error.code).toBe('unauthenticated');
  });

  test.each(forgeries)('the socket handshake refuses a token with %s', async (_name, forge) => {
    const refusal = await connectSocket(t.url, forge()).then(
      (s) => {
        s.close();
        return null;
      },
      (err: Error & { data?: { code: string } }) => err,
    );
    expect(refusal?.data?.code).toBe('unauthenticated');
  });

  test('a socket with no token at all is refused', async () => {
    await expect(connectSocket(t.url, undefined)).rejects.toMatchObject({
      data: { code: 'unauthenticated' },
    });
  });
});

describe('socket token expiry and auth:refresh', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ config: { TANSIQ_ACCESS_TOKEN_SECONDS: '5' } });
    await seedUsers(t.database);
  });
  afterAll(() => t.close());

  test('a socket whose token expires is told and disconnected; one that refreshes over the socket stays', async () => {
    const stale = await login(t.url, 'officer.east');
    const fresh = await login(t.url, 'officer.west');
    const staleSocket = await connectSocket(t.url, stale.accessToken);
    const freshSocket = await connectSocket(t.url, fresh.accessToken);
    const staleEnded = new Promise((resolve) => staleSocket.on('auth:ended', resolve));
    let freshDisconnected = false;
    freshSocket.on('disconnect', () => (freshDisconnected = true));

    // Refresh the second socket's token over REST, then hand it to the socket before expiry.
    await new Promise((r) => setTimeout(r, 2500));
    const rotated = await api(t.url)('POST', '/api/v1/auth/refresh', { refreshToken: fresh.refreshToken });
    const { accessToken } = rotated.body as { accessToken: string };
    const ack = await freshSocket.emitWithAck('auth:refresh', { token: accessToken });
    expect(ack).toMatchObject({ expiresAt: expect.any(String) });

    expect(await staleEnded).toEqual({ code: 'token_expired' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(staleSocket.connected).toBe(false);
    expect(freshDisconnected).toBe(false);
    expect(freshSocket.connected).toBe(true);
    freshSocket.close();
  });

  test('auth:refresh refuses garbage and another session’s token, and the socket keeps working', async () => {
    const a = await login(t.url, 'officer.east');
    const b = await login(t.url, 'officer.east');
    const socket = await connectSocket(t.url, a.accessToken);
    expect(await socket.emitWithAck('auth:refresh', { token: 42 })).toMatchObject({
      error: { code: 'validation_failed' },
    });
    expect(await socket.emitWithAck('auth:refresh', { token: b.accessToken })).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(await socket.emitWithAck('auth:refresh', { token: 'nope' })).toMatchObject({
      error: { code: 'unauthenticated' },
    });
    expect(await socket.emitWithAck('system:ping')).toMatchObject({ now: expect.any(String) });
    socket.close();
  });
});

describe('a session ended through one hub process, checked lately by another', () => {
  let a: TestHub;
  let b: TestHub;
  let ids: Map<string, string>;
  beforeAll(async () => {
    a = await startTestHub();
    // A second process on the same database: it learns of endings only from the event log.
    b = await startTestHub({ database: a.database });
    ids = await seedUsers(a.database);
  });
  afterAll(async () => {
    await b.hub.close(500);
    await a.close();
  });

  /** Asks `hub` until it refuses the token; the time it took. */
  async function refusedWithin(hub: TestHub, token: string): Promise<number> {
    const started = performance.now();
    for (;;) {
      const res = await api(hub.url, token)('GET', '/api/v1/auth/me');
      if (res.status === 401) return performance.now() - started;
      expect(res.status).toBe(200);
      if (performance.now() - started > 10_000) throw new Error('still accepted after 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  test('logout on one process: the other refuses the token as soon as it reads the ending, not after its 5 s', async () => {
    const pair = await login(a.url, 'officer.east');
    // Both processes have now found the session open (and remember it).
    expect((await api(b.url, pair.accessToken)('GET', '/api/v1/auth/me')).status).toBe(200);
    expect((await api(a.url, pair.accessToken)('GET', '/api/v1/auth/me')).status).toBe(200);
    expect((await api(a.url, pair.accessToken)('POST', '/api/v1/auth/logout')).status).toBe(204);
    // The process that ended it refuses at once.
    expect((await api(a.url, pair.accessToken)('GET', '/api/v1/auth/me')).status).toBe(401);
    expect(await refusedWithin(b, pair.accessToken)).toBeLessThan(2000);
  });

  test('an account disabled on one process: the other refuses its tokens too', async () => {
    const admin = await login(a.url, 'admin');
    const officer = await login(b.url, 'officer.west');
    expect((await api(b.url, officer.accessToken)('GET', '/api/v1/auth/me')).status).toBe(200);
    const res = await api(a.url, admin.accessToken)('PATCH', `/api/v1/users/${ids.get('officer.west')}`, {
      disabled: true,
    });
    expect(res.status).toBe(200);
    expect(await refusedWithin(b, officer.accessToken)).toBeLessThan(2000);
    expect((await api(a.url, officer.accessToken)('GET', '/api/v1/auth/me')).status).toBe(401);
  });
});
