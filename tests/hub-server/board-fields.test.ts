import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Alert } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

let t: TestHub;
let id: string;
const boardFields = [
  'category',
  'centre',
  'createdAt',
  'crossing',
  'id',
  'location',
  'peopleTotal',
  'recipients',
  'severity',
  'status',
  'title',
  'tlp',
];

beforeAll(async () => {
  t = await startTestHub();
  await seedUsers(t.database);
  const east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
  const res = await east('POST', '/api/v1/alerts', {
    category: 'humanitarian',
    severity: 'low',
    title: 'قافلة إغاثة',
    description: 'internal detail a wall screen must not show',
    location: { lat: 30, lng: 20 },
    tlp: 'GREEN',
    recipients: ['WEST'],
  });
  id = (res.body as { alert: Alert }).alert.id;
});
afterAll(() => t.close());

test('a board reads CLEAR/GREEN alerts over REST with board fields only, as over the socket', async () => {
  const board = api(t.url, (await login(t.url, 'board')).accessToken);
  const list = (await board('GET', '/api/v1/alerts')).body as { alerts: Record<string, unknown>[] };
  expect(list.alerts).toHaveLength(1);
  expect(Object.keys(list.alerts[0]!).sort()).toEqual(boardFields);
  const detail = await board('GET', `/api/v1/alerts/${id}`);
  expect(detail.status).toBe(200);
  const body = detail.body as { alert: Record<string, unknown>; timeline: unknown[] };
  expect(Object.keys(body.alert).sort()).toEqual(boardFields);
  expect(body.timeline).toEqual([]);
});
