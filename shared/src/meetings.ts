import { z } from 'zod';
import { centreCodeSchema, tlpSchema } from './domain.ts';
import { isoTime, plainText } from './text.ts';

/** Regional coordination meetings of the JTCT: agenda, decisions and the action items they set. */
export const MEETING_LIMITS = {
  title: 200,
  place: 200,
  agendaItem: 500,
  agendaItems: 40,
  decision: 2000,
  action: 300,
  note: 2000,
} as const;

export const meetingStatuses = ['scheduled', 'in_progress', 'closed'] as const;
export type MeetingStatus = (typeof meetingStatuses)[number];

/** Where a suggested agenda item came from (the picture at the time it was suggested). */
export const agendaSourceKinds = ['escalation', 'handover_overdue', 'sector', 'brief'] as const;
export const agendaSourceSchema = z.object({
  kind: z.enum(agendaSourceKinds),
  /** The alert, brief or sector id; the centre for an overdue handover. */
  ref: z.string().max(100),
});
export type AgendaSource = z.infer<typeof agendaSourceSchema>;

export const agendaItemInputSchema = z.strictObject({
  text: plainText(MEETING_LIMITS.agendaItem).min(1),
  source: agendaSourceSchema.strict().optional(),
});

const participantsSchema = z
  .array(centreCodeSchema)
  .min(1)
  .max(16)
  .refine((a) => new Set(a).size === a.length, 'participating centres must not repeat');

export const createMeetingSchema = z.strictObject({
  title: plainText(MEETING_LIMITS.title).min(1),
  startsAt: isoTime,
  place: plainText(MEETING_LIMITS.place).default(''),
  centres: participantsSchema,
  /** Default AMBER: participating centres, studies analysts and coordinators. */
  tlp: tlpSchema.default('AMBER'),
  agenda: z.array(agendaItemInputSchema).max(MEETING_LIMITS.agendaItems).default([]),
});
export type CreateMeeting = z.infer<typeof createMeetingSchema>;

export const patchMeetingFields = z.strictObject({
  title: plainText(MEETING_LIMITS.title).min(1).optional(),
  startsAt: isoTime.optional(),
  place: plainText(MEETING_LIMITS.place).optional(),
  centres: participantsSchema.optional(),
  tlp: tlpSchema.optional(),
  agenda: z.array(agendaItemInputSchema).max(MEETING_LIMITS.agendaItems).optional(),
  status: z.enum(meetingStatuses).optional(),
  /** The wall boards of the meeting room show the agenda beside the live picture. */
  onWall: z.boolean().optional(),
});
export const patchSaysSomething: [(p: object) => boolean, { message: string }] = [
  (p) => Object.keys(p).length > 0,
  { message: 'say what changes' },
];
export const patchMeetingSchema = patchMeetingFields.refine(...patchSaysSomething);
export type PatchMeeting = z.infer<typeof patchMeetingSchema>;

export const decisionInputSchema = z.strictObject({ text: plainText(MEETING_LIMITS.decision).min(1) });

export const createActionSchema = z.strictObject({
  title: plainText(MEETING_LIMITS.action).min(1),
  centre: centreCodeSchema,
  dueAt: isoTime,
});
export type CreateAction = z.infer<typeof createActionSchema>;

export const patchActionFields = z.strictObject({
  title: plainText(MEETING_LIMITS.action).min(1).optional(),
  centre: centreCodeSchema.optional(),
  dueAt: isoTime.optional(),
});
export const patchActionSchema = patchActionFields.refine(...patchSaysSomething);
export type PatchAction = z.infer<typeof patchActionSchema>;
export const actionDoneSchema = z.strictObject({ note: plainText(MEETING_LIMITS.note).min(1) });

export const actionStatuses = ['open', 'done'] as const;
export type ActionStatus = (typeof actionStatuses)[number];
export const actionListQuerySchema = z.strictObject({
  centre: centreCodeSchema.optional(),
  status: z.enum(['open', 'done', 'overdue']).optional(),
  meeting: z.uuid().optional(),
});
export type ActionListQuery = z.infer<typeof actionListQuerySchema>;
export const meetingListQuerySchema = z.strictObject({
  status: z.enum(meetingStatuses).optional(),
});
export const meetingIdSchema = z.strictObject({ id: z.uuid() });

const person = z.object({ userId: z.string(), name: z.string() });

export const agendaItemSchema = z.object({
  id: z.string(),
  text: z.string(),
  source: agendaSourceSchema.nullable(),
});
export const decisionSchema = z.object({ id: z.string(), text: z.string(), at: z.string(), by: person });
export type Decision = z.infer<typeof decisionSchema>;

export const actionSchema = z.object({
  id: z.string(),
  meetingId: z.string(),
  meetingTitle: z.string(),
  title: z.string(),
  centre: z.string(),
  dueAt: z.string(),
  status: z.enum(actionStatuses),
  /** Past its due date and still open. */
  overdue: z.boolean(),
  tlp: tlpSchema,
  createdAt: z.string(),
  createdBy: person,
  doneAt: z.string().nullable(),
  doneBy: person.nullable(),
  doneNote: z.string().nullable(),
});
export type ActionItem = z.infer<typeof actionSchema>;

export const meetingSchema = z.object({
  id: z.string(),
  title: z.string(),
  startsAt: z.string(),
  place: z.string(),
  centres: z.array(z.string()),
  tlp: tlpSchema,
  status: z.enum(meetingStatuses),
  onWall: z.boolean(),
  agenda: z.array(agendaItemSchema),
  createdBy: person,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Meeting = z.infer<typeof meetingSchema>;

/** A meeting with its decisions and action items: the minutes. */
export const meetingDetailSchema = z.object({
  meeting: meetingSchema,
  decisions: z.array(decisionSchema),
  actions: z.array(actionSchema),
});
export type MeetingDetail = z.infer<typeof meetingDetailSchema>;

/**
 * What a board screen may see of a meeting (CLEAR or GREEN only): its title and time, and, while a
 * coordinator shows it on the wall, the texts of its agenda items (nothing else of the meeting).
 */
export const boardMeetingSchema = meetingSchema
  .pick({
    id: true,
    title: true,
    startsAt: true,
    place: true,
    tlp: true,
    status: true,
    onWall: true,
  })
  .extend({ wallAgenda: z.array(z.string()) });
export type BoardMeeting = z.infer<typeof boardMeetingSchema>;

/** What a board screen may see of an action item event: which centre's counts changed. */
export const boardActionSchema = z.object({ centre: z.string() });

export const meetingListReplySchema = z.object({ meetings: z.array(meetingSchema) });
export const meetingReplySchema = z.object({ meeting: meetingSchema });
export const actionReplySchema = z.object({ action: actionSchema });
export const actionListReplySchema = z.object({ actions: z.array(actionSchema) });
export const decisionReplySchema = z.object({ decision: decisionSchema });

/** Agenda items the hub suggests from the live picture. */
/** `label` is the alert's or brief's title, the sector's id or the centre's code; the console words the rest. */
export const agendaSuggestionSchema = z.object({ label: z.string(), source: agendaSourceSchema });
export type AgendaSuggestion = z.infer<typeof agendaSuggestionSchema>;
export const agendaSuggestionsReplySchema = z.object({ suggestions: z.array(agendaSuggestionSchema) });

export const meetingEventTypes = ['meeting:scheduled', 'meeting:updated'] as const;
export const actionEventTypes = [
  'action:created',
  'action:updated',
  'action:done',
  'action:overdue',
] as const;
