import { pino, type Logger } from 'pino';
import { DrizzleQueryError } from 'drizzle-orm';
import { classifyDatabaseError, describeDatabaseError } from './db/db-errors.ts';

export type { Logger };

/** Paths whose values never reach a log line. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  'headers.authorization',
  'headers.cookie',
];

/**
 * How an error appears in a log line. A database error shows its code and message only: the
 * driver's error can reach its client object, and Drizzle's message repeats the query's
 * parameters, which may hold a password hash. Anything else keeps its stack.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const cause = err.cause as { severity?: unknown } | undefined;
  const fromDatabase =
    err instanceof DrizzleQueryError ||
    classifyDatabaseError(err) !== null ||
    'severity' in err ||
    (typeof cause === 'object' && cause !== null && 'severity' in cause);
  if (fromDatabase) return { type: err.name, ...describeDatabaseError(err.cause ?? err) };
  return { type: err.name, message: err.message, stack: err.stack };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'tansiq-hub' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
