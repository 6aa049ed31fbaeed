import fs from 'node:fs';
import path from 'node:path';
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

/** Where the demo accounts' passwords are written: beside the hub's key, in its data directory. */
export function demoAccountsFile(dataDir: string): string {
  return path.resolve(dataDir, 'demo-accounts.txt');
}

/**
 * Writes the demo accounts and their passwords to `file`, readable and writable by the hub's user
 * only (0600), never to the log stream. Replaces an earlier file (its accounts no longer exist).
 */
export function writeDemoAccounts(file: string, accounts: DemoAccount[]): void {
  const lines = accounts.map(
    (a) => `${a.username.padEnd(18)} ${a.role.padEnd(12)} ${(a.centre ?? '-').padEnd(8)} ${a.password}`,
  );
  const text = [
    '# Tansiq demo accounts — حسابات تنسيق التجريبية',
    '# The hub stores only argon2id hashes; this file is the one copy of the passwords. Delete it once read.',
    '# يحفظ الخادم بصمات كلمات المرور فقط؛ هذا الملف هو النسخة الوحيدة منها. احذفه بعد قراءته.',
    `${'username'.padEnd(18)} ${'role'.padEnd(12)} ${'centre'.padEnd(8)} password`,
    ...lines,
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true });
  // Created with 0600 (the mode applies only to a new file, hence the removal above).
  fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
}
