import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { and, asc, desc, eq, gt, isNull, isNotNull, lt, sql } from 'drizzle-orm';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { PAIRING_CODE_LENGTH, canAdminister, type BoardDevice, type TokenPair } from '@tansiq/shared';
import type { AppDb } from '../db/database.ts';
import type { Config } from '../config/config.ts';
import type { AuthContext, AuthService, RequestContext } from '../auth/auth.service.ts';
import type { FailureAudit } from '../audit/failure-audit.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { actorOf } from '../access/user-change.ts';
import { enforce } from '../access/access.ts';
import { AppError, errors } from '../http/errors.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { users } from '../users/users.table.ts';
import { hashPassword } from '../users/passwords.ts';
import { sessions } from '../auth/sessions.table.ts';
import { boardDevices, boardPairings } from './board-devices.table.ts';

const WINDOW_SECONDS = 15 * 60;

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** What the screen polls with: pending until an administrator enters the code, then the session once. */
export type ClaimResult = { status: 'waiting'; expiresAt: string } | { status: 'paired'; session: TokenPair };

/**
 * Wall screens without a password: the screen asks for a pairing (a short code it shows and a
 * secret it keeps), an administrator enters the code with a name for the device, and the screen
 * claims a board session with its secret. The device is a `board` user; revoking it disables that
 * user and ends its session on every hub process (the sockets close through `session:ended`).
 */
export class BoardDevicesService {
  /** Wrong codes per administrator: refused past the limit (a code is 8 digits; guessing is slow). */
  private readonly wrongCodes: RateLimiterMemory;
  /** Codes asked for per source address (an unauthenticated route). */
  private readonly starts: RateLimiterMemory;

  constructor(
    private readonly db: AppDb,
    private readonly auth: AuthService,
    private readonly config: Config,
    private readonly failures: FailureAudit,
  ) {
    this.wrongCodes = new RateLimiterMemory({
      points: config.TANSIQ_PAIRING_FAILURES_PER_ADMIN,
      duration: WINDOW_SECONDS,
    });
    this.starts = new RateLimiterMemory({
      points: config.TANSIQ_PAIRING_STARTS_PER_ADDRESS,
      duration: WINDOW_SECONDS,
    });
  }

  /** A new pairing code for a wall screen (no sign-in). */
  async start(ctx: RequestContext): Promise<{ id: string; code: string; secret: string; expiresAt: string }> {
    try {
      await this.starts.consume(ctx.source ?? 'unknown');
    } catch (r) {
      throw tooMany(r, 'too many pairing codes asked for from this address; try again later');
    }
    // Expired, unpaired requests go: they hold codes nobody can enter any more.
    await this.db
      .delete(boardPairings)
      .where(and(isNull(boardPairings.pairedAt), lt(boardPairings.expiresAt, sql`now()`)));
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.TANSIQ_PAIRING_CODE_MINUTES * 60_000);
    for (let attempt = 0; ; attempt++) {
      const code = String(randomInt(0, 10 ** PAIRING_CODE_LENGTH)).padStart(PAIRING_CODE_LENGTH, '0');
      try {
        const [row] = await this.db
          .insert(boardPairings)
          .values({ codeHash: sha256(code), secretHash: sha256(secret), source: ctx.source, expiresAt })
          .returning({ id: boardPairings.id });
        return { id: row!.id, code, secret, expiresAt: expiresAt.toISOString() };
      } catch (err) {
        // The same code waiting on another screen: draw again.
        if (!isUniqueViolation(err) || attempt >= 5) throw err;
      }
    }
  }

  /** The screen's poll: still waiting, the session (once), or gone (expired or already claimed). */
  async claim(id: string, secret: string, ctx: RequestContext): Promise<ClaimResult> {
    const [row] = await this.db.select().from(boardPairings).where(eq(boardPairings.id, id));
    if (!row || !sameHash(row.secretHash, sha256(secret))) throw errors.notFound('no such pairing');
    if (row.claimedAt) throw new AppError(410, 'gone', 'this pairing has been used; ask for a new code');
    if (!row.pairedAt || !row.deviceId) {
      if (row.expiresAt.getTime() <= Date.now())
        throw new AppError(410, 'gone', 'the pairing code has expired; ask for a new one');
      return { status: 'waiting', expiresAt: row.expiresAt.toISOString() };
    }
    const deviceId = row.deviceId;
    const opened = await this.db.transaction(async (tx) => {
      // Claimed once: a second poll with the same secret finds it claimed.
      const [claimed] = await tx
        .update(boardPairings)
        .set({ claimedAt: sql`now()` })
        .where(
          and(eq(boardPairings.id, id), isNull(boardPairings.claimedAt), isNotNull(boardPairings.pairedAt)),
        )
        .returning({ id: boardPairings.id });
      if (!claimed) throw new AppError(410, 'gone', 'this pairing has been used; ask for a new code');
      const [device] = await tx.select().from(boardDevices).where(eq(boardDevices.id, deviceId));
      if (!device || device.revokedAt) throw new AppError(410, 'gone', 'the device has been revoked');
      const ends = new Date(Date.now() + this.config.TANSIQ_BOARD_SESSION_DAYS * 86_400_000);
      const session = await this.auth.openDeviceSession(tx, device.userId, ends, ctx);
      await recordAudit(
        tx,
        {
          principal: { userId: device.userId, role: 'board', centre: null, username: device.name },
          source: ctx.source,
        },
        {
          action: 'board.claim',
          outcome: 'ok',
          targetType: 'session',
          targetId: session.sessionId,
          details: { device: device.id },
        },
      );
      return { userId: device.userId, ...session };
    });
    return {
      status: 'paired',
      session: await this.auth.devicePair(opened.userId, opened.sessionId, opened.refreshToken),
    };
  }

  /** An administrator enters the code a screen shows and names the device. */
  async register(auth: AuthContext, name: string, code: string, source: string | null): Promise<BoardDevice> {
    await enforce(this.failures, auth, source, canAdminister(auth.principal), 'board.pair', {
      type: 'board_device',
    });
    const key = auth.principal.userId;
    const spent = await this.wrongCodes.get(key);
    if (spent && spent.consumedPoints >= this.config.TANSIQ_PAIRING_FAILURES_PER_ADMIN)
      throw tooMany(spent, 'too many wrong pairing codes; try again later');
    // Hashed before the transaction: argon2 takes a moment and holds nothing.
    const passwordHash = await hashPassword(randomBytes(32).toString('base64url'));
    const device = await this.db.transaction(async (tx) => {
      const [pairing] = await tx
        .select()
        .from(boardPairings)
        .where(
          and(
            eq(boardPairings.codeHash, sha256(code)),
            isNull(boardPairings.pairedAt),
            gt(boardPairings.expiresAt, sql`now()`),
          ),
        )
        .for('update');
      if (!pairing) return null;
      const [user] = await tx
        .insert(users)
        .values({
          username: `wall-${randomBytes(4).toString('hex')}`,
          displayName: name,
          role: 'board',
          centre: null,
          passwordHash,
        })
        .returning();
      const [row] = await tx
        .insert(boardDevices)
        .values({ userId: user!.id, name, createdBy: auth.principal.userId })
        .returning();
      // Paired once: the conditional update finds no unpaired row when another administrator was first.
      const [paired] = await tx
        .update(boardPairings)
        .set({ pairedAt: sql`now()`, deviceId: row!.id })
        .where(and(eq(boardPairings.id, pairing.id), isNull(boardPairings.pairedAt)))
        .returning({ id: boardPairings.id });
      if (!paired) throw errors.conflict('this code has just been used');
      await recordAudit(tx, actorOf(auth, source), {
        action: 'board.pair',
        outcome: 'ok',
        targetType: 'board_device',
        targetId: row!.id,
        details: { name, username: user!.username },
      });
      return { ...row!, username: user!.username, creator: auth.username };
    });
    if (!device) {
      await this.wrongCodes.penalty(key).catch(() => undefined);
      await this.failures.record(actorOf(auth, source), {
        action: 'board.pair',
        outcome: 'failed',
        targetType: 'board_device',
        details: { reason: 'unknown_or_expired_code' },
      });
      throw errors.notFound('no wall screen is showing this code (it may have expired)');
    }
    await this.wrongCodes.delete(key);
    return {
      id: device.id,
      name: device.name,
      username: device.username,
      createdAt: device.createdAt.toISOString(),
      createdBy: device.creator,
      sessionExpiresAt: null,
      lastSeenAt: null,
      revokedAt: null,
    };
  }

  async list(auth: AuthContext, source: string | null): Promise<BoardDevice[]> {
    await enforce(this.failures, auth, source, canAdminister(auth.principal), 'board.list', {
      type: 'board_device',
    });
    const creators = this.db
      .$with('creators')
      .as(this.db.select({ id: users.id, username: users.username }).from(users));
    const rows = await this.db
      .with(creators)
      .select({ device: boardDevices, username: users.username, creator: creators.username })
      .from(boardDevices)
      .innerJoin(users, eq(users.id, boardDevices.userId))
      .innerJoin(creators, eq(creators.id, boardDevices.createdBy))
      .orderBy(asc(boardDevices.name));
    const open = await this.db
      .select()
      .from(sessions)
      .where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
      .orderBy(desc(sessions.createdAt));
    return rows.map(({ device, username, creator }) => {
      const session = open.find((s) => s.userId === device.userId);
      return {
        id: device.id,
        name: device.name,
        username,
        createdAt: device.createdAt.toISOString(),
        createdBy: creator,
        sessionExpiresAt: session?.expiresAt?.toISOString() ?? null,
        lastSeenAt: session?.lastUsedAt.toISOString() ?? null,
        revokedAt: device.revokedAt?.toISOString() ?? null,
      };
    });
  }

  /** Revokes a device at once: its user disabled, its session ended, its sockets closed on every process. */
  async revoke(auth: AuthContext, id: string, source: string | null): Promise<void> {
    await enforce(this.failures, auth, source, canAdminister(auth.principal), 'board.revoke', {
      type: 'board_device',
      id,
    });
    await this.db.transaction(async (tx) => {
      const [device] = await tx
        .update(boardDevices)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(boardDevices.id, id), isNull(boardDevices.revokedAt)))
        .returning();
      if (!device) {
        const [exists] = await tx
          .select({ id: boardDevices.id })
          .from(boardDevices)
          .where(eq(boardDevices.id, id));
        if (!exists) throw errors.notFound('no such board device');
        return; // revoked already: nothing more to do
      }
      await tx
        .update(users)
        .set({ disabledAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(users.id, device.userId));
      await recordAudit(tx, actorOf(auth, source), {
        action: 'board.revoke',
        outcome: 'ok',
        targetType: 'board_device',
        targetId: id,
        details: { name: device.name },
      });
      await this.auth.endUserSessions(tx, device.userId, 'device_revoked');
    });
  }
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function tooMany(r: unknown, message: string): AppError {
  const ms = r instanceof RateLimiterRes ? r.msBeforeNext : WINDOW_SECONDS * 1000;
  return new AppError(429, 'rate_limited', message, { retryAfterSeconds: Math.ceil(ms / 1000) });
}
