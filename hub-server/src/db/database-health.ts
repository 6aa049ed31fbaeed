import fs from 'node:fs/promises';
import type { DatabaseTrouble } from './db-errors.ts';

/** Below this much free space under the embedded database, the hub says it is not ready. */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;
/** How long a write that failed for want of space on a database server keeps /readyz saying so. */
const REMEMBER_MS = 30_000;

/**
 * What `/readyz` reports beyond "the database answers": a database that answers reads but cannot
 * store anything (its disk full) is not ready either. Requests that failed that way are noted
 * here; for the embedded database the hub also looks at the free space under its directory.
 */
export class DatabaseHealth {
  private storageFullAt = 0;

  constructor(private readonly dataDir: string | null) {}

  note(trouble: DatabaseTrouble): void {
    if (trouble === 'storage_full') this.storageFullAt = Date.now();
  }

  /** Why the database cannot take writes now, or null. */
  async writeTrouble(): Promise<'storage_full' | null> {
    // The embedded database's disk can be looked at directly; a server's only through its errors.
    if (this.dataDir) {
      const stats = await fs.statfs(this.dataDir).catch(() => null);
      return stats && stats.bavail * stats.bsize < MIN_FREE_BYTES ? 'storage_full' : null;
    }
    return Date.now() - this.storageFullAt < REMEMBER_MS ? 'storage_full' : null;
  }
}
