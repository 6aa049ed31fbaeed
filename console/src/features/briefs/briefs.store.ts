import { defineStore } from 'pinia';
import { ref } from 'vue';
import { z } from 'zod';
import DOMPurify from 'dompurify';
import {
  briefListReplySchema,
  briefReplySchema,
  briefSchema,
  citedAlertSchema,
  type Brief,
  type BriefListItem,
  type BriefReply,
  type BriefStatus,
  type CreateBrief,
  type PatchBrief,
} from '@tansiq/shared';
import { request, saveFile, uploadFile } from '../../api/client.ts';
import { createBriefRenderer } from './markdown.ts';

const briefReply = z.object({ brief: briefSchema });
const alertsReply = z.object({ alerts: z.array(citedAlertSchema) });

/** What the archive's search form holds. */
export interface ArchiveQuery {
  q: string;
  tag: string;
  from: string;
  to: string;
  tlp: string;
  status: BriefStatus;
}

export const emptyQuery = (): ArchiveQuery => ({
  q: '',
  tag: '',
  from: '',
  to: '',
  tlp: '',
  status: 'published',
});

/** Days picked in a date field, as the times the hub filters by (the whole of the last day). */
function dayBound(day: string, end: boolean): string {
  return new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`).toISOString();
}

/**
 * The studies archive: search and lists, the brief open, and the analysts' work on it. Every call
 * goes to the hub; what a user may not read never reaches the console.
 */
export const useBriefsStore = defineStore('briefs', () => {
  const results = ref<BriefListItem[]>([]);
  const total = ref(0);
  const current = ref<BriefReply | null>(null);
  const render = createBriefRenderer(DOMPurify);

  async function search(query: ArchiveQuery): Promise<void> {
    const params = new URLSearchParams({ status: query.status, limit: '50' });
    if (query.q.trim()) params.set('q', query.q.trim());
    if (query.tag) params.set('tag', query.tag);
    if (query.tlp) params.set('tlp', query.tlp);
    if (query.from) params.set('from', dayBound(query.from, false));
    if (query.to) params.set('to', dayBound(query.to, true));
    const reply = await request('GET', `/api/v1/briefs?${params.toString()}`, briefListReplySchema);
    results.value = reply.briefs;
    total.value = reply.total;
  }

  async function open(id: string, version?: number): Promise<BriefReply> {
    const suffix = version ? `?version=${version}` : '';
    current.value = await request('GET', `/api/v1/briefs/${id}${suffix}`, briefReplySchema);
    return current.value;
  }

  const create = async (input: CreateBrief): Promise<Brief> =>
    (await request('POST', '/api/v1/briefs', briefReply, input)).brief;
  const save = async (id: string, patch: PatchBrief): Promise<Brief> =>
    (await request('PATCH', `/api/v1/briefs/${id}`, briefReply, patch)).brief;
  const act = async (
    id: string,
    action: 'submit' | 'approve' | 'return' | 'publish' | 'versions',
    body: Record<string, unknown> = {},
  ): Promise<Brief> => (await request('POST', `/api/v1/briefs/${id}/${action}`, briefReply, body)).brief;
  const attach = async (id: string, file: File): Promise<Brief> =>
    (await uploadFile(`/api/v1/briefs/${id}/attachments`, file, briefReply)).brief;
  const detach = async (id: string, attachmentId: string): Promise<Brief> =>
    (await request('DELETE', `/api/v1/briefs/${id}/attachments/${attachmentId}`, briefReply)).brief;

  /** Saves an attachment to the user's device under its stored name. */
  const download = (id: string, attachmentId: string, fileName: string): Promise<void> =>
    saveFile(`/api/v1/briefs/${id}/attachments/${attachmentId}`, fileName);

  /** Alerts an analyst may cite, found by the same full-text search. */
  async function findAlerts(q: string) {
    const params = new URLSearchParams({ limit: '10' });
    if (q.trim()) params.set('q', q.trim());
    return (await request('GET', `/api/v1/alerts?${params.toString()}`, alertsReply)).alerts;
  }

  return {
    results,
    total,
    current,
    render,
    search,
    open,
    create,
    save,
    act,
    attach,
    detach,
    download,
    findAlerts,
  };
});
