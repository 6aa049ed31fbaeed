import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import type { Role } from '@tansiq/shared';
import type { AppDb } from '../db/database.ts';
import { users } from '../users/users.table.ts';
import { hashPassword } from '../users/passwords.ts';

export interface DemoAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  centre: string | null;
  password: string;
}

const demoUsers: Omit<DemoAccount, 'id' | 'password'>[] = [
  { username: 'officer.east', displayName: 'ضابط مناوب — الشرق', role: 'officer', centre: 'EAST' },
  { username: 'officer.west', displayName: 'ضابط مناوب — الغرب', role: 'officer', centre: 'WEST' },
  { username: 'officer.south', displayName: 'ضابط مناوب — الجنوب', role: 'officer', centre: 'SOUTH' },
  { username: 'supervisor.east', displayName: 'مشرف المناوبة — الشرق', role: 'supervisor', centre: 'EAST' },
  // A second EAST supervisor: the one who accepts (or returns) a handover the first one wrote.
  {
    username: 'relief.east',
    displayName: 'مشرف المناوبة البديل — الشرق',
    role: 'supervisor',
    centre: 'EAST',
  },
  { username: 'supervisor.west', displayName: 'مشرف المناوبة — الغرب', role: 'supervisor', centre: 'WEST' },
  {
    username: 'supervisor.south',
    displayName: 'مشرف المناوبة — الجنوب',
    role: 'supervisor',
    centre: 'SOUTH',
  },
  { username: 'analyst', displayName: 'محلل — مركز الدراسات', role: 'analyst', centre: 'STUDIES' },
  // A second analyst: the second pair of eyes on a brief the first one wrote.
  {
    username: 'analyst.review',
    displayName: 'محلل مراجع — مركز الدراسات',
    role: 'analyst',
    centre: 'STUDIES',
  },
  { username: 'coordinator', displayName: 'منسق الفريق الفني المشترك', role: 'coordinator', centre: null },
  { username: 'board', displayName: 'شاشة غرفة الاجتماعات', role: 'board', centre: null },
  { username: 'admin', displayName: 'مدير النظام', role: 'admin', centre: null },
];

/**
 * Loads demo accounts into a database that has no users yet, each with a fresh random password.
 * Returns the accounts made (with their passwords, to be shown once), or [] when there were users.
 */
export async function loadDemoData(db: AppDb): Promise<DemoAccount[]> {
  const [row] = await db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return [];
  const accounts = demoUsers.map((u) => ({ ...u, password: randomBytes(9).toString('base64url') }));
  const rows = await Promise.all(
    accounts.map(async ({ password, ...u }) => ({ ...u, passwordHash: await hashPassword(password) })),
  );
  const made = await db.insert(users).values(rows).returning({ id: users.id, username: users.username });
  const ids = new Map(made.map((u) => [u.username, u.id]));
  return accounts.map((a) => ({ ...a, id: ids.get(a.username)! }));
}
