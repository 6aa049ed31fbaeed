import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Alert, TrendReply } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { selectRows } from '../helpers/db.ts';
import { login, seedUsers } from '../helpers/users.ts';
import { caller } from '../helpers/handovers.ts';
import {
  checkTrendsForEveryone,
  parseCsv,
  seedTrendAlerts,
  type StoredAlert,
} from '../helpers/trend-cases.ts';

/** Every alert as stored, read behind the hub (PGlite's own connection is the owner). */
async function stored(t: TestHub): Promise<StoredAlert[]> {
  const rows = await selectRows<StoredAlert & { created_at: string }>(
    t.database,
    sql`select id, centre, category, sector, crossing, tlp, recipients, people, created_at from alerts`,
  );
  return rows.map((r) => ({ ...r, createdAt: new Date(r.created_at) }));
}

describe('trends and exports on PGlite', () => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    await seedTrendAlerts(t.url);
  });
  afterAll(() => t?.close());

  test('every role and centre: trends count exactly the alerts each may read, or are refused', async () => {
    expect(await checkTrendsForEveryone(t.url, await stored(t))).toBe(10 * 4 * 2);
  });

  test('time to acknowledge per centre counts the acknowledgements of alerts the caller may read', async () => {
    const reply = (await (await caller(t.url, 'coordinator'))('GET', '/api/v1/trends?by=centre'))
      .body as TrendReply;
    const acks = await selectRows<{ centre: string; tlp: string; n: number }>(
      t.database,
      sql`select k.centre, a.tlp, count(*)::int as n from alert_acks k join alerts a on a.id = k.alert_id group by 1, 2`,
    );
    // A coordinator reads everything but RED.
    const expected = new Map<string, number>();
    for (const a of acks.filter((x) => x.tlp !== 'RED'))
      expected.set(a.centre, (expected.get(a.centre) ?? 0) + a.n);
    expect(Object.fromEntries(reply.acknowledgement.map((r) => [r.centre, r.acknowledged]))).toEqual(
      Object.fromEntries(expected),
    );
    for (const r of reply.acknowledgement) expect(r.medianSeconds).toBeGreaterThanOrEqual(0);
  });

  test('the alerts CSV round-trips Arabic, commas, quotes and newlines; one row per readable alert; audited', async () => {
    const east = await caller(t.url, 'officer.east');
    const title = 'تهريب، "قافلة" وقود, قرب امساعد';
    const description = 'سطر أول\nسطر ثانٍ, مع "اقتباس"';
    const raised = await east('POST', '/api/v1/alerts', {
      category: 'smuggling',
      severity: 'low',
      title,
      description,
      location: { lat: 31.5, lng: 25.1 },
      tlp: 'GREEN',
      recipients: [],
      people: { men: 3, adults: 3 },
    });
    const alert = (raised.body as { alert: Alert }).alert;
    const formula = await east('POST', '/api/v1/alerts', {
      category: 'other',
      severity: 'low',
      title: '=HYPERLINK("http://x.example")',
      location: { lat: 31.5, lng: 25.1 },
      tlp: 'GREEN',
      recipients: [],
    });
    expect(formula.status).toBe(201);
    const token = (await login(t.url, 'analyst')).accessToken;
    const res = await fetch(`${t.url}/api/v1/alerts/export.csv?category=smuggling`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = await parseCsv(res);
    const mine = rows.find((r) => r.id === alert.id)!;
    expect(mine).toMatchObject({ title, description, centre: 'EAST', men: '3', adults: '3', women: '0' });
    expect(new Date(mine.createdAt!).toISOString()).toBe(mine.createdAt);
    const readable = (await stored(t)).filter((a) => a.category === 'smuggling' && a.tlp !== 'RED');
    expect(rows.map((r) => r.id).sort()).toEqual(readable.map((a) => a.id).sort());
    // A cell a spreadsheet would run is made inert.
    const all = await parseCsv(
      await fetch(`${t.url}/api/v1/alerts/export.csv?category=other`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(all.find((r) => r.title!.includes('HYPERLINK'))!.title).toBe(`'=HYPERLINK("http://x.example")`);
    const audit = await selectRows<{
      action: string;
      details: { format: string; filter: object; rows: number };
    }>(t.database, sql`select action, details from audit_log where action = 'export.alerts' order by seq`);
    expect(audit[0]).toEqual({
      action: 'export.alerts',
      details: { format: 'csv', filter: { category: 'smuggling' }, rows: rows.length },
    });
  });

  test('the trend tables export as CSV and JSON with the same numbers; refused to officers, boards, admins', async () => {
    const token = (await login(t.url, 'coordinator')).accessToken;
    const get = (path: string, tk = token) =>
      fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${tk}` } });
    const json = (await (
      await get('/api/v1/trends/export.json?by=sector&period=month')
    ).json()) as TrendReply;
    const csv = await parseCsv(await get('/api/v1/trends/export.csv?by=sector&period=month'));
    expect(csv.map((r) => [r.period, r.key, Number(r.alerts), Number(r.women)])).toEqual(
      json.rows.map((r) => [r.period, r.key, r.alerts, r.people.women]),
    );
    const ack = await parseCsv(await get('/api/v1/trends/export.csv?table=acknowledgement'));
    expect(Object.keys(ack[0]!)).toEqual(['period', 'centre', 'acknowledged', 'medianSeconds', 'p90Seconds']);
    for (const who of ['officer.east', 'supervisor.south', 'board', 'admin']) {
      const tk = (await login(t.url, who)).accessToken;
      for (const path of [
        '/api/v1/trends',
        '/api/v1/trends/export.csv',
        '/api/v1/alerts/export.csv',
        '/api/v1/alerts/export.json',
      ])
        expect((await get(path, tk)).status, `${who} ${path}`).toBe(403);
    }
    expect((await get('/api/v1/trends?by=colour')).status).toBe(400);
    // Filters: a range after every alert counts nothing; one around them counts them all.
    const future = (await (await get('/api/v1/trends?from=2199-01-01T00:00:00Z')).json()) as TrendReply;
    expect(future).toMatchObject({ rows: [], acknowledgement: [] });
    const around = (await (
      await get(`/api/v1/trends?from=2000-01-01T00:00:00Z&to=2199-01-01T00:00:00Z&category=trafficking`)
    ).json()) as TrendReply;
    expect(around.rows.every((r) => r.key === 'trafficking')).toBe(true);
    expect(around.rows.reduce((n, r) => n + r.alerts, 0)).toBe(1); // the AMBER one (the RED one is not the coordinator's)
    expect((await get('/api/v1/alerts/export.csv?from=0000-01-01T00:00:00Z')).status).toBe(400);
  });
});
