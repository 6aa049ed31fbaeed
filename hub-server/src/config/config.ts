import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const port = z.coerce
  .number({ error: 'expected an integer from 0 to 65535' })
  .int('expected an integer from 0 to 65535')
  .min(0, 'expected an integer from 0 to 65535')
  .max(65535, 'expected an integer from 0 to 65535');

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
  TANSIQ_DB_POOL_MAX: z.coerce
    .number({ error: 'expected an integer from 1 to 200' })
    .int('expected an integer from 1 to 200')
    .min(1, 'expected an integer from 1 to 200')
    .max(200, 'expected an integer from 1 to 200')
    .default(10)
    .describe('Largest number of PostgreSQL server connections per hub process'),
  TANSIQ_DATA_DIR: z
    .string()
    .min(1, 'expected a directory path')
    .default('./data')
    .describe('Directory of the embedded PGlite database (used when DATABASE_URL is unset)'),
  TANSIQ_DEMO_DATA: z
    .enum(['auto', 'on', 'off'], { error: 'expected auto, on or off' })
    .default('auto')
    .describe('Load demo users into a new database: auto = only on embedded PGlite'),
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
  TANSIQ_SHUTDOWN_GRACE_MS: z.coerce
    .number({ error: 'expected milliseconds from 100 to 9000' })
    .int('expected milliseconds from 100 to 9000')
    .min(100, 'expected milliseconds from 100 to 9000')
    .max(9000, 'expected milliseconds from 100 to 9000')
    .default(8000)
    .describe('How long a shutdown waits for open work before it closes connections'),
  TANSIQ_JWT_SECRET: z
    .string()
    .min(32, 'expected at least 32 characters')
    .optional()
    .describe(
      'HS256 key for access tokens; unset = a random key the hub stores in the database on first start',
    ),
  TANSIQ_ACCESS_TOKEN_SECONDS: z.coerce
    .number({ error: 'expected seconds from 5 to 3600' })
    .int('expected seconds from 5 to 3600')
    .min(5, 'expected seconds from 5 to 3600')
    .max(3600, 'expected seconds from 5 to 3600')
    .default(900)
    .describe('Lifetime of an access token (15 minutes)'),
  TANSIQ_REFRESH_TOKEN_HOURS: z.coerce
    .number({ error: 'expected hours from 1 to 168' })
    .min(1, 'expected hours from 1 to 168')
    .max(168, 'expected hours from 1 to 168')
    .default(14)
    .describe('A refresh token unused for this long expires (a 12-hour shift and some)'),
  TANSIQ_LOGIN_FAILURES_PER_USER: z.coerce
    .number({ error: 'expected an integer from 1 to 1000' })
    .int('expected an integer from 1 to 1000')
    .min(1, 'expected an integer from 1 to 1000')
    .max(1000, 'expected an integer from 1 to 1000')
    .default(5)
    .describe('Failed logins allowed per username in 15 minutes before that username is throttled'),
  TANSIQ_LOGIN_FAILURES_PER_ADDRESS: z.coerce
    .number({ error: 'expected an integer from 1 to 10000' })
    .int('expected an integer from 1 to 10000')
    .min(1, 'expected an integer from 1 to 10000')
    .max(10000, 'expected an integer from 1 to 10000')
    .default(20)
    .describe('Failed logins allowed per source address in 15 minutes before that address is throttled'),
  TANSIQ_TRUST_PROXY_HOPS: z.coerce
    .number({ error: 'expected an integer from 0 to 5' })
    .int('expected an integer from 0 to 5')
    .min(0, 'expected an integer from 0 to 5')
    .max(5, 'expected an integer from 0 to 5')
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
  TANSIQ_CENTRE_SILENT_AFTER: z.coerce
    .number({ error: 'expected seconds from 5 to 86400' })
    .int('expected seconds from 5 to 86400')
    .min(5, 'expected seconds from 5 to 86400')
    .max(86400, 'expected seconds from 5 to 86400')
    .default(300)
    .describe('A joint centre with no console connected this long raises centre:silent'),
  TANSIQ_WORKER_INTERVAL_MS: z.coerce
    .number({ error: 'expected milliseconds from 50 to 60000' })
    .int('expected milliseconds from 50 to 60000')
    .min(50, 'expected milliseconds from 50 to 60000')
    .max(60000, 'expected milliseconds from 50 to 60000')
    .default(1000)
    .describe('How often the leader hub checks deadlines and centre presence'),
  TANSIQ_EVENT_POLL_MS: z.coerce
    .number({ error: 'expected milliseconds from 10 to 10000' })
    .int('expected milliseconds from 10 to 10000')
    .min(10, 'expected milliseconds from 10 to 10000')
    .max(10000, 'expected milliseconds from 10 to 10000')
    .default(250)
    .describe('How often a hub reads the event log for events other hub processes committed'),
  TANSIQ_SOCKET_EVENTS_PER_10S: z.coerce
    .number({ error: 'expected an integer from 1 to 100000' })
    .int('expected an integer from 1 to 100000')
    .min(1, 'expected an integer from 1 to 100000')
    .max(100000, 'expected an integer from 1 to 100000')
    .default(300)
    .describe('Requests one socket may send in 10 seconds before it is answered rate_limited'),
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
