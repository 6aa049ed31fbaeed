import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { schema } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

describe('administering users', () => {
  let t: TestHub;
  let ids: Map<string, string>;
  let admin: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await startTestHub();
    ids = await seedUsers(t.database);
    admin = api(t.url, (await login(t.url, 'admin')).accessToken);
  });
  afterAll(() => t.close());

  const valid = {
    username: 'duty.south.2',
    displayName: 'ضابط مناوب',
    role: 'officer',
    centre: 'SOUTH',
    password: 'a-long-enough-password',
  };

  test('an admin creates a user, who can then log in; the list never shows password hashes', async () => {
    const created = await admin('POST', '/api/v1/users', valid);
    expect(created).toMatchObject({
      status: 201,
      body: { user: { username: 'duty.south.2', role: 'officer', centre: 'SOUTH', disabled: false } },
    });
    expect((await login(t.url, 'duty.south.2', valid.password)).user.centre).toBe('SOUTH');
    const list = await admin('GET', '/api/v1/users');
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|passwordHash/);
  });

  test.each([
    ['a taken username, in other case', { ...valid, username: 'OFFICER.EAST' }, 409],
    ['an officer at the studies centre', { ...valid, username: 'x1', centre: 'STUDIES' }, 400],
    ['an analyst at a joint centre', { ...valid, username: 'x2', role: 'analyst', centre: 'EAST' }, 400],
    ['a coordinator with a centre', { ...valid, username: 'x3', role: 'coordinator', centre: 'EAST' }, 400],
    ['an officer without a centre', { ...valid, username: 'x4', centre: null }, 400],
    ['an unknown centre', { ...valid, username: 'x5', centre: 'NORTH' }, 400],
    ['an unknown role', { ...valid, username: 'x6', role: 'general' }, 400],
    ['a short password', { ...valid, username: 'x7', password: 'short' }, 400],
    ['a username with spaces', { ...valid, username: 'a b' }, 400],
    ['an unknown field', { ...valid, username: 'x8', isAdmin: true }, 400],
  ])('creating %s is refused (%i) and creates nothing', async (_name, body, status) => {
    const before = await t.database.db.$count(schema.users);
    const res = await admin('POST', '/api/v1/users', body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(await t.database.db.$count(schema.users)).toBe(before);
  });

  test.each([
    ['an unknown id', '00000000-0000-4000-8000-000000000000', { displayName: 'x' }, 404],
    ['a malformed id', 'not-a-uuid', { displayName: 'x' }, 400],
    ['an empty change', null, {}, 400],
    ['a wrong type', null, { disabled: 'yes' }, 400],
  ])('changing %s is refused (%i)', async (_name, id, body, status) => {
    const res = await admin('PATCH', `/api/v1/users/${id ?? ids.get('board')}`, body);
    expect(res.status).toBe(status);
  });

  test('an admin cannot disable or demote their own account', async () => {
    const res = await admin('PATCH', `/api/v1/users/${ids.get('admin')}`, { disabled: true });
    expect(res.status).toBe(409);
  });

  test('a role change to one without a centre drops the centre; re-enabling works', async () => {
    const id = ids.get('supervisor.west')!;
    expect(await admin('PATCH', `/api/v1/users/${id}`, { role: 'coordinator' })).toMatchObject({
      status: 200,
      body: { user: { role: 'coordinator', centre: null } },
    });
    expect((await admin('PATCH', `/api/v1/users/${id}`, { disabled: true })).status).toBe(200);
    expect((await admin('PATCH', `/api/v1/users/${id}`, { disabled: false })).body).toMatchObject({
      user: { disabled: false },
    });
  });

  test('a password reset ends the user’s sessions and the new password works', async () => {
    const old = await login(t.url, 'officer.west');
    expect(
      (
        await admin('POST', `/api/v1/users/${ids.get('officer.west')}/password`, {
          password: 'a-brand-new-password',
        })
      ).status,
    ).toBe(204);
    expect((await api(t.url, old.accessToken)('GET', '/api/v1/auth/me')).status).toBe(401);
    await expect(login(t.url, 'officer.west', TEST_PASSWORD)).rejects.toThrow(/401/);
    expect((await login(t.url, 'officer.west', 'a-brand-new-password')).user.username).toBe('officer.west');
  });
});
