import type { AppDb } from '../db/database.ts';
import { recordAudit, type Actor, type AuditEntry } from './audit.service.ts';

/** Refusals and failures one actor may write per action and minute before they are only counted. */
export const FAILURES_WRITTEN_PER_MINUTE = 20;
const MINUTE_MS = 60_000;

interface Tally {
  minute: number;
  count: number;
  actor: Actor;
  entry: AuditEntry;
}

/**
 * Refused requests and failed logins, audited without letting a flood grow the log without
 * bound: per actor (the user, or the source address of an anonymous caller), action and outcome,
 * the first FAILURES_WRITTEN_PER_MINUTE of a minute are written one by one, and the rest become
 * one record after that minute (`details.repeated`, the number not written singly), so no count
 * is lost. Successful actions are audited in their own transaction and never pass through here.
 */
export class FailureAudit {
  private readonly tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: AppDb,
    private readonly now: () => number = Date.now,
  ) {}

  async record(actor: Actor, entry: AuditEntry): Promise<void> {
    const minute = Math.floor(this.now() / MINUTE_MS);
    const who = actor.principal?.userId ?? `address:${actor.source ?? '?'}`;
    const key = `${who}\n${entry.action}\n${entry.outcome}`;
    let tally = this.tallies.get(key);
    if (tally && tally.minute !== minute) {
      this.tallies.delete(key);
      await this.writeSummary(tally);
      tally = undefined;
    }
    if (!tally) {
      tally = { minute, count: 0, actor, entry };
      this.tallies.set(key, tally);
    }
    tally.count++;
    if (tally.count <= FAILURES_WRITTEN_PER_MINUTE) await recordAudit(this.db, actor, entry);
  }

  /** Writes the summaries of minutes that have ended (all of them when `all`). */
  async flush(all = false): Promise<void> {
    const minute = Math.floor(this.now() / MINUTE_MS);
    for (const [key, tally] of this.tallies) {
      if (!all && tally.minute === minute) continue;
      this.tallies.delete(key);
      await this.writeSummary(tally);
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true).catch(() => undefined);
  }

  private async writeSummary(tally: Tally): Promise<void> {
    const repeated = tally.count - FAILURES_WRITTEN_PER_MINUTE;
    if (repeated <= 0) return;
    await recordAudit(this.db, tally.actor, {
      ...tally.entry,
      details: {
        ...tally.entry.details,
        repeated,
        minute: new Date(tally.minute * MINUTE_MS).toISOString(),
      },
    });
  }
}
