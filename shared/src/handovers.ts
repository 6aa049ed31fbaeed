import { z } from 'zod';
import { plainText } from './text.ts';
import { alertCategorySchema, centreCodeSchema, severitySchema, tlpSchema, alertStatuses } from './domain.ts';

export const handoverStatuses = ['draft', 'submitted', 'accepted'] as const;
export type HandoverStatus = (typeof handoverStatuses)[number];

/** Resources and equipment: working, working with limits, out of service. */
export const equipmentStates = ['ok', 'degraded', 'down'] as const;
export type EquipmentState = (typeof equipmentStates)[number];

export const HANDOVER_LIMITS = { items: 100, text: 1000, notes: 10000, thread: 2000 } as const;

const itemId = z.uuid();
const flagged = z.boolean().default(false);

/** A notable event of the shift. */
export const handoverEventSchema = z.strictObject({
  id: itemId,
  text: plainText(HANDOVER_LIMITS.text).min(1),
  flagged,
});
/** A resource or piece of equipment and its state. */
export const handoverResourceSchema = z.strictObject({
  id: itemId,
  name: plainText(200).min(1),
  state: z.enum(equipmentStates),
  note: plainText(HANDOVER_LIMITS.text).default(''),
  flagged,
});
/** A pending task; every task carries over until someone clears it. */
export const handoverTaskSchema = z.strictObject({
  id: itemId,
  text: plainText(HANDOVER_LIMITS.text).min(1),
  flagged,
});

/** What the outgoing supervisor writes (`PATCH` replaces it whole while the handover is a draft). */
export const handoverContentSchema = z.strictObject({
  events: z.array(handoverEventSchema).max(HANDOVER_LIMITS.items).default([]),
  resources: z.array(handoverResourceSchema).max(HANDOVER_LIMITS.items).default([]),
  tasks: z.array(handoverTaskSchema).max(HANDOVER_LIMITS.items).default([]),
  notes: plainText(HANDOVER_LIMITS.notes).default(''),
  /** Ids of carried-over items this handover clears (the hub records who and when). */
  cleared: z
    .array(itemId)
    .max(HANDOVER_LIMITS.items * 3)
    .default([]),
});
export type HandoverContent = z.infer<typeof handoverContentSchema>;

export const createHandoverSchema = z.strictObject({});
export const patchHandoverSchema = z.strictObject({
  content: handoverContentSchema,
  /** The revision the change was made on: another save in between answers 409 and changes nothing. */
  revision: z.number().int().min(1).optional(),
});
export const submitHandoverSchema = z.strictObject({
  /** An answer to the question the handover was returned with (kept in the thread). */
  answer: plainText(HANDOVER_LIMITS.thread).optional(),
});
export const returnHandoverSchema = z.strictObject({ question: plainText(HANDOVER_LIMITS.thread).min(1) });
export const acceptHandoverSchema = z.strictObject({});
export const addendumSchema = z.strictObject({ body: plainText(HANDOVER_LIMITS.notes).min(1) });
export const handoverIdSchema = z.strictObject({ id: z.uuid() });
export const handoverListQuerySchema = z.strictObject({
  centre: centreCodeSchema.optional(),
  status: z.enum(handoverStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A person as a handover records them: frozen with the handover. */
export const signatorySchema = z.object({ userId: z.string(), name: z.string() });
export type Signatory = z.infer<typeof signatorySchema>;

/** An item carried from an earlier handover of the centre, until someone clears it. */
export const carriedItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['event', 'resource', 'task']),
  text: z.string(),
  state: z.enum(equipmentStates).nullable(),
  flagged: z.boolean(),
  /** The handover that first recorded it, and that handover's shift. */
  fromHandoverId: z.string(),
  since: z.string(),
  cleared: z.object({ by: signatorySchema, at: z.string() }).nullable(),
});
export type CarriedItem = z.infer<typeof carriedItemSchema>;

/** An alert as a handover lists it; one the reader may not open shows as `redacted`. */
export const handoverAlertSchema = z.union([
  z.object({
    id: z.string(),
    centre: z.string(),
    title: z.string(),
    category: alertCategorySchema,
    severity: severitySchema,
    status: z.enum(alertStatuses),
    tlp: tlpSchema,
    recipients: z.array(z.string()),
    createdAt: z.string(),
  }),
  z.object({ id: z.string(), redacted: z.literal(true) }),
]);
export type HandoverAlert = z.infer<typeof handoverAlertSchema>;

/** What the hub compiles: a live preview while a draft, frozen at submit. */
export const handoverSnapshotSchema = z.object({
  takenAt: z.string(),
  /** The centre's own alerts still open or acknowledged. */
  openAlerts: z.array(handoverAlertSchema),
  /** Alerts addressed to the centre that it has not acknowledged. */
  unacknowledged: z.array(handoverAlertSchema),
  /** Escalations of the centre's alerts, or of alerts addressed to it, during the shift. */
  escalations: z.array(
    z.object({
      alert: handoverAlertSchema,
      at: z.string(),
      centre: z.string().nullable(),
      manual: z.boolean(),
    }),
  ),
});
export type HandoverSnapshot = z.infer<typeof handoverSnapshotSchema>;

export const threadEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['question', 'answer']),
  body: z.string(),
  by: signatorySchema,
  at: z.string(),
});
export type ThreadEntry = z.infer<typeof threadEntrySchema>;

/** A link of a centre's chain: its position, the seal before it and its own SHA-256 (hex). */
export const sealSchema = z.object({
  position: z.number().int().min(1),
  previous: z.string().nullable(),
  hash: z.string(),
});
export type Seal = z.infer<typeof sealSchema>;

export const addendumRecordSchema = z.object({
  id: z.string(),
  handoverId: z.string(),
  centre: z.string(),
  body: z.string(),
  by: signatorySchema,
  at: z.string(),
  seal: sealSchema,
});
export type Addendum = z.infer<typeof addendumRecordSchema>;

export const handoverSchema = z.object({
  id: z.string(),
  centre: z.string(),
  shiftStart: z.string(),
  shiftEnd: z.string(),
  status: z.enum(handoverStatuses),
  /** Goes up with every change while a draft. */
  revision: z.number().int(),
  author: signatorySchema,
  content: handoverContentSchema,
  carried: z.array(carriedItemSchema),
  snapshot: handoverSnapshotSchema,
  submittedAt: z.string().nullable(),
  submittedBy: signatorySchema.nullable(),
  acceptedAt: z.string().nullable(),
  acceptedBy: signatorySchema.nullable(),
  seal: sealSchema.nullable(),
  thread: z.array(threadEntrySchema),
  addenda: z.array(addendumRecordSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Handover = z.infer<typeof handoverSchema>;

/** What a list shows, and what every role allowed to see a handover's status gets. */
export const handoverStatusSchema = z.object({
  id: z.string(),
  centre: z.string(),
  shiftStart: z.string(),
  shiftEnd: z.string(),
  status: z.enum(handoverStatuses),
  acceptedAt: z.string().nullable(),
  /** The role of the person who accepted it: the board learns no names. */
  acceptedByRole: z.string().nullable(),
});
export type HandoverStatusRecord = z.infer<typeof handoverStatusSchema>;

/** A row of a handover list, for those who may read handovers in full. */
export const handoverSummarySchema = handoverStatusSchema.extend({
  author: signatorySchema,
  submittedAt: z.string().nullable(),
  acceptedBy: signatorySchema.nullable(),
  seal: sealSchema.nullable(),
  /** Entries in the thread (questions and answers). */
  thread: z.number().int(),
});
export type HandoverSummary = z.infer<typeof handoverSummarySchema>;

/** Per joint centre: the shift now, the last accepted handover, and whether a handover is overdue. */
export const centreShiftSchema = z.object({
  centre: z.string(),
  shift: z.object({ start: z.string(), end: z.string() }).nullable(),
  lastAccepted: z
    .object({
      id: z.string(),
      shiftStart: z.string(),
      acceptedAt: z.string(),
      acceptedBy: z.string().nullable(),
    })
    .nullable(),
  /** The start of the shift whose handover is overdue, if one is. */
  overdueShift: z.string().nullable(),
});
export type CentreShift = z.infer<typeof centreShiftSchema>;

export const handoverEventTypes = [
  'handover:submitted',
  'handover:returned',
  'handover:accepted',
  'handover:overdue',
  'handover:amended',
] as const;

/** Replies of the handover routes. */
export const handoverReplySchema = z.object({ handover: handoverSchema });
export const handoverListReplySchema = z.object({
  handovers: z.array(z.union([handoverSummarySchema, handoverStatusSchema])),
});
export const centreShiftsReplySchema = z.object({ shifts: z.array(centreShiftSchema) });
