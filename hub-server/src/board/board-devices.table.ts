import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/users.table.ts';

/**
 * Wall screens registered by an administrator. Each is a `board` user with no usable password:
 * it signs in only through pairing, and revoking the device disables that user and ends its session.
 */
export const boardDevices = pgTable('board_devices', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .unique()
    .references(() => users.id),
  name: text('name').notNull(),
  createdBy: uuid('created_by')
    .notNull()
    .references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/**
 * A wall screen's request to be paired: the short code it shows (stored as a hash) and the secret
 * only the screen knows, with which it claims the session once an administrator entered the code.
 * Single use: paired once (conditional update), claimed once.
 */
export const boardPairings = pgTable(
  'board_pairings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    codeHash: text('code_hash').notNull(),
    secretHash: text('secret_hash').notNull(),
    source: text('source'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    deviceId: uuid('device_id').references(() => boardDevices.id),
    pairedAt: timestamp('paired_at', { withTimezone: true }),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
  },
  (t) => [
    // A code names one waiting screen (expired ones are deleted before a new code is made).
    uniqueIndex('board_pairings_waiting_code_key')
      .on(t.codeHash)
      .where(sql`${t.pairedAt} is null`),
    index('board_pairings_expires_idx').on(t.expiresAt),
  ],
);
