import { createHash, randomUUID } from 'node:crypto';
import { and, count, desc, eq, gte, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import {
  canAcknowledgeAlert,
  canEscalateAlert,
  canRaiseAlert,
  canReopenAlert,
  canResolveAlert,
  canReadEvent,
  canSetAlertPeople,
  canUpdateAlert,
  crossingById,
  impactLevelOf,
  impactWeight,
  sectorForPoint,
  sectorIds,
  type Alert,
  type AlertUpdate,
  type BorderImpact,
  type SectorId,
  type CreateAlert,
  type Principal,
  type Severity,
} from '@tansiq/shared';
import type { z } from 'zod';
import type { alertListQuerySchema, timelineEntrySchema } from '@tansiq/shared';
import type { AppTx, Database } from '../db/database.ts';
import { errors, Refusal } from '../http/errors.ts';
import { actorOf, userChange } from '../access/user-change.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import type { AuthContext } from '../auth/auth.service.ts';
import type { CentresCache } from '../centres/centres.cache.ts';
import { alertEvent, appendEvent, committedHead } from '../events/events.service.ts';
import { centrePresence } from '../presence/presence.table.ts';
import { users } from '../users/users.table.ts';
import { alertColumns, alerts } from './alerts.table.ts';
import { alertAcks, alertDeadlines, alertDeliveries, alertUpdates } from './alert-activity.table.ts';
import { toAlert, type Receipt } from './alerts.mapper.ts';

type ListQuery = z.infer<typeof alertListQuerySchema>;
type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type AckDeadlines = Partial<Record<Severity, number>>;

/**
 * Text as the database keeps it: the driver sends UTF-8, in which a lone surrogate becomes U+FFFD.
 * The answer to a create is built from what was sent, so it must be what was stored.
 */
const asStored = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

/** The most alerts a snapshot holds. */
export const SNAPSHOT_LIMIT = 1000;

/** Reads an alert as the transaction's user sees it (row-level security applies), with its receipts. */
export async function loadAlert(tx: AppTx, id: string): Promise<Alert | null> {
  const [row] = await tx.select(alertColumns).from(alerts).where(eq(alerts.id, id));
  if (!row) return null;
  return toAlert(row, await receiptsOf(tx, [id]).then((m) => m.get(id) ?? []));
}

async function receiptsOf(tx: AppTx, ids: string[]): Promise<Map<string, Receipt[]>> {
  const out = new Map<string, Receipt[]>();
  if (ids.length === 0) return out;
  const [acks, deliveries] = await Promise.all([
    tx.select().from(alertAcks).where(inArray(alertAcks.alertId, ids)),
    tx.select().from(alertDeliveries).where(inArray(alertDeliveries.alertId, ids)),
  ]);
  const entry = (alertId: string, centre: string) => {
    const list = out.get(alertId) ?? [];
    out.set(alertId, list);
    let r = list.find((x) => x.centre === centre);
    if (!r) list.push((r = { centre, deliveredAt: null, acknowledgedAt: null }));
    return r;
  };
  for (const d of deliveries) entry(d.alertId, d.centre).deliveredAt = d.at;
  for (const a of acks) entry(a.alertId, a.centre).acknowledgedAt = a.at;
  return out;
}

/** The sector named, else the crossing's, else the border line within reach of the point. */
function sectorOf(input: CreateAlert): SectorId | null {
  if (input.crossing) return crossingById(input.crossing)?.sector ?? null;
  return sectorForPoint(input.location);
}

function requestHash(input: CreateAlert, recipients: string[]): string {
  const canonical = JSON.stringify([
    input.category,
    input.severity,
    input.title.trim(),
    input.description?.trim() ?? '',
    input.location.lat,
    input.location.lng,
    input.crossing ?? null,
    input.sector ?? null,
    input.observedAt ? new Date(input.observedAt).toISOString() : null,
    input.tlp,
    recipients,
    input.people ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Alerts: every change is one transaction holding the row change, its timeline entry, its audit
 * record and its event. REST routes and socket handlers both call these methods.
 */
export class AlertsService {
  constructor(
    readonly database: Database,
    private readonly centres: CentresCache,
    private readonly deadlines: AckDeadlines,
    /** Called after every commit that appended events (the tailer delivers them). */
    readonly failures: FailureAudit,
    /** How long after closing the origin's supervisor may reopen an alert (TANSIQ_REOPEN_WINDOW_MINUTES). */
    private readonly reopenWindowMinutes = 1440,
  ) {}

  private change<T>(
    auth: AuthContext,
    source: string | null,
    fn: (tx: AppTx, p: Principal) => Promise<T>,
  ): Promise<T> {
    return userChange(this, auth, source, fn);
  }

  private actor(auth: AuthContext, source: string | null) {
    return actorOf(auth, source);
  }

  /** Creates an alert at the caller's centre; the same id and body again returns the same alert. */
  async create(
    auth: AuthContext,
    input: CreateAlert,
    source: string | null,
  ): Promise<{ alert: Alert; created: boolean }> {
    const p = auth.principal;
    const id = input.id ?? randomUUID();
    const recipients = [...new Set(input.recipients)].filter((c) => c !== p.centre).sort();
    const unknown = recipients.filter((c) => this.centres.kindOf(c) === null);
    if (unknown.length > 0)
      throw errors.badRequest(`unknown recipient centre ${unknown.join(', ')}`, { field: 'recipients' });
    const hash = requestHash(input, recipients);
    return this.change(auth, source, async (tx) => {
      if (!canRaiseAlert(p)) throw new Refusal('alert.create', { type: 'alert', id });
      const values = {
        id,
        centre: p.centre!,
        category: input.category,
        severity: input.severity,
        title: asStored(input.title),
        description: asStored(input.description ?? ''),
        lat: input.location.lat,
        lng: input.location.lng,
        crossing: input.crossing ?? null,
        sector: input.sector ?? sectorOf(input),
        ...(input.observedAt ? { observedAt: new Date(input.observedAt) } : {}),
        reporterId: p.userId,
        tlp: input.tlp,
        recipients,
        people: input.people ?? null,
        requestHash: hash,
      };
      // Only what the database sets is read back: returning the whole row would run the read
      // policy on it and convert every column again (a quarter of the insert's time).
      const [set] = await tx
        .insert(alerts)
        .values(values)
        .onConflictDoNothing({ target: alerts.id })
        .returning({
          observedAt: alerts.observedAt,
          status: alerts.status,
          createdAt: alerts.createdAt,
          updatedAt: alerts.updatedAt,
        });
      if (!set) {
        // A resend: the same body is the same alert; another body under this id is a conflict.
        const [existing] = await tx
          .select({ requestHash: alerts.requestHash })
          .from(alerts)
          .where(eq(alerts.id, id));
        if (!existing) throw errors.conflict('this alert id is already in use');
        if (existing.requestHash !== hash)
          throw errors.conflict('an alert with this id exists with another content');
        return { alert: (await loadAlert(tx, id))!, created: false };
      }
      const seconds = this.deadlines[input.severity];
      const mustAck = recipients.filter((c) => this.centres.kindOf(c) === 'joint');
      if (seconds && mustAck.length > 0) {
        const dueAt = sql`now() + make_interval(secs => ${seconds})`;
        await tx.insert(alertDeadlines).values(mustAck.map((centre) => ({ alertId: id, centre, dueAt })));
      }
      const alert = toAlert({ ...values, ...set }, []);
      await recordAudit(tx, this.actor(auth, source), {
        action: 'alert.create',
        outcome: 'ok',
        targetType: 'alert',
        targetId: id,
        details: { severity: alert.severity, tlp: alert.tlp, recipients },
      });
      await appendEvent(tx, alertEvent('alert:created', alert));
      return { alert, created: true };
    });
  }

  async list(auth: AuthContext, query: ListQuery): Promise<Alert[]> {
    return this.database.asUser(auth.principal, async (tx) => {
      const q = query.q?.trim() || undefined;
      const rows = await tx
        .select(alertColumns)
        .from(alerts)
        .where(
          and(
            query.status ? eq(alerts.status, query.status) : undefined,
            query.centre ? eq(alerts.centre, query.centre) : undefined,
            query.severity ? eq(alerts.severity, query.severity) : undefined,
            query.since ? gte(alerts.createdAt, new Date(query.since)) : undefined,
            // The same folding and stemming as the studies archive (migration 0008).
            q ? sql`${alerts.search} @@ tansiq_search_query(${q})` : undefined,
          ),
        )
        .orderBy(
          ...(q ? [desc(sql`ts_rank_cd(${alerts.search}, tansiq_search_query(${q}))`)] : []),
          desc(alerts.createdAt),
        )
        .limit(query.limit);
      const receipts = await receiptsOf(
        tx,
        rows.map((r) => r.id),
      );
      return rows.map((r) => toAlert(r, receipts.get(r.id) ?? []));
    });
  }

  /** The newest open (or acknowledged) alerts the transaction's reader may read: the wall's ticker. */
  async openAlerts(tx: AppTx, limit: number): Promise<Alert[]> {
    const rows = await tx
      .select(alertColumns)
      .from(alerts)
      .where(inArray(alerts.status, ['open', 'acknowledged']))
      .orderBy(desc(alerts.createdAt))
      .limit(limit);
    const receipts = await receiptsOf(
      tx,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toAlert(r, receipts.get(r.id) ?? []));
  }

  /**
   * What a console with nothing stored starts from, instead of replaying the whole log: the alerts
   * the caller may read that are open or acknowledged, or closed within the last day (newest first,
   * at most SNAPSHOT_LIMIT), the silent joint centres, and `head`. The head is read first: every
   * event up to it is committed and already reflected in the alerts read after it (an event after
   * it may be too; the console applies it again on resume, which ends in the same state).
   */
  async snapshot(auth: AuthContext): Promise<{
    head: number;
    alerts: Alert[];
    silentCentres: Record<string, string>;
  }> {
    return this.database.asUser(auth.principal, async (tx) => {
      const head = await committedHead(tx);
      const rows = await tx
        .select(alertColumns)
        .from(alerts)
        .where(
          or(
            inArray(alerts.status, ['open', 'acknowledged']),
            gte(alerts.updatedAt, sql`now() - interval '1 day'`),
          ),
        )
        .orderBy(desc(alerts.createdAt))
        .limit(SNAPSHOT_LIMIT);
      const receipts = await receiptsOf(
        tx,
        rows.map((r) => r.id),
      );
      // Silent centres travel as `staff` events: the snapshot follows the same rule.
      const silent = canReadEvent(auth.principal, {
        audience: 'staff',
        centre: null,
        tlp: null,
        recipients: [],
      })
        ? await tx.select().from(centrePresence).where(isNotNull(centrePresence.silentSince))
        : [];
      return {
        head,
        alerts: rows.map((r) => toAlert(r, receipts.get(r.id) ?? [])),
        silentCentres: Object.fromEntries(silent.map((p) => [p.centre, p.lastSeenAt.toISOString()])),
      };
    });
  }

  /** Each border sector's impact level from the open alerts the caller may read (row-level security filters). */
  async impact(auth: AuthContext): Promise<BorderImpact> {
    const rows = await this.database.asUser(auth.principal, (tx) =>
      tx
        .select({ sector: alerts.sector, severity: alerts.severity, n: count() })
        .from(alerts)
        .where(and(inArray(alerts.status, ['open', 'acknowledged']), isNotNull(alerts.sector)))
        .groupBy(alerts.sector, alerts.severity),
    );
    return {
      at: new Date().toISOString(),
      sectors: sectorIds.map((sector) => {
        const mine = rows.filter((r) => r.sector === sector);
        const score = mine.reduce((sum, r) => sum + impactWeight[r.severity] * r.n, 0);
        return { sector, level: impactLevelOf(score), score, open: mine.reduce((sum, r) => sum + r.n, 0) };
      }),
    };
  }

  /**
   * One alert and its timeline; an alert the caller may not see is not found. The timeline starts
   * with the alert's creation (who raised it and when), then every entry in order, each with the
   * display name of who made it.
   */
  async get(auth: AuthContext, id: string): Promise<{ alert: Alert; timeline: TimelineEntry[] }> {
    return this.database.asUser(auth.principal, async (tx) => {
      const alert = await loadAlert(tx, id);
      if (!alert) throw errors.notFound('no such alert');
      const entries = await tx
        .select({ entry: alertUpdates, by: users.displayName })
        .from(alertUpdates)
        .leftJoin(users, eq(users.id, alertUpdates.userId))
        .where(eq(alertUpdates.alertId, id))
        .orderBy(alertUpdates.at);
      const [reporter] = await tx
        .select({ name: users.displayName })
        .from(users)
        .where(eq(users.id, alert.reporterId));
      const created: TimelineEntry = {
        id: alert.id,
        kind: 'created',
        body: '',
        by: reporter?.name ?? null,
        userId: alert.reporterId,
        centre: alert.centre,
        at: alert.createdAt,
      };
      return {
        alert,
        timeline: [
          created,
          ...entries.map(({ entry: e, by }) => ({
            id: e.id,
            kind: e.kind,
            body: e.body,
            by,
            ...(e.people ? { people: e.people } : {}),
            userId: e.userId,
            centre: e.centre,
            at: e.at.toISOString(),
          })),
        ],
      };
    });
  }

  private async visible(tx: AppTx, id: string): Promise<Alert> {
    const alert = await loadAlert(tx, id);
    if (!alert) throw errors.notFound('no such alert');
    return alert;
  }

  /**
   * Locks the alert's row for a decision and reads it again as it is now: concurrent decisions on
   * one alert (two centres acknowledging, two supervisors resolving) take turns, and each sees what
   * the one before it committed. Locks are taken in one order everywhere: the alert row, then its
   * activity rows, then the audit chain and the event counter at the very end.
   */
  private async locked(tx: AppTx, id: string): Promise<Alert> {
    await tx.select({ id: alerts.id }).from(alerts).where(eq(alerts.id, id)).for('no key update');
    return this.visible(tx, id);
  }

  /**
   * Adds a note to the timeline, or sets the people involved (a `people` entry keeps the counts it
   * set, with the note if one came); the same entry id again changes nothing. The counts are the
   * origin centre's facts: only its officers and supervisors change them.
   */
  async update(
    auth: AuthContext,
    alertId: string,
    input: AlertUpdate,
    source: string | null,
  ): Promise<Alert> {
    return this.change(auth, source, async (tx, p) => {
      const visible = await this.visible(tx, alertId);
      if (!canUpdateAlert(p, visible) || (input.people && !canSetAlertPeople(p, visible)))
        throw new Refusal('alert.update', { type: 'alert', id: alertId });
      const before = input.people ? await this.locked(tx, alertId) : visible;
      const [entry] = await tx
        .insert(alertUpdates)
        .values({
          ...(input.id ? { id: input.id } : {}),
          alertId,
          kind: input.people ? 'people' : 'note',
          body: input.body ?? '',
          people: input.people ?? null,
          userId: p.userId,
          centre: p.centre,
          // Stamped after the row lock: of two racing changes, the later entry holds the counts kept.
          ...(input.people ? { at: sql`clock_timestamp()` } : {}),
        })
        .onConflictDoNothing()
        .returning();
      if (!entry) return before;
      await tx
        .update(alerts)
        .set({ updatedAt: sql`now()`, ...(input.people ? { people: input.people } : {}) })
        .where(eq(alerts.id, alertId));
      const alert = (await loadAlert(tx, alertId))!;
      await recordAudit(tx, this.actor(auth, source), {
        action: 'alert.update',
        outcome: 'ok',
        targetType: 'alert',
        targetId: alertId,
        ...(input.people ? { details: { people: input.people } } : {}),
      });
      await appendEvent(
        tx,
        alertEvent('alert:updated', alert, {
          entry: {
            id: entry.id,
            kind: entry.kind,
            body: entry.body,
            ...(entry.people ? { people: entry.people } : {}),
            centre: entry.centre,
            at: entry.at.toISOString(),
          },
        }),
      );
      return alert;
    });
  }

  /** Acknowledges for the caller's centre; again changes nothing. */
  async acknowledge(auth: AuthContext, alertId: string, source: string | null): Promise<Alert> {
    return this.change(auth, source, async (tx, p) => {
      if (!canAcknowledgeAlert(p, await this.visible(tx, alertId)))
        throw new Refusal('alert.acknowledge', { type: 'alert', id: alertId });
      const before = await this.locked(tx, alertId);
      const [ack] = await tx
        .insert(alertAcks)
        .values({ alertId, centre: p.centre!, userId: p.userId })
        .onConflictDoNothing()
        .returning();
      if (!ack) return before;
      // Acknowledging proves receipt: a centre that acknowledged before its console's receipt
      // arrived is recorded as delivered at the same moment (the later receipt changes nothing).
      await tx
        .insert(alertDeliveries)
        .values({ alertId, centre: p.centre!, at: ack.at })
        .onConflictDoNothing();
      await tx
        .update(alertDeadlines)
        .set({ settledAt: sql`now()` })
        .where(
          and(
            eq(alertDeadlines.alertId, alertId),
            eq(alertDeadlines.centre, p.centre!),
            isNull(alertDeadlines.settledAt),
          ),
        );
      await tx
        .insert(alertUpdates)
        .values({ alertId, kind: 'acknowledged', userId: p.userId, centre: p.centre });
      const mustAck = before.recipients.filter((c) => this.centres.kindOf(c) === 'joint');
      const acked = new Set([
        ...before.receipts.filter((r) => r.acknowledgedAt).map((r) => r.centre),
        p.centre,
      ]);
      const allAcked = mustAck.every((c) => acked.has(c));
      await tx
        .update(alerts)
        .set({
          updatedAt: sql`now()`,
          ...(allAcked && before.status === 'open' ? { status: 'acknowledged' as const } : {}),
        })
        .where(eq(alerts.id, alertId));
      const alert = (await loadAlert(tx, alertId))!;
      await recordAudit(tx, this.actor(auth, source), {
        action: 'alert.acknowledge',
        outcome: 'ok',
        targetType: 'alert',
        targetId: alertId,
      });
      await appendEvent(
        tx,
        alertEvent('alert:acknowledged', alert, { centre: p.centre, at: ack.at.toISOString() }),
      );
      return alert;
    });
  }

  /** Closes an own-centre alert as resolved or a false alarm (supervisors). */
  async resolve(
    auth: AuthContext,
    alertId: string,
    input: { outcome: 'resolved' | 'false_alarm'; note?: string },
    source: string | null,
  ): Promise<Alert> {
    return this.change(auth, source, async (tx, p) => {
      if (!canResolveAlert(p, await this.visible(tx, alertId)))
        throw new Refusal('alert.resolve', { type: 'alert', id: alertId });
      const before = await this.locked(tx, alertId);
      if (before.status === input.outcome) return before;
      if (before.status === 'resolved' || before.status === 'false_alarm')
        throw errors.conflict(`the alert is already ${before.status}`);
      await tx
        .update(alerts)
        .set({ status: input.outcome, updatedAt: sql`now()` })
        .where(eq(alerts.id, alertId));
      await tx
        .update(alertDeadlines)
        .set({ settledAt: sql`now()` })
        .where(and(eq(alertDeadlines.alertId, alertId), isNull(alertDeadlines.settledAt)));
      await tx
        .insert(alertUpdates)
        .values({ alertId, kind: input.outcome, body: input.note ?? '', userId: p.userId, centre: p.centre });
      const alert = (await loadAlert(tx, alertId))!;
      await recordAudit(tx, this.actor(auth, source), {
        action: 'alert.resolve',
        outcome: 'ok',
        targetType: 'alert',
        targetId: alertId,
        details: { outcome: input.outcome },
      });
      await appendEvent(tx, alertEvent('alert:resolved', alert, { outcome: input.outcome }));
      return alert;
    });
  }

  /**
   * The origin centre's supervisor reopens a closed alert, within the reopening window after it was
   * closed: back to `acknowledged` when every joint recipient has acknowledged, else `open`. Its
   * deadlines stay settled. Reopening an open alert changes nothing; after the window it is 409.
   */
  async reopen(
    auth: AuthContext,
    alertId: string,
    input: { note?: string },
    source: string | null,
  ): Promise<Alert> {
    return this.change(auth, source, async (tx, p) => {
      if (!canReopenAlert(p, await this.visible(tx, alertId)))
        throw new Refusal('alert.reopen', { type: 'alert', id: alertId });
      const before = await this.locked(tx, alertId);
      if (before.status !== 'resolved' && before.status !== 'false_alarm') return before;
      const [closing] = await tx
        .select({ at: alertUpdates.at })
        .from(alertUpdates)
        .where(
          and(eq(alertUpdates.alertId, alertId), inArray(alertUpdates.kind, ['resolved', 'false_alarm'])),
        )
        .orderBy(desc(alertUpdates.at))
        .limit(1);
      const closedAt = closing?.at ?? new Date(before.updatedAt);
      if (Date.now() - closedAt.getTime() > this.reopenWindowMinutes * 60_000)
        throw errors.conflict(`the alert was closed more than ${this.reopenWindowMinutes} minutes ago`, {
          closedAt: closedAt.toISOString(),
          windowMinutes: this.reopenWindowMinutes,
        });
      const mustAck = before.recipients.filter((c) => this.centres.kindOf(c) === 'joint');
      const acked = new Set(before.receipts.filter((r) => r.acknowledgedAt).map((r) => r.centre));
      const status = mustAck.length > 0 && mustAck.every((c) => acked.has(c)) ? 'acknowledged' : 'open';
      await tx
        .update(alerts)
        .set({ status, updatedAt: sql`now()` })
        .where(eq(alerts.id, alertId));
      await tx
        .insert(alertUpdates)
        .values({ alertId, kind: 'reopened', body: input.note ?? '', userId: p.userId, centre: p.centre });
      const alert = (await loadAlert(tx, alertId))!;
      await recordAudit(tx, this.actor(auth, source), {
        action: 'alert.reopen',
        outcome: 'ok',
        targetType: 'alert',
        targetId: alertId,
        details: { from: before.status, to: status },
      });
      await appendEvent(tx, alertEvent('alert:reopened', alert, { note: input.note ?? '' }));
      return alert;
    });
  }

  /** A supervisor escalates an own-centre alert by hand. */
  async escalate(
    auth: AuthContext,
    alertId: string,
    input: { note?: string },
    source: string | null,
  ): Promise<Alert> {
    return this.change(auth, source, async (tx, p) => {
      const alert = await this.visible(tx, alertId);
      if (!canEscalateAlert(p, alert)) throw new Refusal('alert.escalate', { type: 'alert', id: alertId });
      await tx
        .insert(alertUpdates)
        .values({ alertId, kind: 'escalated', body: input.note ?? '', userId: p.userId, centre: p.centre });
      await recordAudit(tx, this.actor(auth, source), {
        action: 'alert.escalate',
        outcome: 'ok',
        targetType: 'alert',
        targetId: alertId,
      });
      await appendEvent(
        tx,
        alertEvent('alert:escalated', alert, {
          manual: true,
          centre: p.centre,
          by: p.userId,
          note: input.note ?? '',
        }),
      );
      return alert;
    });
  }
}
