import type { Config } from '../config/config.ts';
import type { Logger } from '../logger.ts';
import type { Database } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** Opens (and migrates) the database the configuration names. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (!config.DATABASE_URL) {
    logger.info({ dataDir: config.TANSIQ_DATA_DIR }, 'opening embedded PGlite database');
    return openPglite({ dataDir: config.TANSIQ_DATA_DIR, buffersMb: config.TANSIQ_PGLITE_BUFFERS_MB });
  }
  logger.info('opening PostgreSQL server database');
  return openPostgres({
    ownerUrl: config.DATABASE_URL,
    appUrl: config.DATABASE_APP_URL,
    appRole: config.TANSIQ_DB_APP_ROLE,
    appPassword: config.TANSIQ_DB_APP_PASSWORD,
    poolMax: config.TANSIQ_DB_POOL_MAX,
    logger,
  });
}
