import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Handover, HandoverContent } from '@tansiq/shared';
import { hashPassword, schema, type Database } from '@tansiq/hub-server';
import { api, login, TEST_PASSWORD } from './users.ts';

/** A clock the hub reads shifts from; `advance` moves it (hours) to reach the next shifts. */
export function testClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advanceHours(h: number) {
      offsetMs += h * 3_600_000;
    },
  };
}

/** A second supervisor per joint centre: the incoming one who accepts or returns. */
export async function seedIncomingSupervisors(database: Database): Promise<void> {
  const passwordHash = await hashPassword(TEST_PASSWORD);
  await database.db.insert(schema.users).values(
    ['EAST', 'WEST', 'SOUTH'].map((centre) => ({
      username: `incoming.${centre.toLowerCase()}`,
      displayName: `incoming ${centre}`,
      role: 'supervisor' as const,
      centre,
      passwordHash,
    })),
  );
}

export type Call = ReturnType<typeof api>;

export async function caller(url: string, username: string): Promise<Call> {
  return api(url, (await login(url, username)).accessToken);
}

export const emptyContent = (): HandoverContent => ({
  events: [],
  resources: [],
  tasks: [],
  notes: '',
  cleared: [],
});

/** Drafts, fills, submits and has the incoming supervisor accept the current shift's handover. */
export async function handOver(
  outgoing: Call,
  incoming: Call,
  fill: (h: Handover) => HandoverContent = () => emptyContent(),
): Promise<Handover> {
  const draft = await outgoing('POST', '/api/v1/handovers', {});
  expect([200, 201], JSON.stringify(draft.body)).toContain(draft.status);
  const h = (draft.body as { handover: Handover }).handover;
  const saved = await outgoing('PATCH', `/api/v1/handovers/${h.id}`, {
    content: fill(h),
    revision: h.revision,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  expect((await outgoing('POST', `/api/v1/handovers/${h.id}/submit`, {})).status).toBe(200);
  const accepted = await incoming('POST', `/api/v1/handovers/${h.id}/accept`, {});
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return (accepted.body as { handover: Handover }).handover;
}

export const task = (text: string, flagged = false) => ({ id: randomUUID(), text, flagged });
