import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, getTableColumns, gte, inArray, lte, sql } from 'drizzle-orm';
import {
  briefListAccess,
  canReadBrief,
  canWriteBrief,
  openBriefStatuses,
  tagSearchText,
  type Brief,
  type BriefBoardFields,
  type BriefListItem,
  type BriefListQuery,
  type BriefReply,
  type CitingBrief,
  type CreateBrief,
  type PatchBrief,
  type Principal,
  type Signatory,
} from '@tansiq/shared';
import type { AppTx, Database } from '../db/database.ts';
import { AppError, errors, Refusal } from '../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import type { AuthContext } from '../auth/auth.service.ts';
import type { CentresCache } from '../centres/centres.cache.ts';
import { actorOf, userChange } from '../access/user-change.ts';
import { appendEvent, type NewEvent } from '../events/events.service.ts';
import { alertColumns, alerts } from '../alerts/alerts.table.ts';
import { users } from '../users/users.table.ts';
import { briefAttachments, briefs, briefThread } from './briefs.table.ts';
import {
  authorsOf,
  briefBoardFields,
  readsThread,
  toBrief,
  toCitedAlert,
  toListItem,
  toThreadEntry,
  type BriefRow,
} from './briefs.mapper.ts';
import { plainOf, snippetsFor } from './briefs.search.ts';
import { checkPdf, fileNameProblem, safeFileName } from './pdf.ts';

/** The most attachments one version carries. */
export const MAX_ATTACHMENTS = 20;

const isOpen = (status: string) => (openBriefStatuses as readonly string[]).includes(status);

/** Attachment columns without the bytes (lists and replies never carry them). */
const { content: _content, ...attachmentColumns } = getTableColumns(briefAttachments);
/** Brief columns without the body and the search vector (what lists need). */
const { body: _body, search: _search, ...listColumns } = getTableColumns(briefs);

/** `brief:published`: routed by the brief's sharing; the board's copy is the title (events.service). */
export function briefEvent(type: string, brief: BriefListItem): NewEvent {
  return {
    type,
    audience: 'brief',
    centre: 'STUDIES',
    tlp: brief.tlp,
    recipients: brief.recipients,
    entityId: brief.id,
    data: { brief },
  };
}

/**
 * The studies archive: risk briefs, one row per version. Analysts write a draft, submit it for
 * review, a second analyst (never an author) approves or returns it, an approved version is
 * published and supersedes the one before. Every decision locks the brief's versions first, then
 * writes its thread entry, audit record and event in the same transaction. Reads go through
 * row-level security as the caller; every read of a brief and every download is audited.
 */
export class BriefsService {
  constructor(
    readonly database: Database,
    private readonly centres: CentresCache,
    readonly failures: FailureAudit,
    readonly maxAttachmentBytes: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private change<T>(auth: AuthContext, source: string | null, fn: (tx: AppTx, p: Principal) => Promise<T>) {
    return userChange(this, auth, source, fn);
  }

  /** Admins see no brief at all; a board sees titles (lists and events), never a brief's content. */
  private async refuseUnless(
    auth: AuthContext,
    source: string | null,
    allowed: boolean,
    action: string,
    id?: string,
  ): Promise<void> {
    if (allowed) return;
    await this.failures.record(actorOf(auth, source), {
      action,
      outcome: 'refused',
      targetType: 'brief',
      ...(id ? { targetId: id } : {}),
    });
    throw errors.forbidden();
  }

  private async signatory(tx: AppTx, p: Principal): Promise<Signatory> {
    const [u] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, p.userId));
    return { userId: p.userId, name: u?.name ?? '' };
  }

  /** Recipients are joint centres; the studies centre writes, it is not a recipient. */
  private checkRecipients(recipients: string[]): void {
    const wrong = recipients.filter((c) => this.centres.kindOf(c) !== 'joint');
    if (wrong.length > 0)
      throw errors.badRequest(`not a joint centre: ${wrong.join(', ')}`, {
        field: 'recipients',
        centres: wrong,
      });
  }

  /** Cited alerts must exist and be readable by the analyst citing them. */
  private async checkCited(tx: AppTx, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await tx.select({ id: alerts.id }).from(alerts).where(inArray(alerts.id, ids));
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0)
      throw errors.badRequest('cited alerts not found', { field: 'citedAlerts', ids: missing });
  }

  // ---- reading ------------------------------------------------------------------------------

  async list(
    auth: AuthContext,
    query: BriefListQuery,
    source: string | null,
  ): Promise<{ briefs: Array<BriefListItem | BriefBoardFields>; total: number }> {
    const p = auth.principal;
    await this.refuseUnless(auth, source, briefListAccess(p) !== null, 'brief.list');
    const q = query.q?.trim() || undefined;
    const matches = q ? sql`${briefs.search} @@ tansiq_search_query(${q})` : undefined;
    const when = sql`coalesce(${briefs.publishedAt}, ${briefs.updatedAt})`;
    const where = and(
      eq(briefs.status, query.status ?? 'published'),
      query.tlp ? eq(briefs.tlp, query.tlp) : undefined,
      query.language ? eq(briefs.language, query.language) : undefined,
      query.tag && query.tag.length > 0
        ? sql`${briefs.tags} @> ${sql.raw('ARRAY[')}${sql.join(
            query.tag.map((t) => sql`${t}`),
            sql`, `,
          )}${sql.raw(']::text[]')}`
        : undefined,
      query.from ? gte(when, new Date(query.from)) : undefined,
      query.to ? lte(when, new Date(query.to)) : undefined,
      matches,
    );
    const rank = q ? sql<number>`ts_rank_cd(${briefs.search}, tansiq_search_query(${q}))` : sql<number>`0`;
    return this.database.asUser(p, async (tx) => {
      const rows = await tx
        .select({
          ...listColumns,
          body: q ? briefs.body : sql<string>`''`,
          rank,
          attachments: sql<number>`(select count(*)::int from ${briefAttachments} a where a.brief_id = ${briefs.id})`,
          // Counted in the same pass as the page (under the same row-level security).
          total: sql<number>`count(*) over ()`,
        })
        .from(briefs)
        .where(where)
        .orderBy(...(q ? [desc(rank)] : []), desc(when), asc(briefs.id))
        .limit(query.limit)
        .offset(query.offset);
      // A page past the end has no row to carry the count: then it is counted on its own.
      const total =
        rows.length > 0
          ? Number(rows[0]!.total)
          : query.offset === 0
            ? 0
            : ((await tx.select({ n: count() }).from(briefs).where(where))[0]?.n ?? 0);
      const items = rows.map((r) => toListItem(r, Number(r.attachments)));
      if (briefListAccess(p) === 'titles') return { briefs: items.map(briefBoardFields), total };
      if (q) {
        const snippets = await snippetsFor(
          tx,
          q,
          rows.map((r) => `${r.summary} ${plainOf(r.body)}`),
        );
        items.forEach((item, i) => {
          item.snippet = snippets[i]!;
          item.rank = Number(rows[i]!.rank);
        });
      }
      return { briefs: items, total };
    });
  }

  /**
   * One version of a brief with what goes with it. Without `version`: the published version, else
   * (for analysts) the one in the works. Audited as a read (actor, brief, version).
   */
  async get(
    auth: AuthContext,
    id: string,
    version: number | undefined,
    source: string | null,
  ): Promise<BriefReply> {
    const p = auth.principal;
    await this.refuseUnless(auth, source, briefListAccess(p) === 'full', 'brief.read', id);
    return this.database.asUser(p, async (tx) => {
      const rows = await tx.select().from(briefs).where(eq(briefs.seriesId, id)).orderBy(asc(briefs.version));
      const row =
        version !== undefined
          ? rows.find((r) => r.version === version)
          : (rows.find((r) => r.status === 'published') ?? rows.find((r) => isOpen(r.status)) ?? rows.at(-1));
      if (!row) throw errors.notFound('no such brief');
      const reply = await this.reply(tx, p, row, rows);
      await recordAudit(tx, actorOf(auth, source), {
        action: 'brief.read',
        outcome: 'ok',
        targetType: 'brief',
        targetId: id,
        details: { version: row.version },
      });
      return reply;
    });
  }

  private async reply(tx: AppTx, p: Principal, row: BriefRow, versions: BriefRow[]): Promise<BriefReply> {
    const [attachments, cited, thread] = await Promise.all([
      tx
        .select(attachmentColumns)
        .from(briefAttachments)
        .where(eq(briefAttachments.briefId, row.id))
        .orderBy(asc(briefAttachments.createdAt)),
      row.citedAlerts.length === 0
        ? Promise.resolve([])
        : tx
            .select(alertColumns)
            .from(alerts)
            .where(inArray(alerts.id, row.citedAlerts))
            .orderBy(desc(alerts.createdAt)),
      readsThread(p)
        ? tx
            .select()
            .from(briefThread)
            .where(eq(briefThread.seriesId, row.seriesId))
            .orderBy(asc(briefThread.at))
        : Promise.resolve([]),
    ]);
    return {
      brief: toBrief(row, attachments),
      versions: versions.map((v) => ({
        version: v.version,
        status: v.status,
        publishedAt: v.publishedAt?.toISOString() ?? null,
      })),
      alerts: cited.map(toCitedAlert),
      thread: thread.map(toThreadEntry),
    };
  }

  /** The briefs citing an alert that the reader may open: each brief's latest such version. */
  async citing(principal: Principal, alertId: string): Promise<CitingBrief[]> {
    if (briefListAccess(principal) !== 'full') return [];
    return this.database.asUser(principal, async (tx) => {
      const rows = await tx
        .selectDistinctOn([briefs.seriesId], {
          seriesId: briefs.seriesId,
          version: briefs.version,
          title: briefs.title,
          tlp: briefs.tlp,
          status: briefs.status,
          publishedAt: briefs.publishedAt,
        })
        .from(briefs)
        .where(sql`${alertId}::uuid = any(${briefs.citedAlerts})`)
        .orderBy(briefs.seriesId, desc(briefs.version));
      return rows
        .map((r) => ({
          id: r.seriesId,
          version: r.version,
          title: r.title,
          tlp: r.tlp,
          status: r.status,
          publishedAt: r.publishedAt?.toISOString() ?? null,
        }))
        .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''));
    });
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * Decisions on one brief go one at a time: the brief's transaction lock first (so a version
   * another decision just added is seen: a row lock alone would not show rows inserted meanwhile),
   * then every version's row.
   */
  private async lockSeries(tx: AppTx, p: Principal, id: string, action: string): Promise<BriefRow[]> {
    if (!canWriteBrief(p)) throw new Refusal(action, { type: 'brief', id });
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'tansiq.brief.' + id}))`);
    const rows = await tx
      .select()
      .from(briefs)
      .where(eq(briefs.seriesId, id))
      .orderBy(asc(briefs.version))
      .for('update');
    if (rows.length === 0) throw errors.notFound('no such brief');
    return rows;
  }

  /** The version in the works, in one of `statuses`, or a 409 that says what the brief is. */
  private openVersion(rows: BriefRow[], statuses: readonly string[], doing: string): BriefRow {
    const open = rows.find((r) => isOpen(r.status));
    if (!open)
      throw errors.conflict(`the brief has no version in the works: start a new version to ${doing}`);
    if (!statuses.includes(open.status))
      throw errors.conflict(`version ${open.version} is ${open.status.replace('_', ' ')}: cannot ${doing}`, {
        status: open.status,
      });
    return open;
  }

  /** Reads back, audits and returns the version as it now is (the end of every change). */
  private async recorded(
    tx: AppTx,
    auth: AuthContext,
    source: string | null,
    versionId: string,
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<Brief> {
    const [row] = await tx.select().from(briefs).where(eq(briefs.id, versionId));
    const attachments = await tx
      .select(attachmentColumns)
      .from(briefAttachments)
      .where(eq(briefAttachments.briefId, versionId))
      .orderBy(asc(briefAttachments.createdAt));
    const brief = toBrief(row!, attachments);
    await recordAudit(tx, actorOf(auth, source), {
      action,
      outcome: 'ok',
      targetType: 'brief',
      targetId: brief.id,
      details: { version: brief.version, ...details },
    });
    return brief;
  }

  private async thread(
    tx: AppTx,
    row: BriefRow,
    kind: 'submitted' | 'returned' | 'approved' | 'published',
    by: Signatory,
    body: string | undefined,
    at: Date,
  ): Promise<void> {
    await tx.insert(briefThread).values({
      seriesId: row.seriesId,
      version: row.version,
      kind,
      body: body ?? '',
      userId: by.userId,
      userName: by.name,
      at,
    });
  }

  async create(auth: AuthContext, input: CreateBrief, source: string | null): Promise<Brief> {
    return this.change(auth, source, async (tx, p) => {
      if (!canWriteBrief(p)) throw new Refusal('brief.create', { type: 'brief' });
      this.checkRecipients(input.recipients);
      await this.checkCited(tx, input.citedAlerts);
      const me = await this.signatory(tx, p);
      const at = this.now();
      const [row] = await tx
        .insert(briefs)
        .values({
          seriesId: crypto.randomUUID(),
          version: 1,
          status: 'draft',
          title: input.title,
          summary: input.summary,
          body: input.body,
          language: input.language,
          tags: input.tags,
          tagText: tagSearchText(input.tags),
          tlp: input.tlp,
          recipients: input.recipients,
          citedAlerts: input.citedAlerts,
          authorId: me.userId,
          authors: [me],
          createdAt: at,
          updatedAt: at,
        })
        .returning({ id: briefs.id });
      return this.recorded(tx, auth, source, row!.id, 'brief.create', { tlp: input.tlp });
    });
  }

  /** Changes the draft in the works; the editor becomes one of its authors. */
  async edit(auth: AuthContext, id: string, input: PatchBrief, source: string | null): Promise<Brief> {
    return this.change(auth, source, async (tx, p) => {
      const rows = await this.lockSeries(tx, p, id, 'brief.edit');
      const draft = this.openVersion(rows, ['draft'], 'edit it (return it to draft first)');
      if (input.revision !== undefined && input.revision !== draft.revision)
        throw errors.conflict('the draft was changed elsewhere; reload it', { revision: draft.revision });
      if (input.recipients) this.checkRecipients(input.recipients);
      if (input.citedAlerts) await this.checkCited(tx, input.citedAlerts);
      const me = await this.signatory(tx, p);
      const authors = authorsOf(draft);
      const { revision: _revision, ...changes } = input;
      await tx
        .update(briefs)
        .set({
          ...changes,
          ...(input.tags ? { tagText: tagSearchText(input.tags) } : {}),
          authors: authors.some((a) => a.userId === me.userId) ? authors : [...authors, me],
          revision: draft.revision + 1,
          updatedAt: this.now(),
        })
        .where(and(eq(briefs.id, draft.id), eq(briefs.status, 'draft')));
      return this.recorded(tx, auth, source, draft.id, 'brief.edit', { revision: draft.revision + 1 });
    });
  }

  /**
   * One step of the review: the version in the works must be in one of `from`; a reviewer's step
   * is refused to the version's authors (four eyes). The step's thread entry, the row's change,
   * its audit record — one transaction, after the brief's lock.
   */
  private step(
    auth: AuthContext,
    id: string,
    source: string | null,
    step: {
      verb: 'submit' | 'approve' | 'return';
      from: readonly BriefRow['status'][];
      kind: 'submitted' | 'approved' | 'returned';
      comment: string | undefined;
      reviewer: boolean;
      set: (me: Signatory, at: Date) => Partial<typeof briefs.$inferInsert>;
      check?: (row: BriefRow) => void;
    },
  ): Promise<Brief> {
    const action = `brief.${step.verb}`;
    return this.change(auth, source, async (tx, p) => {
      const rows = await this.lockSeries(tx, p, id, action);
      const row = this.openVersion(rows, step.from, `${step.verb} it`);
      step.check?.(row);
      if (step.reviewer && authorsOf(row).some((a) => a.userId === p.userId))
        throw new Refusal(action, { type: 'brief', id }, `an author cannot ${step.verb} their own brief`);
      const me = await this.signatory(tx, p);
      const at = this.now();
      await this.thread(tx, row, step.kind, me, step.comment, at);
      await tx
        .update(briefs)
        .set({ ...step.set(me, at), updatedAt: at, revision: row.revision + 1 })
        .where(eq(briefs.id, row.id));
      return this.recorded(tx, auth, source, row.id, action);
    });
  }

  /** Sends the draft to review (a second analyst approves or returns it). */
  submit(auth: AuthContext, id: string, comment: string | undefined, source: string | null): Promise<Brief> {
    return this.step(auth, id, source, {
      verb: 'submit',
      from: ['draft'],
      kind: 'submitted',
      comment,
      reviewer: false,
      check: (row) => {
        if (!row.title.trim() || !row.body.trim())
          throw errors.badRequest('a brief needs a title and a body before review', { field: 'body' });
      },
      set: (_me, at) => ({ status: 'in_review', submittedAt: at }),
    });
  }

  /** The second pair of eyes: an analyst who wrote none of it approves the version in review. */
  approve(auth: AuthContext, id: string, comment: string | undefined, source: string | null): Promise<Brief> {
    return this.step(auth, id, source, {
      verb: 'approve',
      from: ['in_review'],
      kind: 'approved',
      comment,
      reviewer: true,
      set: (me, at) => ({ status: 'approved', reviewerId: me.userId, reviewerName: me.name, approvedAt: at }),
    });
  }

  /** The reviewer sends it back to draft with the reason, kept in the thread. */
  return(auth: AuthContext, id: string, comment: string, source: string | null): Promise<Brief> {
    return this.step(auth, id, source, {
      verb: 'return',
      from: ['in_review', 'approved'],
      kind: 'returned',
      comment,
      reviewer: true,
      set: () => ({
        status: 'draft',
        submittedAt: null,
        approvedAt: null,
        reviewerId: null,
        reviewerName: null,
      }),
    });
  }

  /** Publishes the approved version; the version published before it is superseded. */
  async publish(auth: AuthContext, id: string, source: string | null): Promise<Brief> {
    return this.change(auth, source, async (tx, p) => {
      const rows = await this.lockSeries(tx, p, id, 'brief.publish');
      const approved = this.openVersion(
        rows,
        ['approved'],
        'publish it (a second analyst approves it first)',
      );
      const me = await this.signatory(tx, p);
      const at = this.now();
      const previous = rows.find((r) => r.status === 'published');
      if (previous)
        await tx
          .update(briefs)
          .set({ status: 'superseded', supersededAt: at, updatedAt: at })
          .where(and(eq(briefs.id, previous.id), eq(briefs.status, 'published')));
      await tx
        .update(briefs)
        .set({
          status: 'published',
          publishedAt: at,
          publishedById: me.userId,
          publishedByName: me.name,
          updatedAt: at,
        })
        .where(and(eq(briefs.id, approved.id), eq(briefs.status, 'approved')));
      await this.thread(tx, approved, 'published', me, undefined, at);
      const brief = await this.recorded(tx, auth, source, approved.id, 'brief.publish', {
        supersedes: previous?.version ?? null,
      });
      await appendEvent(tx, briefEvent('brief:published', listItemOf(brief)));
      return brief;
    });
  }

  /** Starts the next version from the published one (its attachments come along). */
  async newVersion(auth: AuthContext, id: string, source: string | null): Promise<Brief> {
    return this.change(auth, source, async (tx, p) => {
      const rows = await this.lockSeries(tx, p, id, 'brief.version');
      const open = rows.find((r) => isOpen(r.status));
      if (open)
        throw errors.conflict(`version ${open.version} is still ${open.status.replace('_', ' ')}`, {
          version: open.version,
        });
      const base = rows.find((r) => r.status === 'published') ?? rows.at(-1)!;
      const me = await this.signatory(tx, p);
      const at = this.now();
      const [row] = await tx
        .insert(briefs)
        .values({
          seriesId: base.seriesId,
          version: Math.max(...rows.map((r) => r.version)) + 1,
          status: 'draft',
          title: base.title,
          summary: base.summary,
          body: base.body,
          language: base.language,
          tags: base.tags,
          tagText: base.tagText,
          tlp: base.tlp,
          recipients: base.recipients,
          citedAlerts: base.citedAlerts,
          authorId: me.userId,
          authors: [me],
          createdAt: at,
          updatedAt: at,
        })
        .returning({ id: briefs.id });
      await tx.execute(
        sql`insert into brief_attachments (brief_id, file_name, size, sha256, content, user_id, user_name, created_at)
            select ${row!.id}, file_name, size, sha256, content, user_id, user_name, created_at
            from brief_attachments where brief_id = ${base.id}`,
      );
      return this.recorded(tx, auth, source, row!.id, 'brief.version', { from: base.version });
    });
  }

  // ---- attachments --------------------------------------------------------------------------

  /**
   * Attaches a PDF to the draft in the works. `read` streams the upload in, cut at the size limit;
   * the content decides (never the name or the declared type).
   */
  async attach(
    auth: AuthContext,
    id: string,
    read: () => Promise<{ name: string | undefined; bytes: Buffer }>,
    source: string | null,
  ): Promise<Brief> {
    // Refused before a byte of the file is read.
    await this.refuseUnless(auth, source, canWriteBrief(auth.principal), 'brief.attach', id);
    const file = await read();
    const badName = fileNameProblem(file.name);
    if (badName) throw errors.badRequest(badName, { field: 'file' });
    const verdict = await checkPdf(file.bytes);
    if (!verdict.ok)
      throw new AppError(415, 'unsupported_media_type', verdict.reason, {
        field: 'file',
        ...(verdict.detected ? { detected: verdict.detected } : {}),
      });
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const fileName = safeFileName(file.name);
    return this.change(auth, source, async (tx, p) => {
      const rows = await this.lockSeries(tx, p, id, 'brief.attach');
      const draft = this.openVersion(rows, ['draft'], 'attach files (return it to draft first)');
      const [{ n } = { n: 0 }] = await tx
        .select({ n: count() })
        .from(briefAttachments)
        .where(eq(briefAttachments.briefId, draft.id));
      if (n >= MAX_ATTACHMENTS)
        throw errors.conflict(`a version carries at most ${MAX_ATTACHMENTS} attachments`);
      const me = await this.signatory(tx, p);
      const [att] = await tx
        .insert(briefAttachments)
        .values({
          briefId: draft.id,
          fileName,
          size: file.bytes.length,
          sha256,
          content: file.bytes,
          userId: me.userId,
          userName: me.name,
          createdAt: this.now(),
        })
        .returning({ id: briefAttachments.id });
      await tx.update(briefs).set({ updatedAt: this.now() }).where(eq(briefs.id, draft.id));
      return this.recorded(tx, auth, source, draft.id, 'brief.attach', {
        attachmentId: att!.id,
        fileName,
        size: file.bytes.length,
        sha256,
      });
    });
  }

  async detach(auth: AuthContext, id: string, attachmentId: string, source: string | null): Promise<Brief> {
    return this.change(auth, source, async (tx, p) => {
      const rows = await this.lockSeries(tx, p, id, 'brief.detach');
      const draft = this.openVersion(rows, ['draft'], 'remove files (return it to draft first)');
      const gone = await tx
        .delete(briefAttachments)
        .where(and(eq(briefAttachments.id, attachmentId), eq(briefAttachments.briefId, draft.id)))
        .returning({ id: briefAttachments.id });
      if (gone.length === 0) throw errors.notFound('no such attachment on the draft');
      return this.recorded(tx, auth, source, draft.id, 'brief.detach', { attachmentId });
    });
  }

  /** An attachment for a reader allowed to read its version; audited with version and attachment. */
  async download(
    auth: AuthContext,
    id: string,
    attachmentId: string,
    source: string | null,
  ): Promise<{ fileName: string; content: Buffer; sha256: string }> {
    const p = auth.principal;
    await this.refuseUnless(auth, source, briefListAccess(p) === 'full', 'brief.download', id);
    return this.database.asUser(p, async (tx) => {
      const [row] = await tx
        .select({
          fileName: briefAttachments.fileName,
          content: briefAttachments.content,
          sha256: briefAttachments.sha256,
          version: briefs.version,
          status: briefs.status,
          tlp: briefs.tlp,
          recipients: briefs.recipients,
        })
        .from(briefAttachments)
        .innerJoin(briefs, eq(briefs.id, briefAttachments.briefId))
        .where(and(eq(briefAttachments.id, attachmentId), eq(briefs.seriesId, id)));
      // Row-level security already hid it; the policy module says the same (a second check).
      if (!row || !canReadBrief(p, row)) throw errors.notFound('no such attachment');
      await recordAudit(tx, actorOf(auth, source), {
        action: 'brief.download',
        outcome: 'ok',
        targetType: 'brief',
        targetId: id,
        details: { version: row.version, attachmentId, sha256: row.sha256 },
      });
      return { fileName: row.fileName, content: row.content, sha256: row.sha256 };
    });
  }
}

function listItemOf(b: Brief): BriefListItem {
  return {
    id: b.id,
    version: b.version,
    status: b.status,
    title: b.title,
    summary: b.summary,
    language: b.language,
    tags: b.tags,
    tlp: b.tlp,
    recipients: b.recipients,
    authors: b.authors,
    publishedAt: b.publishedAt,
    updatedAt: b.updatedAt,
    attachments: b.attachments.length,
  };
}
