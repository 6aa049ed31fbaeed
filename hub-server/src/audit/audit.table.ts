import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Append-only, hash-chained (migration 0003): a trigger takes a lock, numbers the row after the
 * last one and chains its hash; UPDATE, DELETE and TRUNCATE are rejected by the database.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    /** Set by the trigger: gap-free, in commit order. */
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorUsername: text('actor_username'),
    role: text('role'),
    centre: text('centre'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** ok | refused | failed */
    outcome: text('outcome').notNull(),
    source: text('source'),
    details: jsonb('details'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_actor_idx').on(t.actorId)],
);
