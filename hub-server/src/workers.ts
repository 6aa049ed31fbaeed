import type { Config } from './config/config.ts';
import type { Database } from './db/database.ts';
import type { Leadership } from './db/leader.ts';
import type { Logger } from './logger.ts';
import type { CentresCache } from './centres/centres.cache.ts';
import type { HubNodes } from './presence/hub-nodes.ts';
import { escalateDueDeadlines } from './alerts/escalation.worker.ts';
import { PresenceWorker } from './presence/presence.worker.ts';
import { announceOverdueHandovers } from './handovers/overdue.worker.ts';
import type { ShiftCalendar } from './handovers/shifts.ts';

/**
 * The periodic work that must run on exactly one hub process: deadline escalation, centre
 * presence, overdue handovers and overdue action items. Each tick, a process that holds (or can take) the PostgreSQL advisory lock does it.
 */
export class LeaderWorkers {
  private timer: NodeJS.Timeout | undefined;
  private leadership: Leadership | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastRoundAt = 0;
  private presence: PresenceWorker | null = null;
  /** Centre and shift pairs whose handover is settled (accepted or announced overdue): not read again. */
  private readonly handoversSettled = new Set<string>();
  /** Leader rounds completed, and the longest wait between two (a starved leader shows here). */
  readonly stats = { rounds: 0, longestGapMs: 0 };

  constructor(
    private readonly deps: {
      database: Database;
      centres: CentresCache;
      /** This process's row among the hub processes (written every round, by every process). */
      nodes: HubNodes;
      config: Config;
      calendar: ShiftCalendar;
      clock: () => Date;
      /** Announces action items gone past due (once each); resolves with how many. */
      overdueActions: () => Promise<number>;
      logger: Logger;
      /** Called after each completed round of leader work. */
      onRound?: () => void;
    },
  ) {}

  start(): void {
    this.leadership = this.deps.database.leadership();
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.tick()
          .then(() => undefined)
          .finally(() => {
            this.running = null;
            loop();
          });
      }, this.deps.config.TANSIQ_WORKER_INTERVAL_MS);
    };
    loop();
  }

  /** One round; exported for tests that must not wait for the timer. */
  async tick(): Promise<{
    leader: boolean;
    escalated: number;
    announced: number;
    overdue: number;
    actionsOverdue: number;
  }> {
    const { database, centres, nodes, config, calendar, clock, logger } = this.deps;
    const idle = { leader: false, escalated: 0, announced: 0, overdue: 0, actionsOverdue: 0 };
    try {
      await nodes.report();
      if (!(await this.leadership?.check())) {
        this.presence?.forget();
        return idle;
      }
      this.presence ??= new PresenceWorker(database, config.TANSIQ_CENTRE_SILENT_AFTER);
      const escalated = await escalateDueDeadlines(database);
      // A centre is called silent only while one of its shifts is on.
      const announced = await this.presence.check(
        centres.joint(),
        await nodes.connected(),
        calendar.current(clock()) !== null,
      );
      const overdue = await announceOverdueHandovers(
        database,
        centres.joint(),
        calendar,
        config.TANSIQ_HANDOVER_GRACE_MINUTES,
        clock(),
        this.handoversSettled,
      );
      const actionsOverdue = await this.deps.overdueActions();
      this.countRound();
      return { leader: true, escalated, announced, overdue, actionsOverdue };
    } catch (err) {
      if (!this.stopped) logger.error({ err }, 'leader work failed; retrying on the next tick');
      return idle;
    }
  }

  private countRound(): void {
    const now = Date.now();
    if (this.lastRoundAt) this.stats.longestGapMs = Math.max(this.stats.longestGapMs, now - this.lastRoundAt);
    this.lastRoundAt = now;
    this.stats.rounds++;
    this.deps.onRound?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.leadership?.release();
    await this.deps.nodes.remove().catch(() => undefined);
  }
}
