import { asc, gt, max } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { events } from './events.table.ts';
import type { EventRow } from './events.service.ts';

const BATCH = 500;
/** After a failed read, the next one follows this soon. */
const RETRY_MS = 250;
/** The latest events kept in memory for resumes (a few MB). */
const RECENT = 2000;

/**
 * Reads the event log in sequence order and hands each committed event to `deliver`, once. Every
 * hub process tails the same log, so an event reaches the sockets of every process even when the
 * process that wrote it died between commit and delivery. Because numbers follow commit order, the
 * tailer never passes over an event that commits later.
 *
 * It reads when the database announces a commit (LISTEN/NOTIFY, on every process at once) and, as a
 * safety net for a notification lost with its connection, every `pollMs`. The process that wrote
 * events hands them over itself as soon as they commit (`offer`), when they are the next in line;
 * the notification of a number already handed over then reads nothing.
 */
export class EventTailer {
  private position = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private unlisten: (() => Promise<void>) | null = null;
  private retry: NodeJS.Timeout | undefined;
  /** Every event after `recentFrom` up to the head, in order: what a resume from there needs. */
  private recent: EventRow[] = [];
  private recentFrom = 0;
  private started = false;

  constructor(
    private readonly database: Database,
    private readonly deliver: (rows: readonly EventRow[]) => void,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  /** The last sequence number handed to `deliver`. */
  get head(): number {
    return this.position;
  }

  /** Starts at the end of the log: what came before is for `resume`. */
  async start(): Promise<void> {
    const [row] = await this.database.readAsSystem((q) => q.select({ seq: max(events.seq) }).from(events));
    this.position = row?.seq ?? 0;
    this.recentFrom = this.position;
    this.started = true;
    this.database.onEventsAppended((rows) => this.offer(rows));
    this.unlisten = await this.database.onEventsCommitted((last) => {
      // After the writer's own hand-over, which runs in the microtasks of its commit.
      setImmediate(() => {
        if (last === null || last > this.position) void this.poke();
      });
    });
    const tick = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.poke().finally(tick), this.pollMs);
    };
    tick();
  }

  /** Reads what has been committed since the last read. */
  poke(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again && !this.stopped);
      } catch (err) {
        if (!this.stopped) {
          this.logger.error({ err }, 'event tailer failed; retrying shortly');
          // The database is away (a restart, a failover): try again soon, not only on the next poll.
          clearTimeout(this.retry);
          this.retry = setTimeout(() => void this.poke(), RETRY_MS);
        }
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /**
   * Events this process's transaction appended, just committed, in order. Delivered at once when
   * they follow the last event delivered and no read is under way (a read could return them too);
   * otherwise the log is read.
   */
  offer(rows: readonly EventRow[]): void {
    if (!this.started || this.stopped || rows.length === 0 || rows.at(-1)!.seq <= this.position) return;
    if (this.running || rows[0]!.seq !== this.position + 1) {
      void this.poke();
      return;
    }
    try {
      this.accept(rows);
    } catch (err) {
      this.logger.error({ err }, 'delivering committed events failed');
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await this.database.readAsSystem((q) =>
        q.select().from(events).where(gt(events.seq, this.position)).orderBy(asc(events.seq)).limit(BATCH),
      );
      if (rows.length === 0 || this.stopped) return;
      this.accept(rows);
      if (rows.length < BATCH) return;
    }
  }

  private accept(rows: readonly EventRow[]): void {
    this.position = rows.at(-1)!.seq;
    this.recent.push(...rows);
    if (this.recent.length > RECENT) {
      const dropped = this.recent.splice(0, this.recent.length - RECENT);
      this.recentFrom = dropped.at(-1)!.seq;
    }
    this.deliver(rows);
  }

  /**
   * The events after `after` up to the head, when all of them are still in memory (null when
   * some are not: read them from the database).
   */
  recentAfter(after: number): readonly EventRow[] | null {
    if (after < this.recentFrom) return null;
    const i = this.recent.findIndex((r) => r.seq > after);
    return i < 0 ? [] : this.recent.slice(i);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.retry);
    await this.unlisten?.();
    await this.running;
  }
}
