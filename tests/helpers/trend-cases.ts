import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { DateTime } from 'luxon';
import { parse } from 'csv-parse/sync';
import {
  peopleColumns,
  trendDimensions,
  type Alert,
  type People,
  type TrendReply,
  type TrendRow,
} from '@tansiq/shared';
import { designMaySeeAlert } from './access-model.ts';
import { api, login, testUsers, type TestUser } from './users.ts';

const TIME_ZONE = 'Africa/Tripoli';

/** A stored alert as the test reads it behind the hub (the owner sees every row). */
export interface StoredAlert {
  id: string;
  centre: string;
  category: string;
  sector: string | null;
  crossing: string | null;
  tlp: 'CLEAR' | 'GREEN' | 'AMBER' | 'RED';
  recipients: string[];
  people: People | null;
  createdAt: Date;
}

/** Two more persons than the breakdowns tell (not counted by sex or age yet). */
const people = (women: number, men: number, children: number): People => ({
  total: women + men + 2,
  women,
  men,
  sexUnknown: 0,
  children,
  adults: women + men - children,
  ageUnknown: 0,
  unaccompaniedChildren: Math.min(1, children),
  injured: 1,
  deceased: 0,
  withDisabilities: 1,
  needMedicalCare: 2,
});

/**
 * Alerts from every joint centre in every sharing case (RED to another centre among them), some
 * with people, some acknowledged — through the API, as officers raise them.
 */
export async function seedTrendAlerts(url: string): Promise<void> {
  const cases: Array<{
    from: string;
    tlp: string;
    recipients: string[];
    category: string;
    crossing?: string;
  }> = [
    { from: 'EAST', tlp: 'GREEN', recipients: ['WEST'], category: 'irregular_migration', crossing: 'EMSAED' },
    { from: 'EAST', tlp: 'RED', recipients: ['WEST'], category: 'irregular_migration', crossing: 'EMSAED' },
    { from: 'EAST', tlp: 'AMBER', recipients: ['SOUTH'], category: 'trafficking' },
    { from: 'WEST', tlp: 'CLEAR', recipients: [], category: 'humanitarian', crossing: 'RAS_AJDIR' },
    { from: 'WEST', tlp: 'RED', recipients: ['STUDIES'], category: 'terrorism' },
    {
      from: 'SOUTH',
      tlp: 'AMBER',
      recipients: ['EAST', 'WEST'],
      category: 'irregular_migration',
      crossing: 'TUMMO',
    },
    { from: 'SOUTH', tlp: 'RED', recipients: ['EAST'], category: 'trafficking', crossing: 'TUMMO' },
    { from: 'SOUTH', tlp: 'GREEN', recipients: ['EAST'], category: 'smuggling' },
  ];
  const officers = new Map<string, ReturnType<typeof api>>();
  for (const c of ['EAST', 'WEST', 'SOUTH'])
    officers.set(c, api(url, (await login(url, `officer.${c.toLowerCase()}`)).accessToken));
  let i = 0;
  for (const c of cases) {
    i++;
    const res = await officers.get(c.from)!('POST', '/api/v1/alerts', {
      id: randomUUID(),
      category: c.category,
      severity: 'medium',
      title: `trend ${i}`,
      location: { lat: 25 + i / 10, lng: 15 },
      ...(c.crossing ? { crossing: c.crossing } : {}),
      tlp: c.tlp,
      recipients: c.recipients,
      ...(i % 2 === 1 ? { people: people(i, i + 1, 1) } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const alert = (res.body as { alert: Alert }).alert;
    // The first joint recipient acknowledges every other alert.
    const ack = alert.recipients.find((r) => r !== 'STUDIES');
    if (ack && i % 2 === 0)
      expect((await officers.get(ack)!('POST', `/api/v1/alerts/${alert.id}/ack`, {})).status).toBe(200);
  }
}

/** The period an instant falls in, as the hub names it (its first day in the hub's zone). */
export const periodOf = (at: Date, period: 'week' | 'month') =>
  DateTime.fromJSDate(at, { zone: TIME_ZONE })
    .startOf(period === 'week' ? 'week' : 'month')
    .toFormat(period === 'week' ? 'yyyy-MM-dd' : 'yyyy-MM');

/** The trend rows DESIGN's table lets `u` see, computed here from every stored alert. */
export function expectedTrend(
  u: TestUser,
  all: StoredAlert[],
  by: (typeof trendDimensions)[number],
  period: 'week' | 'month',
): TrendRow[] {
  const rows = new Map<string, TrendRow>();
  for (const a of all.filter((x) => designMaySeeAlert(u, x))) {
    const key =
      by === 'category'
        ? a.category
        : by === 'centre'
          ? a.centre
          : by === 'sector'
            ? (a.sector ?? 'none')
            : (a.crossing ?? 'none');
    const p = periodOf(a.createdAt, period);
    const id = `${p}|${key}`;
    let row = rows.get(id);
    if (!row)
      rows.set(
        id,
        (row = {
          period: p,
          key,
          alerts: 0,
          withPeople: 0,
          people: Object.fromEntries(peopleColumns.map((f) => [f, 0])) as TrendRow['people'],
        }),
      );
    row.alerts++;
    if (a.people) {
      row.withPeople++;
      for (const f of peopleColumns) row.people[f] += a.people[f];
    }
  }
  return [...rows.values()].sort((x, y) =>
    `${x.period}|${x.key}`.localeCompare(`${y.period}|${y.key}`, 'en'),
  );
}

/**
 * Every role and centre asks for every trend: analysts and coordinators get exactly the counts of
 * the alerts they may read (so no RED alert of another centre is ever counted), everyone else 403.
 */
export async function checkTrendsForEveryone(url: string, all: StoredAlert[]): Promise<number> {
  let checks = 0;
  for (const u of testUsers) {
    const call = api(url, (await login(url, u.username)).accessToken);
    for (const by of trendDimensions)
      for (const period of ['week', 'month'] as const) {
        const res = await call('GET', `/api/v1/trends?by=${by}&period=${period}`);
        checks++;
        if (u.role !== 'analyst' && u.role !== 'coordinator') {
          expect(res.status, `${u.username} ${by}`).toBe(403);
          continue;
        }
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const rows = (res.body as TrendReply).rows;
        const sorted = [...rows].sort((x, y) =>
          `${x.period}|${x.key}`.localeCompare(`${y.period}|${y.key}`, 'en'),
        );
        expect(sorted, `${u.username} by ${by} per ${period}`).toEqual(expectedTrend(u, all, by, period));
      }
  }
  return checks;
}

/** Parses an export as a spreadsheet would: UTF-8 starting with its byte-order mark, a header row. */
export async function parseCsv(res: Response): Promise<Array<Record<string, string>>> {
  return parseCsvBytes(Buffer.from(await res.arrayBuffer()));
}

/** A CSV file as the hub writes it: starts with the UTF-8 byte-order mark, then a header row. */
export function parseCsvBytes(bytes: Buffer): Array<Record<string, string>> {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(bytes, { bom: true, columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
}
