import { z } from 'zod';
import { filterText, isoTime, plainText } from './text.ts';
import { citingBriefSchema } from './briefs.ts';
import { peopleCountsSchema, peopleSchema } from './people.ts';
import { crossings } from './border/crossings.ts';
import { centreShiftSchema } from './handovers.ts';
import { sectorIds } from './border/sectors.ts';
import { alertCategorySchema, centreCodeSchema, severitySchema, tlpSchema, alertStatuses } from './domain.ts';

/** The longest title and text (description, note) an alert takes, in characters after trimming. */
export const alertLimits = { title: 200, text: 5000 } as const;

/** `POST /api/v1/alerts` and socket `alert:create`. */
export const createAlertSchema = z.strictObject({
  /** Chosen by the client so a resend after a dropped link creates nothing twice. */
  id: z.uuid().optional(),
  category: alertCategorySchema,
  severity: severitySchema,
  title: plainText(alertLimits.title).min(1),
  description: plainText(alertLimits.text).optional(),
  location: z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }),
  /** A crossing of the bundled dataset (`crossings`); sets the sector when none is given. */
  crossing: z.enum(crossings.map((c) => c.id) as [string, ...string[]]).optional(),
  /** A border sector (`sectorIds`); when absent the hub takes the crossing's, else the nearest within reach. */
  sector: z.enum(sectorIds).optional(),
  observedAt: isoTime.optional(),
  tlp: tlpSchema,
  /** Deny by default: an empty list never means everyone. */
  recipients: z.array(centreCodeSchema).max(16),
  /** The people involved, counts only (optional on every category). */
  people: peopleSchema.optional(),
});
export type CreateAlert = z.infer<typeof createAlertSchema>;

export const alertListQuerySchema = z.strictObject({
  status: z.enum(alertStatuses).optional(),
  centre: centreCodeSchema.optional(),
  severity: severitySchema.optional(),
  since: isoTime.optional(),
  /** Full text over title and description, Arabic and English (the brief search's syntax); ranked. */
  q: filterText(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const alertIdSchema = z.strictObject({ id: z.uuid() });

/**
 * A timeline entry: a note, or new counts of the people involved (with an optional note);
 * `id` from the client makes a resend harmless.
 */
export const alertUpdateFields = z.strictObject({
  id: z.uuid().optional(),
  body: plainText(alertLimits.text).min(1).optional(),
  people: peopleSchema.optional(),
});
/** An update must say something: a note, people involved, or both. */
export const updateSaysSomething: [
  (u: { body?: string; people?: unknown }) => boolean,
  { message: string; path: string[] },
] = [
  (u) => u.body !== undefined || u.people !== undefined,
  { message: 'a note (body) or people involved is required', path: ['body'] },
];
export const alertUpdateSchema = alertUpdateFields.refine(...updateSaysSomething);
export type AlertUpdate = z.infer<typeof alertUpdateSchema>;
export const alertResolveFields = z.strictObject({
  outcome: z.enum(['resolved', 'false_alarm']).default('resolved'),
  note: plainText(alertLimits.text).optional(),
});
/** A false alarm says why: others read it and learn from it. */
export const falseAlarmSaysWhy: [
  (r: { outcome: string; note?: string }) => boolean,
  { message: string; path: string[] },
] = [
  (r) => r.outcome !== 'false_alarm' || (r.note ?? '').length > 0,
  { message: 'a false alarm needs a note saying why', path: ['note'] },
];
export const alertResolveSchema = alertResolveFields.refine(...falseAlarmSaysWhy);
/** `POST /api/v1/alerts/:id/reopen`: the origin's supervisor, within the reopening window. */
export const alertReopenSchema = z.strictObject({ note: plainText(alertLimits.text).optional() });
export const alertEscalateSchema = z.strictObject({ note: plainText(alertLimits.text).optional() });
export const alertAckSchema = z.strictObject({});

export const alertSchema = z.object({
  id: z.uuid(),
  centre: z.string(),
  category: alertCategorySchema,
  severity: severitySchema,
  title: z.string(),
  description: z.string(),
  location: z.object({ lat: z.number(), lng: z.number() }),
  crossing: z.string().nullable(),
  sector: z.string().nullable(),
  observedAt: z.string(),
  reporterId: z.string(),
  tlp: tlpSchema,
  recipients: z.array(z.string()),
  status: z.enum(alertStatuses),
  /** The people involved (counts), or null when none were given. Events logged before it lack it. */
  people: peopleCountsSchema.nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Per recipient centre: when a console of it first received the alert, and when it acknowledged. */
  receipts: z.array(
    z.object({
      centre: z.string(),
      deliveredAt: z.string().nullable(),
      acknowledgedAt: z.string().nullable(),
    }),
  ),
});
export type Alert = z.infer<typeof alertSchema>;

/** What a board screen may see of an alert (CLEAR/GREEN only): of its people, the total. */
export const boardAlertSchema = alertSchema
  .pick({
    id: true,
    centre: true,
    category: true,
    severity: true,
    title: true,
    location: true,
    crossing: true,
    tlp: true,
    recipients: true,
    status: true,
    createdAt: true,
  })
  .extend({ peopleTotal: z.number().int().nullable() });
export type BoardAlert = z.infer<typeof boardAlertSchema>;

/** `GET /api/v1/alerts/snapshot`: where a console with nothing stored starts, then resumes after `head`. */
export const alertsSnapshotSchema = z.object({
  head: z.number().int().min(0),
  alerts: z.array(z.union([alertSchema, boardAlertSchema])),
  silentCentres: z.record(z.string(), z.string()),
  /** Each joint centre's shift and handover status, for the roles that may see it. */
  shifts: z.array(centreShiftSchema).default([]),
});
export type AlertsSnapshot = z.infer<typeof alertsSnapshotSchema>;

/**
 * What a timeline entry records, as a code the console words in its language: `created` (the
 * first entry, the alert raised), a note, new people counts, an acknowledgement, a closing, an
 * escalation by a supervisor, an acknowledgement deadline missed by a recipient (`centre`), a
 * closed alert reopened by its centre's supervisor.
 */
export const timelineKinds = [
  'created',
  'note',
  'people',
  'acknowledged',
  'resolved',
  'false_alarm',
  'escalated',
  'deadline_missed',
  'reopened',
] as const;
export type TimelineKind = (typeof timelineKinds)[number];

export const timelineEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(timelineKinds),
  /** What a person wrote (a note, a closing or escalation note); never a word the hub chose. */
  body: z.string(),
  /** The display name of who made the entry; null for the hub's own (a missed deadline). */
  by: z.string().nullable().optional(),
  /** A `people` entry: the counts it set. */
  people: peopleCountsSchema.nullable().optional(),
  userId: z.string().nullable(),
  centre: z.string().nullable(),
  at: z.string(),
});
/** `GET /api/v1/alerts/:id`: the alert, its timeline and the briefs citing it that the reader may open. */
export const alertDetailSchema = z.object({
  alert: alertSchema,
  timeline: z.array(timelineEntrySchema),
  briefs: z.array(citingBriefSchema),
});

/** `resume` / `GET /api/v1/events?after=N` */
export const resumeSchema = z.strictObject({
  after: z.number().int().min(0),
  limit: z.number().int().min(1).max(1000).optional(),
});
export const eventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
/** A console reports the highest sequence number it has applied. */
export const receiptSchema = z.strictObject({ seq: z.number().int().min(0) });

export const impactLevels = ['low', 'medium', 'high'] as const;
export type ImpactLevel = (typeof impactLevels)[number];

/** `GET /api/v1/border/impact`: each sector's impact level from the open alerts the caller may read. */
export const sectorImpactSchema = z.object({
  sector: z.enum(sectorIds),
  level: z.enum(impactLevels),
  score: z.number(),
  open: z.number().int(),
});
export type SectorImpact = z.infer<typeof sectorImpactSchema>;
export const borderImpactSchema = z.object({ sectors: z.array(sectorImpactSchema), at: z.string() });
export type BorderImpact = z.infer<typeof borderImpactSchema>;

/** Weight of one open alert in its sector's score. */
export const impactWeight: Record<z.infer<typeof severitySchema>, number> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 4,
  critical: 8,
};

/** EUROSUR-style levels: one critical or two high alerts make a sector high; one high, medium. */
export function impactLevelOf(score: number): ImpactLevel {
  return score >= 8 ? 'high' : score >= 4 ? 'medium' : 'low';
}
