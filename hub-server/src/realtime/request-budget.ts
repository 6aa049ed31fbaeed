import pLimit, { type LimitFunction } from 'p-limit';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../http/errors.ts';

export interface BudgetLimits {
  /** Cost units one user may spend in 10 seconds, across all of their sockets. */
  perTenSeconds: number;
  /** Requests of one user that may run against the database at once; more wait their turn. */
  concurrent: number;
}

/** Requests one user may have waiting behind the running ones before more are refused. */
const QUEUE_PER_SLOT = 4;

/**
 * What one user may ask of the hub over sockets: a weighted rate (a replay of many events costs
 * more than a ping) shared by all of the user's sockets, and a bound on how much of their work
 * runs at once, so one account can neither starve others nor fill the database pool.
 */
export class RequestBudget {
  private readonly rate: RateLimiterMemory;
  private readonly running = new Map<string, LimitFunction>();

  constructor(private readonly limits: BudgetLimits) {
    this.rate = new RateLimiterMemory({ points: limits.perTenSeconds, duration: 10 });
  }

  /** Spends `cost` units of the user's budget, or throws `rate_limited` with when to try again. */
  async spend(userId: string, cost: number): Promise<void> {
    try {
      await this.rate.consume(userId, cost);
    } catch (err) {
      const retryMs = err instanceof RateLimiterRes ? err.msBeforeNext : 10_000;
      throw new AppError(429, 'rate_limited', 'too many requests from this account; slow down', {
        retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)),
      });
    }
  }

  /** Runs `work` within the user's concurrency bound; a full queue is refused at once. */
  async run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    let limit = this.running.get(userId);
    if (!limit) {
      limit = pLimit(this.limits.concurrent);
      this.running.set(userId, limit);
    }
    if (limit.activeCount + limit.pendingCount >= this.limits.concurrent * (1 + QUEUE_PER_SLOT)) {
      throw new AppError(429, 'rate_limited', 'too many requests from this account at once', {
        retryAfterSeconds: 1,
      });
    }
    try {
      return await limit(work);
    } finally {
      if (limit.activeCount === 0 && limit.pendingCount === 0) this.running.delete(userId);
    }
  }
}
