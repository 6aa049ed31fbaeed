import { parseArgs } from 'node:util';
import { ConfigError, createLogger, loadConfig, loadDemoData, openDatabase } from '@tansiq/hub-server';

const usage = `Usage: pnpm cli <command>

Commands:
  migrate        apply the database migrations (DATABASE_URL, or PGlite in TANSIQ_DATA_DIR) and exit
  demo           load the demo accounts into a database that has no users; prints their passwords once
  help           this text

The database is chosen by the same environment variables as the hub (see README.md).`;

async function withDatabase(
  run: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
  );
  try {
    await run(database);
  } finally {
    await database.close();
  }
}

const commands: Record<string, () => Promise<void>> = {
  async migrate() {
    await withDatabase(async (database) => {
      process.stdout.write(`migrated (${database.kind})\n`);
    });
  },
  async demo() {
    await withDatabase(async (database) => {
      const accounts = await loadDemoData(database.db);
      if (accounts.length === 0) {
        process.stdout.write('the database already has users; nothing loaded\n');
        return;
      }
      for (const a of accounts) {
        process.stdout.write(`${a.username}\t${a.role}\t${a.centre ?? '-'}\t${a.password}\n`);
      }
    });
  },
  async help() {
    process.stdout.write(`${usage}\n`);
  },
};

async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true, strict: true });
  const name = positionals[0] ?? 'help';
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${usage}\n`);
    process.exit(2);
  }
  await command();
}

main().catch((err: unknown) => {
  process.stderr.write(
    `tansiq: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
