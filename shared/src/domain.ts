import { z } from 'zod';

/** Roles are code: the access policy is written against them. Centres are data (a table). */
export const roles = ['officer', 'supervisor', 'analyst', 'coordinator', 'board', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** A centre code as stored in the centres table: upper-case letters, digits and underscore. */
export const centreCodeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'a centre code is 2–32 upper-case letters, digits or _');
export type CentreCode = z.infer<typeof centreCodeSchema>;

export const centreKinds = ['joint', 'studies'] as const;
export const centreSchema = z.object({
  code: centreCodeSchema,
  kind: z.enum(centreKinds),
  nameAr: z.string(),
  nameEn: z.string(),
});
export type Centre = z.infer<typeof centreSchema>;

export const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const severitySchema = z.enum(severities);
export type Severity = z.infer<typeof severitySchema>;

export const tlpLevels = ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const;
export const tlpSchema = z.enum(tlpLevels);
export type Tlp = z.infer<typeof tlpSchema>;

export const alertCategories = [
  'smuggling',
  'trafficking',
  'irregular_migration',
  'terrorism',
  'armed_incursion',
  'weapons',
  'fuel_smuggling',
  'humanitarian',
  'other',
] as const;
export const alertCategorySchema = z.enum(alertCategories);
export type AlertCategory = z.infer<typeof alertCategorySchema>;

export const alertStatuses = ['open', 'acknowledged', 'resolved', 'false_alarm'] as const;
export type AlertStatus = (typeof alertStatuses)[number];
