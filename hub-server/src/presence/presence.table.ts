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
