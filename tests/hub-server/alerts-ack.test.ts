import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Alert } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  await seedUsers(t.database);
});
afterAll(() => t.close());

test('an acknowledgement made before any console reported receipt also records the delivery', async () => {
  const east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
  const west = api(t.url, (await login(t.url, 'officer.west')).accessToken);
  const raised = await east('POST', '/api/v1/alerts', {
    category: 'weapons',
    severity: 'medium',
    title: 'سلاح',
    location: { lat: 30, lng: 20 },
    tlp: 'AMBER',
    recipients: ['WEST', 'SOUTH'],
  });
  const { id } = (raised.body as { alert: Alert }).alert;
  const acked = await west('POST', `/api/v1/alerts/${id}/ack`, {});
  expect(acked.status).toBe(200);
  const receipts = (acked.body as { alert: Alert }).alert.receipts;
  const w = receipts.find((r) => r.centre === 'WEST')!;
  expect(w.acknowledgedAt).not.toBeNull();
  expect(w.deliveredAt).toBe(w.acknowledgedAt);
  // SOUTH neither received nor acknowledged it.
  expect(receipts.find((r) => r.centre === 'SOUTH')).toMatchObject({
    deliveredAt: null,
    acknowledgedAt: null,
  });
});
