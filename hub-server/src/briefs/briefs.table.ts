import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { briefStatuses, tlpLevels } from '@tansiq/shared';
import { users } from '../users/users.table.ts';

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** Risk briefs of the studies centre, one row per version; row-level security repeats the read policy. */
export const briefs = pgTable(
  'briefs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Every version of one brief shares its series id. */
    seriesId: uuid('series_id').notNull(),
    version: integer('version').notNull().default(1),
    status: text('status', { enum: briefStatuses }).notNull().default('draft'),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    tlp: text('tlp', { enum: tlpLevels }).notNull(),
    recipients: text('recipients')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    reviewerId: uuid('reviewer_id').references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('briefs_status_known', sql`${t.status} in (${list(briefStatuses)})`),
    check('briefs_tlp_known', sql`${t.tlp} in (${list(tlpLevels)})`),
    uniqueIndex('briefs_series_version_key').on(t.seriesId, t.version),
  ],
);
