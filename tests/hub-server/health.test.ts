import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorBodySchema, readinessSchema } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectSocket, login, seedUsers } from '../helpers/users.ts';

describe('probes, metrics and errors', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t.close());

  test('/healthz answers 200 and /readyz 200 while the database answers', async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(readinessSchema.parse(await ready.json())).toEqual({ status: 'ready', database: 'pglite' });
  });

  test('/api/v1/config gives the console its settings', async () => {
    const res = await fetch(`${t.url}/api/v1/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      tileUrl: null,
      defaultLocale: 'ar',
      version: expect.any(String),
    });
  });

  test('an unknown API route is a JSON 404 in the error shape', async () => {
    const res = await fetch(`${t.url}/api/v1/nothing-here`);
    expect(res.status).toBe(404);
    const body = errorBodySchema.parse(await res.json());
    expect(body.error.code).toBe('not_found');
  });

  test.each([
    { name: 'malformed JSON', body: '{"title": ', status: 400, code: 'bad_request' },
    {
      name: 'an oversized body',
      body: JSON.stringify({ x: 'a'.repeat(300 * 1024) }),
      status: 413,
      code: 'payload_too_large',
    },
  ])('$name gets $status with a clear error and no internals', async ({ body, status, code }) => {
    const res = await fetch(`${t.url}/api/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(errorBodySchema.parse(JSON.parse(text)).error.code).toBe(code);
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  test('/metrics reports requests by route and status, open sockets and event-loop delay', async () => {
    await fetch(`${t.url}/healthz`);
    await seedUsers(t.database);
    const socket = await connectSocket(t.url, (await login(t.url, 'officer.west')).accessToken);
    try {
      const res = await fetch(`${t.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toMatch(/tansiq_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
      expect(text).toMatch(/tansiq_socket_connections 1\b/);
      expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds \d/);
    } finally {
      socket.close();
    }
  });

  test('/readyz answers 503 once the database is closed under it, and the process keeps serving', async () => {
    await t.database.close();
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(readinessSchema.parse(await ready.json()).status).toBe('not_ready');
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('/metrics behind a token', () => {
  const TOKEN = 'metrics-token-0123456789';
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ config: { TANSIQ_METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => t.close());

  test.each([
    [undefined, 401],
    ['Bearer wrong-token-0123456789', 401],
    [`Bearer ${TOKEN}`, 200],
  ])('Authorization %s → %i', async (authorization, status) => {
    const res = await fetch(`${t.url}/metrics`, authorization ? { headers: { authorization } } : {});
    expect(res.status).toBe(status);
    if (status === 200) expect(await res.text()).toContain('tansiq_http_requests_total');
    else expect(errorBodySchema.parse(await res.json()).error.code).toBe('unauthenticated');
  });
});
