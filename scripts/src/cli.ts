import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { text } from 'node:stream/consumers';
import { createUserSchema } from '@tansiq/shared';
import {
  createLogger,
  createUser,
  loadConfig,
  loadDemoData,
  demoAccountsFile,
  writeDemoAccounts,
  openDatabase,
  verifyAudit,
  verifyCheckpoints,
  verifyHandoverChains,
  readCheckpoints,
  checkpointFile,
  hubKeys,
  backupDatabase,
  assertDataDirFree,
  restoreDatabase,
  type BackupHeader,
  type Config,
} from '@tansiq/hub-server';

const usage = `Usage: pnpm cli <command>

Commands:
  migrate        apply the database migrations (DATABASE_URL, or PGlite in TANSIQ_DATA_DIR) and exit
  demo           load the demo accounts into a database that has no users; writes their passwords
                 to demo-accounts.txt in TANSIQ_DATA_DIR (mode 0600)
  user add --username U --role R [--centre C] [--display-name N]
                 create a user; the password is read from standard input (one line)
  audit verify [--checkpoints FILE]
                 recompute the audit log's hash chain and check it against the signed checkpoints
                 (TANSIQ_AUDIT_CHECKPOINT_FILE by default); names the first row or checkpoint that
                 does not fit (exit 1) and the head it found
  handovers verify [--centre C]
                 recompute every handover seal and each centre's chain (or one centre's); names the
                 first handover or addendum that does not match (exit 1)
  backup --to FILE
                 a consistent, compressed backup of the whole database while the hub runs (through
                 the running hub on embedded PGlite, one snapshot on a server), with the hub's key
                 and the audit checkpoints; FILE is new, mode 0600
  restore --from FILE
                 restore a backup into an empty database (a new TANSIQ_DATA_DIR, or a DATABASE_URL
                 database with no tables), whichever database made it; verifies the audit chain
  help           this text

The database is chosen by the same environment variables as the hub (see README.md).`;

async function withDatabase(
  run: (db: Awaited<ReturnType<typeof openDatabase>>, config: Config) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  // Two processes on one embedded database would damage it: not while a hub holds it.
  if (!config.DATABASE_URL) await assertDataDirFree(config);
  const database = await openDatabase(
    config,
    createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL),
  );
  try {
    await run(database, config);
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

async function userAdd(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      centre: { type: 'string' },
      'display-name': { type: 'string' },
    },
  });
  const password = (await text(process.stdin)).split(/\r?\n/)[0] ?? '';
  const parsed = createUserSchema.safeParse({
    username: values.username,
    displayName: values['display-name'] ?? values.username,
    role: values.role,
    centre: values.centre ?? null,
    password,
  });
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
    );
  }
  await withDatabase(async (database) => {
    const user = await createUser(database.db, parsed.data, { username: 'cli', source: 'cli' });
    process.stdout.write(
      `created ${user.username} (${user.role}${user.centre ? `, ${user.centre}` : ''}) ${user.id}\n`,
    );
  });
}

async function auditVerify(args: string[]): Promise<void> {
  const { values } = (() => {
    try {
      return parseArgs({ args, options: { checkpoints: { type: 'string' } }, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  })();
  await withDatabase(async (database, config) => {
    const chain = await verifyAudit(database.db);
    if (!chain.ok) {
      process.stdout.write(
        `audit log BROKEN at row ${chain.seq}: ${chain.reason} (${chain.rows} rows before it verified)\n`,
      );
      process.exitCode = 1;
      return;
    }
    const file = values.checkpoints ?? checkpointFile(config);
    const anchored = await verifyCheckpoints(
      database.db,
      await hubKeys(config).auditCheckpoint(),
      await readCheckpoints(file),
    );
    const head = anchored.head
      ? `head row ${anchored.head.seq} (${anchored.head.hash.slice(0, 16)}…)`
      : 'no rows';
    if (!anchored.ok) {
      process.stdout.write(`audit log BROKEN: ${anchored.reason}; ${head}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(
      `audit log intact: ${chain.rows} rows verified, ${head}, ${anchored.checkpoints} checkpoints agree (${file})\n`,
    );
    if (anchored.checkpoints === 0)
      process.stdout.write(
        'warning: no checkpoint found; rows cut from the end of the chain cannot be detected\n',
      );
  });
}

function oneFileOption(args: string[], name: 'to' | 'from'): string {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options: { [name]: { type: 'string' } }, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const file = values[name];
  if (typeof file !== 'string' || file === '') throw new UsageError(`expected --${name} FILE`);
  return file;
}

function describeBackup(h: BackupHeader): string {
  const rows = h.tables.reduce((n, t) => n + t.rows, 0);
  const head = h.audit.head ? `head row ${h.audit.head.seq} (${h.audit.head.hash.slice(0, 16)}…)` : 'empty';
  return `schema ${h.schema.migrations} (${h.schema.tag}), ${rows} rows in ${h.tables.length} tables, audit chain ${h.audit.rows} rows, ${head}; made ${h.createdAt} from ${h.source} by Tansiq ${h.hub.version} (${h.hub.commit})`;
}

async function backup(args: string[]): Promise<void> {
  const to = oneFileOption(args, 'to');
  const header = await backupDatabase(loadConfig(), to);
  const size = fs.statSync(to).size;
  process.stdout.write(
    `backup written to ${to} (${(size / 1024).toFixed(0)} KB, through the ${header.via}): ${describeBackup(header)}\n`,
  );
}

async function restore(args: string[]): Promise<void> {
  const from = oneFileOption(args, 'from');
  const config = loadConfig();
  const report = await restoreDatabase(config, from, createLogger('warn'));
  process.stdout.write(
    `restored ${from} into ${report.target === 'pglite' ? `embedded PGlite in ${config.TANSIQ_DATA_DIR}` : 'the PostgreSQL server database'}: ${describeBackup(report.header)}\n`,
  );
  process.stdout.write(`audit chain verified: ${report.auditRows} rows, the head the backup recorded\n`);
  for (const f of report.files)
    process.stdout.write(
      f.written
        ? `${f.name} written to ${f.path}\n`
        : `${f.name}: kept the existing ${f.path} (the backup's copy not written)\n`,
    );
}

async function handoversVerify(args: string[]): Promise<void> {
  const { values } = (() => {
    try {
      return parseArgs({ args, options: { centre: { type: 'string' } }, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  })();
  await withDatabase(async (database) => {
    const result = await verifyHandoverChains(database, values.centre);
    if (!result.ok) {
      process.stdout.write(
        `handover chain of ${result.centre} BROKEN at ${result.kind} ${result.id} (position ${result.position}): ${result.reason} (${result.verified} links before it verified)\n`,
      );
      process.exitCode = 1;
      return;
    }
    if (result.centres.length === 0) process.stdout.write('no sealed handovers\n');
    for (const c of result.centres)
      process.stdout.write(
        `handover chain of ${c.centre} intact: ${c.links} links verified, head ${c.head?.slice(0, 16) ?? '-'}…\n`,
      );
  });
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async migrate() {
    await withDatabase(async (database) => {
      process.stdout.write(`migrated (${database.kind})\n`);
    });
  },
  async demo() {
    await withDatabase(async (database, config) => {
      const accounts = await loadDemoData(database.db);
      if (accounts.length === 0) {
        process.stdout.write('the database already has users; nothing loaded\n');
        return;
      }
      const file = demoAccountsFile(config.TANSIQ_DATA_DIR);
      writeDemoAccounts(file, accounts);
      process.stdout.write(
        `${accounts.length} demo accounts made; their passwords are in ${file} (mode 0600)\n`,
      );
    });
  },
  async user(args) {
    if (args[0] !== 'add') throw new UsageError('expected "user add"');
    await userAdd(args.slice(1));
  },
  async audit(args) {
    if (args[0] !== 'verify') throw new UsageError('expected "audit verify"');
    await auditVerify(args.slice(1));
  },
  async handovers(args) {
    if (args[0] !== 'verify') throw new UsageError('expected "handovers verify"');
    await handoversVerify(args.slice(1));
  },
  backup,
  restore,
  async help() {
    process.stdout.write(`${usage}\n`);
  },
};

async function main(): Promise<void> {
  const [name = 'help', ...args] = process.argv.slice(2);
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  await command(args);
}

main().catch((err: unknown) => {
  // Bad arguments or input: exit 2 with the reason; anything else (database, configuration): exit 1.
  if (err instanceof UsageError) {
    process.stderr.write(`tansiq: ${err.message}\n\n${usage}\n`);
    process.exit(2);
  }
  process.stderr.write(`tansiq: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
