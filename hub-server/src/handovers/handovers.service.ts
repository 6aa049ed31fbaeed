import { and, asc, desc, eq, gte, inArray, isNotNull, notExists, or, sql } from 'drizzle-orm';
import {
  canWriteHandover,
  handoverAccess,
  handoverListAccess,
  type CentreShift,
  type Handover,
  type HandoverAlert,
  type HandoverContent,
  type HandoverSnapshot,
  type HandoverStatusRecord,
  type HandoverSummary,
  type Principal,
  type Signatory,
} from '@tansiq/shared';
import type { z } from 'zod';
import type { handoverListQuerySchema } from '@tansiq/shared';
import type { AppTx, Database } from '../db/database.ts';
import { errors, Refusal } from '../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import type { AuthContext } from '../auth/auth.service.ts';
import type { CentresCache } from '../centres/centres.cache.ts';
import { actorOf, userChange } from '../access/user-change.ts';
import { appendEvent, type NewEvent } from '../events/events.service.ts';
import { alertColumns, alerts, type AlertRow } from '../alerts/alerts.table.ts';
import { alertAcks, alertUpdates } from '../alerts/alert-activity.table.ts';
import { users } from '../users/users.table.ts';
import { handoverAddenda, handoverOverdue, handovers, handoverThread } from './handovers.table.ts';
import {
  emptySnapshot,
  handoverForReader,
  sealedRecord,
  toAddendum,
  toHandover,
  toStatus,
  type HandoverRow,
} from './handovers.mapper.ts';
import { applyClearings, carriedFrom } from './carry-over.ts';
import { sealOf } from './seal.ts';
import type { ShiftCalendar } from './shifts.ts';

type ListQuery = z.infer<typeof handoverListQuerySchema>;

/** The most alerts each section of a snapshot lists. */
const SNAPSHOT_SECTION_LIMIT = 200;

/** A handover event: routed by its centre; the board's copy is status only (events.service). */
export function handoverEvent(
  type: string,
  handover: Handover,
  extra: Record<string, unknown> = {},
): NewEvent {
  return {
    type,
    audience: 'handover',
    centre: handover.centre,
    entityId: handover.id,
    data: { handover, ...extra },
  };
}

const alertSummary = (a: AlertRow): HandoverAlert => ({
  id: a.id,
  centre: a.centre,
  title: a.title,
  category: a.category,
  severity: a.severity,
  status: a.status,
  tlp: a.tlp,
  recipients: a.recipients,
  createdAt: a.createdAt.toISOString(),
});

/**
 * Shift handovers: draft → submitted → accepted (sealed in the centre's chain), or returned to
 * draft with a question. Every change is one transaction with its audit record and its event;
 * decisions lock the handover row first, then the centre's chain, then audit and events.
 */
export class HandoversService {
  constructor(
    readonly database: Database,
    private readonly centres: CentresCache,
    readonly calendar: ShiftCalendar,
    private readonly graceMinutes: number,
    readonly failures: FailureAudit,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The same service reading another clock (demo data writes an earlier shift's handover). */
  at(now: () => Date): HandoversService {
    return new HandoversService(
      this.database,
      this.centres,
      this.calendar,
      this.graceMinutes,
      this.failures,
      now,
    );
  }

  private async signatory(tx: AppTx, p: Principal): Promise<Signatory> {
    const [u] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, p.userId));
    return { userId: p.userId, name: u?.name ?? '' };
  }

  /** Reads a handover as the transaction's user sees it (row-level security applies). */
  private async load(tx: AppTx, id: string, lock = false): Promise<Handover | null> {
    const query = tx.select().from(handovers).where(eq(handovers.id, id));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) return null;
    return this.assemble(tx, row);
  }

  private async assemble(tx: AppTx, row: HandoverRow): Promise<Handover> {
    const [thread, addenda] = await Promise.all([
      tx
        .select()
        .from(handoverThread)
        .where(eq(handoverThread.handoverId, row.id))
        .orderBy(asc(handoverThread.at)),
      tx
        .select()
        .from(handoverAddenda)
        .where(eq(handoverAddenda.handoverId, row.id))
        .orderBy(asc(handoverAddenda.chainPosition)),
    ]);
    const snapshot =
      row.status === 'draft'
        ? await this.compile(tx, row.centre, row.shiftStart)
        : ((row.snapshot as HandoverSnapshot | null) ?? emptySnapshot(row.updatedAt));
    return toHandover(row, thread, addenda, snapshot);
  }

  /**
   * What the hub pre-fills: the centre's open alerts, alerts addressed to it that it has not
   * acknowledged, and escalations since the shift began (as the caller may read them).
   */
  private async compile(tx: AppTx, centre: string, shiftStart: Date): Promise<HandoverSnapshot> {
    const live = inArray(alerts.status, ['open', 'acknowledged']);
    const addressed = sql`${centre} = any(${alerts.recipients})`;
    const [open, unacked, escalations] = await Promise.all([
      tx
        .select(alertColumns)
        .from(alerts)
        .where(and(eq(alerts.centre, centre), live))
        .orderBy(desc(alerts.createdAt))
        .limit(SNAPSHOT_SECTION_LIMIT),
      tx
        .select(alertColumns)
        .from(alerts)
        .where(
          and(
            live,
            addressed,
            notExists(
              tx
                .select({ one: sql`1` })
                .from(alertAcks)
                .where(and(eq(alertAcks.alertId, alerts.id), eq(alertAcks.centre, centre))),
            ),
          ),
        )
        .orderBy(desc(alerts.createdAt))
        .limit(SNAPSHOT_SECTION_LIMIT),
      tx
        .select({
          alert: alertColumns,
          at: alertUpdates.at,
          centre: alertUpdates.centre,
          userId: alertUpdates.userId,
        })
        .from(alertUpdates)
        .innerJoin(alerts, eq(alerts.id, alertUpdates.alertId))
        .where(
          and(
            eq(alertUpdates.kind, 'escalated'),
            gte(alertUpdates.at, shiftStart),
            or(eq(alerts.centre, centre), addressed),
          ),
        )
        .orderBy(asc(alertUpdates.at))
        .limit(SNAPSHOT_SECTION_LIMIT),
    ]);
    return {
      takenAt: this.now().toISOString(),
      openAlerts: open.map(alertSummary),
      unacknowledged: unacked.map(alertSummary),
      escalations: escalations.map((e) => ({
        alert: alertSummary(e.alert),
        at: e.at.toISOString(),
        centre: e.centre,
        manual: e.userId !== null,
      })),
    };
  }

  /** The centre's last accepted handover, as the caller sees it. */
  private async lastAccepted(tx: AppTx, centre: string): Promise<Handover | null> {
    const [row] = await tx
      .select()
      .from(handovers)
      .where(and(eq(handovers.centre, centre), eq(handovers.status, 'accepted')))
      .orderBy(desc(handovers.chainPosition))
      .limit(1);
    return row ? this.assemble(tx, row) : null;
  }

  /** Refuses roles that may not see handovers at all (analysts, admins); others see what RLS lets through. */
  private async readable(
    auth: AuthContext,
    source: string | null,
    centre?: string,
  ): Promise<'full' | 'status'> {
    const p = auth.principal;
    const access = centre !== undefined ? handoverAccess(p, centre) : handoverListAccess(p);
    if (access === null) {
      await this.failures.record(actorOf(auth, source), {
        action: 'handover.read',
        outcome: 'refused',
        targetType: 'handover',
        ...(centre ? { targetId: centre } : {}),
      });
      throw errors.forbidden();
    }
    return access;
  }

  async list(
    auth: AuthContext,
    query: ListQuery,
    source: string | null,
  ): Promise<Array<HandoverStatusRecord | HandoverSummary>> {
    const access = await this.readable(auth, source, query.centre);
    const where = and(
      query.centre ? eq(handovers.centre, query.centre) : undefined,
      query.status ? eq(handovers.status, query.status) : undefined,
    );
    // The board reads status only: the hub's own transaction, projected before it leaves.
    if (access === 'status') {
      const rows = await this.database.asSystem((tx) =>
        tx.select().from(handovers).where(where).orderBy(desc(handovers.shiftStart)).limit(query.limit),
      );
      return rows.map((r) => toStatus(header(r)));
    }
    const rows = await this.database.asUser(auth.principal, (tx) =>
      tx.select().from(handovers).where(where).orderBy(desc(handovers.shiftStart)).limit(query.limit),
    );
    return rows.map((r) => summaryOf(header(r)));
  }

  async get(auth: AuthContext, id: string, source: string | null): Promise<Handover | HandoverStatusRecord> {
    const access = await this.readable(auth, source);
    if (access === 'status') {
      const [row] = await this.database.asSystem((tx) =>
        tx.select().from(handovers).where(eq(handovers.id, id)),
      );
      if (!row) throw errors.notFound('no such handover');
      return toStatus(header(row));
    }
    const handover = await this.database.asUser(auth.principal, (tx) => this.load(tx, id));
    if (!handover) throw errors.notFound('no such handover');
    return handoverForReader(auth.principal, handover);
  }

  private change<T>(auth: AuthContext, source: string | null, fn: (tx: AppTx, p: Principal) => Promise<T>) {
    return userChange(this, auth, source, fn);
  }

  /** A locked handover the caller may write, or a refusal / not found. */
  private async writable(tx: AppTx, p: Principal, id: string, action: string): Promise<Handover> {
    const handover = await this.load(tx, id, true);
    if (!handover) {
      if (p.role === 'supervisor') throw errors.notFound('no such handover');
      throw new Refusal(action, { type: 'handover', id });
    }
    if (!canWriteHandover(p, handover.centre)) throw new Refusal(action, { type: 'handover', id });
    return handover;
  }

  /** Opens the draft of the caller's centre for the shift on now (or returns the one already open). */
  async create(auth: AuthContext, source: string | null): Promise<{ handover: Handover; created: boolean }> {
    const p = auth.principal;
    return this.change(auth, source, async (tx) => {
      if (p.centre === null || !canWriteHandover(p, p.centre))
        throw new Refusal('handover.create', { type: 'handover' });
      const shift = this.calendar.current(this.now());
      if (!shift) throw errors.conflict('no shift is on now: a handover belongs to a shift');
      const author = await this.signatory(tx, p);
      const carried = carriedFrom(await this.lastAccepted(tx, p.centre));
      const [row] = await tx
        .insert(handovers)
        .values({
          centre: p.centre,
          shiftStart: shift.start,
          shiftEnd: shift.end,
          authorId: author.userId,
          authorName: author.name,
          content: emptyContent(),
          carried,
        })
        .onConflictDoNothing({ target: [handovers.centre, handovers.shiftStart] })
        .returning();
      if (!row) {
        const [existing] = await tx
          .select()
          .from(handovers)
          .where(and(eq(handovers.centre, p.centre), eq(handovers.shiftStart, shift.start)));
        if (!existing) throw errors.conflict('this shift already has a handover');
        if (existing.status !== 'draft')
          throw errors.conflict(`this shift's handover is already ${existing.status}`, {
            handoverId: existing.id,
          });
        return { handover: await this.assemble(tx, existing), created: false };
      }
      await recordAudit(tx, actorOf(auth, source), {
        action: 'handover.create',
        outcome: 'ok',
        targetType: 'handover',
        targetId: row.id,
        details: { centre: p.centre, shiftStart: shift.start.toISOString() },
      });
      return { handover: await this.assemble(tx, row), created: true };
    });
  }

  /** Saves the draft's content; `revision` guards against a save made on an older copy. */
  async edit(
    auth: AuthContext,
    id: string,
    input: { content: HandoverContent; revision?: number | undefined },
    source: string | null,
  ): Promise<Handover> {
    return this.change(auth, source, async (tx, p) => {
      const before = await this.writable(tx, p, id, 'handover.edit');
      if (before.status !== 'draft')
        throw errors.conflict(`the handover is ${before.status}: only a draft changes`);
      if (input.revision !== undefined && input.revision !== before.revision)
        throw errors.conflict('the draft was changed elsewhere; reload it', { revision: before.revision });
      const unknown = input.content.cleared.filter((c) => !before.carried.some((x) => x.id === c));
      if (unknown.length > 0)
        throw errors.badRequest('only carried-over items can be cleared', {
          field: 'content.cleared',
          ids: unknown,
        });
      const carried = applyClearings(
        before.carried,
        before.carried,
        input.content,
        await this.signatory(tx, p),
        this.now(),
      );
      await tx
        .update(handovers)
        .set({ content: input.content, carried, revision: before.revision + 1, updatedAt: this.now() })
        .where(and(eq(handovers.id, id), eq(handovers.status, 'draft')));
      await recordAudit(tx, actorOf(auth, source), {
        action: 'handover.edit',
        outcome: 'ok',
        targetType: 'handover',
        targetId: id,
        details: { revision: before.revision + 1 },
      });
      return (await this.load(tx, id))!;
    });
  }

  /** Freezes the draft: the hub takes its snapshot now; an answer to a return joins the thread. */
  async submit(
    auth: AuthContext,
    id: string,
    input: { answer?: string | undefined },
    source: string | null,
  ): Promise<Handover> {
    return this.change(auth, source, async (tx, p) => {
      const before = await this.writable(tx, p, id, 'handover.submit');
      if (before.status === 'submitted' && before.submittedBy?.userId === p.userId && !input.answer)
        return before;
      if (before.status !== 'draft') throw errors.conflict(`the handover is already ${before.status}`);
      const me = await this.signatory(tx, p);
      const at = this.now();
      // Items carried from the handover accepted last, as it is now, with this draft's clearings.
      const base = carriedFrom(await this.lastAccepted(tx, before.centre));
      const carried = applyClearings(base, before.carried, before.content, me, at);
      const content = {
        ...before.content,
        cleared: before.content.cleared.filter((c) => base.some((b) => b.id === c)),
      };
      if (input.answer)
        await tx.insert(handoverThread).values({
          handoverId: id,
          centre: before.centre,
          kind: 'answer',
          body: input.answer,
          userId: me.userId,
          userName: me.name,
          at,
        });
      await tx
        .update(handovers)
        .set({
          status: 'submitted',
          content,
          carried,
          snapshot: await this.compile(tx, before.centre, new Date(before.shiftStart)),
          submittedAt: at,
          submittedBy: me.userId,
          submittedByName: me.name,
          revision: before.revision + 1,
          updatedAt: at,
        })
        .where(and(eq(handovers.id, id), eq(handovers.status, 'draft')));
      return this.recorded(tx, auth, source, id, 'handover.submit', { type: 'handover:submitted' });
    });
  }

  /**
   * The end of every decision: reads the handover as it now is, writes the audit record and appends
   * its event (last, so event writers wait on each other as briefly as possible).
   */
  private async recorded(
    tx: AppTx,
    auth: AuthContext,
    source: string | null,
    id: string,
    action: string,
    event: { type: string; extra?: Record<string, unknown> },
    details?: Record<string, unknown>,
  ): Promise<Handover> {
    const handover = (await this.load(tx, id))!;
    await recordAudit(tx, actorOf(auth, source), {
      action,
      outcome: 'ok',
      targetType: 'handover',
      targetId: id,
      ...(details ? { details } : {}),
    });
    await appendEvent(tx, handoverEvent(event.type, handover, event.extra));
    return handover;
  }

  private outgoing(h: Handover, p: Principal): boolean {
    return h.author.userId === p.userId || h.submittedBy?.userId === p.userId;
  }

  /** The incoming supervisor sends it back to draft with a question. */
  async return(
    auth: AuthContext,
    id: string,
    input: { question: string },
    source: string | null,
  ): Promise<Handover> {
    return this.change(auth, source, async (tx, p) => {
      const before = await this.writable(tx, p, id, 'handover.return');
      if (before.status !== 'submitted')
        throw errors.conflict(`the handover is ${before.status}: only a submitted one can be returned`);
      if (this.outgoing(before, p))
        throw new Refusal(
          'handover.return',
          { type: 'handover', id },
          'the outgoing supervisor cannot return their own handover',
        );
      const me = await this.signatory(tx, p);
      const at = this.now();
      await tx.insert(handoverThread).values({
        handoverId: id,
        centre: before.centre,
        kind: 'question',
        body: input.question,
        userId: me.userId,
        userName: me.name,
        at,
      });
      await tx
        .update(handovers)
        .set({
          status: 'draft',
          snapshot: null,
          submittedAt: null,
          submittedBy: null,
          submittedByName: null,
          revision: before.revision + 1,
          updatedAt: at,
        })
        .where(and(eq(handovers.id, id), eq(handovers.status, 'submitted')));
      return this.recorded(tx, auth, source, id, 'handover.return', {
        type: 'handover:returned',
        extra: { question: input.question },
      });
    });
  }

  /**
   * Serialises the centre's chain for this transaction and reads its head: the last link's position
   * and seal. Taken after the handover row's lock, before audit and events.
   */
  private async chainHead(tx: AppTx, centre: string): Promise<{ position: number; seal: string | null }> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'tansiq.handover-chain.' + centre}))`);
    const [h] = await tx
      .select({ position: handovers.chainPosition, seal: handovers.seal })
      .from(handovers)
      .where(and(eq(handovers.centre, centre), isNotNull(handovers.chainPosition)))
      .orderBy(desc(handovers.chainPosition))
      .limit(1);
    const [a] = await tx
      .select({ position: handoverAddenda.chainPosition, seal: handoverAddenda.seal })
      .from(handoverAddenda)
      .where(eq(handoverAddenda.centre, centre))
      .orderBy(desc(handoverAddenda.chainPosition))
      .limit(1);
    const head = [h, a]
      .filter((x) => x && x.position !== null)
      .sort((x, y) => y!.position! - x!.position!)[0];
    return head ? { position: head.position!, seal: head.seal } : { position: 0, seal: null };
  }

  /** The incoming supervisor signs: the handover is sealed into its centre's chain and never changes again. */
  async accept(auth: AuthContext, id: string, source: string | null): Promise<Handover> {
    return this.change(auth, source, async (tx, p) => {
      const before = await this.writable(tx, p, id, 'handover.accept');
      if (before.status === 'accepted') {
        if (before.acceptedBy?.userId === p.userId) return before;
        throw errors.conflict('the handover is already accepted');
      }
      if (before.status !== 'submitted')
        throw errors.conflict('the handover is a draft: it must be submitted first');
      if (this.outgoing(before, p))
        throw new Refusal(
          'handover.accept',
          { type: 'handover', id },
          'the outgoing supervisor cannot accept their own handover',
        );
      const me = await this.signatory(tx, p);
      const at = this.now();
      const head = await this.chainHead(tx, before.centre);
      const signed: Handover = { ...before, acceptedAt: at.toISOString(), acceptedBy: me };
      const position = head.position + 1;
      const seal = sealOf({
        kind: 'handover',
        centre: before.centre,
        position,
        previous: head.seal,
        record: sealedRecord(signed),
      });
      const done = await tx
        .update(handovers)
        .set({
          status: 'accepted',
          acceptedAt: at,
          acceptedBy: me.userId,
          acceptedByName: me.name,
          chainPosition: position,
          previousSeal: head.seal,
          seal,
          updatedAt: at,
        })
        .where(and(eq(handovers.id, id), eq(handovers.status, 'submitted')))
        .returning({ id: handovers.id });
      if (done.length !== 1) throw errors.conflict('the handover changed while it was being accepted');
      return this.recorded(
        tx,
        auth,
        source,
        id,
        'handover.accept',
        { type: 'handover:accepted' },
        { position, seal },
      );
    });
  }

  /** A correction to an accepted handover: signed, time-stamped, sealed into the chain. */
  async addendum(
    auth: AuthContext,
    id: string,
    input: { body: string },
    source: string | null,
  ): Promise<Handover> {
    return this.change(auth, source, async (tx, p) => {
      const handover = await this.writable(tx, p, id, 'handover.addendum');
      if (handover.status !== 'accepted')
        throw errors.conflict('only an accepted handover takes addenda; edit the draft instead');
      const me = await this.signatory(tx, p);
      const at = this.now();
      const head = await this.chainHead(tx, handover.centre);
      const position = head.position + 1;
      const addendumId = crypto.randomUUID();
      const record = { id: addendumId, handoverId: id, body: input.body, by: me, at: at.toISOString() };
      const seal = sealOf({
        kind: 'addendum',
        centre: handover.centre,
        position,
        previous: head.seal,
        record,
      });
      const [row] = await tx
        .insert(handoverAddenda)
        .values({
          id: addendumId,
          handoverId: id,
          centre: handover.centre,
          body: input.body,
          authorId: me.userId,
          authorName: me.name,
          at,
          chainPosition: position,
          previousSeal: head.seal ?? '',
          seal,
        })
        .returning();
      return this.recorded(
        tx,
        auth,
        source,
        id,
        'handover.addendum',
        { type: 'handover:amended', extra: { addendum: toAddendum(row!) } },
        { addendumId, position, seal },
      );
    });
  }

  /**
   * Per joint centre the caller may see: the shift on now, the last accepted handover and an
   * overdue shift. Compiled in the hub's own transaction; the board gets no names.
   */
  async shifts(auth: AuthContext): Promise<CentreShift[]> {
    const p = auth.principal;
    const visible = this.centres.joint().filter((c) => handoverAccess(p, c) !== null);
    if (visible.length === 0) return [];
    const now = this.now();
    const current = this.calendar.current(now);
    const previous = this.calendar.previous(now);
    const due = now.getTime() >= previous.end.getTime() + this.graceMinutes * 60_000;
    return this.database.asSystem(async (tx) => {
      const out: CentreShift[] = [];
      for (const centre of visible) {
        const [last] = await tx
          .select()
          .from(handovers)
          .where(and(eq(handovers.centre, centre), eq(handovers.status, 'accepted')))
          .orderBy(desc(handovers.shiftStart))
          .limit(1);
        const [handedOver] = await tx
          .select({ id: handovers.id })
          .from(handovers)
          .where(
            and(
              eq(handovers.centre, centre),
              eq(handovers.shiftStart, previous.start),
              eq(handovers.status, 'accepted'),
            ),
          );
        out.push({
          centre,
          shift: current ? { start: current.start.toISOString(), end: current.end.toISOString() } : null,
          lastAccepted: last
            ? {
                id: last.id,
                shiftStart: last.shiftStart.toISOString(),
                acceptedAt: last.acceptedAt!.toISOString(),
                acceptedBy: p.role === 'board' ? null : last.acceptedByName,
              }
            : null,
          overdueShift: due && !handedOver ? previous.start.toISOString() : null,
        });
      }
      return out;
    });
  }
}

/** A handover row without its thread, addenda or snapshot: what lists and status need. */
function header(row: HandoverRow): Handover {
  return toHandover(row, [], [], emptySnapshot(row.updatedAt));
}

function summaryOf(h: Handover): HandoverSummary {
  return {
    ...toStatus(h),
    author: h.author,
    submittedAt: h.submittedAt,
    acceptedBy: h.acceptedBy,
    seal: h.seal,
    thread: h.thread.length,
  };
}

function emptyContent(): HandoverContent {
  return { events: [], resources: [], tasks: [], notes: '', cleared: [] };
}

/** Marks a shift's handover overdue once; true when this call did (and should announce it). */
export async function markOverdue(tx: AppTx, centre: string, shiftStart: Date): Promise<boolean> {
  const rows = await tx
    .insert(handoverOverdue)
    .values({ centre, shiftStart })
    .onConflictDoNothing()
    .returning({ centre: handoverOverdue.centre });
  return rows.length === 1;
}
