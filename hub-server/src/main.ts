import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { createLogger, type Logger } from './logger.ts';
import { openDatabase } from './db/open.ts';
import type { Database } from './db/database.ts';
import { loadDemoData, type DemoAccount } from './demo/demo.ts';
import { raiseDemoAlerts, raiseDemoHistory } from './demo/demo-alerts.ts';
import { recordDemoHandovers } from './demo/demo-handovers.ts';
import { publishDemoBriefs } from './demo/demo-briefs.ts';
import { scheduleDemoMeeting } from './demo/demo-meetings.ts';
import { createHub, type Hub } from './hub.ts';

// A shutdown that has not finished by then exits anyway, well inside a 10 s orchestrator limit.
const HARD_EXIT_MS = 9500;

function printDemoAccounts(accounts: DemoAccount[]): void {
  const lines = accounts.map(
    (a) => `  ${a.username.padEnd(18)} ${a.role.padEnd(12)} ${(a.centre ?? '-').padEnd(8)} ${a.password}`,
  );
  process.stdout.write(
    [
      '',
      'Demo accounts (shown once; passwords are stored hashed) — حسابات تجريبية (تظهر مرة واحدة):',
      `  ${'username'.padEnd(18)} ${'role'.padEnd(12)} ${'centre'.padEnd(8)} password`,
      ...lines,
      '',
    ].join('\n') + '\n',
  );
}

function shouldLoadDemo(config: Config, database: Database): boolean {
  if (config.TANSIQ_DEMO_DATA === 'auto') return database.kind === 'pglite';
  return config.TANSIQ_DEMO_DATA === 'on';
}

function installShutdown(hub: Hub, database: Database, logger: Logger): void {
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
    const database = await openDatabase(config, logger);
    let accounts: DemoAccount[] = [];
    if (shouldLoadDemo(config, database)) {
      accounts = await loadDemoData(database.db);
      if (accounts.length > 0) printDemoAccounts(accounts);
    }
    const hub = createHub({ config, database, logger });
    installShutdown(hub, database, logger);
    const address = await hub.listen();
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
    logger.info({ port: address.port, host: address.address, database: database.kind }, 'hub listening');
  } catch (err) {
    logger.fatal({ err }, 'hub failed to start');
    process.exit(1);
  }
}

void main();
