import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { centres } from '../centres/centres.table.ts';

/** Whether each joint centre has a console connected; kept by the leader hub process. */
export const centrePresence = pgTable('centre_presence', {
  centre: text('centre')
    .primaryKey()
    .references(() => centres.code),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  silentSince: timestamp('silent_since', { withTimezone: true }),
});

/**
 * Every running hub process and the joint centres it has a console of, refreshed by each process
 * every few seconds: any process can tell whether a centre is connected anywhere. A row not
 * refreshed for a while belongs to a process that died.
 */
export const hubNodes = pgTable('hub_nodes', {
  id: text('id').primaryKey(),
  centres: text('centres').array().notNull().default([]),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
});
