import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { createLogger, type Logger } from './logger.ts';
import { openDatabase } from './db/open.ts';
import type { Database } from './db/database.ts';
import { demoAccountsFile, loadDemoData, writeDemoAccounts, type DemoAccount } from './demo/demo.ts';
import { hubCommit, hubVersion } from './version.ts';
import { SchemaVersionError } from './db/schema-version.ts';
import type { EmbeddedDatabase } from './db/pglite.ts';
import { assertDataDirFree, DataDirInUseError, serveMaintenance } from './backup/maintenance.ts';
import { raiseDemoAlerts, raiseDemoHistory } from './demo/demo-alerts.ts';
import { recordDemoHandovers } from './demo/demo-handovers.ts';
import { publishDemoBriefs } from './demo/demo-briefs.ts';
import { scheduleDemoMeeting } from './demo/demo-meetings.ts';
import { createHub, type Hub } from './hub.ts';

// A shutdown that has not finished by then exits anyway, well inside a 10 s orchestrator limit.
const HARD_EXIT_MS = 9500;

/** Says on the terminal where the demo passwords are; they never go to the log stream. */
function announceDemoAccounts(config: Config, accounts: DemoAccount[]): void {
  const file = demoAccountsFile(config.TANSIQ_DATA_DIR);
  writeDemoAccounts(file, accounts);
  process.stdout.write(
    `\nDemo accounts: ${accounts.length} made; their passwords are in ${file} (readable by this user only).\n` +
      `حسابات تجريبية: ${accounts.length}؛ كلمات مرورها في الملف أعلاه (يقرؤه هذا المستخدم فقط).\n\n`,
  );
}

/** What the database in use promises about a commit once the hub has answered. */
function durability(database: Database, config: Config): string {
  if (database.kind === 'postgres')
    return "PostgreSQL server: a commit is on disk when the hub answers (as the server's fsync and synchronous_commit settings make it; both on by default)";
  return `embedded PGlite in ${path.resolve(config.TANSIQ_DATA_DIR)}: commits are written but not flushed to disk (PGlite does not fsync), so a power cut or an operating-system crash can lose the last ones; a crash of the hub alone loses nothing. Use a PostgreSQL server (DATABASE_URL) where that matters`;
}

function shouldLoadDemo(config: Config, database: Database): boolean {
  if (config.TANSIQ_DEMO_DATA === 'auto') return database.kind === 'pglite';
  return config.TANSIQ_DEMO_DATA === 'on';
}

function installShutdown(hub: Hub, database: Database, logger: Logger, before: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    try {
      await before();
      await hub.close();
      await database.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));
}

async function main(): Promise<void> {
  if (process.argv.includes('--version')) {
    process.stdout.write(`tansiq ${hubVersion} (${hubCommit})\n`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tansiq: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  try {
    if (!config.DATABASE_URL) await assertDataDirFree(config);
    const database = await openDatabase(config, logger);
    let accounts: DemoAccount[] = [];
    if (shouldLoadDemo(config, database)) {
      accounts = await loadDemoData(database.db);
      if (accounts.length > 0) announceDemoAccounts(config, accounts);
    }
    const hub = createHub({ config, database, logger });
    let closeMaintenance = async () => undefined as void;
    installShutdown(hub, database, logger, () => closeMaintenance());
    const address = await hub.listen();
    if (database.kind === 'pglite')
      closeMaintenance = await serveMaintenance(config, database as EmbeddedDatabase, logger);
    const readySeconds = process.uptime();
    process.stdout.write(
      `Tansiq ${hubVersion} (${hubCommit}) ready in ${readySeconds.toFixed(1)} s on http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}\n` +
        `Database: ${durability(database, config)}.\n`,
    );
    if (accounts.length > 0) {
      const users = new Map(accounts.map((a) => [a.username, a]));
      const history = await raiseDemoHistory(hub.alerts, database, users);
      const raised = await raiseDemoAlerts(hub.alerts, users);
      const handedOver = await recordDemoHandovers(hub.handovers, users);
      const briefs = await publishDemoBriefs(hub.briefs, hub.alerts, users);
      const meetings = await scheduleDemoMeeting(hub.meetings, users);
      logger.info(
        { history, raised, handedOver, briefs, meetings },
        'demo alerts raised, handovers, briefs and a meeting recorded',
      );
    }
    logger.info(
      {
        port: address.port,
        host: address.address,
        database: database.kind,
        version: hubVersion,
        commit: hubCommit,
        readySeconds: Number(readySeconds.toFixed(2)),
      },
      'hub listening',
    );
  } catch (err) {
    logger.fatal({ err }, 'hub failed to start');
    if (err instanceof SchemaVersionError || err instanceof DataDirInUseError)
      process.stderr.write(`tansiq: ${err.message}\n`);
    process.exit(1);
  }
}

void main();
