import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Alert } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, connectSocket, login, seedUsers } from '../helpers/users.ts';

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

test('a fresh socket cannot claim receipt of what it was never sent; a snapshot the hub sent counts as delivered', async () => {
  const east = api(t.url, (await login(t.url, 'officer.east')).accessToken);
  const raised = await east('POST', '/api/v1/alerts', {
    category: 'trafficking',
    severity: 'low',
    title: 'never sent to this socket',
    location: { lat: 30, lng: 20 },
    tlp: 'AMBER',
    recipients: ['SOUTH'],
  });
  const { id } = (raised.body as { alert: Alert }).alert;
  const southToken = (await login(t.url, 'officer.south')).accessToken;
  const deliveredToSouth = async () =>
    ((await east('GET', `/api/v1/alerts/${id}`)).body as { alert: Alert }).alert.receipts.find(
      (r) => r.centre === 'SOUTH',
    )?.deliveredAt ?? null;

  // Before any resume, and after a resume that starts past it, a receipt of everything records nothing.
  const socket = await connectSocket(t.url, southToken);
  try {
    expect(await socket.emitWithAck('receipt', { seq: 1_000_000 })).toEqual({ ok: true });
    const reply = (await socket.emitWithAck('resume', { after: 1_000_000 })) as { head: number };
    expect(reply.head).toBeGreaterThan(0);
    expect(await socket.emitWithAck('receipt', { seq: 1_000_000 })).toEqual({ ok: true });
    expect(await deliveredToSouth()).toBeNull();
  } finally {
    socket.close();
  }

  // A console that starts from the snapshot has been sent the alert.
  const snapshot = await api(t.url, southToken)('GET', '/api/v1/alerts/snapshot');
  expect((snapshot.body as { alerts: Alert[] }).alerts.map((a) => a.id)).toContain(id);
  expect(await deliveredToSouth()).toEqual(expect.any(String));
});
