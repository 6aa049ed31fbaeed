import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { handoverStatuses } from '@tansiq/shared';
import { centres } from '../centres/centres.table.ts';
import { users } from '../users/users.table.ts';

/**
 * Shift handovers, one per centre and shift. Accepted rows are sealed: a trigger (migration 0007)
 * refuses every UPDATE and DELETE of them, whoever asks. Row-level security: the centre's own
 * staff and coordinators read them; supervisors of the centre write them.
 */
export const handovers = pgTable(
  'handovers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    shiftStart: timestamp('shift_start', { withTimezone: true }).notNull(),
    shiftEnd: timestamp('shift_end', { withTimezone: true }).notNull(),
    status: text('status', { enum: handoverStatuses }).notNull().default('draft'),
    revision: integer('revision').notNull().default(1),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    authorName: text('author_name').notNull(),
    /** What the supervisor wrote (HandoverContent). */
    content: jsonb('content').notNull(),
    /** Items carried from earlier handovers (CarriedItem[]), with who cleared them. */
    carried: jsonb('carried')
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** What the hub compiled at submit (HandoverSnapshot); null while a draft. */
    snapshot: jsonb('snapshot'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, precision: 3 }),
    submittedBy: uuid('submitted_by').references(() => users.id),
    submittedByName: text('submitted_by_name'),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, precision: 3 }),
    acceptedBy: uuid('accepted_by').references(() => users.id),
    acceptedByName: text('accepted_by_name'),
    /** The link in the centre's chain: position, the seal before it, and its own seal. */
    chainPosition: integer('chain_position'),
    previousSeal: text('previous_seal'),
    seal: text('seal'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    check('handovers_status_known', sql`${t.status} in ('draft', 'submitted', 'accepted')`),
    check(
      'handovers_sealed_when_accepted',
      sql`(${t.status} = 'accepted') = (${t.seal} is not null and ${t.chainPosition} is not null and ${t.acceptedAt} is not null)`,
    ),
    uniqueIndex('handovers_centre_shift_key').on(t.centre, t.shiftStart),
    uniqueIndex('handovers_centre_chain_key').on(t.centre, t.chainPosition),
  ],
);

/** Questions asked on return and the answers given on resubmit; append-only. */
export const handoverThread = pgTable(
  'handover_thread',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    handoverId: uuid('handover_id')
      .notNull()
      .references(() => handovers.id),
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    kind: text('kind', { enum: ['question', 'answer'] }).notNull(),
    body: text('body').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    userName: text('user_name').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    check('handover_thread_kind_known', sql`${t.kind} in ('question', 'answer')`),
    index('handover_thread_handover_idx').on(t.handoverId, t.at),
  ],
);

/** Corrections to an accepted handover: append-only, each signed, time-stamped and in the chain. */
export const handoverAddenda = pgTable(
  'handover_addenda',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    handoverId: uuid('handover_id')
      .notNull()
      .references(() => handovers.id),
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    body: text('body').notNull(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    authorName: text('author_name').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    chainPosition: integer('chain_position').notNull(),
    previousSeal: text('previous_seal').notNull(),
    seal: text('seal').notNull(),
  },
  (t) => [
    uniqueIndex('handover_addenda_centre_chain_key').on(t.centre, t.chainPosition),
    index('handover_addenda_handover_idx').on(t.handoverId, t.at),
  ],
);

/** A shift whose handover was announced overdue: the key makes the announcement happen once. */
export const handoverOverdue = pgTable(
  'handover_overdue',
  {
    centre: text('centre')
      .notNull()
      .references(() => centres.code),
    shiftStart: timestamp('shift_start', { withTimezone: true }).notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.centre, t.shiftStart] })],
);
