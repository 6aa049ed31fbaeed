import { asc } from 'drizzle-orm';
import type { AppDb } from '../db/database.ts';
import { centres } from './centres.table.ts';

export type CentreRow = typeof centres.$inferSelect;

/** The centres table, read at start and on demand (centres change rarely: a new row, then refresh). */
export class CentresCache {
  private rows: CentreRow[] = [];

  constructor(private readonly db: AppDb) {}

  async refresh(): Promise<void> {
    this.rows = await this.db.select().from(centres).orderBy(asc(centres.code));
  }

  get all(): readonly CentreRow[] {
    return this.rows;
  }

  kindOf(code: string): 'joint' | 'studies' | null {
    return this.rows.find((c) => c.code === code)?.kind ?? null;
  }

  joint(): string[] {
    return this.rows.filter((c) => c.kind === 'joint').map((c) => c.code);
  }
}
