import path from 'node:path';
import { z } from 'zod';
import { isTimeZone, parseShifts } from '../handovers/shifts.ts';
import { repoRoot } from '../paths.ts';

const port = whole('an integer', 0, 65535);

/** A whole number in a range; the message names the unit and the range. */
function whole(unit: string, min: number, max: number) {
  const message = `expected ${unit} from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
}

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, 'expected a postgres:// or postgresql:// URL')
  .optional();

const originList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ error: 'expected a comma-separated list of origins such as https://hub.example' })));

/**
 * Every environment variable the hub reads: its schema, default and a one-line description.
 * The README's configuration table lists exactly these (a test checks).
 */
export const configSchema = z.object({
  PORT: port.default(8080).describe('TCP port the hub listens on (0 picks a free one)'),
  HOST: z
    .string()
    .min(1, 'expected a host name or address')
    .default('0.0.0.0')
    .describe('Address the hub binds to'),
  DATABASE_URL: postgresUrl.describe(
    'PostgreSQL server URL used to migrate (an owner role); unset = embedded PGlite in TANSIQ_DATA_DIR',
  ),
  DATABASE_APP_URL: postgresUrl.describe(
    'URL the application connects with (a non-owner, non-superuser role); default: DATABASE_URL with the user TANSIQ_DB_APP_ROLE',
  ),
  TANSIQ_DB_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier such as tansiq_app')
    .default('tansiq_app')
    .describe('Role the application runs as on a PostgreSQL server; created and granted at migration'),
  TANSIQ_DB_APP_PASSWORD: z
    .string()
    .optional()
    .describe('Password set on TANSIQ_DB_APP_ROLE and used in the derived DATABASE_APP_URL'),
  TANSIQ_DB_POOL_MAX: whole('an integer', 1, 200)
    .default(10)
    .describe('Largest number of PostgreSQL server connections per hub process'),
  TANSIQ_DATA_DIR: z
    .string()
    .min(1, 'expected a directory path')
    .default('./data')
    .describe('Directory of the embedded PGlite database (used when DATABASE_URL is unset)'),
  TANSIQ_PGLITE_BUFFERS_MB: whole('megabytes', 1, 4096)
    .default(16)
    .describe(
      "The embedded database's page cache (shared_buffers) in MB; the operating system caches the files too",
    ),
  TANSIQ_DEMO_DATA: z
    .enum(['auto', 'on', 'off'], { error: 'expected auto, on or off' })
    .default('auto')
    .describe('Load demo users into a new database: auto = only on embedded PGlite'),
  TANSIQ_CONSOLE_KEEP_CLOSED_DAYS: whole('days', 1, 3650)
    .default(30)
    .describe(
      "Closed alerts unchanged for longer than this are removed from consoles' browser storage (the hub keeps them)",
    ),
  TANSIQ_TILE_URL: z
    .string()
    .regex(/^https?:\/\/.+\{z\}.+/, 'expected an http(s) URL template containing {z}, {x} and {y}')
    .optional()
    .describe(
      'Tile server URL template for a centre that hosts its own tiles; unset = bundled offline basemap',
    ),
  TANSIQ_ALLOWED_ORIGINS: originList
    .default([])
    .describe(
      'Extra browser origins allowed to open sockets (comma-separated); the hub’s own origin always is',
    ),
  TANSIQ_CONSOLE_DIR: z
    .string()
    .min(1, 'expected a directory path')
    .default(path.join(repoRoot, 'console/dist'))
    .describe('Directory of the built console the hub serves'),
  TANSIQ_SHUTDOWN_GRACE_MS: whole('milliseconds', 100, 9000)
    .default(8000)
    .describe('How long a shutdown waits for open work before it closes connections'),
  TANSIQ_KEY_FILE: z
    .string()
    .min(1, 'expected a file path')
    .optional()
    .describe(
      'File holding the hub’s secret key (created with mode 0600 when missing); default hub.key in TANSIQ_DATA_DIR',
    ),
  TANSIQ_AUDIT_CHECKPOINT_FILE: z
    .string()
    .min(1, 'expected a file path')
    .optional()
    .describe(
      'File the hub appends signed audit checkpoints to (keep a copy off the database machine); default audit-checkpoints.jsonl in TANSIQ_DATA_DIR',
    ),
  TANSIQ_AUDIT_CHECKPOINT_SECONDS: whole('seconds', 1, 86400)
    .default(300)
    .describe(
      'How often the hub writes an audit checkpoint when the audit log has grown (and always at shutdown)',
    ),
  TANSIQ_JWT_SECRET: z
    .string()
    .min(32, 'expected at least 32 characters')
    .optional()
    .describe(
      'HS256 key for access tokens (and the seed of the audit checkpoint key); unset = derived from TANSIQ_KEY_FILE',
    ),
  TANSIQ_ACCESS_TOKEN_SECONDS: whole('seconds', 5, 3600)
    .default(900)
    .describe('Lifetime of an access token (15 minutes)'),
  TANSIQ_REFRESH_TOKEN_HOURS: z.coerce
    .number({ error: 'expected hours from 1 to 168' })
    .min(1, 'expected hours from 1 to 168')
    .max(168, 'expected hours from 1 to 168')
    .default(14)
    .describe('A refresh token unused for this long expires (a 12-hour shift and some)'),
  TANSIQ_LOGIN_FAILURES_PER_USER: whole('an integer', 1, 1000)
    .default(5)
    .describe(
      'Login attempts allowed per username from one source address in 15 minutes before that pair is refused',
    ),
  TANSIQ_LOGIN_FAILURES_PER_ADDRESS: whole('an integer', 1, 10000)
    .default(20)
    .describe(
      'Login attempts allowed per source address in 15 minutes (a success gives its attempt back) before that address is refused',
    ),
  TANSIQ_LOGIN_SLOWDOWN_MAX_MS: whole('milliseconds', 0, 60000)
    .default(8000)
    .describe(
      'Longest wait before a password is checked for a username with recent failures from anywhere (0 = never slow down)',
    ),
  TANSIQ_TRUST_PROXY_HOPS: whole('an integer', 0, 5)
    .default(0)
    .describe('Reverse proxies in front of the hub whose X-Forwarded-For is trusted for the source address'),
  TANSIQ_ACK_DEADLINES: z
    .string()
    .regex(
      /^(\s*(critical|high|medium|low|info)\s*=\s*\d+\s*)(,\s*(critical|high|medium|low|info)\s*=\s*\d+\s*)*$|^$/,
      'expected severity=seconds pairs such as critical=300,high=900',
    )
    .default('critical=300,high=900,medium=3600')
    .transform(
      (s) =>
        Object.fromEntries(
          s
            .split(',')
            .filter((p) => p.trim())
            .map((p) => p.split('=').map((x) => x.trim()))
            .map(([k, v]) => [k, Number(v)]),
        ) as Partial<Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>>,
    )
    .describe('Acknowledgement deadline per severity in seconds; a severity not named has none'),
  TANSIQ_CENTRE_SILENT_AFTER: whole('seconds', 5, 86400)
    .default(300)
    .describe('A joint centre with no console connected this long raises centre:silent'),
  TANSIQ_WORKER_INTERVAL_MS: whole('milliseconds', 50, 60000)
    .default(1000)
    .describe('How often the leader hub checks deadlines and centre presence'),
  TANSIQ_EVENT_POLL_MS: whole('milliseconds', 10, 60000)
    .default(5000)
    .describe(
      'How often a hub reads the event log without being told of a commit (a safety net: commits are announced by LISTEN/NOTIFY)',
    ),
  TANSIQ_SOCKET_BUDGET_PER_10S: whole('an integer', 10, 1000000)
    .default(300)
    .describe(
      'Cost units one account may spend on socket requests in 10 s, across all its sockets (a ping costs 1, a replay of 500 events 6)',
    ),
  TANSIQ_PING_INTERVAL_MS: whole('milliseconds', 500, 60_000)
    .default(2000)
    .describe(
      'How often the hub pings every console; a console that hears nothing for interval + timeout calls the link dead',
    ),
  TANSIQ_PING_TIMEOUT_MS: whole('milliseconds', 1000, 120_000)
    .default(6000)
    .describe("How long the hub waits for a console's answer to a ping before it drops the connection"),
  TANSIQ_SOCKETS_PER_USER: whole('an integer', 1, 100000)
    .default(6)
    .describe('Sockets one account may hold open at once on a hub process; more are refused'),
  TANSIQ_USER_CONCURRENT_REQUESTS: whole('an integer', 1, 10000)
    .default(2)
    .describe('Socket requests of one account that run against the database at once; more wait their turn'),
  TANSIQ_SHIFTS: z
    .string()
    .default('08:00,20:00')
    .refine((s) => {
      try {
        parseShifts(s);
        return true;
      } catch {
        return false;
      }
    }, 'expected shift change times such as 08:00,20:00 or shifts such as 07:00-15:00,15:00-23:00')
    .describe(
      'Shifts of every joint centre, in TANSIQ_TIMEZONE: change times (08:00,20:00) or explicit shifts (07:00-15:00,15:00-23:00)',
    ),
  TANSIQ_TIMEZONE: z
    .string()
    .default('Africa/Tripoli')
    .refine(isTimeZone, 'expected an IANA time zone such as Africa/Tripoli')
    .describe('Time zone the shift times are read in'),
  TANSIQ_HANDOVER_GRACE_MINUTES: whole('minutes', 0, 1440)
    .default(30)
    .describe('A shift with no accepted handover this long after it ended raises handover:overdue'),
  TANSIQ_REOPEN_WINDOW_MINUTES: whole('minutes', 0, 43_200)
    .default(1440)
    .describe("How long after closing an alert its centre's supervisor may reopen it"),
  TANSIQ_BOARD_SESSION_DAYS: whole('days', 1, 365)
    .default(30)
    .describe("How long a paired wall screen's board session lasts before it shows a pairing code again"),
  TANSIQ_PAIRING_CODE_MINUTES: whole('minutes', 1, 60)
    .default(10)
    .describe('How long a pairing code shown on a wall screen can be entered'),
  TANSIQ_PAIRING_FAILURES_PER_ADMIN: whole('an integer', 1, 1000)
    .default(5)
    .describe(
      'Wrong pairing codes an administrator may enter in 15 minutes before further tries are refused',
    ),
  TANSIQ_PAIRING_STARTS_PER_ADDRESS: whole('an integer', 1, 10_000)
    .default(30)
    .describe('Pairing codes one source address may ask for in 15 minutes'),
  TANSIQ_MAX_ATTACHMENT_MB: whole('megabytes', 1, 1024)
    .default(20)
    .describe('Largest PDF a brief may carry; an upload is cut at this size while it streams'),
  TANSIQ_METRICS_TOKEN: z
    .string()
    .min(16, 'expected at least 16 characters')
    .optional()
    .describe('When set, GET /metrics needs Authorization: Bearer <this token>; unset = /metrics is open'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected fatal, error, warn, info, debug, trace or silent',
    })
    .default('info')
    .describe('pino log level'),
});

export type Config = z.infer<typeof configSchema>;

// Their values may carry credentials, so an error never repeats them.
const secretVariables = new Set([
  'DATABASE_URL',
  'DATABASE_APP_URL',
  'TANSIQ_DB_APP_PASSWORD',
  'TANSIQ_JWT_SECRET',
  'TANSIQ_METRICS_TOKEN',
]);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once; throws a ConfigError whose message names the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(configSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = configSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  const got = env[name];
  const shown = got === undefined || secretVariables.has(name) ? '' : ` (got ${JSON.stringify(got)})`;
  throw new ConfigError(`invalid configuration: ${name} ${issue.message}${shown}`);
}

/** A config for tests and tools: the defaults plus overrides, validated the same way. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', ...overrides });
}
