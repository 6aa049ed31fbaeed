import { z } from 'zod';
import { severities } from './domain.ts';
import { alertSchema, boardAlertSchema, sectorImpactSchema } from './alerts.ts';
import { centreShiftSchema } from './handovers.ts';
import { boardMeetingSchema, meetingSchema } from './meetings.ts';
import { isoTime, plainText } from './text.ts';

const severityCounts = z.object(
  Object.fromEntries(severities.map((s) => [s, z.number().int()])) as {
    [K in (typeof severities)[number]]: z.ZodNumber;
  },
);

/** One joint centre's tile on the wall board. */
export const boardCentreSchema = z.object({
  code: z.string(),
  nameAr: z.string(),
  nameEn: z.string(),
  /** A console of the centre is connected (false from the moment the hub called it silent). */
  connected: z.boolean(),
  silentSince: z.string().nullable(),
  shift: centreShiftSchema.omit({ centre: true }),
  /** Counted over the alerts the reader may read. */
  alerts: z.object({
    /** Open (or acknowledged, not yet closed) alerts raised by the centre. */
    open: severityCounts,
    /** Alerts addressed to the centre, still open, whose acknowledgement deadline passed unacknowledged. */
    pastDeadline: z.number().int(),
    /** Acknowledgements by the centre since midnight in the hub's zone, and their median delay from raising. */
    acknowledgedToday: z.number().int(),
    medianAckSecondsToday: z.number().nullable(),
  }),
  /** Action items owned by the centre (every TLP: counts only). */
  actions: z.object({ open: z.number().int(), overdue: z.number().int() }),
});
export type BoardCentre = z.infer<typeof boardCentreSchema>;

export const boardBriefSchema = z.object({
  id: z.string(),
  title: z.string(),
  tlp: z.string(),
  publishedAt: z.string().nullable(),
});

/** `GET /api/v1/board`: the wall board's (and the coordinator view's) starting picture. */
export const boardSnapshotSchema = z.object({
  /** The hub's time and zone (the wall shows the time in Tripoli from it). */
  at: z.string(),
  timeZone: z.string(),
  /** The last event the snapshot reflects. */
  head: z.number().int().min(0),
  centres: z.array(boardCentreSchema),
  /** Open alerts the reader may read, newest first (a board: CLEAR and GREEN, board fields only). */
  alerts: z.array(z.union([alertSchema, boardAlertSchema])),
  sectors: z.array(sectorImpactSchema),
  /** The latest published briefs the reader may read (a board: CLEAR titles). */
  briefs: z.array(boardBriefSchema),
  /** Meetings not closed, soonest first (a board: CLEAR and GREEN titles). */
  meetings: z.array(z.union([meetingSchema, boardMeetingSchema])),
});
export type BoardSnapshot = z.infer<typeof boardSnapshotSchema>;

/** `GET /api/v1/board/performance?from=&to=`: acknowledgement performance per recipient centre. */
export const performanceQuerySchema = z
  .strictObject({ from: isoTime, to: isoTime })
  .refine((q) => new Date(q.from) < new Date(q.to), { message: '`from` must be before `to`' })
  .refine((q) => new Date(q.to).getTime() - new Date(q.from).getTime() <= 366 * 86_400_000, {
    message: 'the period is at most a year',
  });
export const centrePerformanceSchema = z.object({
  centre: z.string(),
  /** Alerts addressed to the centre and raised in the period (that the reader may read). */
  addressed: z.number().int(),
  delivered: z.number().int(),
  acknowledged: z.number().int(),
  /** Seconds from reaching a console of the centre to its acknowledgement. */
  medianDeliveredToAckSeconds: z.number().nullable(),
  p90DeliveredToAckSeconds: z.number().nullable(),
  /** Acknowledgement deadlines the centre missed (escalated). */
  missedDeadlines: z.number().int(),
});
export const performanceReplySchema = z.object({
  from: z.string(),
  to: z.string(),
  centres: z.array(centrePerformanceSchema),
});
export type CentrePerformance = z.infer<typeof centrePerformanceSchema>;

/** Pairing a wall screen: what the screen asks for, shows and polls with. */
export const PAIRING_CODE_LENGTH = 8;
export const pairingStartReplySchema = z.object({
  id: z.string(),
  /** Shown on the screen, typed by an administrator: 8 digits. */
  code: z.string(),
  /** Known only to the screen: it claims the session with it. */
  secret: z.string(),
  expiresAt: z.string(),
});
export const pairingClaimSchema = z.strictObject({ secret: z.string().min(1).max(200) });
export const pairingIdSchema = z.strictObject({ id: z.uuid() });
export const registerBoardDeviceSchema = z.strictObject({
  name: plainText(100).min(1),
  code: z
    .string()
    .transform((s) => s.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{8}$/, 'the pairing code is the 8 digits the wall screen shows')),
});
export const boardDeviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** When the device's board session ends by itself. */
  sessionExpiresAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type BoardDevice = z.infer<typeof boardDeviceSchema>;
export const boardDeviceListSchema = z.object({ devices: z.array(boardDeviceSchema) });
export const boardDeviceIdSchema = z.strictObject({ id: z.uuid() });
