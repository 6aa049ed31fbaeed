import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LoginRequest, Principal, TokenPair } from '@tansiq/shared';
import type { Config } from '../config/config.ts';
import type { AppDb, AppTx } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { AppError, errors } from '../http/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import { appendEvent } from '../events/events.service.ts';
import { users } from '../users/users.table.ts';
import { toUser } from '../users/users.mapper.ts';
import { hashPassword, verifyPassword } from '../users/passwords.ts';
import { refreshTokens, sessions } from './sessions.table.ts';
import { hashRefreshToken, newRefreshToken, type AccessTokens } from './tokens.ts';

/** How long after a rotation the same refresh token may be presented again as a retry. */
export const REFRESH_RETRY_GRACE_SECONDS = 60;

/** Where a request came from, for the audit log and the throttle. */
export interface RequestContext {
  source: string | null;
  userAgent?: string | null;
}

/** An authenticated caller: the current state of the user in the database, not just the token. */
export interface AuthContext {
  principal: Principal;
  username: string;
  sessionId: string;
  expiresAt: Date;
}

/** The event every hub process acts on by closing the sockets of the ended session(s). */
export const SESSION_ENDED = 'session:ended';
/** What a `session:ended` event names: one session, or every session of a user. */
export type SessionEnding = { sessionId: string } | { userId: string };

const THROTTLE_WINDOW_SECONDS = 15 * 60;
const BAD_CREDENTIALS = 'wrong username or password';
/** How long a session found open is trusted without reading it again (see `authenticate`). */
export const SESSION_CHECK_MS = 5_000;
/** Sessions remembered at most; past it, the expired go, then all. */
const CHECKED_SESSIONS_MAX = 10_000;

interface CheckedSession {
  userId: string;
  principal: Principal;
  username: string;
  /** When the session itself ends (null: never). */
  sessionEnds: Date | null;
  /** Read again from this time on. */
  until: number;
}

export class AuthService {
  /** Attempts per username and source address together: refused past the limit. */
  private readonly perPair: RateLimiterMemory;
  /** Attempts per source address: refused past the limit (a success gives its attempt back). */
  private readonly perAddress: RateLimiterMemory;
  /** Failures per username from anywhere: never refused, only slowed (a stranger cannot lock an officer out). */
  private readonly usernameFailures: RateLimiterMemory;
  private dummyHash: Promise<string> | null = null;
  /** Sessions found open lately, by id (see `authenticate`). */
  private readonly checked = new Map<string, CheckedSession>();
  /** Counts `sessionsEnded` calls: a check that saw one happen meanwhile keeps nothing. */
  private endings = 0;

  constructor(
    private readonly db: AppDb,
    private readonly tokens: AccessTokens,
    private readonly config: Config,
    /** Called after a commit that appended events (the tailer delivers them). */
    private readonly logger: Logger,
    private readonly failures: FailureAudit,
  ) {
    this.perPair = new RateLimiterMemory({
      points: config.TANSIQ_LOGIN_FAILURES_PER_USER,
      duration: THROTTLE_WINDOW_SECONDS,
    });
    this.perAddress = new RateLimiterMemory({
      points: config.TANSIQ_LOGIN_FAILURES_PER_ADDRESS,
      duration: THROTTLE_WINDOW_SECONDS,
    });
    this.usernameFailures = new RateLimiterMemory({
      points: Number.MAX_SAFE_INTEGER,
      duration: THROTTLE_WINDOW_SECONDS,
    });
  }

  async login(input: LoginRequest, ctx: RequestContext): Promise<TokenPair> {
    const userKey = input.username.toLowerCase();
    const addressKey = ctx.source ?? 'unknown';
    const pairKey = `${addressKey}\n${userKey}`;
    // The attempt is spent before the password is checked, atomically: parallel guesses cannot
    // all pass a check made before any of them failed.
    try {
      await this.spendAttempt(pairKey, addressKey);
    } catch (err) {
      await this.failures.record(
        { username: input.username.slice(0, 64), source: ctx.source },
        { action: 'auth.login', outcome: 'refused', details: { reason: 'throttled' } },
      );
      throw err;
    }
    await this.slowDown(userKey);

    // A name PostgreSQL cannot even compare (a NUL character) is an unknown user like any other.
    const [user] = userKey.includes('\u0000')
      ? []
      : await this.db
          .select()
          .from(users)
          .where(sql`lower(${users.username}) = ${userKey}`);
    // An unknown user costs the same hash check as a known one, and gets the same answer.
    const hash = user?.passwordHash ?? (await (this.dummyHash ??= hashPassword('not a password of anyone')));
    const passwordOk = await verifyPassword(hash, input.password);
    if (!user || !passwordOk || user.disabledAt) {
      await this.usernameFailures.penalty(userKey).catch(() => undefined);
      await this.failures.record(
        { username: input.username.slice(0, 64), source: ctx.source },
        {
          action: 'auth.login',
          outcome: 'failed',
          ...(user ? { targetType: 'user', targetId: user.id } : {}),
          details: { reason: !user ? 'unknown_user' : user.disabledAt ? 'disabled' : 'wrong_password' },
        },
      );
      throw errors.unauthenticated(BAD_CREDENTIALS);
    }
    // A success gives back what it spent: a centre behind one address signs in all its staff.
    await Promise.all([
      this.perPair.delete(pairKey),
      this.perAddress.reward(addressKey, 1),
      this.usernameFailures.delete(userKey),
    ]);

    const sessionId = randomUUID();
    const refreshToken = await this.db.transaction(async (tx) => {
      await tx.insert(sessions).values({
        id: sessionId,
        userId: user.id,
        source: ctx.source,
        userAgent: ctx.userAgent?.slice(0, 300) ?? null,
      });
      await recordAudit(
        tx,
        { principal: this.principalOf(user), source: ctx.source },
        {
          action: 'auth.login',
          outcome: 'ok',
          targetType: 'session',
          targetId: sessionId,
        },
      );
      return this.storeRefreshToken(tx, sessionId);
    });
    return this.pair(user, sessionId, refreshToken);
  }

  /**
   * Rotates a refresh token. A token used a second time revokes its whole family (the session),
   * with one exception for links that drop: the last token rotated, presented again within
   * REFRESH_RETRY_GRACE_SECONDS while its successor is still unused, is a retry whose answer was
   * lost. It gets a new pair, and the successor nobody received is spent, so a thief holding it is
   * still caught when they use it.
   */
  async refresh(refreshToken: string, ctx: RequestContext): Promise<TokenPair> {
    const tokenHash = hashRefreshToken(refreshToken);
    type Outcome =
      | { kind: 'rotated'; user: typeof users.$inferSelect; sessionId: string; refreshToken: string }
      | { kind: 'refused'; reused: { sessionId: string } | null };
    const result = await this.db.transaction(async (tx): Promise<Outcome> => {
      const [claimed] = await tx
        .update(refreshTokens)
        .set({ usedAt: sql`now()`, rotatedAt: sql`now()` })
        .where(
          and(
            eq(refreshTokens.tokenHash, tokenHash),
            isNull(refreshTokens.usedAt),
            gt(refreshTokens.expiresAt, sql`now()`),
          ),
        )
        .returning({ sessionId: refreshTokens.sessionId });
      const sessionId = claimed?.sessionId ?? (await this.lostReply(tx, tokenHash));
      if (!sessionId) return { kind: 'refused', reused: await this.findReuse(tx, tokenHash) };
      const [row] = await tx
        .select({ user: users, session: sessions })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.id, sessionId));
      if (!row || row.session.revokedAt || row.user.disabledAt || ended(row.session.expiresAt))
        return { kind: 'refused', reused: null };
      await tx
        .update(sessions)
        .set({ lastUsedAt: sql`now()` })
        .where(eq(sessions.id, row.session.id));
      const refreshToken = await this.storeRefreshToken(tx, row.session.id, row.session.expiresAt);
      return { kind: 'rotated', user: row.user, sessionId: row.session.id, refreshToken };
    });
    if (result.kind === 'rotated') return this.pair(result.user, result.sessionId, result.refreshToken);
    if (result.reused) {
      await this.endSession(result.reused.sessionId, 'refresh_token_reused', { source: ctx.source });
      this.logger.warn({ sessionId: result.reused.sessionId }, 'refresh token used twice; session revoked');
    }
    throw errors.unauthenticated('the refresh token is not valid');
  }

  /** The session of a token presented again as a retry (see refresh), after spending its successor. */
  private async lostReply(tx: AppTx, tokenHash: string): Promise<string | null> {
    const [row] = await tx
      .select({ sessionId: refreshTokens.sessionId, usedAt: refreshTokens.usedAt })
      .from(refreshTokens)
      .where(
        and(
          eq(refreshTokens.tokenHash, tokenHash),
          // From the rotation, not from the last retry: the grace never slides.
          gt(
            sql`coalesce(${refreshTokens.rotatedAt}, ${refreshTokens.usedAt})`,
            sql`now() - make_interval(secs => ${REFRESH_RETRY_GRACE_SECONDS})`,
          ),
        ),
      );
    if (!row?.usedAt) return null;
    const [latest] = await tx
      .select({ usedAt: sql<Date>`max(${refreshTokens.usedAt})`.mapWith(refreshTokens.usedAt) })
      .from(refreshTokens)
      .where(eq(refreshTokens.sessionId, row.sessionId));
    if (!latest?.usedAt || latest.usedAt.getTime() !== row.usedAt.getTime()) return null;
    // The successor nobody received is spent; the retried token is stamped after it, so it stays
    // the latest used (a second lost answer can be retried the same way), while presenting the
    // spent successor, or any token older than one someone presented, counts as reuse.
    await tx
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(refreshTokens.sessionId, row.sessionId), isNull(refreshTokens.usedAt)));
    await tx
      .update(refreshTokens)
      .set({ usedAt: sql`clock_timestamp()` })
      .where(eq(refreshTokens.tokenHash, tokenHash));
    return row.sessionId;
  }

  private async findReuse(tx: AppTx, tokenHash: string): Promise<{ sessionId: string } | null> {
    const [row] = await tx
      .select({ sessionId: refreshTokens.sessionId, usedAt: refreshTokens.usedAt })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash));
    return row?.usedAt ? { sessionId: row.sessionId } : null;
  }

  /**
   * Checks an access token and the live state behind it: the session open, the user enabled. A
   * session found open is trusted for SESSION_CHECK_MS without reading it again; its ending (logout,
   * a reused refresh token, an account change, a revoked wall screen) drops it from every process's
   * memory as soon as that process reads the `session:ended` event (`sessionsEnded`), and at once on
   * the process that ended it.
   */
  async authenticate(token: unknown): Promise<AuthContext> {
    const claims = await this.tokens.verify(token);
    const expiresAt = new Date(claims.exp * 1000);
    const known = this.checked.get(claims.sid);
    if (known && known.userId === claims.sub && Date.now() < known.until && !ended(known.sessionEnds))
      return {
        principal: { ...known.principal },
        username: known.username,
        sessionId: claims.sid,
        expiresAt,
      };
    const generation = this.endings;
    const [row] = await this.db
      .select({ user: users, session: sessions })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, claims.sid));
    if (!row || row.user.id !== claims.sub) throw errors.unauthenticated('the session is not valid');
    if (row.session.revokedAt || ended(row.session.expiresAt))
      throw errors.unauthenticated('the session has ended');
    if (row.user.disabledAt) throw errors.unauthenticated('the account is disabled');
    const principal = this.principalOf(row.user);
    // Not when a session ended while this read was under way: it may have read the state before.
    if (generation === this.endings) {
      if (this.checked.size >= CHECKED_SESSIONS_MAX) this.pruneChecked();
      this.checked.set(row.session.id, {
        userId: row.user.id,
        principal,
        username: row.user.username,
        sessionEnds: row.session.expiresAt,
        until: Date.now() + SESSION_CHECK_MS,
      });
    }
    return { principal: { ...principal }, username: row.user.username, sessionId: row.session.id, expiresAt };
  }

  /** Sessions that ended (one, or every session of a user): the next request reads them again. */
  sessionsEnded(which: SessionEnding): void {
    this.endings++;
    if ('sessionId' in which) this.checked.delete(which.sessionId);
    else for (const [id, s] of this.checked) if (s.userId === which.userId) this.checked.delete(id);
  }

  private pruneChecked(): void {
    const now = Date.now();
    for (const [id, s] of this.checked) if (now >= s.until) this.checked.delete(id);
    if (this.checked.size >= CHECKED_SESSIONS_MAX) this.checked.clear();
  }

  async logout(auth: AuthContext, ctx: RequestContext): Promise<void> {
    await this.endSession(auth.sessionId, 'logout', {
      principal: { ...auth.principal, username: auth.username },
      source: ctx.source,
    });
  }

  /** Ends one session (its refresh tokens die with it) and closes its sockets. */
  async endSession(
    sessionId: string,
    reason: string,
    actor: { principal?: Principal & { username?: string }; source: string | null },
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(sessions)
        .set({ revokedAt: sql`now()`, revokedReason: reason })
        .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
      await recordAudit(tx, actor, {
        action: 'auth.session_ended',
        outcome: 'ok',
        targetType: 'session',
        targetId: sessionId,
        details: { reason },
      });
      await appendEvent(tx, { type: SESSION_ENDED, audience: 'hub', data: { sessionId } });
    });
    this.sessionsEnded({ sessionId });
  }

  /**
   * Ends every open session of a user inside the caller's transaction (the change that requires it),
   * and tells every hub process to close the user's sockets. Call it last in the transaction (it
   * appends an event); every process closes the user's sockets when it reads the event.
   */
  async endUserSessions(tx: AppTx, userId: string, reason: string): Promise<void> {
    // Now, and again when the event is read after the commit (a read meanwhile may see them open).
    this.sessionsEnded({ userId });
    await tx
      .update(sessions)
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    await appendEvent(tx, { type: SESSION_ENDED, audience: 'hub', data: { userId } });
  }

  private principalOf(user: typeof users.$inferSelect): Principal & { username: string } {
    return { userId: user.id, role: user.role, centre: user.centre, username: user.username };
  }

  /**
   * A new session for a wall screen's board user, ending at `expiresAt` (its refresh tokens last as
   * long, so a screen switched off overnight still renews), inside the caller's transaction. The
   * tokens are made after the commit: `devicePair`.
   */
  async openDeviceSession(
    tx: AppTx,
    userId: string,
    expiresAt: Date,
    ctx: RequestContext,
  ): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = randomUUID();
    await tx.insert(sessions).values({
      id: sessionId,
      userId,
      expiresAt,
      source: ctx.source,
      userAgent: ctx.userAgent?.slice(0, 300) ?? null,
    });
    return { sessionId, refreshToken: await this.storeRefreshToken(tx, sessionId, expiresAt) };
  }

  async devicePair(userId: string, sessionId: string, refreshToken: string): Promise<TokenPair> {
    const [user] = await this.db.select().from(users).where(eq(users.id, userId));
    if (!user) throw errors.unauthenticated('the session is not valid');
    return this.pair(user, sessionId, refreshToken);
  }

  private async storeRefreshToken(
    tx: AppTx,
    sessionId: string,
    sessionEnds: Date | null = null,
  ): Promise<string> {
    const refresh = newRefreshToken();
    await tx.insert(refreshTokens).values({
      tokenHash: refresh.hash,
      sessionId,
      expiresAt: sessionEnds ?? new Date(Date.now() + this.config.TANSIQ_REFRESH_TOKEN_HOURS * 3600_000),
    });
    return refresh.token;
  }

  // Signed after the transaction commits: the key may need a query of its own on first use.
  private async pair(
    user: typeof users.$inferSelect,
    sessionId: string,
    refreshToken: string,
  ): Promise<TokenPair> {
    const access = await this.tokens.sign({
      sub: user.id,
      sid: sessionId,
      role: user.role,
      centre: user.centre,
      name: user.username,
    });
    return {
      accessToken: access.token,
      expiresIn: this.config.TANSIQ_ACCESS_TOKEN_SECONDS,
      refreshToken,
      user: toUser(user),
    };
  }

  /** Spends one attempt of the address and of the address-and-username pair, or refuses (429). */
  private async spendAttempt(pairKey: string, addressKey: string): Promise<void> {
    const refused = (
      await Promise.all([
        this.perPair.consume(pairKey).then(
          () => null,
          (r: unknown) => r,
        ),
        this.perAddress.consume(addressKey).then(
          () => null,
          (r: unknown) => r,
        ),
      ])
    ).filter((r): r is RateLimiterRes => r instanceof RateLimiterRes);
    if (refused.length === 0) return;
    const retryAfter = Math.ceil(Math.max(...refused.map((r) => r.msBeforeNext)) / 1000);
    throw new AppError(429, 'rate_limited', 'too many failed logins; try again later', {
      retryAfterSeconds: retryAfter,
    });
  }

  /**
   * Failures of one username from anywhere slow its next attempts down, doubling from a quarter
   * of a second after the third up to TANSIQ_LOGIN_SLOWDOWN_MAX_MS, and never refuse them.
   */
  private async slowDown(userKey: string): Promise<void> {
    const failures = (await this.usernameFailures.get(userKey))?.consumedPoints ?? 0;
    const ms = loginDelayMs(failures, this.config.TANSIQ_LOGIN_SLOWDOWN_MAX_MS);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }
}

/** A session with a fixed end that has passed. */
function ended(expiresAt: Date | null): boolean {
  return expiresAt !== null && expiresAt.getTime() <= Date.now();
}

/** The wait before checking a password grows with the username's recent failures; the first three cost nothing. */
export function loginDelayMs(failures: number, maxMs: number): number {
  if (failures < 3) return 0;
  return Math.min(maxMs, 250 * 2 ** (failures - 3));
}
