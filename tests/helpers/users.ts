import { io as connect, type Socket } from 'socket.io-client';
import type { Role, TokenPair } from '@tansiq/shared';
import { hashPassword, schema, type Database } from '@tansiq/hub-server';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  username: string;
  role: Role;
  centre: string | null;
}

/** Every role at every centre it can belong to: the rows of the access matrix. */
export const testUsers: TestUser[] = [
  ...(['EAST', 'WEST', 'SOUTH'] as const).flatMap((centre) => [
    { username: `officer.${centre.toLowerCase()}`, role: 'officer' as const, centre },
    { username: `supervisor.${centre.toLowerCase()}`, role: 'supervisor' as const, centre },
  ]),
  { username: 'analyst', role: 'analyst', centre: 'STUDIES' },
  { username: 'coordinator', role: 'coordinator', centre: null },
  { username: 'board', role: 'board', centre: null },
  { username: 'admin', role: 'admin', centre: null },
];

/** Inserts the test users (one password for all) and returns their ids by username. */
export async function seedUsers(database: Database): Promise<Map<string, string>> {
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const rows = await database.db
    .insert(schema.users)
    .values(testUsers.map((u) => ({ ...u, displayName: u.username, passwordHash })))
    .returning();
  return new Map(rows.map((r) => [r.username, r.id]));
}

export async function login(url: string, username: string, password = TEST_PASSWORD): Promise<TokenPair> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as TokenPair;
}

/** A real socket.io-client connection with the given token; resolves once connected, rejects on refusal. */
export function connectSocket(
  url: string,
  token: string | undefined,
  options: { transport?: 'websocket' | 'polling'; origin?: string } = {},
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, {
      transports: [options.transport ?? 'websocket'],
      reconnection: false,
      timeout: 5000,
      auth: token === undefined ? {} : { token },
      ...(options.origin ? { extraHeaders: { origin: options.origin } } : {}),
    });
    socket.on('connect', () => resolve(socket));
    socket.on('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

export function api(url: string, token?: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
}
