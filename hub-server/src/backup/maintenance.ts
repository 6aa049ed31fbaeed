import fs from 'node:fs';
import http from 'node:http';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logger.ts';
import type { EmbeddedDatabase } from '../db/pglite.ts';
import { hubAnswers, maintenanceSocket, streamBackup } from './backup.ts';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/**
 * Refuses a second hub on an embedded database another hub holds: two processes writing one PGlite
 * directory would damage it. (The running hub answers on the socket of its data directory.)
 */
export async function assertDataDirFree(config: Config): Promise<void> {
  if (await hubAnswers(maintenanceSocket(config)))
    throw new DataDirInUseError(
      `another hub is running on ${config.TANSIQ_DATA_DIR} (it answers on ${maintenanceSocket(config)}); one embedded database, one hub`,
    );
}

/**
 * The embedded hub's maintenance socket, `hub.sock` in its data directory (mode 0600: whoever may
 * read the database files may ask): `GET /backup` streams a backup made from one snapshot of the
 * database the hub holds, which `pnpm cli backup` saves. Resolves with a function that closes it.
 */
export async function serveMaintenance(
  config: Config,
  database: EmbeddedDatabase,
  logger: Logger,
): Promise<() => Promise<void>> {
  const socket = maintenanceSocket(config);
  fs.rmSync(socket, { force: true }); // left by a hub that is gone (assertDataDirFree asked first)
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/ping') {
      res.end('ok');
      return;
    }
    if (req.method !== 'GET' || req.url !== '/backup') {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/gzip');
    streamBackup((fn) => database.snapshot(fn), 'pglite', config, res).then(
      (header) => logger.info({ tables: header.tables.length, audit: header.audit.rows }, 'backup made'),
      (err: unknown) => {
        logger.error({ err }, 'backup failed');
        res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  fs.chmodSync(socket, 0o600);
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      fs.rmSync(socket, { force: true });
    });
}
