import { sql } from 'drizzle-orm';
import { boolean, check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { meetingStatuses, tlpLevels, actionStatuses } from '@tansiq/shared';
import { centres } from '../centres/centres.table.ts';
import { users } from '../users/users.table.ts';

/**
 * Regional coordination meetings. Row-level security (migration 0012): readable as
 * tansiq_can_read_meeting says (TLP, with the participating centres as recipients), written by
 * coordinators; decisions and action items are readable exactly when their meeting is.
 */
export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    place: text('place').notNull().default(''),
    centres: text('centres').array().notNull(),
    tlp: text('tlp', { enum: tlpLevels }).notNull().default('AMBER'),
    status: text('status', { enum: meetingStatuses }).notNull().default('scheduled'),
    onWall: boolean('on_wall').notNull().default(false),
    /** AgendaItem[]: { id, text, source } */
    agenda: jsonb('agenda')
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdByName: text('created_by_name').notNull(),
    createdAt: timestamp('created_at', { precision: 3, withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { precision: 3, withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('meetings_starts_idx').on(t.startsAt),
    check('meetings_tlp_known', sql`${t.tlp} in ('CLEAR', 'GREEN', 'AMBER', 'RED')`),
    check('meetings_status_known', sql`${t.status} in ('scheduled', 'in_progress', 'closed')`),
    check('meetings_have_centres', sql`coalesce(cardinality(${t.centres}) > 0, false)`),
  ],
);

/** Decisions recorded in a meeting; append-only. */
export const meetingDecisions = pgTable(
  'meeting_decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    text: text('text').notNull(),
    byId: uuid('by_id')
      .notNull()
      .references(() => users.id),
    byName: text('by_name').notNull(),
    at: timestamp('at', { precision: 3, withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('meeting_decisions_meeting_idx').on(t.meetingId, t.at)],
);

/**
 * Action items: what, the owning centre, the due date. Open until the owning centre's supervisor (or
 * a coordinator) marks it done; `overdue_at` is set once, by the leader, when it goes past due.
 */
export const actionItems = pgTable(
  'action_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    title: text('title').notNull(),
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: actionStatuses }).notNull().default('open'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdByName: text('created_by_name').notNull(),
    createdAt: timestamp('created_at', { precision: 3, withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { precision: 3, withTimezone: true }).notNull().defaultNow(),
    doneAt: timestamp('done_at', { precision: 3, withTimezone: true }),
    doneBy: uuid('done_by').references(() => users.id),
    doneByName: text('done_by_name'),
    doneNote: text('done_note'),
    /** When `action:overdue` was announced (once). */
    overdueAt: timestamp('overdue_at', { withTimezone: true }),
  },
  (t) => [
    index('action_items_meeting_idx').on(t.meetingId),
    index('action_items_open_due_idx')
      .on(t.dueAt)
      .where(sql`${t.status} = 'open'`),
    check('action_items_status_known', sql`${t.status} in ('open', 'done')`),
    check(
      'action_items_done_complete',
      sql`(${t.status} = 'done') = (${t.doneAt} is not null and ${t.doneBy} is not null and ${t.doneNote} is not null)`,
    ),
  ],
);
