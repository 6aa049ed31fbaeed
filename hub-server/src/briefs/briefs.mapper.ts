import type {
  Brief,
  BriefAttachment,
  BriefBoardFields,
  BriefListItem,
  BriefThreadEntry,
  CitedAlert,
  Principal,
  Signatory,
} from '@tansiq/shared';
import type { AlertRow } from '../alerts/alerts.table.ts';
import type { briefAttachments, briefs, briefThread } from './briefs.table.ts';

export type BriefRow = typeof briefs.$inferSelect;
export type AttachmentRow = Omit<typeof briefAttachments.$inferSelect, 'content'>;
export type ThreadRow = typeof briefThread.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const signature = (userId: string | null, name: string | null): Signatory | null =>
  userId === null ? null : { userId, name: name ?? '' };

export function authorsOf(row: Pick<BriefRow, 'authors'>): Signatory[] {
  return Array.isArray(row.authors) ? (row.authors as Signatory[]) : [];
}

export function toAttachment(row: AttachmentRow): BriefAttachment {
  return {
    id: row.id,
    fileName: row.fileName,
    size: row.size,
    sha256: row.sha256,
    createdAt: row.createdAt.toISOString(),
    by: { userId: row.userId, name: row.userName },
  };
}

export function toBrief(row: BriefRow, attachments: AttachmentRow[]): Brief {
  return {
    id: row.seriesId,
    version: row.version,
    status: row.status,
    title: row.title,
    summary: row.summary,
    body: row.body,
    language: row.language,
    tags: row.tags,
    tlp: row.tlp,
    recipients: row.recipients,
    authors: authorsOf(row),
    reviewer: signature(row.reviewerId, row.reviewerName),
    publishedBy: signature(row.publishedById, row.publishedByName),
    citedAlerts: row.citedAlerts,
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    submittedAt: iso(row.submittedAt),
    approvedAt: iso(row.approvedAt),
    publishedAt: iso(row.publishedAt),
    supersededAt: iso(row.supersededAt),
    attachments: attachments.map(toAttachment),
  };
}

/** A row of the archive list; `attachments` is their count. */
export function toListItem(row: Omit<BriefRow, 'body' | 'search'>, attachments: number): BriefListItem {
  return {
    id: row.seriesId,
    version: row.version,
    status: row.status,
    title: row.title,
    summary: row.summary,
    language: row.language,
    tags: row.tags,
    tlp: row.tlp,
    recipients: row.recipients,
    authors: authorsOf(row),
    publishedAt: iso(row.publishedAt),
    updatedAt: row.updatedAt.toISOString(),
    attachments,
  };
}

export function toThreadEntry(row: ThreadRow): BriefThreadEntry {
  return {
    id: row.id,
    version: row.version,
    kind: row.kind,
    body: row.body,
    by: { userId: row.userId, name: row.userName },
    at: row.at.toISOString(),
  };
}

export function toCitedAlert(row: AlertRow): CitedAlert {
  return {
    id: row.id,
    centre: row.centre,
    title: row.title,
    severity: row.severity,
    category: row.category,
    status: row.status,
    tlp: row.tlp,
    createdAt: row.createdAt.toISOString(),
  };
}

/** What a board may see of a published brief: its title (CLEAR briefs only reach it). */
export function briefBoardFields(
  b: Pick<BriefListItem, 'id' | 'version' | 'title' | 'tlp' | 'publishedAt'>,
): BriefBoardFields {
  return { id: b.id, version: b.version, title: b.title, tlp: b.tlp, publishedAt: b.publishedAt };
}

/** Whether the reader sees the review thread (analysts only; row-level security says the same). */
export const readsThread = (p: Pick<Principal, 'role'>) => p.role === 'analyst';
