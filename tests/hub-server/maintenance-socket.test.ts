import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import {
  assertDataDirFree,
  createLogger,
  DataDirInUseError,
  maintenanceSocket,
  serveMaintenance,
  testConfig,
} from '@tansiq/hub-server';
import { openTestPglite } from '../helpers/db.ts';

test('a data directory too deep for a Unix socket path gets one in the temporary directory, which the hub serves and a second hub finds', async () => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-deep-'));
  const deep = path.join(base, 'a-rather-long-directory-name-for-the-data'.repeat(3));
  await fs.mkdir(deep, { recursive: true });
  const config = testConfig({ TANSIQ_DATA_DIR: deep });
  const socket = maintenanceSocket(config);
  expect(Buffer.byteLength(path.join(deep, 'hub.sock'))).toBeGreaterThan(107);
  expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(100);
  expect(maintenanceSocket(testConfig({ TANSIQ_DATA_DIR: deep }))).toBe(socket);
  expect(maintenanceSocket(testConfig({ TANSIQ_DATA_DIR: base }))).toBe(path.join(base, 'hub.sock'));

  const database = await openTestPglite();
  const close = await serveMaintenance(config, database, createLogger('silent'));
  try {
    expect((await fs.stat(socket)).mode & 0o777).toBe(0o600);
    await expect(assertDataDirFree(config)).rejects.toBeInstanceOf(DataDirInUseError);
  } finally {
    await close();
    await database.close();
  }
  await expect(assertDataDirFree(config)).resolves.toBeUndefined();
  await fs.rm(base, { recursive: true, force: true });
});
