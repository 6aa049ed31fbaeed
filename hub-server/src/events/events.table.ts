import { bigint, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * The one append-only event log. `seq` is set by a trigger from a one-row counter that stays locked
 * until the writer commits (migration 0005), so numbers follow commit order with no gap: a reader that has seen N never later finds an earlier
 * event it missed. `audience`, `centre`, `tlp` and `recipients` decide who may read it (row-level
 * security and the policy module alike).
 */
export const events = pgTable('events', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  type: text('type').notNull(),
  /** 'alert': readable as its alert is; 'handover': as its centre's handovers are; 'brief': as its published brief is; 'meeting' and 'action': as their meeting is; 'staff': every role but admin; 'hub': hub processes only. */
  audience: text('audience', {
    enum: ['alert', 'handover', 'brief', 'meeting', 'action', 'staff', 'hub'],
  }).notNull(),
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
