import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import type { AuditRecord, Principal } from '@tansiq/shared';
import type { AppDb, AppTx } from '../db/database.ts';
import { auditLog } from './audit.table.ts';

/** Who did it and from where; absent for an anonymous caller (a failed login). */
export interface Actor {
  principal?: Principal & { username?: string };
  username?: string;
  source?: string | null;
}

export interface AuditEntry {
  action: string;
  outcome: 'ok' | 'refused' | 'failed';
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/** PostgreSQL stores no NUL in text or JSON: a hostile name is recorded with U+FFFD in its place. */
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  return value;
}

/** Appends one record; call it inside the transaction of the change it describes. */
export async function recordAudit(tx: AppDb | AppTx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    // seq, prev_hash and hash are set by the database trigger; these placeholders never persist.
    seq: 0,
    prevHash: '',
    hash: '',
    actorId: actor.principal?.userId ?? null,
    actorUsername: storable(actor.principal?.username ?? actor.username ?? null),
    role: actor.principal?.role ?? null,
    centre: actor.principal?.centre ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: storable(entry.targetId ?? null),
    outcome: entry.outcome,
    source: actor.source ?? null,
    details: storable(entry.details ?? null),
  });
}

export async function listAudit(
  db: AppDb,
  query: { after?: number; limit: number; actor?: string; action?: string },
): Promise<AuditRecord[]> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        query.after === undefined ? undefined : lt(auditLog.seq, query.after),
        query.actor ? eq(auditLog.actorUsername, query.actor) : undefined,
        query.action ? eq(auditLog.action, query.action) : undefined,
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(query.limit);
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at.toISOString(),
    actorId: r.actorId,
    actorUsername: r.actorUsername,
    role: r.role,
    centre: r.centre,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    outcome: r.outcome as AuditRecord['outcome'],
    source: r.source,
    details: r.details,
    hash: r.hash,
  }));
}

export type AuditVerification =
  { ok: true; rows: number } | { ok: false; rows: number; seq: number; reason: string };

const GENESIS = '0'.repeat(64);
const PAGE = 1000;

/**
 * Walks the whole chain in order and recomputes every hash (SHA-256 of the previous hash and the
 * row's canonical text). Reports the first row that does not fit: edited, removed or reordered.
 */
export async function verifyAudit(db: AppDb): Promise<AuditVerification> {
  let prevHash = GENESIS;
  let prevSeq = 0;
  let rows = 0;
  for (;;) {
    const page = await db
      .select({
        seq: auditLog.seq,
        prevHash: auditLog.prevHash,
        hash: auditLog.hash,
        canonical: sql<string>`audit_canonical(${auditLog})`,
      })
      .from(auditLog)
      .where(gt(auditLog.seq, prevSeq))
      .orderBy(asc(auditLog.seq))
      .limit(PAGE);
    for (const row of page) {
      if (row.seq !== prevSeq + 1) return { ok: false, rows, seq: prevSeq + 1, reason: 'row missing' };
      if (row.prevHash !== prevHash)
        return { ok: false, rows, seq: row.seq, reason: 'does not follow the row before it' };
      const expected = createHash('sha256')
        .update(row.prevHash + row.canonical, 'utf8')
        .digest('hex');
      if (row.hash !== expected)
        return { ok: false, rows, seq: row.seq, reason: 'content does not match its hash' };
      prevHash = row.hash;
      prevSeq = row.seq;
      rows++;
    }
    if (page.length < PAGE) return { ok: true, rows };
  }
}
