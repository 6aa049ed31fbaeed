export { createHub, type Hub, type HubDeps } from './hub.ts';
export { loadConfig, testConfig, configSchema, ConfigError, type Config } from './config/config.ts';
export { createLogger, type Logger } from './logger.ts';
export type { Database, AppDb } from './db/database.ts';
export { openDatabase } from './db/open.ts';
export { openPglite } from './db/pglite.ts';
export { openPostgres, migratePostgres } from './db/postgres.ts';
export * as schema from './db/schema.ts';
export { loadDemoData } from './demo/demo.ts';
