import {
  canReadAlert,
  handoverContentSchema,
  type Addendum,
  type CarriedItem,
  type Handover,
  type HandoverAlert,
  type HandoverContent,
  type HandoverSnapshot,
  type HandoverStatusRecord,
  type Principal,
  type ThreadEntry,
} from '@tansiq/shared';
import type { handoverAddenda, handovers, handoverThread } from './handovers.table.ts';
import type { SealedHandoverRecord } from './seal.ts';

export type HandoverRow = typeof handovers.$inferSelect;
export type ThreadRow = typeof handoverThread.$inferSelect;
export type AddendumRow = typeof handoverAddenda.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const signatory = (userId: string | null, name: string | null) =>
  userId === null ? null : { userId, name: name ?? '' };

export const emptySnapshot = (takenAt: Date): HandoverSnapshot => ({
  takenAt: takenAt.toISOString(),
  openAlerts: [],
  unacknowledged: [],
  escalations: [],
});

export function toThreadEntry(row: ThreadRow): ThreadEntry {
  return {
    id: row.id,
    kind: row.kind,
    body: row.body,
    by: { userId: row.userId, name: row.userName },
    at: row.at.toISOString(),
  };
}

export function toAddendum(row: AddendumRow): Addendum {
  return {
    id: row.id,
    handoverId: row.handoverId,
    centre: row.centre,
    body: row.body,
    by: { userId: row.authorId, name: row.authorName },
    at: row.at.toISOString(),
    seal: { position: row.chainPosition, previous: row.previousSeal, hash: row.seal },
  };
}

/** A stored content document read back; one that no longer parses (never written by the hub) reads as empty. */
export function contentOf(row: Pick<HandoverRow, 'content'>): HandoverContent {
  const parsed = handoverContentSchema.safeParse(row.content);
  return parsed.success ? parsed.data : handoverContentSchema.parse({});
}

export function toHandover(
  row: HandoverRow,
  thread: ThreadRow[],
  addenda: AddendumRow[],
  snapshot: HandoverSnapshot,
): Handover {
  return {
    id: row.id,
    centre: row.centre,
    shiftStart: row.shiftStart.toISOString(),
    shiftEnd: row.shiftEnd.toISOString(),
    status: row.status,
    revision: row.revision,
    author: { userId: row.authorId, name: row.authorName },
    content: contentOf(row),
    carried: (row.carried as CarriedItem[]) ?? [],
    snapshot,
    submittedAt: iso(row.submittedAt),
    submittedBy: signatory(row.submittedBy, row.submittedByName),
    acceptedAt: iso(row.acceptedAt),
    acceptedBy: signatory(row.acceptedBy, row.acceptedByName),
    seal:
      row.seal && row.chainPosition !== null
        ? { position: row.chainPosition, previous: row.previousSeal, hash: row.seal }
        : null,
    thread: thread.map(toThreadEntry),
    addenda: addenda.map(toAddendum),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the seal of an accepted handover covers (docs/api.md lists the same fields). */
export function sealedRecord(h: Handover): SealedHandoverRecord {
  return {
    id: h.id,
    centre: h.centre,
    shiftStart: h.shiftStart,
    shiftEnd: h.shiftEnd,
    author: h.author,
    content: h.content,
    carried: h.carried,
    snapshot: h.snapshot,
    submittedAt: h.submittedAt!,
    submittedBy: h.submittedBy!,
    acceptedAt: h.acceptedAt!,
    acceptedBy: h.acceptedBy!,
    thread: h.thread,
  };
}

export function toStatus(
  h: Pick<Handover, 'id' | 'centre' | 'shiftStart' | 'shiftEnd' | 'status' | 'acceptedAt' | 'acceptedBy'>,
): HandoverStatusRecord {
  return {
    id: h.id,
    centre: h.centre,
    shiftStart: h.shiftStart,
    shiftEnd: h.shiftEnd,
    status: h.status,
    acceptedAt: h.acceptedAt,
    acceptedByRole: h.acceptedBy ? 'supervisor' : null,
  };
}

const redact = (p: Principal, a: HandoverAlert): HandoverAlert =>
  'redacted' in a || canReadAlert(p, a) ? a : { id: a.id, redacted: true };

/**
 * A handover as `principal` may read it: an alert of its snapshot that the reader could not open
 * (a coordinator and a RED alert) keeps only its id. The seal still covers the whole record.
 */
export function handoverForReader(p: Principal, h: Handover): Handover {
  return {
    ...h,
    snapshot: {
      ...h.snapshot,
      openAlerts: h.snapshot.openAlerts.map((a) => redact(p, a)),
      unacknowledged: h.snapshot.unacknowledged.map((a) => redact(p, a)),
      escalations: h.snapshot.escalations.map((e) => ({ ...e, alert: redact(p, e.alert) })),
    },
  };
}
