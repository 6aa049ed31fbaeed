import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { timelineKinds, type People } from '@tansiq/shared';
import { centres } from '../centres/centres.table.ts';
import { users } from '../users/users.table.ts';
import { alerts } from './alerts.table.ts';

/** One acknowledgement per recipient centre. */
export const alertAcks = pgTable(
  'alert_acks',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.centre] })],
);

/**
 * The timeline: notes, changes of the people involved, status changes. The id may come from the
 * client (resends create nothing twice).
 */
export const alertUpdates = pgTable(
  'alert_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    /** Every kind but `created`, which the alert row itself records. */
    kind: text('kind', { enum: timelineKinds }).notNull(),
    body: text('body').notNull().default(''),
    /** A `people` entry: the counts as they were set (the history of who was counted). */
    people: jsonb('people').$type<People>(),
    userId: uuid('user_id').references(() => users.id),
    centre: text('centre'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('alert_updates_alert_idx').on(t.alertId, t.at),
    check('alert_updates_people_counts_only', sql`tansiq_people_ok(${t.people})`),
  ],
);

/** When an alert first reached a console of each recipient centre (from the consoles' receipts). */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.centre] })],
);

/** A recipient centre's acknowledgement deadline; escalated once, by the leader hub process. */
export const alertDeadlines = pgTable(
  'alert_deadlines',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** Set when the centre acknowledged, the alert closed, or the deadline escalated: it is done. */
    settledAt: timestamp('settled_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.alertId, t.centre] }),
    index('alert_deadlines_due_idx')
      .on(t.dueAt)
      .where(sql`settled_at is null`),
  ],
);
