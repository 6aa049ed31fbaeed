import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import {
  canMarkActionDone,
  canReadMeeting,
  canWriteMeetings,
  readsMeetingTitlesOnly,
  type ActionItem,
  type ActionListQuery,
  type AgendaSuggestion,
  type BoardMeeting,
  type CreateAction,
  type CreateMeeting,
  type Decision,
  type Meeting,
  type MeetingDetail,
  type MeetingStatus,
  type PatchMeeting,
  type PatchAction,
  type Principal,
} from '@tansiq/shared';
import type { AppTx, Database } from '../db/database.ts';
import type { CentresCache } from '../centres/centres.cache.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import type { AuthContext } from '../auth/auth.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { actorOf, userChange } from '../access/user-change.ts';
import { errors, Refusal } from '../http/errors.ts';
import { appendEvent, type NewEvent } from '../events/events.service.ts';
import { users } from '../users/users.table.ts';
import { alerts } from '../alerts/alerts.table.ts';
import { alertDeadlines, alertUpdates } from '../alerts/alert-activity.table.ts';
import { briefs } from '../briefs/briefs.table.ts';
import { actionItems, meetingDecisions, meetings } from './meetings.table.ts';
import {
  meetingForReader,
  toAction,
  toDecision,
  toMeeting,
  type ActionRow,
  type MeetingRow,
} from './meetings.mapper.ts';

/** How far in the past a new due date may lie (a clock a little behind the hub's). */
const DUE_SLACK_MS = 60_000;

/** What the picture offers for a new agenda (the hub's own sources; see suggestions()). */
export interface PictureSources {
  overdueHandovers(auth: AuthContext): Promise<string[]>;
  highImpactSectors(auth: AuthContext): Promise<string[]>;
}

function meetingEvent(type: string, meeting: Meeting, extra: Record<string, unknown> = {}): NewEvent {
  return {
    type,
    audience: 'meeting',
    centre: null,
    tlp: meeting.tlp,
    recipients: meeting.centres,
    entityId: meeting.id,
    data: { meeting, ...extra },
  };
}

function actionEvent(
  type: string,
  action: ActionItem,
  meeting: Pick<MeetingRow, 'tlp' | 'centres'>,
): NewEvent {
  return {
    type,
    audience: 'action',
    centre: action.centre,
    tlp: meeting.tlp,
    recipients: meeting.centres,
    entityId: action.id,
    data: { action },
  };
}

/**
 * Meetings, their decisions and action items. Reads go through row-level security under the
 * caller's claims; every change is one transaction with its audit record and its event.
 */
export class MeetingsService {
  constructor(
    readonly database: Database,
    private readonly centres: CentresCache,
    readonly failures: FailureAudit,
    private readonly picture: PictureSources,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private change<T>(auth: AuthContext, source: string | null, fn: (tx: AppTx, p: Principal) => Promise<T>) {
    return userChange(this, auth, source, fn);
  }

  private async refuseRead(auth: AuthContext, source: string | null, target: { type: string; id?: string }) {
    await this.failures.record(actorOf(auth, source), {
      action: 'meeting.read',
      outcome: 'refused',
      targetType: target.type,
      ...(target.id ? { targetId: target.id } : {}),
    });
    return errors.forbidden();
  }

  private async nameOf(tx: AppTx, userId: string): Promise<string> {
    const [u] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, userId));
    return u?.name ?? '';
  }

  /** Participating centres must exist; unknown ones are a 400 naming them. */
  private checkCentres(codes: readonly string[]): void {
    const unknown = codes.filter((c) => this.centres.kindOf(c) === null);
    if (unknown.length > 0) throw errors.badRequest('unknown centre', { centres: unknown });
  }

  async list(
    auth: AuthContext,
    query: { status?: MeetingStatus | undefined },
    source: string | null,
  ): Promise<Array<Meeting | BoardMeeting>> {
    if (auth.principal.role === 'admin') throw await this.refuseRead(auth, source, { type: 'meeting' });
    const rows = await this.database.asUser(auth.principal, (tx) =>
      tx
        .select()
        .from(meetings)
        .where(query.status ? eq(meetings.status, query.status) : undefined)
        .orderBy(desc(meetings.startsAt))
        .limit(200),
    );
    return rows.map((r) => meetingForReader(auth.principal, toMeeting(r)));
  }

  async get(
    auth: AuthContext,
    id: string,
    source: string | null,
  ): Promise<MeetingDetail | { meeting: BoardMeeting; decisions: []; actions: [] }> {
    if (auth.principal.role === 'admin') throw await this.refuseRead(auth, source, { type: 'meeting', id });
    const now = this.clock();
    return this.database.asUser(auth.principal, async (tx) => {
      const [row] = await tx.select().from(meetings).where(eq(meetings.id, id));
      if (!row) throw errors.notFound('no such meeting');
      const meeting = toMeeting(row);
      // A board reads the title: no agenda, decisions or action items (row-level security agrees).
      if (readsMeetingTitlesOnly(auth.principal))
        return {
          meeting: meetingForReader(auth.principal, meeting) as BoardMeeting,
          decisions: [],
          actions: [],
        };
      const decisions = await tx
        .select()
        .from(meetingDecisions)
        .where(eq(meetingDecisions.meetingId, id))
        .orderBy(asc(meetingDecisions.at));
      const actions = await tx
        .select()
        .from(actionItems)
        .where(eq(actionItems.meetingId, id))
        .orderBy(asc(actionItems.createdAt));
      return {
        meeting,
        decisions: decisions.map(toDecision),
        actions: actions.map((a) => toAction(a, row, now)),
      };
    });
  }

  async create(auth: AuthContext, input: CreateMeeting, source: string | null): Promise<Meeting> {
    return this.change(auth, source, async (tx, p) => {
      if (!canWriteMeetings(p)) throw new Refusal('meeting.schedule', { type: 'meeting' });
      this.checkCentres(input.centres);
      const [row] = await tx
        .insert(meetings)
        .values({
          title: input.title,
          startsAt: new Date(input.startsAt),
          place: input.place,
          centres: input.centres,
          tlp: input.tlp,
          agenda: input.agenda.map((a) => ({ id: randomUUID(), text: a.text, source: a.source ?? null })),
          createdBy: p.userId,
          createdByName: await this.nameOf(tx, p.userId),
        })
        .returning();
      const meeting = toMeeting(row!);
      await recordAudit(tx, actorOf(auth, source), {
        action: 'meeting.schedule',
        outcome: 'ok',
        targetType: 'meeting',
        targetId: meeting.id,
        details: { tlp: meeting.tlp, centres: meeting.centres },
      });
      await appendEvent(tx, meetingEvent('meeting:scheduled', meeting));
      return meeting;
    });
  }

  /** A meeting the caller may change, locked; not found when they may not even read it. */
  private async writable(tx: AppTx, p: Principal, id: string, action: string): Promise<MeetingRow> {
    if (!canWriteMeetings(p)) throw new Refusal(action, { type: 'meeting', id });
    const [row] = await tx.select().from(meetings).where(eq(meetings.id, id)).for('update');
    if (!row) throw errors.notFound('no such meeting');
    return row;
  }

  async update(auth: AuthContext, id: string, patch: PatchMeeting, source: string | null): Promise<Meeting> {
    return this.change(auth, source, async (tx, p) => {
      const before = await this.writable(tx, p, id, 'meeting.edit');
      if (patch.centres) {
        this.checkCentres(patch.centres);
        // Every owning centre of the meeting's action items keeps taking part.
        const owners = await tx
          .selectDistinct({ centre: actionItems.centre })
          .from(actionItems)
          .where(eq(actionItems.meetingId, id));
        const dropped = owners.map((o) => o.centre).filter((c) => !patch.centres!.includes(c));
        if (dropped.length > 0)
          throw errors.conflict('a centre that owns an action item of the meeting must stay a participant', {
            centres: dropped,
          });
      }
      const [row] = await tx
        .update(meetings)
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.startsAt !== undefined ? { startsAt: new Date(patch.startsAt) } : {}),
          ...(patch.place !== undefined ? { place: patch.place } : {}),
          ...(patch.centres !== undefined ? { centres: patch.centres } : {}),
          ...(patch.tlp !== undefined ? { tlp: patch.tlp } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          ...(patch.onWall !== undefined ? { onWall: patch.onWall } : {}),
          ...(patch.agenda !== undefined
            ? {
                agenda: patch.agenda.map((a) => ({
                  id: randomUUID(),
                  text: a.text,
                  source: a.source ?? null,
                })),
              }
            : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(meetings.id, id))
        .returning();
      const meeting = toMeeting(row!);
      await recordAudit(tx, actorOf(auth, source), {
        action: 'meeting.edit',
        outcome: 'ok',
        targetType: 'meeting',
        targetId: id,
        details: { fields: Object.keys(patch) },
      });
      await appendEvent(tx, meetingEvent('meeting:updated', meeting));
      // Readers who lose the meeting (a narrower TLP, fewer centres) are told it is gone, and no more.
      const lost =
        tlpOrder.indexOf(meeting.tlp) > tlpOrder.indexOf(before.tlp) ||
        before.centres.some((c) => !meeting.centres.includes(c));
      if (lost)
        await appendEvent(tx, {
          type: 'meeting:withdrawn',
          audience: 'meeting',
          centre: null,
          tlp: before.tlp,
          recipients: before.centres,
          entityId: id,
          data: { meeting: { id } },
        });
      return meeting;
    });
  }

  async addDecision(auth: AuthContext, id: string, text: string, source: string | null): Promise<Decision> {
    return this.change(auth, source, async (tx, p) => {
      const meetingRow = await this.writable(tx, p, id, 'meeting.decide');
      const [row] = await tx
        .insert(meetingDecisions)
        .values({ meetingId: id, text, byId: p.userId, byName: await this.nameOf(tx, p.userId) })
        .returning();
      const decision = toDecision(row!);
      await recordAudit(tx, actorOf(auth, source), {
        action: 'meeting.decide',
        outcome: 'ok',
        targetType: 'meeting',
        targetId: id,
        details: { decision: decision.id },
      });
      await appendEvent(tx, meetingEvent('meeting:updated', toMeeting(meetingRow), { decision }));
      return decision;
    });
  }

  /** The owner of an action item: a joint centre taking part in the meeting. */
  private checkOwner(meeting: MeetingRow, centre: string): void {
    if (this.centres.kindOf(centre) !== 'joint')
      throw errors.badRequest('an action item is owned by a joint centre', { centre });
    if (!meeting.centres.includes(centre))
      throw errors.badRequest('the owning centre must take part in the meeting', { centre });
  }

  private checkDue(dueAt: string): Date {
    const due = new Date(dueAt);
    if (due.getTime() < this.clock().getTime() - DUE_SLACK_MS)
      throw errors.badRequest('the due date is in the past', { dueAt });
    return due;
  }

  async addAction(
    auth: AuthContext,
    id: string,
    input: CreateAction,
    source: string | null,
  ): Promise<ActionItem> {
    return this.change(auth, source, async (tx, p) => {
      const meeting = await this.writable(tx, p, id, 'action.create');
      this.checkOwner(meeting, input.centre);
      const dueAt = this.checkDue(input.dueAt);
      const [row] = await tx
        .insert(actionItems)
        .values({
          meetingId: id,
          title: input.title,
          centre: input.centre,
          dueAt,
          createdBy: p.userId,
          createdByName: await this.nameOf(tx, p.userId),
        })
        .returning();
      const action = toAction(row!, meeting, this.clock());
      await recordAudit(tx, actorOf(auth, source), {
        action: 'action.create',
        outcome: 'ok',
        targetType: 'action',
        targetId: action.id,
        details: { meeting: id, centre: action.centre, dueAt: action.dueAt },
      });
      await appendEvent(tx, actionEvent('action:created', action, meeting));
      return action;
    });
  }

  async listActions(auth: AuthContext, query: ActionListQuery, source: string | null): Promise<ActionItem[]> {
    const p = auth.principal;
    if (p.role === 'admin' || p.role === 'board')
      throw await this.refuseRead(auth, source, { type: 'action' });
    const now = this.clock();
    const rows = await this.database.asUser(p, (tx) =>
      tx
        .select({ action: actionItems, meeting: meetings })
        .from(actionItems)
        .innerJoin(meetings, eq(meetings.id, actionItems.meetingId))
        .where(
          and(
            query.centre ? eq(actionItems.centre, query.centre) : undefined,
            query.meeting ? eq(actionItems.meetingId, query.meeting) : undefined,
            query.status === 'open' ? eq(actionItems.status, 'open') : undefined,
            query.status === 'done' ? eq(actionItems.status, 'done') : undefined,
            query.status === 'overdue'
              ? and(eq(actionItems.status, 'open'), lte(actionItems.dueAt, now))
              : undefined,
          ),
        )
        .orderBy(asc(actionItems.dueAt))
        .limit(500),
    );
    return rows.map((r) => toAction(r.action, r.meeting, now));
  }

  /**
   * An action item and its meeting; not found when the caller may not read it. `lock` takes the
   * item's row lock (which row-level security grants only to those who may change it).
   */
  private async findAction(
    tx: AppTx,
    id: string,
    lock = false,
  ): Promise<{ row: ActionRow; meeting: MeetingRow }> {
    const query = tx
      .select({ row: actionItems, meeting: meetings })
      .from(actionItems)
      .innerJoin(meetings, eq(meetings.id, actionItems.meetingId))
      .where(eq(actionItems.id, id));
    const [found] = lock ? await query.for('update', { of: actionItems }) : await query;
    if (!found) throw errors.notFound('no such action item');
    return found;
  }

  async updateAction(
    auth: AuthContext,
    id: string,
    patch: PatchAction,
    source: string | null,
  ): Promise<ActionItem> {
    return this.change(auth, source, async (tx, p) => {
      if (!canWriteMeetings(p)) throw new Refusal('action.edit', { type: 'action', id });
      const { row: before, meeting } = await this.findAction(tx, id, true);
      if (before.status !== 'open') throw errors.conflict('the action item is done: it no longer changes');
      if (patch.centre !== undefined) this.checkOwner(meeting, patch.centre);
      const dueAt = patch.dueAt !== undefined ? this.checkDue(patch.dueAt) : undefined;
      const [row] = await tx
        .update(actionItems)
        .set({
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          ...(patch.centre !== undefined ? { centre: patch.centre } : {}),
          // A new due date is a new promise: it can go overdue (and be announced) again.
          ...(dueAt !== undefined ? { dueAt, overdueAt: null } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(actionItems.id, id))
        .returning();
      const action = toAction(row!, meeting, this.clock());
      await recordAudit(tx, actorOf(auth, source), {
        action: 'action.edit',
        outcome: 'ok',
        targetType: 'action',
        targetId: id,
        details: { fields: Object.keys(patch) },
      });
      await appendEvent(tx, actionEvent('action:updated', action, meeting));
      // The previous owner's counts change too.
      if (patch.centre !== undefined && patch.centre !== before.centre)
        await appendEvent(tx, { ...actionEvent('action:updated', action, meeting), centre: before.centre });
      return action;
    });
  }

  /**
   * Marks an open action item done with a note: once. Two supervisors (or a supervisor and a
   * coordinator) at the same instant: the conditional update lets one through; the other finds it
   * done (409).
   */
  async markDone(auth: AuthContext, id: string, note: string, source: string | null): Promise<ActionItem> {
    return this.change(auth, source, async (tx, p) => {
      // Only supervisors and coordinators ever mark items done: everyone else is refused outright.
      if (p.role !== 'supervisor' && p.role !== 'coordinator')
        throw new Refusal('action.done', { type: 'action', id });
      // Read first (a reader who may not mark it done is refused, and audited), then one
      // conditional update decides between concurrent callers.
      const { row: before, meeting } = await this.findAction(tx, id);
      if (!canMarkActionDone(p, { centre: before.centre, tlp: meeting.tlp, centres: meeting.centres }))
        throw new Refusal('action.done', { type: 'action', id });
      const [row] = await tx
        .update(actionItems)
        .set({
          status: 'done',
          doneAt: sql`now()`,
          doneBy: p.userId,
          doneByName: await this.nameOf(tx, p.userId),
          doneNote: note,
          updatedAt: sql`now()`,
        })
        .where(and(eq(actionItems.id, id), eq(actionItems.status, 'open')))
        .returning();
      if (!row) throw errors.conflict('the action item is already done');
      const action = toAction(row, meeting, this.clock());
      await recordAudit(tx, actorOf(auth, source), {
        action: 'action.done',
        outcome: 'ok',
        targetType: 'action',
        targetId: id,
        details: { centre: action.centre },
      });
      await appendEvent(tx, actionEvent('action:done', action, meeting));
      return action;
    });
  }

  /**
   * The leader's round: every open action item past its due date and not yet announced is marked
   * and announced, in one conditional update, so it is announced once across processes and restarts.
   */
  async announceOverdue(): Promise<number> {
    const now = this.clock();
    // Most rounds find nothing overdue: one read says so before a transaction is opened.
    const [due] = await this.database.readAsSystem((q) =>
      q
        .select({ id: actionItems.id })
        .from(actionItems)
        .where(
          and(eq(actionItems.status, 'open'), lte(actionItems.dueAt, now), isNull(actionItems.overdueAt)),
        )
        .limit(1),
    );
    if (!due) return 0;
    const n = await this.database.asSystem(async (tx) => {
      const marked = await tx
        .update(actionItems)
        .set({ overdueAt: sql`now()` })
        .where(
          and(eq(actionItems.status, 'open'), lte(actionItems.dueAt, now), isNull(actionItems.overdueAt)),
        )
        .returning();
      if (marked.length === 0) return 0;
      const owning = await tx
        .select()
        .from(meetings)
        .where(inArray(meetings.id, [...new Set(marked.map((m) => m.meetingId))]));
      for (const row of marked) {
        const meeting = owning.find((m) => m.id === row.meetingId)!;
        await recordAudit(
          tx,
          { source: null },
          {
            action: 'action.overdue',
            outcome: 'ok',
            targetType: 'action',
            targetId: row.id,
            details: { centre: row.centre, dueAt: row.dueAt.toISOString() },
          },
        );
        await appendEvent(tx, actionEvent('action:overdue', toAction(row, meeting, now), meeting));
      }
      return marked.length;
    });
    return n;
  }

  /**
   * Suggested agenda items from the picture the coordinator may read: open escalations (missed
   * deadlines and supervisors' escalations), overdue handovers, sectors at high impact, and briefs
   * published since the last meeting that has begun (or in the last 30 days).
   */
  async suggestions(auth: AuthContext, source: string | null): Promise<AgendaSuggestion[]> {
    if (!canWriteMeetings(auth.principal)) {
      await this.failures.record(actorOf(auth, source), {
        action: 'meeting.schedule',
        outcome: 'refused',
        targetType: 'meeting',
      });
      throw errors.forbidden();
    }
    const now = this.clock();
    const out: AgendaSuggestion[] = [];
    await this.database.asUser(auth.principal, async (tx) => {
      const escalated = await tx
        .selectDistinct({ id: alerts.id, title: alerts.title, createdAt: alerts.createdAt })
        .from(alerts)
        .where(
          and(
            inArray(alerts.status, ['open', 'acknowledged']),
            sql`(exists (select 1 from ${alertDeadlines} d where d.alert_id = ${alerts.id} and d.escalated_at is not null)
              or exists (select 1 from ${alertUpdates} u where u.alert_id = ${alerts.id} and u.kind = 'escalated'))`,
          ),
        )
        .orderBy(desc(alerts.createdAt))
        .limit(20);
      for (const a of escalated) out.push({ label: a.title, source: { kind: 'escalation', ref: a.id } });
      const [last] = await tx
        .select({ startsAt: meetings.startsAt })
        .from(meetings)
        .where(and(lte(meetings.startsAt, now), ne(meetings.status, 'scheduled')))
        .orderBy(desc(meetings.startsAt))
        .limit(1);
      const since = last?.startsAt ?? new Date(now.getTime() - 30 * 86_400_000);
      const published = await tx
        .select({ id: briefs.id, title: briefs.title })
        .from(briefs)
        .where(and(eq(briefs.status, 'published'), gt(briefs.publishedAt, since)))
        .orderBy(desc(briefs.publishedAt))
        .limit(20);
      for (const b of published) out.push({ label: b.title, source: { kind: 'brief', ref: b.id } });
    });
    for (const centre of await this.picture.overdueHandovers(auth))
      out.push({ label: centre, source: { kind: 'handover_overdue', ref: centre } });
    for (const sector of await this.picture.highImpactSectors(auth))
      out.push({ label: sector, source: { kind: 'sector', ref: sector } });
    return out;
  }

  /** Meetings not closed, soonest first, as the caller reads them (the board and coordinator snapshot). */
  async current(p: Principal, tx: AppTx): Promise<Array<Meeting | BoardMeeting>> {
    const rows = await tx
      .select()
      .from(meetings)
      .where(ne(meetings.status, 'closed'))
      .orderBy(asc(meetings.startsAt))
      .limit(20);
    return rows.filter((r) => canReadMeeting(p, r)).map((r) => meetingForReader(p, toMeeting(r)));
  }
}

const tlpOrder = ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const;
