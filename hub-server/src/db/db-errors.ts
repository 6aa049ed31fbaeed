/**
 * What a database failure means for the caller. Drizzle wraps the driver's error as `cause`; the
 * driver's error carries PostgreSQL's SQLSTATE as `code` (or a Node.js code for a dropped socket).
 */
export type DatabaseTrouble =
  /** The transaction lost a race (deadlock, serialisation): running it again is safe. */
  | 'retry'
  /** The server is restarting, unreachable or out of connections: try again shortly. */
  | 'unavailable'
  /** The disk under the database is full. */
  | 'storage_full';

const RETRY = new Set(['40P01', '40001']);
// Class 08 connection exceptions, 57P01–57P03 shutdown / cannot connect now, 53300 too many
// connections, 53400 configuration limit, plus the driver's own words for a dropped or refused socket.
const UNAVAILABLE = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '53400',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const STORAGE_FULL = new Set(['53100', 'ENOSPC']);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'connection is insecure',
  'terminating connection',
];

function codesOf(err: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (typeof message === 'string') messages.push(message);
    e = cause;
  }
  return { codes, messages };
}

export function classifyDatabaseError(err: unknown): DatabaseTrouble | null {
  const { codes, messages } = codesOf(err);
  if (codes.some((c) => RETRY.has(c))) return 'retry';
  if (codes.some((c) => STORAGE_FULL.has(c)) || messages.some((m) => /No space left on device/i.test(m)))
    return 'storage_full';
  if (codes.some((c) => UNAVAILABLE.has(c) || c.startsWith('08'))) return 'unavailable';
  if (messages.some((m) => UNAVAILABLE_MESSAGES.some((u) => m.includes(u)))) return 'unavailable';
  return null;
}

/** The driver's code and message of a database error, for a log line (never the client object). */
export function describeDatabaseError(err: unknown): { code?: string; message: string } {
  const { codes, messages } = codesOf(err);
  return { ...(codes.at(-1) ? { code: codes.at(-1) } : {}), message: messages.at(-1) ?? String(err) };
}

/** A unique index refused the row (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  return codesOf(err).codes.includes('23505');
}
