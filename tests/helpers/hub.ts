import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  createHub,
  createLogger,
  testConfig,
  type Config,
  type Database,
  type Hub,
} from '@tansiq/hub-server';
import { openTestPglite } from './db.ts';

export interface TestHub {
  hub: Hub;
  database: Database;
  url: string;
  address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Where the test hubs of this test file keep their key file: one directory per file (vitest runs
 * each file in its own worker), so two hubs of one file on one database share their key.
 */
let dataDir: string | null = null;
function testDataDir(): string {
  dataDir ??= mkdtempSync(path.join(os.tmpdir(), 'tansiq-hub-'));
  return dataDir;
}

/** A real hub on a random port of 127.0.0.1 (or `host`), on a cloned PGlite unless a database is given. */
export async function startTestHub(
  options: {
    database?: Database;
    config?: Partial<Record<keyof Config, string>>;
    /** The clock the hub reads shifts from. */
    clock?: () => Date;
    /** The address to listen on (127.0.0.1 unless told). */
    host?: string;
  } = {},
): Promise<TestHub> {
  const database = options.database ?? (await openTestPglite());
  const config = testConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    TANSIQ_DATA_DIR: testDataDir(),
    // A day's grace: with 12-hour shifts no handover is ever overdue by the wall clock, so no
    // test sees overdue announcements depending on the hour it runs (overdue tests set their own).
    TANSIQ_HANDOVER_GRACE_MINUTES: '1440',
    ...options.config,
  });
  const hub = createHub({
    config,
    database,
    logger: createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  const address = await hub.listen(0, host);
  return {
    hub,
    database,
    address,
    url: `http://${host}:${address.port}`,
    async close() {
      await hub.close(500);
      await database.close();
    },
  };
}
