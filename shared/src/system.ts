import { z } from 'zod';
import { centreSchema } from './domain.ts';

/** `GET /api/v1/config`: what the console needs to know before login. */
export const clientConfigSchema = z.object({
  version: z.string(),
  /** A tile URL template (`https://tiles.example/{z}/{x}/{y}.png`) or null for the bundled offline basemap. */
  tileUrl: z.string().nullable(),
  defaultLocale: z.enum(['ar', 'en']),
  /** The time zone shifts are defined in: the console shows shift times in it. */
  timeZone: z.string().default('Africa/Tripoli'),
  /** Closed alerts unchanged for longer than this many days are removed from the console's storage. */
  keepClosedDays: z.number().int().positive().default(30),
});
export type ClientConfig = z.infer<typeof clientConfigSchema>;

/** `GET /readyz` */
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  database: z.enum(['pglite', 'postgres']),
  /** Why it is not ready: the database does not answer, or it cannot store anything (disk full). */
  reason: z.enum(['database_unavailable', 'storage_full']).optional(),
});
export type Readiness = z.infer<typeof readinessSchema>;

export const centresListSchema = z.object({ centres: z.array(centreSchema) });
export type CentresList = z.infer<typeof centresListSchema>;
