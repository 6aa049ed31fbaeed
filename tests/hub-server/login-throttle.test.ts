import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { loginDelayMs, schema } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

/** A login from a given source address (the hub trusts one proxy hop in this file). */
async function loginFrom(url: string, address: string, username: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; details?: { retryAfterSeconds?: number } } },
  };
}

describe('login throttling', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({
      config: {
        TANSIQ_TRUST_PROXY_HOPS: '1',
        TANSIQ_LOGIN_FAILURES_PER_USER: '5',
        TANSIQ_LOGIN_FAILURES_PER_ADDRESS: '60',
      },
    });
    await seedUsers(t.database);
  });
  afterAll(() => t?.close());

  const failedAudits = async (username: string) =>
    (
      await t.database.db
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.action, 'auth.login'), eq(schema.auditLog.actorUsername, username)))
    ).filter((r) => r.outcome === 'failed');

  test('40 parallel guesses against a limit of 5: at most 5 passwords are checked', async () => {
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? TEST_PASSWORD : `wrong guess ${i}`));
    const replies = await Promise.all(guesses.map((p) => loginFrom(t.url, '10.1.0.1', 'officer.south', p)));
    const statuses = replies.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 200).length,
    ).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35);
    expect((await failedAudits('officer.south')).length).toBeLessThanOrEqual(5);
    const refused = replies.find((r) => r.status === 429)!;
    expect(refused.body.error?.code).toBe('rate_limited');
    expect(refused.body.error?.details?.retryAfterSeconds).toBeGreaterThan(0);
  });

  test('a stranger cannot lock an officer out: wrong passwords from one address leave another address able to sign in', async () => {
    for (let i = 0; i < 7; i++) await loginFrom(t.url, '10.9.9.9', 'officer.west', `stranger ${i}`);
    expect((await loginFrom(t.url, '10.9.9.9', 'officer.west', TEST_PASSWORD)).status).toBe(429);
    // The officer at the centre signs in; slowed down by the stranger's failures, never refused.
    expect((await loginFrom(t.url, '10.2.0.7', 'officer.west', TEST_PASSWORD)).status).toBe(200);
  }, 30_000);

  test('per username alone, failures slow down with a growing, bounded delay', () => {
    expect([0, 1, 2].map((n) => loginDelayMs(n, 8000))).toEqual([0, 0, 0]);
    expect(loginDelayMs(3, 8000)).toBe(250);
    expect(loginDelayMs(4, 8000)).toBe(500);
    expect(loginDelayMs(40, 8000)).toBe(8000);
    expect(loginDelayMs(40, 0)).toBe(0);
  });

  test('a username with a NUL character is a failed login: 401, audited, throttled', async () => {
    const name = 'officer.east\u0000';
    const first = await loginFrom(t.url, '10.3.0.1', name, 'anything at all');
    expect(first.status).toBe(401);
    const audits = await failedAudits('officer.east\uFFFD');
    expect(audits).toHaveLength(1);
    for (let i = 0; i < 4; i++) await loginFrom(t.url, '10.3.0.1', name, 'anything at all');
    expect((await loginFrom(t.url, '10.3.0.1', name, 'anything at all')).status).toBe(429);
  }, 30_000);
});
