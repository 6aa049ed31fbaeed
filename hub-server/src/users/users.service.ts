import { asc, eq, sql } from 'drizzle-orm';
import type { CreateUser, PatchUser, Role, User } from '@tansiq/shared';
import { centreKindFor } from '@tansiq/shared';
import type { AppDb, AppTx } from '../db/database.ts';
import { errors } from '../http/errors.ts';
import { recordAudit, type Actor } from '../audit/audit.service.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { centres } from '../centres/centres.table.ts';
import { users } from './users.table.ts';
import { toUser } from './users.mapper.ts';
import { hashPassword } from './passwords.ts';
import { boardDevices } from '../board/board-devices.table.ts';

/** A wall screen's user is managed as a board device (pairing, revocation), never as a person. */
async function refuseDeviceUser(tx: AppTx, id: string): Promise<void> {
  const [device] = await tx
    .select({ id: boardDevices.id })
    .from(boardDevices)
    .where(eq(boardDevices.userId, id));
  if (device) throw errors.conflict('this account belongs to a wall screen: manage it under board devices');
}

/** Users: list, create, change, disable, reset password. Access is checked by the caller (admin only). */
export class UsersService {
  constructor(
    private readonly db: AppDb,
    private readonly auth: AuthService,
  ) {}

  async list(): Promise<User[]> {
    const rows = await this.db.select().from(users).orderBy(asc(users.username));
    return rows.map(toUser);
  }

  async get(id: string): Promise<User> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    if (!row) throw errors.notFound('no such user');
    return toUser(row);
  }

  create(input: CreateUser, actor: Actor): Promise<User> {
    return createUser(this.db, input, actor);
  }

  /** A change of role, centre or a disable ends the user's sessions at once (REST and sockets). */
  async update(id: string, patch: PatchUser, actor: Actor): Promise<User> {
    return this.db.transaction(async (tx) => {
      const [current] = await tx.select().from(users).where(eq(users.id, id)).for('update');
      if (!current) throw errors.notFound('no such user');
      await refuseDeviceUser(tx, id);
      const role = patch.role ?? current.role;
      const centre =
        patch.centre !== undefined
          ? patch.centre
          : patch.role && centreKindFor(patch.role) === null
            ? null
            : current.centre;
      await checkCentre(tx, role, centre);
      const disabledAt =
        patch.disabled === undefined
          ? current.disabledAt
          : patch.disabled
            ? (current.disabledAt ?? new Date())
            : null;
      if (actor.principal?.userId === id && (disabledAt || role !== 'admin')) {
        throw errors.conflict('an administrator cannot disable or demote their own account');
      }
      const [row] = await tx
        .update(users)
        .set({
          displayName: patch.displayName ?? current.displayName,
          role,
          centre,
          disabledAt,
          updatedAt: sql`now()`,
        })
        .where(eq(users.id, id))
        .returning();
      const endsSessions =
        role !== current.role ||
        centre !== current.centre ||
        (disabledAt !== null && current.disabledAt === null);
      await recordAudit(tx, actor, {
        action: 'user.update',
        outcome: 'ok',
        targetType: 'user',
        targetId: id,
        details: {
          changed: Object.keys(patch),
          role,
          centre,
          disabled: disabledAt !== null,
          sessionsEnded: endsSessions,
        },
      });
      // Last: it appends an event, and event writers go one at a time from here to the commit.
      if (endsSessions) await this.auth.endUserSessions(tx, id, 'account_changed');
      return toUser(row!);
    });
  }

  async resetPassword(id: string, password: string, actor: Actor): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      await refuseDeviceUser(tx, id);
      const [row] = await tx
        .update(users)
        .set({ passwordHash, updatedAt: sql`now()` })
        .where(eq(users.id, id))
        .returning({ id: users.id });
      if (!row) throw errors.notFound('no such user');
      await recordAudit(tx, actor, {
        action: 'user.reset_password',
        outcome: 'ok',
        targetType: 'user',
        targetId: id,
      });
      await this.auth.endUserSessions(tx, id, 'password_reset');
    });
  }
}

/** Officers and supervisors belong to a joint centre, analysts to the studies centre, others to none. */
async function checkCentre(db: AppDb | AppTx, role: Role, centre: string | null): Promise<void> {
  const kind = centreKindFor(role);
  if (kind === null) {
    if (centre !== null) throw errors.badRequest(`a ${role} belongs to no centre`, { field: 'centre' });
    return;
  }
  if (centre === null) throw errors.badRequest(`a ${role} needs a centre`, { field: 'centre' });
  const [row] = await db.select().from(centres).where(eq(centres.code, centre));
  if (!row) throw errors.badRequest(`no centre ${centre}`, { field: 'centre' });
  if (row.kind !== kind)
    throw errors.badRequest(`a ${role} belongs to a ${kind} centre, not ${centre}`, { field: 'centre' });
}

/** Creates a user (password hashed with argon2id) and its audit record in one transaction. */
export async function createUser(db: AppDb, input: CreateUser, actor: Actor): Promise<User> {
  const centre = input.centre ?? null;
  await checkCentre(db, input.role, centre);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.username}) = lower(${input.username})`);
    if (taken) throw errors.conflict('that username is taken');
    const [row] = await tx
      .insert(users)
      .values({
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        centre,
        passwordHash,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'user.create',
      outcome: 'ok',
      targetType: 'user',
      targetId: row!.id,
      details: { username: row!.username, role: row!.role, centre: row!.centre },
    });
    return toUser(row!);
  });
}
