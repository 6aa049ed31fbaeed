import { bigint, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * The one append-only event log. `seq` is set by a trigger under a transaction-scoped lock, so
 * numbers follow commit order with no gap: a reader that has seen N never later finds an earlier
 * event it missed. `audience`, `centre`, `tlp` and `recipients` decide who may read it (row-level
 * security and the policy module alike).
 */
export const events = pgTable('events', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  type: text('type').notNull(),
  /** 'alert': readable as its alert is; 'staff': every role but admin. */
  audience: text('audience', { enum: ['alert', 'staff'] }).notNull(),
  centre: text('centre'),
  tlp: text('tlp'),
  recipients: text('recipients')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  entityId: text('entity_id'),
  data: jsonb('data').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});
