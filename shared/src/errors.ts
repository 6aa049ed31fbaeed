import { z } from 'zod';

/** The one error shape every REST answer and socket acknowledgement uses. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Stable machine-readable error codes. Messages are English; the console maps codes to its own strings. */
export const errorCodes = [
  'bad_request',
  'validation_failed',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'gone',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'too_many_connections',
  'not_ready',
  'database_unavailable',
  'storage_full',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];
