import { and, asc, eq, gt, lte } from 'drizzle-orm';
import { bigint, integer, pgTable } from 'drizzle-orm/pg-core';
import {
  canReadEvent,
  readsBoardFieldsOnly,
  type Alert,
  type HubEvent,
  type Principal,
} from '@tansiq/shared';
import { alertForReader } from '../alerts/alerts.mapper.ts';
import type { AppTx, Database } from '../db/database.ts';
import { events } from './events.table.ts';

export type EventRow = typeof events.$inferSelect;

export interface NewEvent {
  type: string;
  audience: 'alert' | 'staff' | 'hub';
  centre?: string | null;
  tlp?: string | null;
  recipients?: string[];
  entityId?: string | null;
  data: Record<string, unknown>;
}

/** Everything an alert event needs to be routed: its alert's sharing. */
export function alertEvent(type: string, alert: Alert, extra: Record<string, unknown> = {}): NewEvent {
  return {
    type,
    audience: 'alert',
    centre: alert.centre,
    tlp: alert.tlp,
    recipients: alert.recipients,
    entityId: alert.id,
    data: { alert, ...extra },
  };
}

/**
 * Appends an event inside the caller's transaction (with the change it records). Insert events
 * last in a transaction: from here to commit, event writers go one at a time.
 */
export async function appendEvent(tx: AppTx, event: NewEvent): Promise<void> {
  // No RETURNING: it would need the row to pass the read policy, and hub messages pass none.
  await tx.insert(events).values({
    seq: 0, // set by the database trigger, in commit order
    type: event.type,
    audience: event.audience,
    centre: event.centre ?? null,
    tlp: event.tlp ?? null,
    recipients: event.recipients ?? [],
    entityId: event.entityId ?? null,
    data: event.data,
  });
}

/** A board screen sees board fields of an alert only. */
export function projectFor(principal: Pick<Principal, 'role'>, row: EventRow): HubEvent {
  const data = row.data as Record<string, unknown>;
  if (row.audience === 'alert' && data.alert && readsBoardFieldsOnly(principal)) {
    return { seq: row.seq, type: row.type, data: { alert: alertForReader(principal, data.alert as Alert) } };
  }
  return { seq: row.seq, type: row.type, data };
}

/**
 * Events after `after` (and at most up to `upTo`) that the user may read, in order. Row-level
 * security filters them in the database; the policy module checks each again.
 */
export async function readEventsFor(
  database: Database,
  principal: Principal,
  after: number,
  limit: number,
  upTo?: number,
): Promise<{ events: HubEvent[]; last: number | null; full: boolean }> {
  const rows = await database.asUser(principal, (tx) =>
    tx
      .select()
      .from(events)
      .where(and(gt(events.seq, after), upTo === undefined ? undefined : lte(events.seq, upTo)))
      .orderBy(asc(events.seq))
      .limit(limit),
  );
  const visible = rows.filter((r) => canReadEvent(principal, r));
  return {
    events: visible.map((r) => projectFor(principal, r)),
    last: rows.at(-1)?.seq ?? null,
    full: rows.length === limit,
  };
}

/**
 * The one-row counter behind event numbers (migration 0005; not in the Drizzle schema index, since
 * a trigger owns it). Its committed value N means events 1..N are all committed: a writer keeps the
 * row locked until it commits.
 */
const eventCounter = pgTable('event_counter', {
  id: integer('id').primaryKey(),
  last: bigint('last', { mode: 'number' }).notNull(),
});

/** The number of the last committed event. */
export async function committedHead(tx: AppTx): Promise<number> {
  const [row] = await tx.select({ last: eventCounter.last }).from(eventCounter).where(eq(eventCounter.id, 1));
  return row?.last ?? 0;
}
