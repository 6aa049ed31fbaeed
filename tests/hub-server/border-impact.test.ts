import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Alert, BorderImpact, CreateAlert } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api, login, seedUsers } from '../helpers/users.ts';

const body = (over: Partial<CreateAlert>): CreateAlert => ({
  category: 'smuggling',
  severity: 'high',
  title: 'تهريب',
  location: { lat: 27, lng: 17 },
  tlp: 'AMBER',
  recipients: ['WEST'],
  ...over,
});

describe('border sectors: an alert’s sector and each sector’s impact level', () => {
  let t: TestHub;
  const as = new Map<string, ReturnType<typeof api>>();

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    for (const name of ['officer.east', 'supervisor.east', 'officer.west', 'officer.south', 'board', 'admin'])
      as.set(name, api(t.url, (await login(t.url, name)).accessToken));
  });
  afterAll(() => t.close());

  async function raise(over: Partial<CreateAlert>): Promise<Alert> {
    const res = await as.get('officer.east')!('POST', '/api/v1/alerts', body(over));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { alert: Alert }).alert;
  }
  async function impact(
    name: string,
  ): Promise<Record<string, { level: string; score: number; open: number }>> {
    const res = await as.get(name)!('GET', '/api/v1/border/impact');
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body as BorderImpact).sectors.map((s) => [s.sector, s]));
  }

  test('the hub sets the sector from the crossing, else from the nearest border line, else none', async () => {
    expect((await raise({ crossing: 'EMSAED', location: { lat: 31.58, lng: 25.05 } })).sector).toBe('EGY_N');
    expect((await raise({ location: { lat: 33.0, lng: 11.4 } })).sector).toBe('TUN');
    expect((await raise({ location: { lat: 27, lng: 17 } })).sector).toBeNull();
    expect((await raise({ sector: 'NER', location: { lat: 27, lng: 17 } })).sector).toBe('NER');
  });

  test('an unknown crossing or sector is refused and creates nothing', async () => {
    const before = (await as.get('officer.east')!('GET', '/api/v1/alerts')).body as { alerts: unknown[] };
    for (const bad of [{ crossing: 'Emsaed' }, { sector: 'MARS' }]) {
      const res = await as.get('officer.east')!('POST', '/api/v1/alerts', body(bad as Partial<CreateAlert>));
      expect(res.status).toBe(400);
      expect((res.body as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    const after = (await as.get('officer.east')!('GET', '/api/v1/alerts')).body as { alerts: unknown[] };
    expect(after.alerts.length).toBe(before.alerts.length);
  });

  test('levels follow the open alerts each caller may read, and closing an alert lowers its sector', async () => {
    // Two high alerts on the Tunisian border (AMBER to WEST): 8 points, high for EAST and WEST.
    const secret = await raise({ severity: 'critical', tlp: 'RED', recipients: ['WEST'], sector: 'TCD' });
    await raise({ severity: 'high', location: { lat: 32.5, lng: 11.3 } });
    const east = await impact('officer.east');
    expect(east.TUN).toMatchObject({ level: 'high', score: 8, open: 2 });
    expect(east.EGY_N).toMatchObject({ level: 'medium', score: 4, open: 1 });
    expect(east.TCD).toMatchObject({ level: 'high', score: 8, open: 1 });
    expect(east.SDN).toMatchObject({ level: 'low', score: 0, open: 0 });
    expect((await impact('officer.west')).TCD!.level).toBe('high');
    // SOUTH may not read these alerts, so they weigh nothing there; nor for a board (AMBER/RED).
    for (const name of ['officer.south', 'board', 'admin']) {
      const view = await impact(name);
      expect(
        Object.values(view).every((s) => s.open === 0 && s.level === 'low'),
        name,
      ).toBe(true);
    }
    const closed = await as.get('supervisor.east')!('POST', `/api/v1/alerts/${secret.id}/resolve`, {});
    expect(closed.status).toBe(200);
    expect((await impact('officer.west')).TCD).toMatchObject({ level: 'low', open: 0 });
  });

  test('without a token the impact route answers 401', async () => {
    expect((await api(t.url)('GET', '/api/v1/border/impact')).status).toBe(401);
  });
});
