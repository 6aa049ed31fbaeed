import { count, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  canReadBoard,
  canSeePerformance,
  severities,
  type BoardCentre,
  type BoardSnapshot,
  type CentrePerformance,
  type Severity,
} from '@tansiq/shared';
import { rowsOf, type Database } from '../db/database.ts';
import type { CentresCache } from '../centres/centres.cache.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import type { AuthContext } from '../auth/auth.service.ts';
import { enforce } from '../access/access.ts';
import { committedHead } from '../events/events.service.ts';
import { alerts } from '../alerts/alerts.table.ts';
import { alertForReader } from '../alerts/alerts.mapper.ts';
import type { AlertsService } from '../alerts/alerts.service.ts';
import type { HandoversService } from '../handovers/handovers.service.ts';
import type { MeetingsService } from '../meetings/meetings.service.ts';
import { centrePresence } from '../presence/presence.table.ts';
import { briefs } from '../briefs/briefs.table.ts';
import { actionItems } from '../meetings/meetings.table.ts';

/** Open alerts on the wall's ticker (newest first). */
const TICKER_LIMIT = 40;
const BRIEF_LIMIT = 5;

const zeroes = () => Object.fromEntries(severities.map((s) => [s, 0])) as Record<Severity, number>;

/**
 * The wall board's picture (boards and coordinators): every figure is computed under the reader's
 * own claims, so a board counts only the CLEAR and GREEN alerts it may read; action items are
 * counted for every TLP (DESIGN: a board sees counts of action items).
 */
export class BoardService {
  constructor(
    private readonly database: Database,
    private readonly centres: CentresCache,
    private readonly alertsService: AlertsService,
    private readonly handovers: HandoversService,
    private readonly meetings: MeetingsService,
    private readonly failures: FailureAudit,
    /** The centres with a console connected to any hub process now. */
    private readonly connected: () => Promise<Set<string>>,
    private readonly timeZone: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async snapshot(auth: AuthContext, source: string | null): Promise<BoardSnapshot> {
    const p = auth.principal;
    await enforce(this.failures, auth, source, canReadBoard(p), 'board.read', { type: 'board' });
    const now = this.clock();
    // The head first: whatever the reads below miss was committed after it, and a wall that
    // resumes from it is sent that event and asks again.
    const head = await this.database.asUser(p, (tx) => committedHead(tx));
    const joint = this.centres.all.filter((c) => c.kind === 'joint');
    const [shifts, impact, online] = await Promise.all([
      this.handovers.shifts(auth),
      this.alertsService.impact(auth),
      this.connected(),
    ]);
    const actionCounts = await this.database.asSystem((tx) =>
      tx
        .select({
          centre: actionItems.centre,
          open: count(),
          overdue: sql<number>`count(*) filter (where ${actionItems.dueAt} <= ${now})`.mapWith(Number),
        })
        .from(actionItems)
        .where(eq(actionItems.status, 'open'))
        .groupBy(actionItems.centre),
    );
    const picture = await this.database.asUser(p, async (tx) => {
      const open = await tx
        .select({ centre: alerts.centre, severity: alerts.severity, n: count() })
        .from(alerts)
        .where(inArray(alerts.status, ['open', 'acknowledged']))
        .groupBy(alerts.centre, alerts.severity);
      // A recipient centre past its deadline: escalated (or due and not yet seen by the leader), not
      // acknowledged, the alert still open.
      const pastDeadline = await tx.execute(sql`
        select d.centre, count(distinct d.alert_id)::int as n
        from alert_deadlines d join alerts a on a.id = d.alert_id
        where a.status in ('open', 'acknowledged')
          and (d.escalated_at is not null or (d.settled_at is null and d.due_at <= ${now}))
          and not exists (select 1 from alert_acks k where k.alert_id = d.alert_id and k.centre = d.centre)
        group by d.centre`);
      const acks = await tx.execute(sql`
        select k.centre, count(*)::int as n,
          percentile_cont(0.5) within group (order by extract(epoch from k.at - a.created_at))::float8 as median
        from alert_acks k join alerts a on a.id = k.alert_id
        where k.at >= (date_trunc('day', ${now}::timestamptz at time zone ${this.timeZone}) at time zone ${this.timeZone})
        group by k.centre`);
      const ticker = await this.alertsService.openAlerts(tx, TICKER_LIMIT);
      const published = await tx
        .select({ id: briefs.id, title: briefs.title, tlp: briefs.tlp, publishedAt: briefs.publishedAt })
        .from(briefs)
        .where(eq(briefs.status, 'published'))
        .orderBy(desc(briefs.publishedAt))
        .limit(BRIEF_LIMIT);
      const presence = await tx.select().from(centrePresence);
      const meetings = await this.meetings.current(p, tx);
      return {
        open,
        pastDeadline: rowsOf<{ centre: string; n: number }>(pastDeadline),
        acks: rowsOf<{ centre: string; n: number; median: number | null }>(acks),
        ticker,
        published,
        presence,
        meetings,
      };
    });

    const centres: BoardCentre[] = joint.map((c) => {
      const openBy = zeroes();
      for (const r of picture.open.filter((r) => r.centre === c.code)) openBy[r.severity] = r.n;
      const ack = picture.acks.find((r) => r.centre === c.code);
      const acts = actionCounts.find((r) => r.centre === c.code);
      const shift = shifts.find((s) => s.centre === c.code);
      return {
        code: c.code,
        nameAr: c.nameAr,
        nameEn: c.nameEn,
        connected: online.has(c.code),
        silentSince: picture.presence.find((r) => r.centre === c.code)?.silentSince?.toISOString() ?? null,
        shift: {
          shift: shift?.shift ?? null,
          lastAccepted: shift?.lastAccepted ?? null,
          overdueShift: shift?.overdueShift ?? null,
        },
        alerts: {
          open: openBy,
          pastDeadline: Number(picture.pastDeadline.find((r) => r.centre === c.code)?.n ?? 0),
          acknowledgedToday: Number(ack?.n ?? 0),
          medianAckSecondsToday: ack?.median == null ? null : Math.round(Number(ack.median)),
        },
        actions: { open: Number(acts?.open ?? 0), overdue: Number(acts?.overdue ?? 0) },
      };
    });
    return {
      at: now.toISOString(),
      timeZone: this.timeZone,
      head,
      centres,
      alerts: picture.ticker.map((a) => alertForReader(p, a)),
      sectors: impact.sectors,
      briefs: picture.published.map((b) => ({
        id: b.id,
        title: b.title,
        tlp: b.tlp,
        publishedAt: b.publishedAt?.toISOString() ?? null,
      })),
      meetings: picture.meetings,
    };
  }

  /** Acknowledgement performance per joint centre over [from, to), from the alerts the reader may read. */
  async performance(
    auth: AuthContext,
    from: Date,
    to: Date,
    source: string | null,
  ): Promise<CentrePerformance[]> {
    await enforce(this.failures, auth, source, canSeePerformance(auth.principal), 'board.read', {
      type: 'performance',
    });
    type Row = {
      centre: string;
      addressed: number;
      delivered: number;
      acknowledged: number;
      median: number | null;
      p90: number | null;
      missed: number;
    };
    const rows = await this.database.asUser(auth.principal, async (tx) =>
      rowsOf<Row>(
        await tx.execute(sql`
          select r.centre,
            count(*)::int as addressed,
            count(dl.at)::int as delivered,
            count(k.at)::int as acknowledged,
            (percentile_cont(0.5) within group (order by extract(epoch from k.at - dl.at))
              filter (where k.at is not null and dl.at is not null))::float8 as median,
            (percentile_cont(0.9) within group (order by extract(epoch from k.at - dl.at))
              filter (where k.at is not null and dl.at is not null))::float8 as p90,
            count(*) filter (where dd.escalated_at is not null)::int as missed
          from alerts a
            cross join lateral unnest(a.recipients) as r(centre)
            left join alert_deliveries dl on dl.alert_id = a.id and dl.centre = r.centre
            left join alert_acks k on k.alert_id = a.id and k.centre = r.centre
            left join alert_deadlines dd on dd.alert_id = a.id and dd.centre = r.centre
          where a.created_at >= ${from} and a.created_at < ${to}
          group by r.centre`),
      ),
    );
    return this.centres.joint().map((centre) => {
      const r = rows.find((x) => x.centre === centre);
      const secs = (v: number | null | undefined) => (v == null ? null : Math.round(Number(v)));
      return {
        centre,
        addressed: Number(r?.addressed ?? 0),
        delivered: Number(r?.delivered ?? 0),
        acknowledged: Number(r?.acknowledged ?? 0),
        medianDeliveredToAckSeconds: secs(r?.median),
        p90DeliveredToAckSeconds: secs(r?.p90),
        missedDeadlines: Number(r?.missed ?? 0),
      };
    });
  }
}
