import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import type { HubEvent, ResumeReply } from '@tansiq/shared';
import { readEventsFor } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, connectSocket, login, seedUsers, testUsers } from '../helpers/users.ts';

/**
 * A resume from a point the log reader still holds in memory is answered from memory, with the
 * policy module alone; from further back, from the database under row-level security. Both give
 * every user exactly the same events.
 */
let t: TestHub;
let ids: Map<string, string>;
let from = 0;

beforeAll(async () => {
  t = await startTestHub();
  ids = await seedUsers(t.database);
  from = t.hub.tailer.head;
  const tokens = new Map<string, string>();
  for (const name of ['officer.east', 'officer.south', 'supervisor.west'])
    tokens.set(name, (await login(t.url, name)).accessToken);
  // Alerts of every TLP to different centres, from three centres.
  let i = 0;
  for (const [name, recipients] of [
    ['officer.east', ['WEST']],
    ['officer.south', ['EAST', 'WEST']],
    ['supervisor.west', ['SOUTH']],
  ] as const) {
    for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const) {
      const res = await api(t.url, tokens.get(name))('POST', '/api/v1/alerts', {
        category: 'smuggling',
        severity: 'low',
        title: `resume ${i++}`,
        location: { lat: 25, lng: 12 },
        tlp,
        recipients,
      });
      expect(res.status).toBe(201);
    }
  }
  await t.hub.tailer.poke();
});
afterAll(() => t.close());

async function resumeAll(url: string, token: string, after: number): Promise<HubEvent[]> {
  const socket = await connectSocket(url, token);
  const events: HubEvent[] = [];
  try {
    for (let cursor = after; ;) {
      const reply = (await socket
        .timeout(10_000)
        .emitWithAck('resume', { after: cursor, limit: 5 })) as ResumeReply;
      events.push(...reply.events);
      cursor = reply.head;
      if (!reply.more) return events;
    }
  } finally {
    socket.close();
  }
}

test('every role and centre: a resume from memory equals the database read, and reads nothing from the database', async () => {
  const head = t.hub.tailer.head;
  expect(head - from).toBeGreaterThanOrEqual(12);
  const asUser = vi.spyOn(t.database, 'asUser');
  try {
    for (const user of testUsers) {
      const { accessToken } = await login(t.url, user.username);
      asUser.mockClear();
      const fromMemory = await resumeAll(t.url, accessToken, from);
      // Pages of 5 still come from memory: no transaction as the user.
      expect(asUser, user.username).not.toHaveBeenCalled();
      const principal = { userId: ids.get(user.username)!, role: user.role, centre: user.centre };
      const fromDatabase = await readEventsFor(t.database, principal, from, 10_000, head, () => undefined);
      expect(fromMemory, user.username).toEqual(fromDatabase.events);
    }
  } finally {
    asUser.mockRestore();
  }
});

test('a resume from before what memory holds reads the database and gives the same events', async () => {
  // A second hub on the same database starts with nothing in memory.
  const second = await startTestHub({ database: t.database });
  try {
    const { accessToken } = await login(second.url, 'officer.west');
    const asUser = vi.spyOn(t.database, 'asUser');
    const fromDatabase = await resumeAll(second.url, accessToken, from);
    expect(asUser).toHaveBeenCalled();
    asUser.mockRestore();
    const fromMemory = await resumeAll(t.url, (await login(t.url, 'officer.west')).accessToken, from);
    expect(fromDatabase).toEqual(fromMemory);
    expect(fromDatabase.length).toBeGreaterThan(0);
  } finally {
    await second.close();
  }
});
