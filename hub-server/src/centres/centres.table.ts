import { check, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/** Centres are rows, not an enum: a fourth joint centre is an INSERT. Seeded by a migration. */
export const centres = pgTable(
  'centres',
  {
    code: text('code').primaryKey(),
    kind: text('kind', { enum: ['joint', 'studies'] }).notNull(),
    nameAr: text('name_ar').notNull(),
    nameEn: text('name_en').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('centres_code_format', sql`${t.code} ~ '^[A-Z][A-Z0-9_]{1,31}$'`),
    check('centres_kind_known', sql`${t.kind} in ('joint', 'studies')`),
  ],
);
