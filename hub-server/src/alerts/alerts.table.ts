import { getTableColumns, sql } from 'drizzle-orm';
import { check, doublePrecision, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { alertCategories, alertStatuses, severities, tlpLevels } from '@tansiq/shared';
import { centres } from '../centres/centres.table.ts';
import { users } from '../users/users.table.ts';
import { tsvector } from '../briefs/briefs.table.ts';

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/** Alerts; row-level security (migration 0003) repeats the read policy as a second wall. */
export const alerts = pgTable(
  'alerts',
  {
    /** May be chosen by the client, so a resend after a dropped link creates nothing twice. */
    id: uuid('id').primaryKey().defaultRandom(),
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    category: text('category', { enum: alertCategories }).notNull(),
    severity: text('severity', { enum: severities }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    crossing: text('crossing'),
    sector: text('sector'),
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull().defaultNow(),
    reporterId: uuid('reporter_id')
      .notNull()
      .references(() => users.id),
    tlp: text('tlp', { enum: tlpLevels }).notNull(),
    recipients: text('recipients')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    status: text('status', { enum: alertStatuses }).notNull().default('open'),
    /** The people involved (People: counts only), or null. */
    people: jsonb('people'),
    /** SHA-256 of the create request: a resend with the same id and body is the same alert, another body a 409. */
    requestHash: text('request_hash'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Arabic and English full text of title and description (migration 0008), computed by the database. */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(sql`tansiq_search_vector(title, '', '', description)`),
  },
  (t) => [
    check('alerts_category_known', sql`${t.category} in (${list(alertCategories)})`),
    check('alerts_severity_known', sql`${t.severity} in (${list(severities)})`),
    check('alerts_tlp_known', sql`${t.tlp} in (${list(tlpLevels)})`),
    check('alerts_status_known', sql`${t.status} in (${list(alertStatuses)})`),
    check('alerts_lat_range', sql`${t.lat} between -90 and 90`),
    check('alerts_lng_range', sql`${t.lng} between -180 and 180`),
    // Counts only, whoever writes (tansiq_people_ok, migrations 0009 and 0010). Most alerts carry
    // none: the test of null spares them the function's call (migration 0015).
    check('alerts_people_counts_only', sql`${t.people} is null or tansiq_people_ok(${t.people})`),
    index('alerts_centre_idx').on(t.centre),
    index('alerts_created_idx').on(t.createdAt),
    index('alerts_search').using('gin', t.search),
  ],
);

/** Every column but the search vector: what reads of alerts select (the vector is for matching only). */
const { search: _search, ...readColumns } = getTableColumns(alerts);
export const alertColumns = readColumns;
export type AlertRow = Omit<typeof alerts.$inferSelect, 'search'>;
