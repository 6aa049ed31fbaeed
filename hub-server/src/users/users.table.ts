import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { roles } from '@tansiq/shared';
import { centres } from '../centres/centres.table.ts';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: roles }).notNull(),
    centre: text('centre').references(() => centres.code),
    /** argon2id PHC string; never leaves the hub. */
    passwordHash: text('password_hash').notNull(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    check(
      'users_role_known',
      sql`${t.role} in ('officer', 'supervisor', 'analyst', 'coordinator', 'board', 'admin')`,
    ),
    // Officers and supervisors belong to a centre; coordinators, boards and admins to none.
    check(
      'users_role_centre',
      sql`(${t.role} in ('officer', 'supervisor', 'analyst')) = (${t.centre} is not null)`,
    ),
  ],
);
