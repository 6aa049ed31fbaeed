export { createHub, type Hub, type HubDeps } from './hub.ts';
export { loadConfig, testConfig, configSchema, ConfigError, type Config } from './config/config.ts';
export { createLogger, type Logger } from './logger.ts';
export type { Database, AppDb } from './db/database.ts';
export { openDatabase } from './db/open.ts';
export { openPglite, type EmbeddedDatabase } from './db/pglite.ts';
export { OneTripPGlite } from './db/pglite-client.ts';
export { PreparingClient, STATEMENT_CACHE } from './db/prepared.ts';
export { AlertsService } from './alerts/alerts.service.ts';
export { CentresCache } from './centres/centres.cache.ts';
export { openPostgres, migratePostgres, pooledTransactions } from './db/postgres.ts';
export * as schema from './db/schema.ts';
export { loadDemoData, demoAccountsFile, writeDemoAccounts, type DemoAccount } from './demo/demo.ts';
export { raiseDemoAlerts, raiseDemoHistory } from './demo/demo-alerts.ts';
export { recordDemoHandovers } from './demo/demo-handovers.ts';
export { publishDemoBriefs } from './demo/demo-briefs.ts';
export { scheduleDemoMeeting } from './demo/demo-meetings.ts';
export { hashPassword, verifyPassword } from './users/passwords.ts';
export { deriveAppUrl, DatabaseSetupError } from './db/postgres.ts';
export { createUser } from './users/users.service.ts';
export { verifyAudit, recordAudit, type AuditVerification } from './audit/audit.service.ts';
export { AccessTokens, TOKEN_AUDIENCE, TOKEN_ISSUER } from './auth/tokens.ts';
export { migrationsFolder, appGrants } from './db/migrations.ts';
export { appendEvent, readEventsFor, type EventRow } from './events/events.service.ts';
export { EventTailer } from './events/event-tailer.ts';
export { loginDelayMs } from './auth/auth.service.ts';
export { FailureAudit, FAILURES_WRITTEN_PER_MINUTE } from './audit/failure-audit.ts';
export {
  verifyCheckpoints,
  readCheckpoints,
  checkpointFile,
  type Checkpoint,
} from './audit/audit-checkpoints.ts';
export { hubKeys, keyFilePath } from './auth/hub-key.ts';
export { verifyHandoverChains, type ChainVerification } from './handovers/verify.ts';
export { announceOverdueHandovers } from './handovers/overdue.worker.ts';
export { ShiftCalendar, parseShifts } from './handovers/shifts.ts';
export { sealOf, sealInput, type ChainLink } from './handovers/seal.ts';
export {
  backupDatabase,
  restoreDatabase,
  checkBackup,
  maintenanceSocket,
  BackupError,
  type BackupHeader,
  type RestoreReport,
} from './backup/backup.ts';
export {
  codeMigrations,
  migrationsUpTo,
  databaseSchemaVersion,
  SchemaVersionError,
} from './db/schema-version.ts';
export { assertDataDirFree, DataDirInUseError, serveMaintenance } from './backup/maintenance.ts';
