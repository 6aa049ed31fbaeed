import {
  readsMeetingTitlesOnly,
  type ActionItem,
  type AgendaSource,
  type BoardMeeting,
  type Decision,
  type Meeting,
  type Principal,
} from '@tansiq/shared';
import type { actionItems, meetingDecisions, meetings } from './meetings.table.ts';

export type MeetingRow = typeof meetings.$inferSelect;
export type ActionRow = typeof actionItems.$inferSelect;
export type DecisionRow = typeof meetingDecisions.$inferSelect;

interface StoredAgendaItem {
  id: string;
  text: string;
  source: AgendaSource | null;
}

export function toMeeting(row: MeetingRow): Meeting {
  return {
    id: row.id,
    title: row.title,
    startsAt: row.startsAt.toISOString(),
    place: row.place,
    centres: row.centres,
    tlp: row.tlp,
    status: row.status,
    onWall: row.onWall,
    agenda: (row.agenda as StoredAgendaItem[]).map((a) => ({
      id: a.id,
      text: a.text,
      source: a.source ?? null,
    })),
    createdBy: { userId: row.createdBy, name: row.createdByName },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The board's copy of a meeting: its title, time, place and, while it is on the wall, its agenda's texts. */
export function boardMeeting(m: Meeting): BoardMeeting {
  return {
    id: m.id,
    title: m.title,
    startsAt: m.startsAt,
    place: m.place,
    tlp: m.tlp,
    status: m.status,
    onWall: m.onWall,
    // Only CLEAR and GREEN meetings ever reach a board; their agenda only while shown on the wall.
    wallAgenda: m.onWall && (m.tlp === 'CLEAR' || m.tlp === 'GREEN') ? m.agenda.map((a) => a.text) : [],
  };
}

export function meetingForReader(p: Pick<Principal, 'role'>, m: Meeting): Meeting | BoardMeeting {
  return readsMeetingTitlesOnly(p) ? boardMeeting(m) : m;
}

export function toDecision(row: DecisionRow): Decision {
  return { id: row.id, text: row.text, at: row.at.toISOString(), by: { userId: row.byId, name: row.byName } };
}

export function toAction(row: ActionRow, meeting: Pick<MeetingRow, 'title' | 'tlp'>, now: Date): ActionItem {
  return {
    id: row.id,
    meetingId: row.meetingId,
    meetingTitle: meeting.title,
    title: row.title,
    centre: row.centre,
    dueAt: row.dueAt.toISOString(),
    status: row.status,
    overdue: row.status === 'open' && row.dueAt.getTime() <= now.getTime(),
    tlp: meeting.tlp,
    createdAt: row.createdAt.toISOString(),
    createdBy: { userId: row.createdBy, name: row.createdByName },
    doneAt: row.doneAt?.toISOString() ?? null,
    doneBy: row.doneBy ? { userId: row.doneBy, name: row.doneByName ?? '' } : null,
    doneNote: row.doneNote,
  };
}
