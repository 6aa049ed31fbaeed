import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { briefLanguages, briefStatuses, tlpLevels } from '@tansiq/shared';
import { users } from '../users/users.table.ts';

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** A full-text search vector, always computed by the database (never written by the hub). */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Bytes stored in the row (PGlite hands back a Uint8Array, node-postgres a Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * Risk briefs of the studies centre, one row per version; every version of one brief shares its
 * series id (the brief's id in the API). Row-level security repeats the read policy.
 */
export const briefs = pgTable(
  'briefs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Every version of one brief shares its series id. */
    seriesId: uuid('series_id').notNull(),
    version: integer('version').notNull().default(1),
    status: text('status', { enum: briefStatuses }).notNull().default('draft'),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    /** Markdown, stored as written; readers render and sanitise it. */
    body: text('body').notNull().default(''),
    language: text('language', { enum: briefLanguages }).notNull().default('ar'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Both names of every listed tag (set by the hub), so a search for the name finds the tag. */
    tagText: text('tag_text').notNull().default(''),
    tlp: text('tlp', { enum: tlpLevels }).notNull(),
    recipients: text('recipients')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    citedAlerts: uuid('cited_alerts')
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    /** Everyone who wrote this version ({ userId, name }[]): none of them may approve it. */
    authors: jsonb('authors')
      .notNull()
      .default(sql`'[]'::jsonb`),
    revision: integer('revision').notNull().default(1),
    reviewerId: uuid('reviewer_id').references(() => users.id),
    reviewerName: text('reviewer_name'),
    publishedById: uuid('published_by_id').references(() => users.id),
    publishedByName: text('published_by_name'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, precision: 3 }),
    approvedAt: timestamp('approved_at', { withTimezone: true, precision: 3 }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    supersededAt: timestamp('superseded_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(sql`tansiq_search_vector(title, summary, tag_text, body)`),
  },
  (t) => [
    check('briefs_status_known', sql`${t.status} in (${list(briefStatuses)})`),
    check('briefs_tlp_known', sql`${t.tlp} in (${list(tlpLevels)})`),
    check('briefs_language_known', sql`${t.language} in (${list(briefLanguages)})`),
    uniqueIndex('briefs_series_version_key').on(t.seriesId, t.version),
    // One version in the works and one published version per brief, whoever races.
    uniqueIndex('briefs_one_open_version')
      .on(t.seriesId)
      .where(sql`${t.status} in ('draft', 'in_review', 'approved')`),
    uniqueIndex('briefs_one_published_version')
      .on(t.seriesId)
      .where(sql`${t.status} = 'published'`),
    index('briefs_search').using('gin', t.search),
    index('briefs_cited_alerts').using('gin', t.citedAlerts),
    index('briefs_tags').using('gin', t.tags),
  ],
);

/** The review thread of a brief: submissions, returns with their reason, approvals, publication. */
export const briefThread = pgTable(
  'brief_thread',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seriesId: uuid('series_id').notNull(),
    version: integer('version').notNull(),
    kind: text('kind', { enum: ['submitted', 'returned', 'approved', 'published'] }).notNull(),
    body: text('body').notNull().default(''),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    userName: text('user_name').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    check('brief_thread_kind_known', sql`${t.kind} in ('submitted', 'returned', 'approved', 'published')`),
    index('brief_thread_series').on(t.seriesId, t.at),
  ],
);

/**
 * PDF attachments, stored beside the version they belong to (one backup holds everything); a new
 * version starts with copies of the previous one's. Readable exactly when that version is.
 */
export const briefAttachments = pgTable(
  'brief_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    briefId: uuid('brief_id')
      .notNull()
      .references(() => briefs.id),
    fileName: text('file_name').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    userName: text('user_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('brief_attachments_brief').on(t.briefId)],
);
