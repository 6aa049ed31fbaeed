import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';

/** One statement on a database, rows as objects (a snapshot's query, or a pg client's). */
export type Query = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Every row of every public table as PostgreSQL's own JSON text (times in UTC), sorted: what two
 * databases must share to hold the same data, whichever engine each runs on.
 */
export async function tableContents(q: Query): Promise<Map<string, string[]>> {
  await q(`select set_config('timezone', 'UTC', true)`);
  const tables = await q(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' order by 1`,
  );
  const out = new Map<string, string[]>();
  for (const { name } of tables) {
    const rows = await q(`select row_to_json(t)::text as j from "${String(name)}" t`);
    out.set(String(name), rows.map((r) => String(r.j)).sort());
  }
  return out;
}

/**
 * A backup file rewritten by `edit` (its lines, header first, trailer excluded) with a trailer that
 * matches again: a well-formed backup with different content (a newer schema, say).
 */
export function rewriteBackup(from: string, to: string, edit: (lines: string[]) => string[]): void {
  const all = gunzipSync(fs.readFileSync(from)).toString('utf8').split('\n').filter(Boolean);
  const body = edit(all.slice(0, -1));
  const text = body.map((l) => `${l}\n`).join('');
  const sha256 = createHash('sha256').update(text).digest('hex');
  fs.writeFileSync(to, gzipSync(text + `${JSON.stringify({ '@end': true, lines: body.length, sha256 })}\n`));
}
