import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import { bigint, integer, pgTable } from 'drizzle-orm/pg-core';
import {
  alertSchema,
  actionSchema,
  briefPublishedDataSchema,
  canReadEvent,
  meetingSchema,
  handoverSchema,
  readsBoardFieldsOnly,
  type Alert,
  type HubEvent,
  type Principal,
} from '@tansiq/shared';
import { alertForReader } from '../alerts/alerts.mapper.ts';
import { handoverForReader, toStatus } from '../handovers/handovers.mapper.ts';
import { briefBoardFields } from '../briefs/briefs.mapper.ts';
import { boardMeeting } from '../meetings/meetings.mapper.ts';
import { noteAppended, rowsOf, type AppTx, type Database, type EventRow } from '../db/database.ts';
import { events } from './events.table.ts';

export type { EventRow };

export interface NewEvent {
  type: string;
  audience: 'alert' | 'handover' | 'brief' | 'meeting' | 'action' | 'staff' | 'hub';
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
 * last in a transaction: from here to commit, event writers go one at a time. The database answers
 * the event's number and time (migration 0014), so the writing process hands the event to its own
 * sockets as soon as the transaction commits (`Database.onEventsAppended`).
 */
export async function appendEvent(tx: AppTx, event: NewEvent): Promise<void> {
  const data = JSON.stringify(event.data);
  const recipients = event.recipients ?? [];
  // Not INSERT … RETURNING: that needs the row to pass the read policy, and hub messages pass none.
  const result = await tx.execute(
    sql`select tansiq_append_event(${event.type}, ${event.audience}, ${event.centre ?? null}, ${event.tlp ?? null}, ${sql.param(recipients, events.recipients)}::text[], ${event.entityId ?? null}, ${data}::jsonb) as appended`,
  );
  const [seq, at] = rowsOf<{ appended: number[] }>(result)[0]!.appended;
  noteAppended(tx, {
    seq: seq!,
    type: event.type,
    audience: event.audience,
    centre: event.centre ?? null,
    tlp: event.tlp ?? null,
    recipients,
    entityId: event.entityId ?? null,
    // What a reader of the row gets: plain JSON.
    data: JSON.parse(data) as unknown,
    at: new Date(at!),
  });
}

/**
 * Which copy of an event a reader gets: a board sees board fields of an alert, the status of a
 * handover, the title of a brief or a meeting and the owning centre of an action item; a coordinator a handover without the alerts it may not open; everyone else the event.
 */
export function projectionOf(
  principal: Pick<Principal, 'role'>,
  row: Pick<EventRow, 'audience'>,
): 'full' | 'board' | 'redacted' {
  if (readsBoardFieldsOnly(principal)) return 'board';
  return row.audience === 'handover' && principal.role === 'coordinator' ? 'redacted' : 'full';
}

/** The event as `principal` reads it (see projectionOf). Throws on a row it cannot read. */
export function projectFor(principal: Principal, row: EventRow): HubEvent {
  const data = row.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error('event data is not an object');
  if (row.audience === 'alert') {
    const parsed = alertSchema.safeParse(data.alert);
    if (!parsed.success) throw new Error('alert event without a readable alert');
    const alert = data.alert as Alert;
    if (readsBoardFieldsOnly(principal))
      return { seq: row.seq, type: row.type, data: { alert: alertForReader(principal, alert) } };
  }
  if (row.audience === 'handover' && row.type !== 'handover:overdue') {
    const parsed = handoverSchema.safeParse(data.handover);
    if (!parsed.success) throw new Error('handover event without a readable handover');
    const handover = parsed.data;
    if (readsBoardFieldsOnly(principal))
      return { seq: row.seq, type: row.type, data: { handover: toStatus(handover) } };
    return {
      seq: row.seq,
      type: row.type,
      data: { ...data, handover: handoverForReader(principal, handover) },
    };
  }
  if (row.audience === 'brief') {
    const parsed = briefPublishedDataSchema.safeParse(data);
    if (!parsed.success) throw new Error('brief event without a readable brief');
    if (readsBoardFieldsOnly(principal))
      return { seq: row.seq, type: row.type, data: { brief: briefBoardFields(parsed.data.brief) } };
  }
  if (row.audience === 'meeting' && row.type !== 'meeting:withdrawn') {
    const parsed = meetingSchema.safeParse(data.meeting);
    if (!parsed.success) throw new Error('meeting event without a readable meeting');
    // A board: the title and time; never the agenda or a decision.
    if (readsBoardFieldsOnly(principal))
      return { seq: row.seq, type: row.type, data: { meeting: boardMeeting(parsed.data) } };
  }
  if (row.audience === 'action') {
    const parsed = actionSchema.safeParse(data.action);
    if (!parsed.success) throw new Error('action event without a readable action item');
    // A board counts action items: it hears only which centre's counts changed.
    if (readsBoardFieldsOnly(principal))
      return { seq: row.seq, type: row.type, data: { action: { centre: row.centre ?? parsed.data.centre } } };
  }
  return { seq: row.seq, type: row.type, data };
}

/** Told about an event row that cannot be routed or projected: it is skipped, never fatal. */
export type SkippedEvent = (row: Pick<EventRow, 'seq' | 'type'>, err: unknown) => void;

/** The event as `principal` may see it, or null when it may not or when the row cannot be read. */
export function eventFor(principal: Principal, row: EventRow, skipped: SkippedEvent): HubEvent | null {
  try {
    return canReadEvent(principal, row) ? projectFor(principal, row) : null;
  } catch (err) {
    skipped(row, err);
    return null;
  }
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
  upTo: number | undefined,
  skipped: SkippedEvent,
): Promise<{ events: HubEvent[]; last: number | null; full: boolean }> {
  const rows = await database.asUser(principal, (tx) =>
    tx
      .select()
      .from(events)
      .where(and(gt(events.seq, after), upTo === undefined ? undefined : lte(events.seq, upTo)))
      .orderBy(asc(events.seq))
      .limit(limit),
  );
  return {
    events: rows.map((r) => eventFor(principal, r, skipped)).filter((e): e is HubEvent => e !== null),
    last: rows.at(-1)?.seq ?? null,
    full: rows.length === limit,
  };
}

/**
 * The same page as `readEventsFor`, from rows the log reader still holds in memory (every event
 * after `after`, in order): the policy module decides, as for live delivery, with no database read.
 * A reconnecting console usually resumes from a few seconds back; a storm of them costs no query.
 */
export function recentEventsFor(
  rows: readonly EventRow[],
  principal: Principal,
  limit: number,
  upTo: number,
  skipped: SkippedEvent,
): { events: HubEvent[]; last: number | null; full: boolean } {
  const out: HubEvent[] = [];
  let readable = 0;
  let last: number | null = null;
  for (const row of rows) {
    if (row.seq > upTo) break;
    if (!canReadEvent(principal, row)) continue;
    readable++;
    last = row.seq;
    const event = eventFor(principal, row, skipped);
    if (event) out.push(event);
    if (readable === limit) break;
  }
  return { events: out, last, full: readable === limit };
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
