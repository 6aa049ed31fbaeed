import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
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

/** A demo account's password, from the file a hub writes in its data directory on its first start. */
export async function demoPassword(dataDir: string, username: string): Promise<string> {
  const text = await fs.promises.readFile(path.join(dataDir, 'demo-accounts.txt'), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(`${username} `));
  if (!line) throw new Error(`no demo account ${username} in ${dataDir}`);
  return line.trim().split(/\s+/).at(-1)!;
}

/**
 * Asserts that `restored` holds one moment of `source`: the event log and the audit chain are
 * unbroken prefixes of the source's (numbered 1, 2, … with nothing missing), each restored alert
 * came with its `alert:created` event and no event names an alert that is not there, and the event
 * counter stands at the last event.
 */
export function expectOneMoment(restored: Map<string, string[]>, source: Map<string, string[]>): void {
  const seqs = (rows: string[]) =>
    rows.map((r) => (JSON.parse(r) as { seq: number }).seq).sort((a, b) => a - b);
  for (const log of ['events', 'audit_log']) {
    const kept = new Set(source.get(log));
    expect(
      restored.get(log)!.filter((r) => !kept.has(r)),
      log,
    ).toEqual([]);
    const got = seqs(restored.get(log)!);
    expect(got, log).toEqual(got.map((_, i) => i + 1));
    expect(got, log).toEqual(seqs(source.get(log)!).slice(0, got.length));
  }
  const alertIds = restored
    .get('alerts')!
    .map((r) => (JSON.parse(r) as { id: string }).id)
    .sort();
  const created = restored
    .get('events')!
    .map((r) => JSON.parse(r) as { type: string; entity_id: string })
    .filter((e) => e.type === 'alert:created')
    .map((e) => e.entity_id)
    .sort();
  expect(created).toEqual(alertIds);
  const counter = JSON.parse(restored.get('event_counter')![0]!) as { last: number };
  expect(counter.last).toBe(restored.get('events')!.length);
}

/**
 * Raises alerts one after another through the REST API until `stop()`; `count()` says how many the
 * hub has accepted so far. Every answer must be 201.
 */
export function raiseContinuously(
  url: string,
  token: string,
  body: (n: number) => Record<string, unknown>,
): { count(): number; stop(): Promise<number> } {
  let raising = true;
  let raised = 0;
  const loop = (async () => {
    while (raising) {
      const res = await fetch(`${url}/api/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body(raised)),
      });
      expect(res.status).toBe(201);
      raised++;
    }
  })();
  return {
    count: () => raised,
    async stop() {
      raising = false;
      await loop;
      return raised;
    },
  };
}
