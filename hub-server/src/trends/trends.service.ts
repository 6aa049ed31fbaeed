import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import {
  canSeeTrends,
  peopleColumns,
  type AckTrendRow,
  type Alert,
  type AlertExportQuery,
  type TrendQuery,
  type TrendReply,
  type TrendRow,
} from '@tansiq/shared';
import type { AppTx, Database } from '../db/database.ts';
import { errors } from '../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import type { AuthContext } from '../auth/auth.service.ts';
import { actorOf } from '../access/user-change.ts';
import { alertColumns, alerts } from '../alerts/alerts.table.ts';
import { alertAcks } from '../alerts/alert-activity.table.ts';
import { toAlert } from '../alerts/alerts.mapper.ts';

/** The most alerts one export holds (newest dropped first is never silent: the count is in the audit). */
export const EXPORT_LIMIT = 50_000;

const KEY: Record<TrendQuery['by'], SQL> = {
  category: sql`${alerts.category}`,
  centre: sql`${alerts.centre}`,
  sector: sql`coalesce(${alerts.sector}, 'none')`,
  crossing: sql`coalesce(${alerts.crossing}, 'none')`,
};
const PERIOD_FORMAT: Record<TrendQuery['period'], string> = { week: 'YYYY-MM-DD', month: 'YYYY-MM' };

type Rows<T> = { rows: T[] };

/**
 * Trends and exports for analysts and coordinators, computed by PostgreSQL inside the caller's own
 * transaction: row-level security decides what is counted, so a trend never counts an alert the
 * caller could not open. Periods are cut in the hub's time zone (TANSIQ_TIMEZONE).
 */
export class TrendsService {
  constructor(
    private readonly database: Database,
    private readonly failures: FailureAudit,
    readonly timeZone: string,
  ) {}

  private async gate(auth: AuthContext, source: string | null, action: string): Promise<void> {
    if (canSeeTrends(auth.principal)) return;
    await this.failures.record(actorOf(auth, source), { action, outcome: 'refused', targetType: 'trends' });
    throw errors.forbidden();
  }

  /** The filters on alerts (the one place they are written, for trends and exports alike). */
  private filters(q: AlertExportQuery): SQL | undefined {
    return and(
      q.from ? gte(alerts.createdAt, new Date(q.from)) : undefined,
      q.to ? lte(alerts.createdAt, new Date(q.to)) : undefined,
      q.status ? eq(alerts.status, q.status) : undefined,
      q.severity ? eq(alerts.severity, q.severity) : undefined,
      q.category ? eq(alerts.category, q.category) : undefined,
      q.centre ? eq(alerts.centre, q.centre) : undefined,
    );
  }

  private period(q: TrendQuery, column: SQL): SQL {
    return sql`to_char(date_trunc(${q.period}, ${column} at time zone ${this.timeZone}), ${PERIOD_FORMAT[q.period]})`;
  }

  async trends(auth: AuthContext, q: TrendQuery, source: string | null): Promise<TrendReply> {
    await this.gate(auth, source, 'trends.read');
    return this.database.asUser(auth.principal, async (tx) => ({
      by: q.by,
      period: q.period,
      timeZone: this.timeZone,
      rows: await this.counts(tx, q),
      acknowledgement: await this.acknowledgement(tx, q),
    }));
  }

  private async counts(tx: AppTx, q: TrendQuery): Promise<TrendRow[]> {
    const sums = sql.join(
      peopleColumns.map(
        (f) => sql`coalesce(sum((${alerts.people} ->> ${f})::int), 0)::int as ${sql.identifier(f)}`,
      ),
      sql`, `,
    );
    const period = this.period(q, sql`${alerts.createdAt}`);
    const result = (await tx.execute(
      sql`select ${period} as period, ${KEY[q.by]} as key, count(*)::int as alerts,
                 count(${alerts.people})::int as "withPeople", ${sums}
          from ${alerts} where ${this.filters(q) ?? sql`true`}
          group by 1, 2 order by 1, 2`,
    )) as unknown as Rows<Record<string, string | number>>;
    return result.rows.map((r) => ({
      period: String(r.period),
      key: String(r.key),
      alerts: Number(r.alerts),
      withPeople: Number(r.withPeople),
      people: Object.fromEntries(peopleColumns.map((f) => [f, Number(r[f])])) as TrendRow['people'],
    }));
  }

  /** Per acknowledging centre and period of the alert's creation: how many, median and 90th percentile. */
  private async acknowledgement(tx: AppTx, q: TrendQuery): Promise<AckTrendRow[]> {
    const period = this.period(q, sql`${alerts.createdAt}`);
    const seconds = sql`extract(epoch from (${alertAcks.at} - ${alerts.createdAt}))`;
    const result = (await tx.execute(
      sql`select ${period} as period, ${alertAcks.centre} as centre, count(*)::int as acknowledged,
                 percentile_cont(0.5) within group (order by ${seconds}) as median,
                 percentile_cont(0.9) within group (order by ${seconds}) as p90
          from ${alertAcks} join ${alerts} on ${alerts.id} = ${alertAcks.alertId}
          where ${this.filters(q) ?? sql`true`}
          group by 1, 2 order by 1, 2`,
    )) as unknown as Rows<{
      period: string;
      centre: string;
      acknowledged: number;
      median: unknown;
      p90: unknown;
    }>;
    const seconds_ = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
    return result.rows.map((r) => ({
      period: String(r.period),
      centre: String(r.centre),
      acknowledged: Number(r.acknowledged),
      medianSeconds: seconds_(r.median),
      p90Seconds: seconds_(r.p90),
    }));
  }

  /** The alerts an export holds: what the caller may read that matches, oldest first. */
  async alertsForExport(
    auth: AuthContext,
    q: AlertExportQuery,
    format: 'csv' | 'json',
    source: string | null,
  ): Promise<Alert[]> {
    await this.gate(auth, source, 'export.alerts');
    return this.database.asUser(auth.principal, async (tx) => {
      const rows = await tx
        .select(alertColumns)
        .from(alerts)
        .where(this.filters(q))
        .orderBy(asc(alerts.createdAt), asc(alerts.id))
        .limit(EXPORT_LIMIT);
      await recordAudit(tx, actorOf(auth, source), {
        action: 'export.alerts',
        outcome: 'ok',
        targetType: 'alerts',
        details: { format, filter: q, rows: rows.length },
      });
      return rows.map((r) => toAlert(r, []));
    });
  }

  /** A trend table for export, audited with its filter. */
  async trendsForExport(
    auth: AuthContext,
    q: TrendQuery,
    format: 'csv' | 'json',
    source: string | null,
  ): Promise<TrendRow[] | AckTrendRow[]> {
    await this.gate(auth, source, 'export.trends');
    return this.database.asUser(auth.principal, async (tx) => {
      const rows =
        q.table === 'acknowledgement' ? await this.acknowledgement(tx, q) : await this.counts(tx, q);
      await recordAudit(tx, actorOf(auth, source), {
        action: 'export.trends',
        outcome: 'ok',
        targetType: 'trends',
        details: { format, filter: q, rows: rows.length },
      });
      return rows;
    });
  }
}
