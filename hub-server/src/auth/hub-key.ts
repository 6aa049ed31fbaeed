import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.ts';

/**
 * The hub's secret, kept outside the database: a file (TANSIQ_KEY_FILE, by default `hub.key` in
 * TANSIQ_DATA_DIR) that the hub creates with mode 0600 on first start. Someone holding only the
 * database credentials can neither read it nor mint a token or a checkpoint with it. Hub
 * processes that share a database must share this file (or TANSIQ_JWT_SECRET): on one machine
 * they find the same file; on several, copy it.
 */
export interface HubKeys {
  /** HS256 key for access tokens: TANSIQ_JWT_SECRET when set, else derived from the key file. */
  accessToken(): Promise<string>;
  /** HMAC key for audit checkpoints, derived from the key file (or TANSIQ_JWT_SECRET). */
  auditCheckpoint(): Promise<Buffer>;
}

export function keyFilePath(config: Pick<Config, 'TANSIQ_KEY_FILE' | 'TANSIQ_DATA_DIR'>): string {
  return config.TANSIQ_KEY_FILE ?? path.join(config.TANSIQ_DATA_DIR, 'hub.key');
}

/** Reads the key file, creating it (exclusively, so concurrent starts agree) when it is missing. */
async function readOrCreate(file: string): Promise<Buffer> {
  try {
    return await readKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.writeFile(file, randomBytes(48).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKey(file);
}

async function readKey(file: string): Promise<Buffer> {
  const text = (await fs.readFile(file, 'utf8')).trim();
  if (text.length < 32) throw new Error(`the key file ${file} holds fewer than 32 characters`);
  return Buffer.from(text, 'utf8');
}

function derive(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `tansiq ${purpose}`, 32));
}

export function hubKeys(
  config: Pick<Config, 'TANSIQ_KEY_FILE' | 'TANSIQ_DATA_DIR' | 'TANSIQ_JWT_SECRET'>,
): HubKeys {
  let secret: Promise<Buffer> | null = null;
  const load = () => {
    secret ??= (
      config.TANSIQ_JWT_SECRET
        ? Promise.resolve(Buffer.from(config.TANSIQ_JWT_SECRET, 'utf8'))
        : readOrCreate(keyFilePath(config))
    ).catch((err: unknown) => {
      secret = null;
      throw err;
    });
    return secret;
  };
  return {
    accessToken: async () =>
      config.TANSIQ_JWT_SECRET ?? derive(await load(), 'access token').toString('base64url'),
    auditCheckpoint: async () => derive(await load(), 'audit checkpoint'),
  };
}
