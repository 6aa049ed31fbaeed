import {
  actionListReplySchema,
  actionReplySchema,
  agendaSuggestionsReplySchema,
  decisionReplySchema,
  meetingDetailSchema,
  meetingListReplySchema,
  meetingReplySchema,
  type ActionItem,
  type AgendaSource,
  type AgendaSuggestion,
  type Decision,
  type Meeting,
  type MeetingDetail,
  type MeetingStatus,
  type Tlp,
} from '@tansiq/shared';
import { request } from '../../api/client.ts';

/** The meetings routes of docs/api.md, each answer checked against its schema. */
export const meetingsApi = {
  async list(): Promise<Meeting[]> {
    return (await request('GET', '/api/v1/meetings', meetingListReplySchema)).meetings as Meeting[];
  },
  async get(id: string): Promise<MeetingDetail> {
    return request('GET', `/api/v1/meetings/${id}`, meetingDetailSchema);
  },
  async create(input: {
    title: string;
    startsAt: string;
    place: string;
    centres: string[];
    tlp: Tlp;
  }): Promise<Meeting> {
    return (await request('POST', '/api/v1/meetings', meetingReplySchema, input)).meeting;
  },
  async update(
    id: string,
    patch: Partial<{
      title: string;
      startsAt: string;
      place: string;
      centres: string[];
      tlp: Tlp;
      status: MeetingStatus;
      onWall: boolean;
      agenda: Array<{ text: string; source?: AgendaSource }>;
    }>,
  ): Promise<Meeting> {
    return (await request('PATCH', `/api/v1/meetings/${id}`, meetingReplySchema, patch)).meeting;
  },
  async suggestions(): Promise<AgendaSuggestion[]> {
    return (await request('GET', '/api/v1/meetings/suggestions', agendaSuggestionsReplySchema)).suggestions;
  },
  async decide(id: string, text: string): Promise<Decision> {
    return (await request('POST', `/api/v1/meetings/${id}/decisions`, decisionReplySchema, { text }))
      .decision;
  },
  async addAction(id: string, input: { title: string; centre: string; dueAt: string }): Promise<ActionItem> {
    return (await request('POST', `/api/v1/meetings/${id}/actions`, actionReplySchema, input)).action;
  },
  async actions(
    query: { centre?: string; status?: 'open' | 'done' | 'overdue' } = {},
  ): Promise<ActionItem[]> {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v) as [string, string][]);
    const suffix = q.size ? `?${q}` : '';
    return (await request('GET', `/api/v1/actions${suffix}`, actionListReplySchema)).actions;
  },
  async markDone(id: string, note: string): Promise<ActionItem> {
    return (await request('POST', `/api/v1/actions/${id}/done`, actionReplySchema, { note })).action;
  },
};
