import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadDemoData, raiseDemoAlerts, schema } from '@tansiq/hub-server';
import type { Alert, BorderImpact } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api } from '../helpers/users.ts';

describe('demo alerts on a new database', () => {
  let t: TestHub;
  let passwords: Map<string, string>;

  beforeAll(async () => {
    t = await startTestHub();
    const accounts = await loadDemoData(t.database.db);
    passwords = new Map(accounts.map((a) => [a.username, a.password]));
    expect(await raiseDemoAlerts(t.hub.alerts, new Map(accounts.map((a) => [a.username, a])))).toBe(4);
  });
  afterAll(() => t.close());

  async function as(username: string) {
    const res = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: passwords.get(username) }),
    });
    return api(t.url, ((await res.json()) as { accessToken: string }).accessToken);
  }

  test('they go through the alert service: events, sectors, one acknowledged, sharing respected', async () => {
    expect(await t.database.db.$count(schema.events)).toBeGreaterThanOrEqual(5);
    const west = (await (await as('officer.west'))('GET', '/api/v1/alerts')).body as { alerts: Alert[] };
    expect(west.alerts.map((a) => a.sector).sort()).toEqual(['EGY_N', 'NER', 'TCD', 'TUN']);
    expect(west.alerts.filter((a) => a.status === 'acknowledged')).toHaveLength(1);
    // The RED incursion is for EAST and WEST only: the analyst does not see it.
    const analyst = (await (await as('analyst'))('GET', '/api/v1/alerts')).body as { alerts: Alert[] };
    expect(analyst.alerts.some((a) => a.tlp === 'RED')).toBe(false);
    const impact = (await (await as('officer.east'))('GET', '/api/v1/border/impact')).body as BorderImpact;
    expect(impact.sectors.find((s) => s.sector === 'TCD')?.level).toBe('high');
  });
});
