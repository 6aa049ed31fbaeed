import { z } from 'zod';
import { alertCategorySchema, alertStatuses, centreCodeSchema, severitySchema } from './domain.ts';
import { isoTime } from './text.ts';
import { peopleCountsSchema } from './people.ts';

export const trendDimensions = ['category', 'centre', 'sector', 'crossing'] as const;
export type TrendDimension = (typeof trendDimensions)[number];
export const trendPeriods = ['week', 'month'] as const;
export type TrendPeriod = (typeof trendPeriods)[number];

/** Filters shared by trends and the alert export: the board's filters plus a time range (creation). */
const filters = {
  from: isoTime.optional(),
  to: isoTime.optional(),
  status: z.enum(alertStatuses).optional(),
  severity: severitySchema.optional(),
  category: alertCategorySchema.optional(),
  centre: centreCodeSchema.optional(),
};

/**
 * `GET /api/v1/trends` (and its exports): alerts counted per period and per category, origin
 * centre, border sector or crossing, with the people involved summed.
 */
export const trendQuerySchema = z.strictObject({
  by: z.enum(trendDimensions).default('category'),
  period: z.enum(trendPeriods).default('week'),
  /** Which table an export holds: the counts, or the time to acknowledge per centre. */
  table: z.enum(['counts', 'acknowledgement']).default('counts'),
  ...filters,
});
export type TrendQuery = z.infer<typeof trendQuerySchema>;

/** `GET /api/v1/alerts/export.csv|json`: every alert the caller may read that matches, one row each. */
export const alertExportQuerySchema = z.strictObject(filters);
export type AlertExportQuery = z.infer<typeof alertExportQuerySchema>;

export const trendRowSchema = z.object({
  /** The period's first day in the hub's time zone: `2026-11-23` (a week starts on Monday) or `2026-11` (a month). */
  period: z.string(),
  /** The category, centre code, sector id or crossing id; `none` for an alert without a sector or crossing. */
  key: z.string(),
  alerts: z.number().int(),
  /** Alerts in the row that count people, and the people summed over them. */
  withPeople: z.number().int(),
  people: peopleCountsSchema,
});
export type TrendRow = z.infer<typeof trendRowSchema>;

/** Time to acknowledge, per acknowledging centre and period (of the alerts the caller may read). */
export const ackTrendRowSchema = z.object({
  period: z.string(),
  centre: z.string(),
  acknowledged: z.number().int(),
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
});
export type AckTrendRow = z.infer<typeof ackTrendRowSchema>;

export const trendReplySchema = z.object({
  by: z.enum(trendDimensions),
  period: z.enum(trendPeriods),
  timeZone: z.string(),
  rows: z.array(trendRowSchema),
  acknowledgement: z.array(ackTrendRowSchema),
});
export type TrendReply = z.infer<typeof trendReplySchema>;
