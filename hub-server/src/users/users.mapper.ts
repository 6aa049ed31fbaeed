import type { User } from '@tansiq/shared';
import type { users } from './users.table.ts';

/** The public shape of a user: never the password hash. */
export function toUser(row: typeof users.$inferSelect): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    centre: row.centre,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
