import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  loadDemoData,
  publishDemoBriefs,
  raiseDemoAlerts,
  raiseDemoHistory,
  recordDemoHandovers,
  scheduleDemoMeeting,
  schema,
  verifyHandoverChains,
} from '@tansiq/hub-server';
import type {
  ActionItem,
  Alert,
  BoardSnapshot,
  BorderImpact,
  BriefListItem,
  BriefReply,
  CentreShift,
  Handover,
  TrendReply,
} from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { api } from '../helpers/users.ts';

describe('demo alerts on a new database', () => {
  let t: TestHub;
  let passwords: Map<string, string>;
  let history = 0;

  beforeAll(async () => {
    t = await startTestHub();
    const accounts = await loadDemoData(t.database.db);
    passwords = new Map(accounts.map((a) => [a.username, a.password]));
    const users = new Map(accounts.map((a) => [a.username, a]));
    history = await raiseDemoHistory(t.hub.alerts, t.database, users);
    expect(await raiseDemoAlerts(t.hub.alerts, users)).toBe(4);
    expect(await recordDemoHandovers(t.hub.handovers, users)).toBe(1);
    expect(await publishDemoBriefs(t.hub.briefs, t.hub.alerts, users)).toBe(2);
    expect(await scheduleDemoMeeting(t.hub.meetings, users)).toBe(1);
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
    const today = west.alerts.filter((a) => a.status !== 'resolved');
    expect(today.map((a) => a.sector).sort()).toEqual(['EGY_N', 'NER', 'TCD', 'TUN']);
    expect(west.alerts.filter((a) => a.status === 'acknowledged')).toHaveLength(1);
    // The RED incursion is for EAST and WEST only: the analyst does not see it.
    const analyst = (await (await as('analyst'))('GET', '/api/v1/alerts')).body as { alerts: Alert[] };
    expect(analyst.alerts.some((a) => a.tlp === 'RED')).toBe(false);
    const impact = (await (await as('officer.east'))('GET', '/api/v1/border/impact')).body as BorderImpact;
    expect(impact.sectors.find((s) => s.sector === 'TCD')?.level).toBe('high');
  });

  test('tomorrow’s GREEN meeting: on the wall as a title, its action items counted, SOUTH sees its own', async () => {
    const board = (await (await as('board'))('GET', '/api/v1/board')).body as BoardSnapshot;
    expect(board.meetings.map((m) => m.title)).toEqual(['الاجتماع التنسيقي الإقليمي لأمن الحدود']);
    expect(board.centres.find((c) => c.code === 'SOUTH')?.actions).toEqual({ open: 1, overdue: 0 });
    const south = (await (await as('supervisor.south'))('GET', '/api/v1/actions?centre=SOUTH')).body as {
      actions: ActionItem[];
    };
    expect(south.actions.map((a) => a.title)).toEqual(['تسيير ثلاث دوريات مشتركة قرب التوم']);
  });

  test('twelve weeks of closed alerts before today give the trends something to show', async () => {
    expect(history).toBeGreaterThanOrEqual(24);
    const trend = (await (await as('analyst'))('GET', '/api/v1/trends?by=crossing&period=week'))
      .body as TrendReply;
    const weeks = new Set(trend.rows.map((r) => r.period));
    expect(weeks.size).toBeGreaterThanOrEqual(12);
    expect(trend.rows.reduce((n, r) => n + r.alerts, 0)).toBe(history + 3); // today's RED one is not the analyst's
    expect(trend.rows.some((r) => r.people.total > 0)).toBe(true);
    const closed = (await (await as('officer.west'))('GET', '/api/v1/alerts?status=resolved')).body as {
      alerts: Alert[];
    };
    expect(closed.alerts).toHaveLength(history);
    expect(closed.alerts.every((a) => Date.parse(a.createdAt) < Date.now() - 6 * 86_400_000)).toBe(true);
  });

  test('EAST’s last shift is handed over and sealed; the next draft carries its flagged items and task', async () => {
    expect(await verifyHandoverChains(t.database)).toMatchObject({
      ok: true,
      centres: [{ centre: 'EAST', links: 1 }],
    });
    const coordinator = await as('coordinator');
    const shifts = ((await coordinator('GET', '/api/v1/handovers/shifts')).body as { shifts: CentreShift[] })
      .shifts;
    expect(shifts.find((s) => s.centre === 'EAST')?.lastAccepted?.acceptedBy).toBe(
      'مشرف المناوبة البديل — الشرق',
    );
    const draft = (
      (await (await as('supervisor.east'))('POST', '/api/v1/handovers', {})).body as { handover: Handover }
    ).handover;
    expect(draft.carried.map((c) => c.kind).sort()).toEqual(['event', 'resource', 'task']);
  });

  test('the studies archive starts with a published brief citing a demo alert, and one in the review queue', async () => {
    const south = await as('officer.south');
    const list = (await south('GET', '/api/v1/briefs')).body as { briefs: BriefListItem[] };
    expect(list.briefs.map((b) => b.title)).toEqual([
      'الهجرة غير النظامية عبر الحدود مع النيجر: تقدير أسبوعي',
    ]);
    const reply = (await south('GET', `/api/v1/briefs/${list.briefs[0]!.id}`)).body as BriefReply;
    expect(reply.alerts.map((a) => a.category)).toEqual(['irregular_migration']);
    expect(reply.brief.reviewer?.name).toBe('محلل مراجع — مركز الدراسات');
    // Waiting for the analyst who did not write it; no reader sees it.
    const queue = (await (await as('analyst'))('GET', '/api/v1/briefs?status=in_review')).body as {
      briefs: BriefListItem[];
    };
    expect(queue.briefs.map((b) => b.language)).toEqual(['en']);
    expect(
      ((await (await as('officer.west'))('GET', '/api/v1/briefs?status=in_review')).body as { total: number })
        .total,
    ).toBe(0);
  });
});
