import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { AppDb } from '../db/database.ts';
import { hubSecrets } from './sessions.table.ts';

const KEY_NAME = 'access_token_key';

/**
 * The configured key, or one the hub makes on first start and keeps in the database, so every
 * hub process on that database signs and verifies alike. Loaded once, then cached.
 */
export function signingKeySource(db: AppDb, configured: string | undefined): () => Promise<string> {
  let key: Promise<string> | null = null;
  const load = async () => {
    if (configured) return configured;
    await db
      .insert(hubSecrets)
      .values({ name: KEY_NAME, value: randomBytes(48).toString('base64url') })
      .onConflictDoNothing();
    const [row] = await db.select().from(hubSecrets).where(eq(hubSecrets.name, KEY_NAME));
    if (!row) throw new Error('signing key missing');
    return row.value;
  };
  return () => {
    key ??= load().catch((err: unknown) => {
      key = null;
      throw err;
    });
    return key;
  };
}
