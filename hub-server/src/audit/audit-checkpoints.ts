import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { desc, eq } from 'drizzle-orm';
import type { Config } from '../config/config.ts';
import type { AppDb } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { auditLog } from './audit.table.ts';

/**
 * The audit chain's head, vouched for outside the database: a checkpoint names the number and hash
 * of the last row, signed with a key the database never holds. Whoever can rewrite the database
 * can recompute every hash after an edit, or cut rows from the end of the chain, but cannot make a
 * checkpoint agree with either.
 */
export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  mac: string;
}

export function checkpointFile(
  config: Pick<Config, 'TANSIQ_AUDIT_CHECKPOINT_FILE' | 'TANSIQ_DATA_DIR'>,
): string {
  return config.TANSIQ_AUDIT_CHECKPOINT_FILE ?? path.join(config.TANSIQ_DATA_DIR, 'audit-checkpoints.jsonl');
}

function macOf(key: Buffer, c: Omit<Checkpoint, 'mac'>): string {
  return createHmac('sha256', key).update(`tansiq-audit-checkpoint:${c.seq}:${c.hash}:${c.at}`).digest('hex');
}

async function head(db: AppDb): Promise<{ seq: number; hash: string } | null> {
  const [row] = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return row ?? null;
}

/** Writes a checkpoint of the current head when it moved since the last one: to the file and the log. */
export class AuditCheckpoints {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: AppDb,
    private readonly key: () => Promise<Buffer>,
    private readonly file: string,
    private readonly logger: Logger,
    private readonly everyMs: number,
  ) {}

  async write(): Promise<Checkpoint | null> {
    const top = await head(this.db);
    if (!top || top.seq === this.last) return null;
    const body = { seq: top.seq, hash: top.hash, at: new Date().toISOString() };
    const checkpoint: Checkpoint = { ...body, mac: macOf(await this.key(), body) };
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.appendFile(this.file, JSON.stringify(checkpoint) + '\n', { mode: 0o600 });
    this.logger.info({ checkpoint }, 'audit checkpoint');
    this.last = top.seq;
    return checkpoint;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.write().catch((err: unknown) => this.logger.warn({ err }, 'audit checkpoint not written'));
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.write().catch((err: unknown) => this.logger.warn({ err }, 'audit checkpoint not written'));
  }
}

export type CheckpointVerification =
  | { ok: true; checkpoints: number; head: { seq: number; hash: string } | null }
  | { ok: false; checkpoints: number; head: { seq: number; hash: string } | null; reason: string };

/** Reads the checkpoint lines of a file (a missing file has none). */
export async function readCheckpoints(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return null;
      }
    });
}

/**
 * Checks the chain in the database against every checkpoint: each must carry a valid signature,
 * and the row it names must still exist with the same hash. Reports the head found.
 */
export async function verifyCheckpoints(
  db: AppDb,
  key: Buffer,
  checkpoints: unknown[],
): Promise<CheckpointVerification> {
  const top = await head(db);
  const fail = (reason: string): CheckpointVerification => ({
    ok: false,
    checkpoints: checkpoints.length,
    head: top,
    reason,
  });
  for (const [i, raw] of checkpoints.entries()) {
    const c = raw as Partial<Checkpoint> | null;
    if (
      !c ||
      typeof c.seq !== 'number' ||
      typeof c.hash !== 'string' ||
      typeof c.at !== 'string' ||
      typeof c.mac !== 'string'
    )
      return fail(`checkpoint ${i + 1} cannot be read`);
    const expected = Buffer.from(macOf(key, { seq: c.seq, hash: c.hash, at: c.at }), 'hex');
    const given = Buffer.from(c.mac, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return fail(`checkpoint ${i + 1} (row ${c.seq}) is not signed with this hub's key`);
    if (!top || top.seq < c.seq)
      return fail(
        `the chain ends at row ${top?.seq ?? 0}, but a checkpoint of ${c.at} vouches for row ${c.seq}: rows were cut from its end`,
      );
    const [row] = await db.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.seq, c.seq));
    if (!row) return fail(`row ${c.seq}, vouched for by a checkpoint of ${c.at}, is missing`);
    if (row.hash !== c.hash)
      return fail(
        `row ${c.seq} does not match its checkpoint of ${c.at}: the chain was rewritten up to there`,
      );
  }
  return { ok: true, checkpoints: checkpoints.length, head: top };
}
